// The supervision page (督办): the escalation e-mails to a supervising unit and to the leading group carry, for
// each recipient, a signed, expiring, read-only link `GET {api}/s/{ticket}?sig=…` to the overdue tasks that
// party is asked to supervise, with one action per task, 催办: remind its assignees now (POST, with a form token
// as on the approval page). Nothing is stored for a link: the ticket names the programme, the party, the
// recipient (a hash of their address) and the expiry, and its signature binds them (links.ts). A GET writes
// nothing; a 催办 sends each assignee one e-mail per task and day however often it is asked, and is recorded
// in the task's audit trail with who asked.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { isWorkingDay, shiftDate } from '#plan/calendar.ts';
import { findContactsByEmail, findParty, leadingGroup, leadUnit } from '#plan/lookup.ts';
import { addPlanDuration, linkExpiresAt } from '#plan/schedule.ts';
import type { Party, Plan } from '#plan/schema.ts';
import { dateOf } from '#plan/time.ts';
import { appendAuditOnce } from '#store/audit.ts';
import type { Store } from '#store/store.ts';
import { getTask, listOpenTasksDueBy, type Person, type TaskRecord } from '#store/tasks.ts';
import type { RequestClient } from './client.ts';
import { sendOnce } from './deps.ts';
import { type PlannedMessage, type Recipient, supervisingParties } from './escalation.ts';
import {
  actionLinkFor,
  encodeTicketFields,
  type SigningKeys,
  supervisionFormToken,
  supervisionSignature,
  supervisionUrl,
  ticketFields,
  verifySupervisionFormToken,
  verifySupervisionSignature,
} from './links.ts';
import type { Email, Texts } from './mail.ts';
import { findPlan } from './plans.ts';

/** How long a supervision link works after the e-mail that carries it was made. */
export const SUPERVISION_LINK_LIFE = 'P14D';

/** The claim-once scopes of a 催办's e-mails (one per task, assignee and day) and of its audit event. */
export const NUDGE_MAIL_SCOPE = 'nudge-mail';
export const NUDGE_AUDIT_SCOPE = 'nudge-audit';
export const NUDGE_ACTION = 'reminder.nudged';

const MAX_TICKET_LENGTH = 600;

/** What a supervision link stands for. */
export interface SupervisionTicket {
  programmeId: string;
  /** The party whose supervision this is: a supervising unit, or the leading group. */
  partyId: string;
  /** The recipient: recipientHash of their address. */
  recipient: string;
  expiresAt: string;
}

const TicketSchema = z.tuple([
  z.literal(1),
  z.string().min(1).max(128),
  z.string().min(1).max(128),
  z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  z.iso.datetime(),
]);

/** 96 bits of a hash of the address: binds a link to its recipient without writing the address in the URL. */
export function recipientHash(email: string): string {
  return createHash('sha256').update(`recipient-v1\n${email.toLowerCase()}`).digest('base64url').slice(0, 16);
}

export function encodeTicket(t: SupervisionTicket): string {
  return encodeTicketFields([1, t.programmeId, t.partyId, t.recipient, t.expiresAt]);
}

/** The ticket a URL carries, or undefined when it is not one (checked before anything is looked up). */
export function decodeTicket(ticket: string): SupervisionTicket | undefined {
  const parsed = TicketSchema.safeParse(ticketFields(ticket, MAX_TICKET_LENGTH));
  if (!parsed.success) return undefined;
  const [, programmeId, partyId, recipient, expiresAt] = parsed.data;
  return { programmeId, partyId, recipient, expiresAt };
}

/** Who may open a party's supervision page: its contacts; for the leading group also the lead unit's (in copy). */
export function supervisionRecipients(plan: Plan, party: Party): Recipient[] {
  const contacts = [
    ...party.contacts,
    ...(party.id === leadingGroup(plan).id ? leadUnit(plan).contacts : []),
  ];
  const seen = new Set<string>();
  return (
    contacts
      .filter((c) => !seen.has(c.email.toLowerCase()) && seen.add(c.email.toLowerCase()))
      // Named in the plan's one language, as the page and the e-mail that carries the link speak it.
      .map((c) => ({ name: plan.programme.locale === 'en' ? (c.nameEn ?? c.name) : c.name, email: c.email }))
  );
}

/** A recipient's supervision link, valid for SUPERVISION_LINK_LIFE from `now`. */
export function supervisionLink(
  key: string,
  args: { apiBaseUrl: string; plan: Plan; party: Party; recipient: Recipient; now: Date },
): string {
  const ticket = encodeTicket({
    programmeId: args.plan.programme.id,
    partyId: args.party.id,
    recipient: recipientHash(args.recipient.email),
    expiresAt: addPlanDuration(args.plan, args.now, SUPERVISION_LINK_LIFE).toISOString(),
  });
  return supervisionUrl(args.apiBaseUrl, ticket, supervisionSignature(key, ticket));
}

