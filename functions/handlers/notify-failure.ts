// A step failed after its retries: cancels the execution's open tasks and tells the lead unit.

import { NotifyFailureInputSchema, notifyFailure } from '#domain/failures.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME', 'MAIL_FROM');

export const handler = lambdaHandler(NotifyFailureInputSchema, (input) =>
  notifyFailure(workflowDeps(), input),
);
