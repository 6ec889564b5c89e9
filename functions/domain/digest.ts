// The daily digest (每日汇总): every reminder and escalation a person is due goes into one e-mail a day instead
// of one e-mail per task and level. A level's messages are queued as digest items when the level is completed
// (escalation-sweep.ts, in the same transaction as its audit event); the sweep then sends each recipient one
// digest per working day, from the plan's digest hour (plan/calendar.ts digestDay).
//
// Once per person and day: the digest goes through `sendOnce` keyed `<programme>#<email>#<day>`, and what it
// carries is read under that lease, so two sweeps never send two digests for one day, and items queued after
// the day's digest went out wait for the next one. Nothing lost: the items are deleted only after the digest
// went out; a digest that failed leaves them for the next sweep. The items a digest carries are stamped with
// its day before it is sent, so a sweep that finds the day's digest sent but its items still there (the run
// that sent it died before deleting them) deletes exactly those. A run that dies between SES accepting the
// digest and its lease being marked done sends it again once that lease runs out (one duplicate at most).

import { digestDay } from '#plan/calendar.ts';
import { findParty } from '#plan/lookup.ts';
import { linkExpiresAt } from '#plan/schedule.ts';
import type { Plan } from '#plan/schema.ts';
import {
  type DigestItem,
  deleteDigestItems,
  digestItemsOf,
  recipientsWithDigestItems,
  stampDigestItem,
} from '#store/digest.ts';
import type { Store } from '#store/store.ts';
import { getTask, type TaskRecord } from '#store/tasks.ts';
import { sendOnce } from './deps.ts';
import type { LevelStep } from './escalation.ts';
import { actionLinkFor } from './links.ts';
import type { DigestMailItem, Email, Texts } from './mail.ts';
import { supervisionLink } from './supervision.ts';

/** The claim-once scope of digests; the id is `<programmeId>#<email>#<YYYY-MM-DD>`. */
export const DIGEST_SCOPE = 'digest';

/** The digest items of a completed level: one per recipient (to and cc) of each of its messages. */
export function digestItemsOfStep(task: TaskRecord, step: LevelStep, queuedAt: string): DigestItem[] {
  return step.messages.flatMap((message) =>
    [...message.to, ...message.cc].map(
      (recipient): DigestItem => ({
        programmeId: task.programmeId,
        email: recipient.email,
        name: recipient.name,
        taskId: task.taskId,
        messageId: message.id,
        level: message.level,
        audience: message.audience,
        ...(message.party ? { partyId: message.party.id } : {}),
        queuedAt,
      }),
    ),
  );
}

export interface DigestDeps {
  store: Store;
  send: (email: Email) => Promise<string>;
  texts: Texts;
  signingKey: () => Promise<string>;
  apiBaseUrl: string;
  /** The plan of a programme (the sweep's cache); undefined when it has none that is valid. */
  planOf: (programmeId: string) => Promise<Plan | undefined>;
  log?: { error(message: string, details: Record<string, unknown>): void };
}

export interface DigestReport {
  /** Digests sent by this sweep (one e-mail each). */
  sent: number;
  /** Digests that failed; their items wait for the next sweep. */
  failed: number;
  /** Items carried by the digests sent. */
  itemsSent: number;
  /** Items dropped because their task was decided, cancelled or reassigned since they were queued. */
  itemsDropped: number;
  /** Recipients with items who get no digest now: a day off, before the digest hour, or already sent today. */
  waiting: number;
}

