// The SMTP transport (regions without SES): the handlers with MAIL_TRANSPORT=smtp send the same e-mails,
// rendered by the same templates, to an SMTP server whose settings come from Secrets Manager; checked against a
// local SMTP capture (npm smtp-server) that parses every message back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTaskEmail } from '#presentation/email/task-email.ts';
import { samplePlan } from '#test/fixtures/plans.ts';
import {
  API_BASE_URL,
  type HandlerEnv,
  startHandlerEnv,
  storeLaunchedProgramme,
} from '#test/support/handlers.ts';
import { type SmtpCapture, startSmtpCapture } from '#test/support/smtp-capture.ts';

const plan = samplePlan();
const PROGRAMME = plan.programme.id;
const FROM = 'PilotFlow <pilotflow@xx-county.example>';

let env: HandlerEnv;

beforeAll(async () => {
  env = await startHandlerEnv({ transport: 'smtp' });
  await storeLaunchedProgramme(env.store, plan);
});

afterAll(async () => {
  await env?.close();
});

// Each test that needs other server behaviour starts its own capture.
async function withCapture<T>(
  options: Parameters<typeof startSmtpCapture>[0],
  fn: (capture: SmtpCapture) => Promise<T>,
): Promise<T> {
  const capture = await startSmtpCapture(options);
  try {
    return await fn(capture);
  } finally {
    await capture.close();
  }
}

const sendSmtp = async (...args: Parameters<typeof import('#adapters/smtp.ts').sendSmtp>) =>
  (await import('#adapters/smtp.ts')).sendSmtp(...args);

