// SES bounce and complaint events (as SNS delivers them to the mail-events function) recorded against
// DynamoDB Local: the address's status, the flagged-address list and the audit trail of the task mailed.
// Event shapes follow https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-examples.html
import { beforeAll, describe, expect, it } from 'vitest';
import { recordMailEvents, SnsEventSchema } from '#domain/mail-events.ts';
import { listAuditOfPilot, listAuditOfTask } from '#store/audit.ts';
import { flaggedAmong, getContactStatuses, listFlaggedContacts } from '#store/contacts.ts';
import type { Store } from '#store/store.ts';
import { freshStore } from '#test/support/store.ts';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

const deps = () => ({ store, now: () => new Date('2023-02-05T08:00:00.000Z') });

let seq = 0;
/** A unique address per test, so tests share the table without seeing each other's reports. */
const address = (name: string) => `${name}-${++seq}@xx-county.example`;

interface Mail {
  messageId?: string;
  tags?: Record<string, string[]>;
}

function bounce(
  email: string,
  bounceType: 'Permanent' | 'Transient' | 'Undetermined',
  timestamp: string,
  mail: Mail = {},
) {
  return JSON.stringify({
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      bouncedRecipients: [
        { emailAddress: email, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
      ],
      timestamp,
      feedbackId: `feedback-${email}-${timestamp}`,
    },
    mail: {
      timestamp,
      source: 'pilotflow@xx-county.example',
      messageId: mail.messageId ?? `message-${email}`,
      destination: [email],
      tags: { 'ses:configuration-set': ['pilotflow'], ...mail.tags },
    },
  });
}

function complaint(email: string, timestamp: string, mail: Mail = {}) {
  return JSON.stringify({
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: email }],
      complaintFeedbackType: 'abuse',
      timestamp,
      feedbackId: `complaint-${email}-${timestamp}`,
    },
    mail: { timestamp, messageId: mail.messageId ?? `message-${email}`, tags: mail.tags ?? {} },
  });
}

const taskTags = (taskId: string) => ({
  programme: ['xx-2023'],
  pilot: ['gucheng'],
  task: [taskId],
  kind: ['task'],
});

