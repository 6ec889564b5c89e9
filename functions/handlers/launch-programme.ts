// Launches a programme from plan YAML: `{ planYaml, source? }` (the local cloud calls it with --plan; an
// admin route may later). Launching the same plan twice starts it once.

import { startExecution } from '#adapters/sfn.ts';
import { LaunchInputSchema, launchProgramme } from '#domain/launch.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

const config = requireConfig('TABLE_NAME', 'PROGRAMME_STATE_MACHINE_ARN');

export const handler = lambdaHandler(LaunchInputSchema, (input) =>
  launchProgramme(
    { ...workflowDeps(), programmeStateMachineArn: config.PROGRAMME_STATE_MACHINE_ARN, startExecution },
    input,
  ),
);
