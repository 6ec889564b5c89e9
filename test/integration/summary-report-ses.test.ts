// The summary to the higher level carries the programme's report as a .docx, sent through the local SES (a raw message, stored with its attachment).
import { afterAll, describe, it } from 'vitest';
import { type HandlerEnv, startHandlerEnv } from '#test/support/handlers.ts';
import { expectSummaryWithReport } from '#test/support/summary-report.ts';

let env: HandlerEnv | undefined;
afterAll(async () => {
  await env?.close();
});

describe('the summary to the higher level (SES)', () => {
  it('carries the programme report as a .docx with every pilot, its score and the confirmed summary', async () => {
    env = await startHandlerEnv({ transport: 'ses' });
    await expectSummaryWithReport(env);
  });
});
