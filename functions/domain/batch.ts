// One request per person per step (batching): a person asked to do several parallel tasks of one kind at once
// (a county department acknowledging the mobilisation for each pilot, the inspector's checks of every pilot on
// a check day) gets one e-mail with one link to a page that lists them, instead of one e-mail per task.
// Each pilot's workflow opens its own task on its own, so no opener knows the others; but which pilots a
// person gets such a task for on a scheduled day follows from the plan. The batch of a task for one person is
// (programme, person, kind, step, due time): the first task of it to open sends the one e-mail (a lease on the
// batch's key: concurrent openings send once, functions/domain/deps.ts sendOnce) naming the pilots the plan
// predicts; tasks that open later send nothing. The page (batch-page.ts) lists what is open when viewed.
import * as z from 'zod';
import { STAGES, type StageName, TASK_KINDS, type TaskKind } from '#plan/kinds.ts';
import { findContactsByEmail } from '#plan/lookup.ts';
import { stageWindow, supervisionCheckTimes } from '#plan/schedule.ts';
import type { Pilot, Plan } from '#plan/schema.ts';
import { dateOf } from '#plan/time.ts';
import type { PilotStanding } from '#store/pilots.ts';
import type { Person, TaskRecord } from '#store/tasks.ts';
import { peopleOf, resolveParties } from './assignees.ts';
import { batchSignature, batchUrl, encodeTicketFields, ticketFields } from './links.ts';
import { recipientHash } from './supervision.ts';

/**
 * The kinds whose tasks open for many pilots at one scheduled moment: the acknowledgements at the launch
 * window's start, the supervision checks at the plan's check times. Others (a rectification, a review) open
 * when one pilot's work arrives, so nothing predicts a second one, and they keep one e-mail per task.
 */
const BATCHED_KINDS: ReadonlySet<TaskKind> = new Set(['acknowledgement', 'supervisionCheck']);

/** Whether a task can belong to a batch at all: a batched kind, round 1, a pilot's, no deadline set by a person. */
export function mayBatch(task: TaskRecord): boolean {
  if (!BATCHED_KINDS.has(task.kind as TaskKind) || task.round !== 1 || task.pilotId === '-') return false;
  return !(task.context as { dueBy?: string } | undefined)?.dueBy;
}

/** The days of the plan on which tasks of `kind` open together (in the plan's time zone). */
function scheduledDays(plan: Plan, kind: TaskKind): Set<string> {
  const tz = plan.programme.timezone;
  if (kind === 'acknowledgement') return new Set([dateOf(stageWindow(plan, 'launch').start, tz)]);
  if (kind === 'supervisionCheck') return new Set(supervisionCheckTimes(plan).map((t) => dateOf(t, tz)));
  return new Set();
}

/** What a batch link stands for: one person's tasks of one kind and step, due at one time. */
export interface BatchTicket {
  programmeId: string;
  /** recipientHash of the person's address: binds the link to them without writing the address in the URL. */
  recipient: string;
  kind: TaskKind;
  stage: StageName;
  step: string;
  /** The workflow's assignee (a role or unit id): with the stage, which pilots the plan gives this task. */
  assignee: string;
  dueAt: string;
  expiresAt: string;
}

const MAX_TICKET_LENGTH = 1000;
const TicketSchema = z.tuple([
  z.literal(1),
  z.string().min(1).max(64),
  z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  z.enum(TASK_KINDS),
  z.enum(STAGES),
  z.string().min(1).max(80),
  z.string().min(1).max(64),
  z.iso.datetime(),
  z.iso.datetime(),
]);

export function encodeBatchTicket(t: BatchTicket): string {
  return encodeTicketFields([
    1,
    t.programmeId,
    t.recipient,
    t.kind,
    t.stage,
    t.step,
    t.assignee,
    t.dueAt,
    t.expiresAt,
  ]);
}

/** The ticket a URL carries, or undefined when it is not one (checked before anything is looked up). */
export function decodeBatchTicket(ticket: string): BatchTicket | undefined {
  const parsed = TicketSchema.safeParse(ticketFields(ticket, MAX_TICKET_LENGTH));
  if (!parsed.success) return undefined;
  const [, programmeId, recipient, kind, stage, step, assignee, dueAt, expiresAt] = parsed.data;
  return { programmeId, recipient, kind, stage, step, assignee, dueAt, expiresAt };
}

/** The person a ticket names, among the plan's contacts (none: not, or no longer, anyone the plan lists). */
export function batchRecipientOf(plan: Plan, ticket: BatchTicket): Person | undefined {
  for (const party of [...plan.units, ...plan.pilots]) {
    for (const c of party.contacts) {
      if (recipientHash(c.email) === ticket.recipient) {
        return { name: c.name, email: c.email, unitId: party.id };
      }
    }
  }
  return undefined;
}

