// The local cloud running PilotFlow's own CDK app for the workflow tests, with the workflow test plan
// (test/fixtures/workflow-plan.yaml), a paused clock, and the way an official acts: read the task e-mail from
// the mailbox, take its link, decide.
//
// Deciding goes through `decideThroughLink`, which does what the approval page does after its checks: it
// resolves the e-mailed link (link id → link → task), records the decision once with decideTask, and reports
// `{ outcome, comment, form, decidedBy, decidedAt }` with SendTaskSuccess. It skips the page on purpose: these
// tests jump the clock a year ahead while the town pilot's launch links wait, and the page would refuse them
// as expired. The page itself, over HTTP, is what test/integration/rehearsal.test.ts (every stage of six
// pilots) and test/integration/approval*.test.ts use.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { decodeBatchTicket } from '#domain/batch.ts';
import { type LocalCloud, type Mail, startLocalCloud } from '#local/cloud/index.ts';
import { rehearsalContext } from '#local/rehearsal/driver.ts';
import { loadValidPlanFile } from '#plan/load.ts';
import { getLink, listLinksOfAssigneeDueAt } from '#store/links.ts';
import { createStore, type Store } from '#store/store.ts';
import { clearCallbackPending, decideTask, getTask, type TaskRecord } from '#store/tasks.ts';
import { basePort, runningDynamoDb } from './local-cloud.ts';
import { ASSEMBLY_CACHE as REHEARSAL_ASSEMBLIES } from './rehearsal.ts';

export const WORKFLOW_PLAN = fileURLToPath(new URL('../fixtures/workflow-plan.yaml', import.meta.url));

/** Midnight of 1 January 2023 in Asia/Shanghai, where the workflow tests start. */
export const START = Date.parse('2022-12-31T16:00:00.000Z');

export interface WorkflowCloud {
  cloud: LocalCloud;
  store: Store;
  stop: () => Promise<void>;
}

/**
 * The workflow plan on the app synthesised as a rehearsal does (`rehearsalContext`): the escalation sweep and
 * the callback retry once a day instead of every hour. These tests decide through links and assert where the
 * workflows went, which neither schedule decides; the hourly sweep is the escalation tests' subject
 * (escalation-cloud, digest-cloud, supervision-cloud). A year of the two pilots is then 2 × 365 schedule runs
 * instead of 2 × 8,760, and the assembly is the one the rehearsal tests use.
 */
export async function startWorkflowCloud(): Promise<WorkflowCloud> {
  const cloud = await startLocalCloud({
    dataDir: mkdtempSync(join(tmpdir(), 'pilotflow-workflow-')),
    assemblyDir: REHEARSAL_ASSEMBLIES,
    context: rehearsalContext(await loadValidPlanFile(WORKFLOW_PLAN)),
    port: await basePort(),
    speed: 0,
    clock: START,
    plan: WORKFLOW_PLAN,
    log: () => {},
    ...runningDynamoDb(),
  });
  const table = cloud.resources.tables[0];
  if (!table) throw new Error('the assembly has no table');
  const store = createStore(table, { endpoint: cloud.endpoints.dynamodb, ...cloud.aws });
  return { cloud, store, stop: () => cloud.stop() };
}

/** Moves the clock to an instant and waits until every function and execution it woke has settled. */
export async function advanceTo(cloud: LocalCloud, iso: string): Promise<void> {
  await cloud.clock.advanceTo(Date.parse(iso));
  await cloud.whenIdle();
}

/** The approval link in a task e-mail: `<api>/a/<linkId>?sig=…`. */
export function approvalLink(mail: Mail): { url: string; linkId: string } {
  const url = mail.links.find((l) => /\/a\/[A-Za-z0-9_-]{24}\?sig=/.test(l));
  if (!url) throw new Error(`no approval link in "${mail.subject}"`);
  return { url, linkId: new URL(url).pathname.split('/').pop()! };
}

