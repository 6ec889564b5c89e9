// Sends the confirmed summary materials to the higher level (报送试点工作总结材料), the report attached as .docx,
// and completes the programme.

import { SendSummaryInputSchema, sendSummary } from '#domain/reports.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { programmeReport } from '#presentation/documents/report.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME', 'MAIL_FROM');

export const handler = lambdaHandler(SendSummaryInputSchema, (input) =>
  sendSummary({ ...workflowDeps(), programmeReport }, input),
);
