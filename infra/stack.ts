import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PilotFlowTable } from './constructs/table.ts';

/** Everything PilotFlow deploys, in one stack. Environment-agnostic: no account or region lookups. */
export class PilotFlowStack extends Stack {
  readonly table: PilotFlowTable;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    this.table = new PilotFlowTable(this, 'Data');
  }
}
