// Opens a human task for a `.waitForTaskToken` step: stores it, issues one signed link per assignee and
// e-mails each their own. The decision comes back to the execution from the approval page.

import { linkSigningKey } from '#adapters/secrets.ts';
import { OpenTaskInputSchema, openTask } from '#domain/open-task.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

const config = requireConfig('TABLE_NAME', 'MAIL_FROM', 'API_BASE_URL', 'LINK_SIGNING_SECRET_ARN');

export const handler = lambdaHandler(OpenTaskInputSchema, (input) =>
  openTask({ ...workflowDeps(), linkSigningKey, apiBaseUrl: config.API_BASE_URL }, input),
);
