// The summary to the higher level carries the programme's report as a .docx, sent through the SMTP transport (nodemailer, to a local SMTP capture).
import { afterAll, describe, it } from 'vitest';
import { type HandlerEnv, startHandlerEnv } from '#test/support/handlers.ts';
import { expectSummaryWithReport } from '#test/support/summary-report.ts';

let env: HandlerEnv | undefined;
afterAll(async () => {
  await env?.close();
});

describe('the summary to the higher level (SMTP)', () => {
  it('carries the programme report as a .docx with every pilot, its score and the confirmed summary', async () => {
    env = await startHandlerEnv({ transport: 'smtp' });
    await expectSummaryWithReport(env);
  });
});