/** Sends the digests due at `now`: one per recipient with items, on a working day from the digest hour. */
export async function sendDigests(deps: DigestDeps, now: Date): Promise<DigestReport> {
  const report: DigestReport = { sent: 0, failed: 0, itemsSent: 0, itemsDropped: 0, waiting: 0 };
  const tasks = new Map<string, Promise<TaskRecord | undefined>>();
  const taskOf = (taskId: string) => {
    let task = tasks.get(taskId);
    if (!task) {
      task = getTask(deps.store, taskId);
      tasks.set(taskId, task);
    }
    return task;
  };
  for (const { programmeId, email } of await recipientsWithDigestItems(deps.store)) {
    const plan = await deps.planOf(programmeId);
    const day = plan && digestDay(plan, now);
    if (!plan || !day) {
      report.waiting += 1;
      continue;
    }
    let made = false;
    let carried: DigestItem[] | undefined;
    const make = async (): Promise<Email | undefined> => {
      made = true;
      const items = await digestItemsOf(deps.store, programmeId, email);
      const live: Array<{ item: DigestItem; mail: DigestMailItem }> = [];
      const dropped: DigestItem[] = [];
      for (const item of items) {
        const mail = await mailItem(deps, plan, await taskOf(item.taskId), item, now);
        if (mail) live.push({ item, mail });
        else dropped.push(item);
      }
      await deleteDigestItems(deps.store, dropped);
      report.itemsDropped += dropped.length;
      if (!live.length) return undefined;
      for (const { item } of live) await stampDigestItem(deps.store, item, day);
      carried = live.map((l) => l.item);
      const first = live[0]?.item;
      return deps.texts.digestEmail({
        plan,
        recipient: { name: first?.name ?? email, email: first?.email ?? email },
        now,
        items: latestPerTask(live).map((l) => l.mail),
      });
    };
    try {
      const sent = await sendOnce(
        { store: deps.store, now: () => now, sendEmail: deps.send },
        DIGEST_SCOPE,
        `${programmeId}#${email.toLowerCase()}#${day}`,
        make,
      );
      if (sent && carried) {
        await deleteDigestItems(deps.store, carried);
        report.sent += 1;
        report.itemsSent += carried.length;
      } else if (!made) {
        // The day's digest went out already. Items it carried but that are still here (the run that sent it
        // stopped before deleting them) carry its day: they were in it, so they go.
        const items = await digestItemsOf(deps.store, programmeId, email);
        await deleteDigestItems(
          deps.store,
          items.filter((i) => i.digestDay === day),
        );
        report.waiting += 1;
      }
    } catch (error) {
      report.failed += 1;
      deps.log?.error('sending a digest failed; its items go into the next one', {
        programmeId,
        day,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
  }
  return report;
}

/**
 * What the digest says of one item, with a link that works now: the assignee's own action link (links.ts
 * actionLinkFor), or the recipient's link to the party's supervision page. Undefined when the task is no longer
 * open, or the item's assignee no longer one of its assignees: closed tasks are never chased.
 */
async function mailItem(
  deps: DigestDeps,
  plan: Plan,
  task: TaskRecord | undefined,
  item: DigestItem,
  now: Date,
): Promise<DigestMailItem | undefined> {
  if (task?.status !== 'open') return undefined;
  const base = { task, level: item.level, audience: item.audience };
  if (item.audience === 'assignee') {
    const assignee = task.assignees.find((a) => a.email.toLowerCase() === item.email.toLowerCase());
    if (!assignee) return undefined;
    const link = await actionLinkFor(deps.store, await deps.signingKey(), {
      task,
      assignee,
      now,
      expiresAt: linkExpiresAt(plan, new Date(Math.max(Date.parse(task.dueAt), now.getTime()))).toISOString(),
      apiBaseUrl: deps.apiBaseUrl,
    });
    return { ...base, url: link.url };
  }
  const party = item.partyId === undefined ? undefined : findParty(plan, item.partyId);
  if (!party) return undefined;
  const url = supervisionLink(await deps.signingKey(), {
    apiBaseUrl: deps.apiBaseUrl,
    plan,
    party,
    recipient: { name: item.name, email: item.email },
    now,
  });
  return { ...base, party, url };
}

/**
 * One entry per task and audience: a task that climbed two levels before the digest went out (a reminder, then
 * the overdue notice) is shown at its latest.
 */
function latestPerTask<T extends { item: DigestItem }>(entries: T[]): T[] {
  const latest = new Map<string, T>();
  for (const e of entries) {
    const key = `${e.item.taskId}\n${e.item.audience}\n${e.item.partyId ?? ''}`;
    const seen = latest.get(key);
    if (!seen || seen.item.level < e.item.level) latest.set(key, e);
  }
  return [...latest.values()];
}
