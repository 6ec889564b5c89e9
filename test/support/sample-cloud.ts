// The real PilotFlow app on the local cloud with the sample plan launched, for the approval's HTTP and
// browser tests: the clock paused at 2023-01-01T00:00Z, when every pilot's launch stage has opened its
// acknowledgement tasks and e-mailed one signed link per assignee to the local mailbox.

import { fileURLToPath } from 'node:url';
import type { LocalCloud, Mail } from '#local/cloud/index.ts';
import { startLocalCloud } from '#local/cloud/index.ts';
import { Browser } from '#local/rehearsal/browser.ts';
import { evidenceFile } from '#local/rehearsal/driver.ts';
import { getLink } from '#store/links.ts';
import { createStore, type Store } from '#store/store.ts';
import { getTask, type TaskRecord } from '#store/tasks.ts';
import { basePort, runningDynamoDb, tempDataDir } from './local-cloud.ts';
import { copyOfLaunched, type Launched, snapshotsEnabled } from './sample-snapshot.ts';
import { allItems } from './store.ts';

const ASSEMBLY_CACHE = fileURLToPath(
  new URL('../../node_modules/.cache/pilotflow/test-assemblies', import.meta.url),
);

export const SAMPLE_START = Date.parse('2023-01-01T00:00:00Z');

export interface TaskLink {
  to: string;
  subject: string;
  url: string;
  linkId: string;
  sig: string;
}