/**
 * The pilots for which the plan gives `email` a task of this step: those whose assignee resolves to a party
 * the person is a contact of, and (`onTrack`) that have reached the stage. In the plan's order.
 */
export function predictedPilots(
  plan: Plan,
  args: { assignee: string; stage: StageName; email: string; onTrack?: ReadonlySet<string> },
): Pilot[] {
  const email = args.email.toLowerCase();
  if (findContactsByEmail(plan, email).length === 0) return [];
  return plan.pilots.filter((pilot) => {
    if (args.onTrack && !args.onTrack.has(pilot.id)) return false;
    try {
      const people = peopleOf(resolveParties(plan, args.assignee, pilot.id, args.stage));
      return people.some((p) => p.email.toLowerCase() === email);
    } catch {
      return false; // a role this pilot has no party for (a town for the town itself)
    }
  });
}

/**
 * The pilots that have reached `stage`: every stage before it is done. A pilot still in an earlier stage (its
 * implementation plan not yet approved when the checks begin) will open its task on another day, on its own.
 */
export function pilotsOnTrack(
  pilots: ReadonlyArray<Pick<PilotStanding, 'pilotId' | 'stages'>>,
  stage: StageName,
): Set<string> {
  const before = STAGES.slice(0, STAGES.indexOf(stage));
  return new Set(
    pilots.filter((p) => before.every((s) => p.stages[s]?.status === 'done')).map((p) => p.pilotId),
  );
}

/**
 * The pilots that have reached `stage`, read through `standings` only where it can narrow a batch: every pilot
 * is in the first stage from its start, so there nothing is read and the answer is undefined (no filter).
 */
export async function onTrackFor(
  stage: StageName,
  standings: () => Promise<ReadonlyArray<Pick<PilotStanding, 'pilotId' | 'stages'>>>,
): Promise<Set<string> | undefined> {
  return STAGES.indexOf(stage) === 0 ? undefined : pilotsOnTrack(await standings(), stage);
}

/** What one person's e-mail for a batched task is about. */
export interface Batch {
  ticket: BatchTicket;
  /** The claim-once key of the batch's e-mail to this person. */
  mailKey: string;
  /** The pilots the plan predicts, in its order (the task's own among them). */
  pilots: Pilot[];
}

/**
 * The batch `task` belongs to for `person` by the plan alone, or undefined when it stands alone: a kind that
 * does not open in batches, a later round, a deadline set by a person, a day the plan schedules nothing, or
 * fewer than two predicted pilots. Which of them have reached the stage narrows it further (narrowBatch).
 */
export function batchOf(
  plan: Plan,
  task: TaskRecord,
  args: { assignee: string; person: Person; expiresAt: string },
): Batch | undefined {
  const kind = task.kind as TaskKind;
  const stage = task.stage as StageName;
  if (!mayBatch(task)) return undefined;
  if (!scheduledDays(plan, kind).has(dateOf(new Date(task.createdAt), plan.programme.timezone))) {
    return undefined;
  }
  const pilots = predictedPilots(plan, { assignee: args.assignee, stage, email: args.person.email });
  if (!formsBatch(pilots, task.pilotId)) return undefined;
  const ticket: BatchTicket = {
    programmeId: task.programmeId,
    recipient: recipientHash(args.person.email),
    kind,
    stage,
    step: task.step,
    assignee: args.assignee,
    dueAt: task.dueAt,
    expiresAt: args.expiresAt,
  };
  const mailKey = [task.programmeId, kind, task.step, task.dueAt, args.person.email.toLowerCase()].join('#');
  return { ticket, mailKey, pilots };
}

/** A batch is two or more pilots, the task's own among them. */
function formsBatch(pilots: readonly Pilot[], pilotId: string): boolean {
  return pilots.length >= 2 && pilots.some((p) => p.id === pilotId);
}

/**
 * `batch` narrowed to the pilots that have reached its stage (`onTrack`; undefined: every pilot), or undefined
 * when those are too few for a batch: the task then stands alone. The key and ticket stay the batch's.
 */
export function narrowBatch(
  batch: Batch,
  pilotId: string,
  onTrack: ReadonlySet<string> | undefined,
): Batch | undefined {
  if (!onTrack) return batch;
  const pilots = batch.pilots.filter((p) => onTrack.has(p.id));
  return formsBatch(pilots, pilotId) ? { ...batch, pilots } : undefined;
}

/** The batch's signed URL, for its e-mail. */
export function batchLink(key: string, apiBaseUrl: string, ticket: BatchTicket): string {
  const encoded = encodeBatchTicket(ticket);
  return batchUrl(apiBaseUrl, encoded, batchSignature(key, encoded));
}
