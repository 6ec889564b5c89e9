// Scores a county acceptance from the working group's decisions: accepted, returned or failed.

import { ScoreAcceptanceInputSchema, scoreAcceptance } from '#domain/acceptance.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(ScoreAcceptanceInputSchema, (input) =>
  scoreAcceptance(workflowDeps(), input),
);