/**
 * Whether `party` is asked to supervise `task`: it was told at level 2 (it supervises an assignee's unit or
 * pilot), or it is the leading group and the task reached level 3.
 */
export function supervises(plan: Plan, party: Party, task: TaskRecord): boolean {
  if (task.escalationLevel >= 3 && party.id === leadingGroup(plan).id) return true;
  return task.escalationLevel >= 2 && supervisingParties(plan, task).some((p) => p.id === party.id);
}

/** Working days of the plan's calendar after the due day, up to and including today (0 on the due day). */
export function workingDaysLate(plan: Plan, dueAt: string, now: Date): number {
  const tz = plan.programme.timezone;
  const today = dateOf(now, tz);
  let n = 0;
  for (let day = shiftDate(dateOf(new Date(dueAt), tz), 1); day <= today; day = shiftDate(day, 1)) {
    if (isWorkingDay(plan, day)) n++;
  }
  return n;
}

export interface SupervisionDeps {
  store: Store;
  signingKeys: SigningKeys;
  now: () => Date;
  /** For 催办 only: sending, the e-mail's words, and the approval links' base URL. */
  sendEmail: (email: Email) => Promise<string>;
  texts: Texts;
  apiBaseUrl: string;
}

export interface SupervisionRequest {
  ticket: string;
  sig: string | undefined;
}

export type SupervisionRefusal = 'unknown' | 'bad-signature' | 'not-recipient' | 'expired' | 'bad-form-token';

/** An assignee as the page shows them: the plan's unit or pilot they act for, their phone if the plan has it. */
export interface SupervisedAssignee {
  person: Person;
  party?: Party;
  phone?: string;
}

export interface SupervisedItem {
  task: TaskRecord;
  workingDaysLate: number;
  assignees: SupervisedAssignee[];
}

export type SupervisionState =
  | { kind: 'refused'; reason: SupervisionRefusal; plan?: Plan; at?: string }
  | {
      kind: 'open';
      sig: string;
      plan: Plan;
      party: Party;
      recipient: Recipient;
      expiresAt: string;
      items: SupervisedItem[];
      formToken: string;
    };

type Open = Extract<SupervisionState, { kind: 'open' }>;

async function resolve(
  deps: SupervisionDeps,
  req: SupervisionRequest,
): Promise<Exclude<SupervisionState, Open> | Omit<Open, 'items'>> {
  const ticket = decodeTicket(req.ticket);
  if (!ticket) return { kind: 'refused', reason: 'unknown' };
  const plan = await findPlan(deps.store, ticket.programmeId);
  if (!plan) return { kind: 'refused', reason: 'unknown' };
  if (!req.sig || !verifySupervisionSignature(deps.signingKeys, req.ticket, req.sig)) {
    return { kind: 'refused', reason: 'bad-signature', plan };
  }
  const party = findParty(plan, ticket.partyId);
  const recipient = party
    ? supervisionRecipients(plan, party).find((r) => recipientHash(r.email) === ticket.recipient)
    : undefined;
  if (!party || !recipient) return { kind: 'refused', reason: 'not-recipient', plan };
  if (deps.now().getTime() >= Date.parse(ticket.expiresAt)) {
    return { kind: 'refused', reason: 'expired', plan, at: ticket.expiresAt };
  }
  return {
    kind: 'open',
    sig: req.sig,
    plan,
    party,
    recipient,
    expiresAt: ticket.expiresAt,
    formToken: supervisionFormToken(deps.signingKeys.current, req.ticket),
  };
}

/** The overdue open tasks `party` supervises, earliest due first (the open-tasks index: never a scan). */
async function itemsOf(deps: SupervisionDeps, plan: Plan, party: Party): Promise<SupervisedItem[]> {
  const now = deps.now();
  const items: SupervisedItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await listOpenTasksDueBy(deps.store, now.toISOString(), start ? { start } : {});
    for (const task of page.tasks) {
      if (task.programmeId !== plan.programme.id || !supervises(plan, party, task)) continue;
      items.push({
        task,
        workingDaysLate: workingDaysLate(plan, task.dueAt, now),
        assignees: task.assignees.map((person) => {
          const found = findContactsByEmail(plan, person.email);
          const unit = person.unitId ? findParty(plan, person.unitId) : undefined;
          const party = unit ?? found[0]?.party ?? findParty(plan, task.pilotId);
          const phone = found.find((f) => f.contact.phone)?.contact.phone;
          return { person, ...(party ? { party } : {}), ...(phone ? { phone } : {}) };
        }),
      });
    }
    start = page.next;
  } while (start);
  return items;
}

