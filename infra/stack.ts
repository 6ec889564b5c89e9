import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** Everything PilotFlow deploys, in one stack. Environment-agnostic: no account or region lookups. */
export class PilotFlowStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
  }
}
