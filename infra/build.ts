// Builds the CDK app: the stack plus cdk-nag's AwsSolutions checks, which run on every synth.
import { App, type AppProps, Validations } from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PilotFlowStack } from './stack.ts';

export function buildApp(props: AppProps = {}): { app: App; stack: PilotFlowStack } {
  const app = new App(props);
  const stack = new PilotFlowStack(app, 'PilotFlow', {
    description: 'PilotFlow: workflow automation for government pilot programmes',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