describe('the SMTP transport', () => {
  it("sends open-task's e-mails through the SMTP server: each assignee their own link, in Chinese, text and HTML", async () => {
    const event = {
      taskToken: `token-${randomUUID()}`,
      taskId: randomUUID(),
      programmeId: PROGRAMME,
      pilotId: 'gucheng',
      stage: 'launch',
      kind: 'planReview',
      step: 'Review the implementation plan',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Launch:gucheng-launch',
      round: 1,
      assignee: 'stageLead',
    };

    const result = await env.invoke<{ emailsSent: number }>('open-task', event);

    expect(result.emailsSent).toBe(2);
    const received = env.smtp!.received;
    expect(received.map((m) => m.envelopeTo).sort()).toEqual([
      ['minzheng-office@xx-county.example'],
      ['minzheng@xx-county.example'],
    ]);
    for (const mail of received) {
      expect(mail.envelopeFrom).toBe('pilotflow@xx-county.example');
      expect(mail.from).toBe('"PilotFlow" <pilotflow@xx-county.example>');
      expect(mail.subject).toContain('【待办】XX镇古城社区：审核实施方案');
      expect(mail.text).toContain(`${API_BASE_URL}/a/`);
      expect(mail.html).toContain(`${API_BASE_URL}/a/`);
      expect(mail.html).toContain('XX镇古城社区');
      // Headers are ASCII on the wire (RFC 2047 encoded words); the body declares UTF-8.
      expect(mail.raw).toMatch(/^Subject: =\?UTF-8\?/m);
      expect(mail.raw).toMatch(/charset=utf-8/i);
      expect(mail.headers.get('x-pilotflow-tags')).toContain('kind=task');
    }
  });

  it('sends the same subject, text and HTML as the template renders, with every recipient and copy', async () => {
    const email = renderTaskEmail({
      plan,
      task: {
        kind: 'acceptance',
        title: 'XX镇樟树社区：县级验收',
        round: 1,
        dueAt: '2023-11-20T16:00:00.000Z',
        pilotId: 'zhangshu',
      },
      assignee: { name: '王芳', email: 'caizheng@xx-county.example' },
      url: `${API_BASE_URL}/a/link-1?sig=abc`,
      linkExpiresAt: '2023-11-27T16:00:00.000Z',
    });

    await withCapture({}, async (capture) => {
      await sendSmtp(
        {
          to: ['caizheng@xx-county.example', 'zuzhibu@xx-county.example'],
          cc: ['minzheng@xx-county.example'],
          ...email,
        },
        FROM,
        capture.settings,
      );

      const [mail] = capture.received;
      expect(mail!.subject).toBe(email.subject);
      expect(mail!.text.trim()).toBe(email.text.trim());
      expect(mail!.html).toBe(email.html);
      expect(mail!.to).toEqual(['caizheng@xx-county.example', 'zuzhibu@xx-county.example']);
      expect(mail!.cc).toEqual(['minzheng@xx-county.example']);
      expect(mail!.envelopeTo.sort()).toEqual([
        'caizheng@xx-county.example',
        'minzheng@xx-county.example',
        'zuzhibu@xx-county.example',
      ]);
    });
  });

  it('refuses to send to a server that offers no TLS, so no password or message crosses the network in clear', async () => {
    await withCapture({ tls: false }, async (capture) => {
      const sending = sendSmtp(
        { to: ['minzheng@xx-county.example'], subject: '测试', text: '正文', html: '<p>正文</p>' },
        FROM,
        capture.settings,
      );

      await expect(sending).rejects.toThrow(/STARTTLS/i);
      expect(capture.received).toEqual([]);
    });
  });

  it('refuses a server whose certificate it cannot verify', async () => {
    await withCapture({}, async (capture) => {
      const { ca: _trusted, ...untrusted } = capture.settings;

      const sending = sendSmtp(
        { to: ['minzheng@xx-county.example'], subject: '测试', text: '正文', html: '<p>正文</p>' },
        FROM,
        untrusted,
      );

      await expect(sending).rejects.toThrow(/certificate/i);
      expect(capture.received).toEqual([]);
    });
  });

  it('reports a temporary refusal (4xx) as TransientError, which the workflows retry', async () => {
    await withCapture({ rejectRecipient: { code: 451, message: 'Try again later' } }, async (capture) => {
      const sending = sendSmtp(
        { to: ['minzheng@xx-county.example'], subject: '测试', text: '正文', html: '<p>正文</p>' },
        FROM,
        capture.settings,
      );

      await expect(sending).rejects.toMatchObject({ name: 'TransientError' });
    });
  });

  it('reports wrong credentials as a permanent error, not retried', async () => {
    await withCapture({}, async (capture) => {
      const sending = sendSmtp(
        { to: ['minzheng@xx-county.example'], subject: '测试', text: '正文', html: '<p>正文</p>' },
        FROM,
        { ...capture.settings, password: 'wrong' },
      );

      await expect(sending).rejects.toMatchObject({ code: 'EAUTH' });
      await expect(sending).rejects.not.toMatchObject({ name: 'TransientError' });
    });
  });

  it('reports a server that does not answer as TransientError', async () => {
    const closed = await startSmtpCapture();
    await closed.close();

    const sending = sendSmtp(
      { to: ['minzheng@xx-county.example'], subject: '测试', text: '正文', html: '<p>正文</p>' },
      FROM,
      closed.settings,
    );

    await expect(sending).rejects.toMatchObject({ name: 'TransientError' });
  });
});

describe('the SMTP settings', () => {
  it('name every problem of a malformed secret without repeating its values', async () => {
    const { parseSmtpSettings } = await import('#adapters/smtp.ts');

    const parse = () =>
      parseSmtpSettings(JSON.stringify({ host: 'smtp.xx-county.example', port: 'x', password: 's3cret!' }));

    expect(parse).toThrow(/port: .*; secure: .*; user: /);
    expect(parse).not.toThrow(/s3cret!/);
  });

  it("refuse the stack's placeholder until an operator puts the server's settings in", async () => {
    const { parseSmtpSettings, PLACEHOLDER_HOST } = await import('#adapters/smtp.ts');
    const placeholder = { host: PLACEHOLDER_HOST, port: 465, secure: true, user: 'x', password: 'generated' };

    expect(() => parseSmtpSettings(JSON.stringify(placeholder))).toThrow(/placeholder/);
  });
});
