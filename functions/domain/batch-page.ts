// The batch page (functions/domain/batch.ts): `GET|POST {api}/b/{ticket}?sig=…`. GET lists one person's tasks
// of the batch as they stand now, a page at a time (BATCH_PAGE_SIZE: a small batch whole, a larger one its
// first open tasks in plan order, the rest counted), with each task's own page, and the pilots the
// plan predicts whose task has not opened yet; it writes nothing. POST decides the chosen open tasks together
// ("全部确认": those the page listed, at most a page of them) or one (`one`), after checking the link as GET
// does and the form token; its answer is the page again, so the next open ones follow.
// Each task is decided through the person's own link of that task, by the approval link's code
// (approval.ts submitDecision): the same checks, the same transaction, its own SendTaskSuccess, so a workflow
// sees exactly what a decision on the task's own page gives it, and a task decided elsewhere is left alone.

import { createHash } from 'node:crypto';
import pMap from 'p-map';
import type { StageName } from '#plan/kinds.ts';
import type { Pilot, Plan } from '#plan/schema.ts';
import { type LinkRecord, listLinksOfAssigneeDueAt } from '#store/links.ts';
import { listPilotStandings } from '#store/pilots.ts';
import { getTasks, type Person, type TaskRecord } from '#store/tasks.ts';
import { type ApprovalDeps, auditRefusalOnce, submitDecision } from './approval.ts';
import {
  type BatchTicket,
  batchRecipientOf,
  decodeBatchTicket,
  onTrackFor,
  predictedPilots,
} from './batch.ts';
import type { RequestClient } from './client.ts';
import { taskFormOf, validateSubmission } from './forms.ts';
import {
  batchFormToken,
  formToken,
  linkSignature,
  linkUrl,
  verifyBatchFormToken,
  verifyBatchSignature,
} from './links.ts';
import { findPlan } from './plans.ts';

/**
 * How many tasks a batch page lists and one "全部确认" decides at most. A POST decides them, each with its
 * transaction and SendTaskSuccess, DECIDED_AT_ONCE at a time, within API Gateway's 30 s (docs/approval.md
 * gives the figure measured for a full page); and 50 rows are what a phone can still be scrolled through.
 */
export const BATCH_PAGE_SIZE = 50;

/**
 * How many of a POST's tasks are decided at once. One decision is a few requests one after another
 * (submitDecision: the link, the task, the transaction, SendTaskSuccess), so a full page waits for ten rounds
 * of them instead of fifty, while a POST still sends only a few requests at a time to DynamoDB and Step
 * Functions.
 */
export const DECIDED_AT_ONCE = 5;

export interface BatchDeps extends ApprovalDeps {
  /** The base of the task pages' links. */
  apiBaseUrl: string;
}

export interface BatchRequest {
  ticket: string;
  sig: string | undefined;
}

export type BatchRefusal = 'unknown' | 'bad-signature' | 'not-recipient' | 'expired' | 'bad-form-token';

/** One task of the batch as the page shows it. */
export interface BatchItem {
  task: TaskRecord;
  /** The person's link of the task: the batch decides through it. */
  link: LinkRecord;
  /** The person's own link to the task's page (open it one by one, or fill in a form the batch cannot). */
  url: string;
  /** Open, the person's link still works, and the task asks nothing but a confirmation: decidable here. */
  together: boolean;
}

export type BatchState =
  | { kind: 'refused'; reason: BatchRefusal; plan?: Plan; at?: string }
  | {
      kind: 'open';
      sig: string;
      plan: Plan;
      recipient: Person;
      ticket: BatchTicket;
      /** The tasks the page lists, in plan order: at most BATCH_PAGE_SIZE (pageOf). */
      items: BatchItem[];
      /** All of the person's tasks of the batch that have opened, listed or not. */
      total: number;
      /** Open tasks the page does not list: they follow once the listed ones are decided. */
      moreOpen: number;
      /** Decided or closed tasks the page does not list. */
      doneUnlisted: number;
      /** Pilots the plan gives this person the task for, whose task has not opened (yet). */
      waiting: Pilot[];
      formToken: string;
    };

type Open = Extract<BatchState, { kind: 'open' }>;
type Resolved = Omit<Open, 'items' | 'total' | 'moreOpen' | 'doneUnlisted' | 'waiting'>;

export type BatchResult =
  | Exclude<BatchState, Open>
  /** `decided`: the tasks this POST decided; `missed`: chosen tasks someone or something closed first. */
  | (Omit<Open, 'kind'> & { kind: 'decided'; decided: TaskRecord[]; missed: TaskRecord[] });

