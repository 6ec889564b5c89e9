// The mail-events function as Lambda runs it, with the SNS event the configuration set's topic delivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditOfTask } from '#store/audit.ts';
import { getContactStatuses } from '#store/contacts.ts';
import { type HandlerEnv, startHandlerEnv } from '#test/support/handlers.ts';

let env: HandlerEnv;
beforeAll(async () => {
  env = await startHandlerEnv();
});
afterAll(async () => {
  await env.close();
});

/** SNS's Lambda event around one SES event (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html). */
function snsEvent(message: unknown) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:MailEvents:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'sns-message-1',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:MailEvents',
          Message: JSON.stringify(message),
          Timestamp: '2023-02-05T07:00:01.000Z',
        },
      },
    ],
  };
}

describe('the mail-events function', () => {
  it('records a hard bounce on the contact and in the history of the task the e-mail was about', async () => {
    const event = snsEvent({
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'Gone@xx-town.example', diagnosticCode: 'smtp; 550 5.1.1' }],
        timestamp: '2023-02-05T07:00:00.000Z',
        feedbackId: 'feedback-1',
      },
      mail: {
        messageId: 'ses-message-1',
        timestamp: '2023-02-05T06:59:58.000Z',
        tags: { programme: ['xx-2023'], pilot: ['gucheng'], task: ['task-1'], kind: ['task'] },
      },
    });

    const report = await env.invoke('mail-events', event);

    expect(report).toEqual({ recorded: 1, superseded: 0, ignored: 0 });
    const status = (await getContactStatuses(env.store, ['gone@xx-town.example'])).get(
      'gone@xx-town.example',
    );
    expect(status).toMatchObject({ status: 'bounced', reason: 'smtp; 550 5.1.1' });
    expect((await listAuditOfTask(env.store, 'task-1')).map((a) => a.action)).toEqual(['email.bounced']);
  });

  it('refuses an event that does not come from SNS, naming the field', async () => {
    const event = { Records: [{ EventSource: 'aws:sqs', body: '{}' }] };

    await expect(env.invoke('mail-events', event)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('Records[0].EventSource'),
    });
  });
});