/** GET (and HEAD) of a supervision link: the overdue tasks its party supervises. Writes nothing. */
export async function openSupervision(
  deps: SupervisionDeps,
  req: SupervisionRequest,
): Promise<SupervisionState> {
  const r = await resolve(deps, req);
  if (r.kind !== 'open') return r;
  return { ...r, items: await itemsOf(deps, r.plan, r.party) };
}

export type NudgeResult =
  | Exclude<SupervisionState, Open>
  /** `sent`: the assignees e-mailed now; `already`: those e-mailed earlier the same day (not again). */
  | (Omit<Open, 'kind'> & { kind: 'nudged'; task: TaskRecord; sent: Person[]; already: Person[] })
  /** The task is no longer among the party's overdue tasks (decided meanwhile, or never theirs). */
  | (Omit<Open, 'kind'> & { kind: 'not-supervised' });

/**
 * POST of 催办 for one task (`task` field): checks the link as GET does, then the form token, then that the
 * task is still one the party supervises; e-mails each assignee the overdue reminder with a link that works
 * (their own, or a new one: links.ts actionLinkFor), at most once per task, assignee and day of the plan's time
 * zone, and records `reminder.nudged` with who asked (once per task, asker and day).
 */
export async function nudgeTask(
  deps: SupervisionDeps,
  req: SupervisionRequest & { fields: ReadonlyMap<string, string>; client?: RequestClient | undefined },
): Promise<NudgeResult> {
  const r = await resolve(deps, req);
  if (r.kind !== 'open') return r;
  const token = req.fields.get('token');
  if (!token || !verifySupervisionFormToken(deps.signingKeys, req.ticket, token)) {
    return { kind: 'refused', reason: 'bad-form-token', plan: r.plan };
  }
  const { plan, party, recipient } = r;
  const taskId = req.fields.get('task') ?? '';
  const task = taskId.length <= 200 ? await getTask(deps.store, taskId) : undefined;
  if (task?.status !== 'open' || task.programmeId !== plan.programme.id || !supervises(plan, party, task)) {
    return { ...r, kind: 'not-supervised', items: await itemsOf(deps, plan, party) };
  }
  const now = deps.now();
  const day = dateOf(now, plan.programme.timezone);
  const expiresAt = linkExpiresAt(
    plan,
    new Date(Math.max(Date.parse(task.dueAt), now.getTime())),
  ).toISOString();
  const zh = plan.programme.locale !== 'en';
  const asker = `${recipient.name}${zh ? `（${party.name}）` : ` (${party.nameEn ?? party.name})`}`;
  const sent: Person[] = [];
  const already: Person[] = [];
  const seen = new Set<string>();
  for (const assignee of task.assignees) {
    const email = assignee.email.toLowerCase();
    if (seen.has(email)) continue;
    seen.add(email);
    const link = await actionLinkFor(deps.store, deps.signingKeys.current, {
      task,
      assignee,
      now,
      expiresAt,
      apiBaseUrl: deps.apiBaseUrl,
    });
    const message: PlannedMessage = {
      id: `nudge:assignee:${email}`,
      level: 2,
      audience: 'assignee',
      to: [{ name: assignee.name, email: assignee.email }],
      cc: [],
      assignee,
    };
    const mail = deps.texts.escalationEmail({
      plan,
      task,
      message,
      now,
      actionUrl: link.url,
      requestedBy: asker,
      supervisors: supervisingParties(plan, task),
    });
    const once = { store: deps.store, now: deps.now, sendEmail: deps.sendEmail };
    const tagged = { ...mail, tags: { ...mail.tags, kind: 'nudge' } };
    if (await sendOnce(once, NUDGE_MAIL_SCOPE, `${task.taskId}#${email}#${day}`, tagged)) sent.push(assignee);
    else already.push(assignee);
  }
  const names = [...sent, ...already].map((p) => p.name).join(zh ? '、' : ', ');
  await appendAuditOnce(
    deps.store,
    {
      programmeId: task.programmeId,
      pilotId: task.pilotId,
      at: now.toISOString(),
      actor: `email:${recipient.email.toLowerCase()}`,
      action: NUDGE_ACTION,
      taskId: task.taskId,
      executionArn: task.executionArn,
      summary: zh ? `${asker}催办：已提醒${names}` : `${asker} asked to remind ${names}`,
      details: {
        requestedBy: { name: recipient.name, email: recipient.email, party: party.id },
        sent: sent.map((p) => p.email),
        alreadySentToday: already.map((p) => p.email),
        ...(req.client ? { client: req.client } : {}),
      },
    },
    {
      scope: NUDGE_AUDIT_SCOPE,
      id: `${task.taskId}#${recipient.email.toLowerCase()}#${day}`,
      expiresAt: new Date(now.getTime() + 2 * 86_400_000).toISOString(),
    },
  );
  return { ...r, kind: 'nudged', task, sent, already, items: await itemsOf(deps, plan, party) };
}
