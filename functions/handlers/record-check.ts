// Records a supervision check and tells the Implementation machine whether problems must be rectified.

import { RecordCheckInputSchema, recordCheck } from '#domain/checks.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(RecordCheckInputSchema, (input) => recordCheck(workflowDeps(), input));
