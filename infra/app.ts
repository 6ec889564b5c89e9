// The CDK app: the single source of truth that AWS deploys and the local cloud runs (ARCHITECTURE.md).
import { App } from 'aws-cdk-lib';
import { PilotFlowStack } from './stack.ts';

const app = new App();
new PilotFlowStack(app, 'PilotFlow', {
  description: 'PilotFlow: workflow automation for government pilot programmes',
});
app.synth();
