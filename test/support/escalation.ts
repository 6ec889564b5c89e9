// Test helpers for reminders and escalation: the sample programme stored with its plan, open tasks with their
// approval links, and the local SES mailbox (aws-ses-v2-local, started in the test's process).
import type { Server } from 'node:http';
import sesLocal from 'aws-ses-v2-local';
import { vi } from 'vitest';
import { type IssuedLink, issueLinks } from '#domain/links.ts';
import { freePort } from '#local/ports.ts';
import { linkExpiresAt, loadValidPlanFile, type Plan } from '#plan/index.ts';
import { putProgrammeOnce } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { createTask, type NewTask, type TaskRecord } from '#store/tasks.ts';

export const SIGNING_KEY = 'k'.repeat(64);
export const API_BASE_URL = 'https://pilotflow.xx-county.example';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function samplePlan(): Promise<Plan> {
  return loadValidPlanFile(new URL('../../plans/sample.yaml', import.meta.url).pathname);
}

/** Stores the programme of `plan` (as a launch would) so the sweep finds its plan. */
export async function storeProgramme(store: Store, plan: Plan): Promise<void> {
  await putProgrammeOnce(
    store,
    {
      programmeId: plan.programme.id,
      title: plan.programme.title,
      status: 'running',
      launchedAt: '2023-01-01T00:00:00.000Z',
      updatedAt: '2023-01-01T00:00:00.000Z',
    },
    plan,
  );
}

let seq = 0;

/**
 * Opens a task of the sample programme, as the open-task function would: the task item and one link per
 * assignee. Defaults: the acknowledgement of 古城社区, opened at `openedAt`, due three days later.
 */
export async function openTask(
  store: Store,
  plan: Plan,
  openedAt: number,
  overrides: Partial<NewTask> = {},
  signingKey = SIGNING_KEY,
): Promise<{ task: TaskRecord; links: IssuedLink[] }> {
  seq += 1;
  const dueAt = new Date(openedAt + 3 * DAY).toISOString();
  const task: NewTask = {
    taskId: `ack-gucheng-${seq}`,
    programmeId: plan.programme.id,
    pilotId: 'gucheng',
    stage: 'launch',
    kind: 'acknowledgement',
    step: 'Acknowledge the pilot tasks',
    title: 'XX镇古城社区：确认收到试点任务',
    round: 1,
    assignees: [{ name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' }],
    dueAt,
    createdAt: new Date(openedAt).toISOString(),
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:Launch:gucheng-${seq}`,
    taskToken: `token-${seq}`,
    form: { fields: [] },
    ...overrides,
  };
  const { task: stored } = await createTask(store, task);
  const links = await issueLinks(store, signingKey, {
    task: stored,
    assignees: stored.assignees,
    expiresAt: linkExpiresAt(plan, new Date(stored.dueAt)).toISOString(),
    now: stored.createdAt,
    apiBaseUrl: API_BASE_URL,
  });
  return { task: stored, links };
}

// aws-ses-v2-local is CommonJS with `exports.default`: Node's ESM loader hands over module.exports, vitest the
// function itself.
type StartSes = (config: { host: string; port: number }) => Promise<Server>;
const startSesServer: StartSes =
  (sesLocal as unknown as { default?: StartSes }).default ?? (sesLocal as unknown as StartSes);

export interface MailboxEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

/** aws-ses-v2-local on a free port, with its mailbox. Its store is per process, so one per test file. */
export async function startLocalSes(): Promise<{
  endpoint: string;
  emails(): Promise<MailboxEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const server: Server = await startSesServer({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      return ((await response.json()) as { emails: MailboxEmail[] }).emails;
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Points the SES adapter (functions/adapters/mail.ts, which reads them when first used) at a local SES. */
export function stubLocalSesEnv(endpoint: string): void {
  vi.stubEnv('MAIL_FROM', 'PilotFlow <pilotflow@xx-county.example>');
  vi.stubEnv('AWS_ENDPOINT_URL_SESV2', endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
}