async function resolve(deps: BatchDeps, req: BatchRequest): Promise<Exclude<BatchState, Open> | Resolved> {
  const ticket = decodeBatchTicket(req.ticket);
  if (!ticket) return { kind: 'refused', reason: 'unknown' };
  const plan = await findPlan(deps.store, ticket.programmeId);
  if (!plan) return { kind: 'refused', reason: 'unknown' };
  if (!req.sig || !verifyBatchSignature(deps.signingKeys, req.ticket, req.sig)) {
    return { kind: 'refused', reason: 'bad-signature', plan };
  }
  const recipient = batchRecipientOf(plan, ticket);
  if (!recipient) return { kind: 'refused', reason: 'not-recipient', plan };
  if (deps.now().getTime() >= Date.parse(ticket.expiresAt)) {
    return { kind: 'refused', reason: 'expired', plan, at: ticket.expiresAt };
  }
  const token = batchFormToken(deps.signingKeys.current, req.ticket);
  return { kind: 'open', sig: req.sig, plan, recipient, ticket, formToken: token };
}

/** The link of a task a page should use: one that works, else the one that decided, else any. */
function bestLink(links: LinkRecord[], now: Date): LinkRecord | undefined {
  const works = (l: LinkRecord) => l.status === 'active' && Date.parse(l.expiresAt) > now.getTime();
  return links.find(works) ?? links.find((l) => l.status === 'used') ?? links[0];
}

const ASKS_NOTHING_MORE = { decision: 'approve', comment: '', values: {} };

/** The person's tasks of the batch (the assignee index: their links due at the batch's time), in plan order. */
async function itemsOf(deps: BatchDeps, r: Resolved): Promise<BatchItem[]> {
  const { plan, ticket } = r;
  const now = deps.now();
  const byTask = new Map<string, LinkRecord[]>();
  for (const link of await listLinksOfAssigneeDueAt(deps.store, r.recipient.email, ticket.dueAt)) {
    byTask.set(link.taskId, [...(byTask.get(link.taskId) ?? []), link]);
  }
  const tasks = await getTasks(deps.store, [...byTask.keys()]);
  const items: BatchItem[] = [];
  for (const [taskId, links] of byTask) {
    const task = tasks.get(taskId);
    const link = bestLink(links, now);
    if (!task || !link || task.programmeId !== plan.programme.id) continue;
    if (task.kind !== ticket.kind || task.step !== ticket.step || task.round !== 1) continue;
    const works = link.status === 'active' && Date.parse(link.expiresAt) > now.getTime();
    items.push({
      task,
      link,
      url: linkUrl(deps.apiBaseUrl, link.linkId, linkSignature(deps.signingKeys.current, link)),
      together: task.status === 'open' && works && validateSubmission(taskFormOf(task), ASKS_NOTHING_MORE).ok,
    });
  }
  const order = new Map(plan.pilots.map((p, i) => [p.id, i]));
  return items.sort((a, b) => (order.get(a.task.pilotId) ?? 0) - (order.get(b.task.pilotId) ?? 0));
}

/**
 * The tasks one page lists, in plan order: a batch of at most `size` tasks whole (open, decided and closed, as
 * it stands); a larger one its first `size` open tasks only, the rest counted, so that a clerk on a phone sees
 * what is left to do and "全部确认" below it rather than hundreds of finished rows.
 */
export function pageOf(
  all: readonly BatchItem[],
  size = BATCH_PAGE_SIZE,
): { items: BatchItem[]; moreOpen: number; doneUnlisted: number } {
  if (all.length <= size) return { items: [...all], moreOpen: 0, doneUnlisted: 0 };
  const open = all.filter((i) => i.task.status === 'open');
  return {
    items: open.slice(0, size),
    moreOpen: Math.max(0, open.length - size),
    doneUnlisted: all.length - open.length,
  };
}

async function withItems(deps: BatchDeps, r: Resolved): Promise<Open> {
  const stage = r.ticket.stage as StageName;
  // Two reads that do not depend on each other, side by side.
  const [items, onTrack] = await Promise.all([
    itemsOf(deps, r),
    onTrackFor(stage, () => listPilotStandings(deps.store, r.plan.programme.id)),
  ]);
  const predicted = predictedPilots(r.plan, {
    assignee: r.ticket.assignee,
    stage,
    email: r.recipient.email,
    ...(onTrack ? { onTrack } : {}),
  });
  const opened = new Set(items.map((i) => i.task.pilotId));
  const waiting = predicted.filter((p) => !opened.has(p.id));
  return { ...r, ...pageOf(items), total: items.length, waiting };
}

/**
 * Audits a refused batch link as the approval links' refusals are (approval.ts auditRefusal): once per genuine
 * ticket, kind and hour, naming its recipient when the signature proved who it was sent to; links nobody
 * signed share one event per hour outside any programme.
 */