describe('recording SES bounces and complaints', () => {
  it('records a hard bounce as a flagged address with the receiving server’s answer', async () => {
    const email = address('wang');

    const report = await recordMailEvents(deps(), [bounce(email, 'Permanent', '2023-02-05T07:00:00.000Z')]);

    expect(report).toEqual({ recorded: 1, superseded: 0, ignored: 0 });
    const status = (await getContactStatuses(store, [email])).get(email);
    expect(status).toMatchObject({
      email,
      status: 'bounced',
      reason: 'smtp; 550 5.1.1 user unknown',
      type: 'Permanent/General',
      lastEventAt: '2023-02-05T07:00:00.000Z',
      reports: 1,
    });
  });

  it('matches an address case-insensitively', async () => {
    const email = address('li');

    await recordMailEvents(deps(), [bounce(email.toUpperCase(), 'Permanent', '2023-02-05T07:00:00.000Z')]);

    expect(await flaggedAmong(store, [email])).toHaveLength(1);
  });

  it('lists complained addresses among the flagged, newest report first', async () => {
    const older = address('zhang');
    const newer = address('zhao');

    await recordMailEvents(deps(), [
      complaint(older, '2023-02-01T07:00:00.000Z'),
      complaint(newer, '2023-02-04T07:00:00.000Z'),
    ]);

    const flagged = (await listFlaggedContacts(store)).filter((c) => c.email === older || c.email === newer);
    expect(flagged.map((c) => [c.email, c.status])).toEqual([
      [newer, 'complained'],
      [older, 'complained'],
    ]);
  });

  it('keeps a soft bounce out of the flagged addresses', async () => {
    const email = address('chen');

    await recordMailEvents(deps(), [bounce(email, 'Transient', '2023-02-05T07:00:00.000Z')]);

    expect((await getContactStatuses(store, [email])).get(email)?.status).toBe('soft-bounced');
    expect(await flaggedAmong(store, [email])).toEqual([]);
    expect((await listFlaggedContacts(store)).map((c) => c.email)).not.toContain(email);
  });

  it('treats an undetermined bounce as temporary', async () => {
    const email = address('liu');

    await recordMailEvents(deps(), [bounce(email, 'Undetermined', '2023-02-05T07:00:00.000Z')]);

    expect((await getContactStatuses(store, [email])).get(email)?.status).toBe('soft-bounced');
  });

  it('does not let a later soft bounce hide a hard bounce', async () => {
    const email = address('sun');

    const report = await recordMailEvents(deps(), [
      bounce(email, 'Permanent', '2023-02-05T07:00:00.000Z'),
      bounce(email, 'Transient', '2023-02-05T07:30:00.000Z'),
    ]);

    expect(report).toEqual({ recorded: 1, superseded: 1, ignored: 0 });
    expect((await getContactStatuses(store, [email])).get(email)?.status).toBe('bounced');
  });

  it('does not let an older report arriving late overwrite a newer one', async () => {
    const email = address('zhou');

    await recordMailEvents(deps(), [complaint(email, '2023-02-05T07:00:00.000Z')]);
    const report = await recordMailEvents(deps(), [bounce(email, 'Permanent', '2023-02-04T07:00:00.000Z')]);

    expect(report.superseded).toBe(1);
    expect((await getContactStatuses(store, [email])).get(email)?.status).toBe('complained');
  });

  it('counts a report SNS delivers twice once', async () => {
    const email = address('wu');
    const event = bounce(email, 'Permanent', '2023-02-05T07:00:00.000Z');

    await recordMailEvents(deps(), [event]);
    const again = await recordMailEvents(deps(), [event]);

    expect(again).toEqual({ recorded: 0, superseded: 1, ignored: 0 });
    expect((await getContactStatuses(store, [email])).get(email)?.reports).toBe(1);
  });

  it('writes the bounce into the history of the task the e-mail was about, once', async () => {
    const email = address('xu');
    const taskId = `task-${seq}`;
    const event = bounce(email, 'Permanent', '2023-02-05T07:00:00.000Z', { tags: taskTags(taskId) });

    await recordMailEvents(deps(), [event]);
    await recordMailEvents(deps(), [event]);

    const audit = await listAuditOfTask(store, taskId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      programmeId: 'xx-2023',
      pilotId: 'gucheng',
      taskId,
      actor: 'system',
      action: 'email.bounced',
      at: '2023-02-05T07:00:00.000Z',
      details: { email, status: 'bounced', kind: 'task' },
    });
    expect(audit[0]?.summary).toContain(email);
  });

  it('writes a complaint about a programme-wide message into the programme’s history', async () => {
    const email = address('he');

    await recordMailEvents(deps(), [
      complaint(email, '2023-02-05T07:00:00.000Z', { tags: { programme: ['xx-2023-b'], kind: ['summary'] } }),
    ]);

    const audit = await listAuditOfPilot(store, 'xx-2023-b', '-');
    expect(audit.map((a) => a.action)).toEqual(['email.complained']);
  });

  it('ignores deliveries, other event types and messages that are not SES events', async () => {
    const delivery = JSON.stringify({
      eventType: 'Delivery',
      mail: { messageId: 'm-1', timestamp: '2023-02-05T07:00:00.000Z' },
      delivery: { recipients: ['a@xx-county.example'] },
    });
    const warnings: string[] = [];

    const report = await recordMailEvents({ ...deps(), log: { warn: (m) => warnings.push(m) } }, [
      delivery,
      'not json',
      JSON.stringify({ hello: 'world' }),
    ]);

    expect(report).toEqual({ recorded: 0, superseded: 0, ignored: 3 });
    expect(warnings).toHaveLength(2);
  });

  it('accepts the SNS event Lambda receives and refuses one from another source', () => {
    const record = (source: string) => ({
      Records: [{ EventSource: source, Sns: { MessageId: 'sns-1', Message: '{}' } }],
    });

    expect(SnsEventSchema.safeParse(record('aws:sns')).success).toBe(true);
    expect(SnsEventSchema.safeParse(record('aws:sqs')).success).toBe(false);
    expect(SnsEventSchema.safeParse({ Records: [] }).success).toBe(false);
  });
});