/**
 * One task's e-mail out of a batch e-mail (one link for a person's parallel tasks: functions/domain/batch.ts), for
 * decideThroughLink, which decides as the task's assignee through their own link of it: that link, found as the
 * batch page finds it (the person's links due at the batch's time), under the task's title.
 */
export async function taskOfBatch(wf: WorkflowCloud, mail: Mail, title: string): Promise<Mail> {
  const url = mail.links.find((l) => /\/b\/[A-Za-z0-9_-]+\?sig=/.test(l));
  const ticket = decodeBatchTicket(new URL(url ?? 'http://x/').pathname.split('/').pop() ?? '');
  if (!url || !ticket) throw new Error(`no batch link in "${mail.subject}"`);
  for (const link of await listLinksOfAssigneeDueAt(wf.store, mail.to[0] ?? '', ticket.dueAt)) {
    const task = await getTask(wf.store, link.taskId);
    if (task?.title === title)
      return { ...mail, subject: title, links: [url.replace(/\/b\/.*$/, `/a/${link.linkId}?sig=`)] };
  }
  throw new Error(`"${mail.subject}" has no task "${title}"`);
}

/** Reads task e-mails the way an official works through an inbox: each one once, oldest first. */
export class Inbox {
  private readonly seen = new Set<string>();
  private readonly cloud: LocalCloud;
  constructor(cloud: LocalCloud) {
    this.cloud = cloud;
  }

  /** The next unread e-mail to `to` whose subject contains `subject` (waits a little for it to arrive). */
  async next(to: string, subject: string): Promise<Mail> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const mail = (await this.cloud.mailbox.list({ to, subject })).find((m) => !this.seen.has(m.id));
      if (mail) {
        this.seen.add(mail.id);
        return mail;
      }
      if (Date.now() > deadline) {
        const all = (await this.cloud.mailbox.list({ to })).map((m) => m.subject);
        throw new Error(`no unread mail to ${to} about "${subject}"; their mail: ${JSON.stringify(all)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export interface OfficialDecision {
  outcome: 'approve' | 'return' | 'reject';
  comment?: string;
  form?: Record<string, unknown>;
}

/**
 * Decides the task behind an e-mailed link as its assignee, once, as the approval page does, and lets the
 * execution go on. Resolves to the task as it was decided.
 */
export async function decideThroughLink(
  wf: WorkflowCloud,
  mail: Mail,
  decision: OfficialDecision,
): Promise<TaskRecord> {
  const { linkId } = approvalLink(mail);
  const link = await getLink(wf.store, linkId);
  if (!link) throw new Error(`link ${linkId} is unknown`);
  const decided = {
    outcome: decision.outcome,
    comment: decision.comment ?? '',
    form: decision.form ?? {},
    decidedBy: link.assignee,
    decidedAt: new Date(wf.cloud.clock.now()).toISOString(),
  };
  const result = await decideTask(wf.store, link.taskId, { ...decided, linkId });
  expect(result.kind, `deciding "${mail.subject}"`).toBe('decided');
  const task = (await getTask(wf.store, link.taskId))!;
  await wf.cloud.runtime.sendTaskSuccess({ taskToken: task.taskToken, output: JSON.stringify(decided) });
  await clearCallbackPending(wf.store, link.taskId);
  await wf.cloud.whenIdle();
  return task;
}

/** The status of the execution named `name` of the state machine whose name ends with `machine`. */
export async function executionStatus(
  cloud: LocalCloud,
  machine: string,
  name: string,
): Promise<string | undefined> {
  const sm = cloud.resources.stateMachines.find((m) => m.name.endsWith(`-${machine}`));
  if (!sm) throw new Error(`no state machine ${machine}`);
  const { executions } = await cloud.runtime.listExecutions({ stateMachineArn: sm.arn });
  return executions?.find((e: { name?: string }) => e.name === name)?.status;
}