async function auditBatchRefusal(
  deps: BatchDeps,
  r: Extract<BatchState, { kind: 'refused' }>,
  method: string,
  req: BatchRequest,
): Promise<void> {
  const signed = r.reason !== 'unknown' && r.reason !== 'bad-signature';
  const ticket = signed ? decodeBatchTicket(req.ticket) : undefined;
  const recipient = ticket && r.plan && r.reason === 'expired' ? batchRecipientOf(r.plan, ticket) : undefined;
  await auditRefusalOnce(
    deps,
    {
      programmeId: ticket?.programmeId ?? '-',
      pilotId: '-',
      actor: recipient ? `email:${recipient.email.toLowerCase()}` : 'anonymous',
      action: 'link.refused',
      summary: `${method} of batch link refused: ${r.reason}`,
      details: {
        reason: r.reason,
        method,
        batch: ticket ? { kind: ticket.kind, step: ticket.step, dueAt: ticket.dueAt } : '(not signed)',
        ...(recipient ? { assignee: recipient.email } : {}),
      },
    },
    ticket
      ? `batch:${createHash('sha256').update(req.ticket).digest('base64url').slice(0, 22)}#${r.reason}`
      : undefined,
  );
}

/** GET (and HEAD) of a batch link: the person's tasks of the batch as they stand. Writes only for refusals. */
export async function openBatch(deps: BatchDeps, req: BatchRequest, method = 'GET'): Promise<BatchState> {
  const r = await resolve(deps, req);
  if (r.kind === 'open') return withItems(deps, r);
  await auditBatchRefusal(deps, r, method, req);
  return r;
}

/** Form names: `one` = the task to decide alone; `t.<taskId>` = a task the page listed, decided by "all". */
export const BATCH_TASK_PREFIX = 't.';

/**
 * POST of the batch page: checks the link as GET does and the form token, then decides each chosen task that
 * is still decidable here through the person's own link of it (approval.ts submitDecision), DECIDED_AT_ONCE
 * at a time, at most BATCH_PAGE_SIZE of them (a page's form never names more; a longer one is not allowed to
 * run past the gateway's timeout: the rest stay open and are listed again).
 */
export async function decideBatch(
  deps: BatchDeps,
  req: BatchRequest & { fields: ReadonlyMap<string, string>; client?: RequestClient | undefined },
): Promise<BatchResult> {
  const r = await resolve(deps, req);
  if (r.kind !== 'open') {
    await auditBatchRefusal(deps, r, 'POST', req);
    return r;
  }
  const token = req.fields.get('token');
  if (!token || !verifyBatchFormToken(deps.signingKeys, req.ticket, token)) {
    const refused = { kind: 'refused' as const, reason: 'bad-form-token' as const, plan: r.plan };
    await auditBatchRefusal(deps, refused, 'POST', req);
    return refused;
  }
  const one = req.fields.get('one');
  const chosen = new Set(
    one !== undefined
      ? [one]
      : req.fields.get('decision') === 'approve'
        ? [...req.fields.keys()].filter((k) => k.startsWith(BATCH_TASK_PREFIX)).map((k) => k.slice(2))
        : [],
  );
  const key = deps.signingKeys.current;
  const items = (await itemsOf(deps, r)).filter((i) => chosen.has(i.task.taskId)).slice(0, BATCH_PAGE_SIZE);
  // Each task is decided apart from the others (its own link, transaction and SendTaskSuccess), so several at
  // once. Every decision started runs to its end before the POST answers, or fails with the first error: none
  // is cut off by the answer (a decision's own failures are as on its task's page: a callback left pending is
  // retried by callback-retry).
  const results = await pMap(
    items,
    async (item) => {
      if (!item.together) return undefined;
      const { linkId } = item.link;
      try {
        // The batch's signature and form token stand for the person's own link's, which the server makes here.
        return await submitDecision(deps, {
          linkId,
          sig: linkSignature(key, item.link),
          fields: new Map([
            ['token', formToken(key, linkId)],
            ['decision', 'approve'],
          ]),
          client: req.client,
        });
      } catch (error) {
        return { kind: 'failed' as const, error };
      }
    },
    { concurrency: DECIDED_AT_ONCE },
  );
  const failure = results.find((result) => result?.kind === 'failed');
  if (failure?.kind === 'failed') throw failure.error;
  const decided: TaskRecord[] = [];
  const missed: TaskRecord[] = [];
  items.forEach((item, i) => {
    const result = results[i];
    if (result?.kind === 'recorded') decided.push(result.task);
    else missed.push(item.task);
  });
  return { ...(await withItems(deps, r)), kind: 'decided', decided, missed };
}
