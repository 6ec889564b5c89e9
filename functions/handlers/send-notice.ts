// Sends a workflow notice (the mobilisation notice), once per recipient.

import { SendNoticeInputSchema, sendNotice } from '#domain/notices.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME', 'MAIL_FROM');

export const handler = lambdaHandler(SendNoticeInputSchema, (input) => sendNotice(workflowDeps(), input));
