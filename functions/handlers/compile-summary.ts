// Compiles a pilot's summary report (and e-mails it) or the programme's summary.

import { CompileSummaryInputSchema, compileSummary } from '#domain/reports.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME', 'MAIL_FROM');

export const handler = lambdaHandler(CompileSummaryInputSchema, (input) =>
  compileSummary(workflowDeps(), input),
);
