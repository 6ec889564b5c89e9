// The Programme execution's wait for every pilot (`.waitForTaskToken`): parks the token on the programme.

import { sendTaskSuccess } from '#adapters/sfn.ts';
import { AwaitPilotsInputSchema, awaitPilots } from '#domain/progress.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(AwaitPilotsInputSchema, (input) =>
  awaitPilots({ ...workflowDeps(), sendTaskSuccess }, input),
);