export interface SampleCloud {
  cloud: LocalCloud;
  store: Store;
  /** The task links e-mailed so far, matching the subject (and recipient). */
  links(filter: { subject?: RegExp; to?: string }): Promise<TaskLink[]>;
  taskOf(link: TaskLink): Promise<TaskRecord>;
  /** Every item of the table, sorted, for "nothing changed" assertions. */
  items(): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

function linksOfMail(mail: Mail): TaskLink[] {
  return mail.links
    .filter((url) => /\/a\/[A-Za-z0-9_-]{24}\?sig=/.test(url))
    .map((url) => {
      const parsed = new URL(url);
      return {
        to: mail.to[0] ?? '',
        subject: mail.subject,
        url,
        linkId: parsed.pathname.split('/').pop() ?? '',
        sig: parsed.searchParams.get('sig') ?? '',
      };
    });
}

const BATCH_LINK = /\/b\/[A-Za-z0-9_-]+\?sig=/;

/**
 * The open tasks of a batch e-mail (one link for a person's parallel tasks: functions/domain/batch.ts), each as
 * the link its row on the batch page gives to the task's own page, under the subject a single task's e-mail
 * would have had (`【待办】` and the task's title), so that tests find a task however it was announced.
 */
async function linksOfBatch(store: Store, mail: Mail, url: string): Promise<TaskLink[]> {
  const html = await (await fetch(url)).text();
  const page: Mail = {
    ...mail,
    links: [...html.matchAll(/href="([^"]+\/a\/[^"]+)"/g)].map((m) => m[1] ?? ''),
  };
  const links: TaskLink[] = [];
  for (const link of linksOfMail(page)) {
    const task = await getTask(store, (await getLink(store, link.linkId))?.taskId ?? '');
    links.push({ ...link, url: link.url.replaceAll('&amp;', '&'), subject: `【待办】${task?.title ?? ''}` });
  }
  return links;
}

/** Every execution that did not run cleanly, with its error, cause and last events (for a useful failure). */
export async function failedExecutions(cloud: LocalCloud): Promise<string[]> {
  const out: string[] = [];
  for (const machine of cloud.resources.stateMachines) {
    const { executions } = await cloud.runtime.listExecutions({ stateMachineArn: machine.arn });
    for (const e of executions) {
      if (e.status === 'RUNNING' || e.status === 'SUCCEEDED') continue;
      const d = await cloud.runtime.describeExecution({ executionArn: e.executionArn });
      const h = await cloud.runtime.getExecutionHistory({
        executionArn: e.executionArn,
        reverseOrder: true,
        maxResults: 6,
      });
      out.push(`${machine.name}/${e.name} ${e.status}: ${d.error} ${String(d.cause).slice(0, 800)}`);
      for (const ev of h.events) out.push(`    ${JSON.stringify(ev).slice(0, 500)}`);
    }
  }
  return out;
}

const SNAPSHOT = 'sample-launched';

/** Starts a local cloud of the app; an execution that failed during the start fails it with its cause. */
async function startCloud(options: {
  dataDir: string;
  port: number;
  concurrency: number;
  clock?: number;
  launch?: false;
}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({
    assemblyDir: ASSEMBLY_CACHE,
    speed: 0,
    log: () => {},
    ...runningDynamoDb(),
    ...options,
  });
  await cloud.whenIdle();
  const failures = await failedExecutions(cloud);
  if (failures.length > 0) {
    await cloud.stop();
    throw new Error(`the sample programme did not start cleanly:\n${failures.join('\n')}`);
  }
  return cloud;
}

/** Launches the sample in a new data directory and stops it: the run's snapshot (sample-snapshot.ts). */
async function launchSample(): Promise<Launched> {
  const cloud = await startCloud({
    dataDir: tempDataDir(),
    port: await basePort(),
    concurrency: 2,
    clock: SAMPLE_START,
  });
  await cloud.stop();
  return { dataDir: cloud.dataDir, origin: new URL(cloud.endpoints.api).origin };
}

/**
 * Starts the sample cloud; an execution that failed during the launch fails the test with its cause.
 * `concurrency`: instances per function (fewer cold starts at once during the launch on a small machine).
 */
export async function startSampleCloud(
  options: {
    concurrency?: number;
    /**
     * A stopped sample cloud to start again from its state (clock included), on the same port, so that the
     * links it e-mailed reach the new one.
     */
    continueFrom?: SampleCloud;
    /** Launch the sample plan at start (true); false starts the cloud as `pilotflow start --no-launch` does. */
    launch?: boolean;
    /**
     * Launch in this cloud itself instead of starting from the run's launched copy (sample-snapshot.ts): for a
     * test of what the launch does in real time, such as when SES received its e-mails.
     */
    fresh?: boolean;
  } = {},
): Promise<SampleCloud> {
  const concurrency = options.concurrency ?? 2;
  const continueFrom = options.continueFrom;
  const port = continueFrom ? Number(new URL(continueFrom.cloud.endpoints.api).port) : await basePort();
  let dataDir = continueFrom?.cloud.dataDir;
  // A launched sample starts from a copy of the run's one launch (sample-snapshot.ts): the same state.
  if (!dataDir && options.launch !== false && !options.fresh && snapshotsEnabled()) {
    dataDir = tempDataDir();
    await copyOfLaunched(SNAPSHOT, launchSample, dataDir, `http://127.0.0.1:${port}`);
  }
  const fresh = !dataDir;
  const cloud = await startCloud({
    dataDir: dataDir ?? tempDataDir(),
    port,
    concurrency,
    ...(fresh ? { clock: SAMPLE_START } : {}),
    ...(options.launch === false ? { launch: false } : {}),
  });
  const [table] = cloud.resources.tables;
  if (!table) throw new Error('the app has no table');
  const store = createStore(table, { endpoint: cloud.endpoints.dynamodb, ...cloud.aws });
  return {
    cloud,
    store,
    async links(filter) {
      const mails = await cloud.mailbox.list(filter.to ? { to: filter.to } : {});
      const links: TaskLink[] = [];
      for (const mail of mails) {
        links.push(...linksOfMail(mail));
        for (const url of mail.links.filter((l) => BATCH_LINK.test(l))) {
          links.push(...(await linksOfBatch(store, mail, url)));
        }
      }
      return filter.subject ? links.filter((l) => filter.subject?.test(l.subject)) : links;
    },
    async taskOf(link) {
      const record = await getLink(store, link.linkId);
      const task = record && (await getTask(store, record.taskId));
      if (!task) throw new Error(`no task for link ${link.linkId}`);
      return task;
    },
    items: () => allItems(store),
    async stop() {
      store.db.destroy();
      await cloud.stop();
    },
  };
}

/** The form token of a task page (what a browser would post back). */
export function formTokenOf(html: string): string {
  const token = html.match(/name="token" value="([A-Za-z0-9_.-]+)"/)?.[1];
  if (!token) throw new Error('the page has no form token');
  return token;
}

/** POSTs an urlencoded form as a browser does. */
export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Opens the link's page and submits its form with `fields` (the token taken from the page). */
export async function decide(link: TaskLink, fields: Record<string, string>): Promise<Response> {
  const page = await fetch(link.url);
  return postForm(link.url, { token: formTokenOf(await page.text()), ...fields });
}

/**
 * Uploads a small PDF named `name` with the first upload form of the link's page, as a browser does (a multipart
 * POST straight to the local S3 server, which sends the browser back to the page): what a form that asks for
 * evidence needs before `decide`.
 */
export async function uploadEvidence(link: TaskLink, name = 'evidence.pdf'): Promise<void> {
  const browser = new Browser();
  const page = await browser.open(link.url);
  const [form] = page.uploads;
  if (!form) throw new Error(`the page of ${link.subject} offers no upload`);
  const after = await browser.upload(form, evidenceFile(name));
  if (!Object.values(after.files).flat().includes(name)) {
    throw new Error(`${name} is not listed on the page after its upload`);
  }
}
