// A human task timed out: marks it, cancels the execution's other open tasks and tells the lead unit.

import { CloseTaskInputSchema, closeStalledTask } from '#domain/failures.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME', 'MAIL_FROM');

export const handler = lambdaHandler(CloseTaskInputSchema, (input) =>
  closeStalledTask(workflowDeps(), input),
);
