// Bounces and complaints from SES (configuration-set event publishing through SNS): each affected address's
// status is recorded (functions/store/contacts.ts) and, for mail PilotFlow tagged with its programme, pilot and
// task, an audit event is written there, so the task's history says that its e-mail did not arrive.
// Event format: https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
// (examples: https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-examples.html).
import * as z from 'zod';
import { appendAudit } from '#store/audit.ts';
import { type ContactEvent, recordContactEvent } from '#store/contacts.ts';
import type { Store } from '#store/store.ts';
import { stableId } from './deps.ts';

const MailSchema = z.looseObject({
  messageId: z.string(),
  timestamp: z.string().optional(),
  /** Message tags, each a list of values (SES adds its own `ses:*` tags). */
  tags: z.record(z.string(), z.array(z.string())).optional(),
});

const BounceSchema = z.looseObject({
  bounceType: z.string(),
  bounceSubType: z.string().optional(),
  bouncedRecipients: z.array(
    z.looseObject({
      emailAddress: z.string(),
      status: z.string().optional(),
      diagnosticCode: z.string().optional(),
    }),
  ),
  timestamp: z.string(),
  feedbackId: z.string(),
});

const ComplaintSchema = z.looseObject({
  complainedRecipients: z.array(z.looseObject({ emailAddress: z.string() })),
  complaintFeedbackType: z.string().optional(),
  complaintSubType: z.string().nullable().optional(),
  timestamp: z.string(),
  feedbackId: z.string(),
});

/**
 * One SES event. `eventType` with event publishing; `notificationType` for an identity's own notifications,
 * accepted too so that an operator can point those at the same topic.
 */
export const SesEventSchema = z
  .looseObject({
    eventType: z.string().optional(),
    notificationType: z.string().optional(),
    mail: MailSchema,
    bounce: BounceSchema.optional(),
    complaint: ComplaintSchema.optional(),
  })
  .refine((e) => e.eventType !== undefined || e.notificationType !== undefined, {
    error: 'neither eventType nor notificationType',
  });
export type SesEvent = z.infer<typeof SesEventSchema>;

/** The SNS event Lambda receives: SES's JSON in each record's Message. */
export const SnsEventSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        EventSource: z.literal('aws:sns'),
        Sns: z.looseObject({ MessageId: z.string(), Message: z.string() }),
      }),
    )
    .min(1),
});

export interface MailEventDeps {
  store: Store;
  now: () => Date;
  log?: { warn(message: string, details: Record<string, unknown>): void };
}

export interface MailEventReport {
  /** Address reports applied (a newer one, or a first one). */
  recorded: number;
  /** Reports not applied: older than the stored one, delivered again, or a soft bounce after a hard one. */
  superseded: number;
  /** Events of other types (delivery, send, …), or that were not JSON SES events. */
  ignored: number;
}

const iso = (timestamp: string) => new Date(timestamp).toISOString();

/** The address reports one SES event makes (none for event types other than bounce and complaint). */
export function contactEventsOf(event: SesEvent): ContactEvent[] {
  const type = event.eventType ?? event.notificationType;
  const messageId = event.mail.messageId;
  if (type === 'Bounce' && event.bounce) {
    const b = event.bounce;
    // Undetermined bounces are treated as temporary: SES could not tell, and one must not flag on a guess.
    const status = b.bounceType === 'Permanent' ? 'bounced' : 'soft-bounced';
    return b.bouncedRecipients.map((r) => ({
      email: r.emailAddress.toLowerCase(),
      status,
      lastEventAt: iso(b.timestamp),
      reason: r.diagnosticCode ?? r.status ?? `${b.bounceType} bounce`,
      type: [b.bounceType, b.bounceSubType].filter(Boolean).join('/'),
      messageId,
      feedbackId: b.feedbackId,
    }));
  }
  if (type === 'Complaint' && event.complaint) {
    const c = event.complaint;
    const kind = c.complaintFeedbackType ?? c.complaintSubType ?? 'complaint';
    return c.complainedRecipients.map((r) => ({
      email: r.emailAddress.toLowerCase(),
      status: 'complained',
      lastEventAt: iso(c.timestamp),
      reason: `marked as unwanted (${kind})`,
      type: kind,
      messageId,
      feedbackId: c.feedbackId,
    }));
  }
  return [];
}

const tag = (event: SesEvent, name: string) => event.mail.tags?.[name]?.[0];

const ACTIONS: Record<ContactEvent['status'], string> = {
  bounced: 'email.bounced',
  complained: 'email.complained',
  'soft-bounced': 'email.soft-bounced',
};

/** Records the address reports of each SNS message; a message that is not an SES event is logged and ignored. */
export async function recordMailEvents(deps: MailEventDeps, messages: string[]): Promise<MailEventReport> {
  const report: MailEventReport = { recorded: 0, superseded: 0, ignored: 0 };
  for (const message of messages) {
    let event: SesEvent;
    try {
      event = SesEventSchema.parse(JSON.parse(message));
    } catch {
      report.ignored += 1;
      deps.log?.warn('ignored an SNS message that is not an SES event', { length: message.length });
      continue;
    }
    const contacts = contactEventsOf(event);
    if (contacts.length === 0) report.ignored += 1;
    for (const contact of contacts) {
      const applied = await recordContactEvent(deps.store, contact, deps.now().toISOString());
      if (applied) report.recorded += 1;
      else report.superseded += 1;
      await auditContactEvent(deps.store, event, contact);
    }
  }
  return report;
}

/** The event in the audit trail of the programme and pilot the message was about (from its tags), once. */
async function auditContactEvent(store: Store, event: SesEvent, contact: ContactEvent): Promise<void> {
  const programmeId = tag(event, 'programme');
  if (!programmeId) return;
  const taskId = tag(event, 'task');
  const kind = tag(event, 'kind');
  const what = { bounced: 'bounced', complained: 'was marked as unwanted', 'soft-bounced': 'was delayed' }[
    contact.status
  ];
  await appendAudit(store, {
    eventId: stableId('mail-event', contact.feedbackId, contact.email),
    programmeId,
    pilotId: tag(event, 'pilot') ?? '-',
    at: contact.lastEventAt,
    actor: 'system',
    action: ACTIONS[contact.status],
    ...(taskId ? { taskId } : {}),
    summary: `E-mail to ${contact.email} ${what}: ${contact.reason}`,
    details: {
      email: contact.email,
      status: contact.status,
      type: contact.type,
      reason: contact.reason,
      messageId: contact.messageId,
      ...(kind ? { kind } : {}),
    },
  });
}
