// The Programme execution's wait for every pilot (`.waitForTaskToken`): parks the token on the programme.
import { AwaitPilotsInputSchema, awaitPilots } from '#domain/progress.ts';
import { requireConfig } from '#lib/config.ts';
import { sendTaskSuccess, workflowDeps } from '#lib/deps.ts';
import { lambdaHandler } from '#lib/middleware.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(AwaitPilotsInputSchema, (input) =>
  awaitPilots({ ...workflowDeps(), sendTaskSuccess }, input),
);
