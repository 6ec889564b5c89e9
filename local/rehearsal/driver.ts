// The rehearsal: a fresh (or resumed) local cloud runs the plan on a paused clock, and the driver plays every
// official as a person would — read the mailbox, open each task e-mail's link, fill the page's form as the
// scenario says, submit — and moves the clock to the next timer whenever nothing is left to act on and the
// cloud is idle, until the programme's execution ends. Everything it decides comes from the system (the
// mailbox, the pages, the store), so a rehearsal stopped at any moment and started again on the same data
// directory carries on and ends the same way.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pMap from 'p-map';
import { temporaryRoot } from '#local/cloud/files.ts';
import { type LocalCloud, type Mail, startLocalCloud } from '#local/cloud/index.ts';
import type { JvmCompiler } from '#local/dynamodb-local.ts';
import { quietPort } from '#local/ports.ts';
import { DEFAULT_DIGEST_AT } from '#plan/calendar.ts';
import { STAGES, type StageName, TASK_KINDS, type TaskKind } from '#plan/kinds.ts';
import { loadValidPlanFile } from '#plan/load.ts';
import type { Plan } from '#plan/schema.ts';
import { dateOf } from '#plan/time.ts';
import { KIND_TEXT } from '#presentation/kind-text.ts';
import { getLink } from '#store/links.ts';
import { listPilots, type PilotRecord } from '#store/pilots.ts';
import { createStore, type Store } from '#store/store.ts';
import { listTasksOfPilot } from '#store/tasks.ts';
import { Browser } from './browser.ts';
import type { PageForm, TaskPage } from './page.ts';
import {
  pad,
  type RehearsalReport,
  type RehearsalUsage,
  readExecutions,
  readOutcome,
  simulatedDays,
} from './report.ts';
import type { Act, Scenario, TaskInView } from './scenario.ts';
import { type RehearsalWords, rehearsalWords } from './words.ts';

/**
 * The CDK context a rehearsal synthesises the app with: the escalation sweep runs once a day and the callback
 * retry once a day instead of every hour (a configuration the AWS deployment accepts as well), so that a year of
 * schedule runs takes 2 × 365 fires rather than 2 × 8,760. The sweep runs at noon of the plan's zone (or at
 * its digest hour, when that is later): the digest due from 09:00 goes out at noon, on the same days and at the
 * same instants as with the sweep every 12 hours that it replaces (a level due after noon was queued at
 * midnight and sent at the next noon; now it is queued and sent at that noon), with half the sweeps.
 */
export function rehearsalContext(plan: Pick<Plan, 'programme' | 'escalation'>): Record<string, string> {
  const digestAt = plan.escalation.digestAt ?? DEFAULT_DIGEST_AT;
  return {
    escalationDailyAt: digestAt > '12:00' ? digestAt : '12:00',
    escalationTimeZone: plan.programme.timezone,
    callbackRetryRate: '1 day',
  };
}

/** From this many pilots on, a rehearsal runs DynamoDB Local with its optimising compiler (see below). */
export const OPTIMISING_FROM_PILOTS = 200;

/**
 * How a rehearsal's DynamoDB Local compiles (local/dynamodb-local.ts, JvmCompiler). A rehearsal makes about 280
 * DynamoDB requests per pilot, and C2 pays for its compiling only after some tens of thousands: with it the
 * sample's rehearsal took 1.18× the CPU, 100 pilots about the same time and CPU, 300 pilots 0.82× the time and
 * 1,000 pilots 0.75–0.84× (docs/benchmarks.md, "DynamoDB Local's JIT"). The threshold lies between the 100 and
 * 300 measured.
 */
export function dynamodbCompilerFor(plan: Pick<Plan, 'pilots'>): JvmCompiler {
  return plan.pilots.length >= OPTIMISING_FROM_PILOTS ? 'optimising' : 'quick';
}

export class RehearsalError extends Error {
  override name = 'RehearsalError';
}

export interface RehearseOptions {
  /** The plan file. */
  plan: string;
  scenario: Scenario;
  /** Where the local cloud keeps its state; a temporary folder by default (removed after a run as expected). */
  dataDir?: string;
  /** Where synthesised assemblies are kept (default `<dataDir>/assembly`). */
  assemblyDir?: string;
  /** Sandboxes per function (default 2: fewer cold starts at once on a small machine). */
  concurrency?: number;
  /** One line of progress at a time. */
  progress?: (line: string) => void;
  /** Every decision in the progress, not only the returns, problems and escalations. */
  verbose?: boolean;
  /** Give up this many simulated days after the plan's end (default 120). */
  graceDays?: number;
}

const DAY = 86_400_000;
/**
 * How many pilots' officials act at once (each pilot's own links are still taken one at a time): 4 made a
 * 1,000-pilot rehearsal 0.82 of the time. (It was set back to 1 for a while because the crash test then missed
 * an e-mail; that happened with 1 too, and is explained in docs/reliability.md.)
 */
const PILOTS_AT_ONCE = 4;
const APPROVAL_LINK = /\/a\/[A-Za-z0-9_-]{24}\?sig=/;
/** One link for a person's parallel tasks of one kind (functions/domain/batch.ts). */
const BATCH_LINK = /\/b\/[A-Za-z0-9_-]+\?sig=/;
/** How many pages of one batch link the driver confirms one after another (a page lists 50) before it gives up. */
const BATCH_PAGES_AT_MOST = 100;
const CHASE = /^(【催办】|【逾期催办】|【逾期提醒】|【逾期上报】|\[Reminder\]|\[Overdue)/;

const KIND_BY_TITLE = new Map<string, TaskKind>(
  TASK_KINDS.flatMap((kind) => [
    [KIND_TEXT[kind].zh, kind],
    [KIND_TEXT[kind].en, kind],
  ]),
);
const STAGE_BY_NAME = new Map<string, StageName>([
  ['工作启动', 'launch'],
  ['Launch', 'launch'],
  ['组织实施', 'implementation'],
  ['Implementation', 'implementation'],
  ['评估验收', 'evaluation'],
  ['Evaluation and acceptance', 'evaluation'],
]);
const fact = (page: TaskPage, ...labels: string[]) =>
  labels.map((l) => page.facts[l]).find((v) => v !== undefined);

/** The day in the plan's time zone, `2023-02-15`. */
const dayOf = (plan: Plan, at: number) => dateOf(new Date(at), plan.programme.timezone);

/** The form values a browser posts for `act`: by control name, scores spread over every score field. */
function valuesFor(form: PageForm, act: Extract<Act, { decision: string }>): Record<string, string> {
  const values: Record<string, string> = {};
  const given = act.values ?? {};
  for (const field of form.fields) {
    if (field.name === 'comment') {
      if (act.comment) values.comment = act.comment;
      continue;
    }
    const name = field.name.replace(/^f\./, '');
    const value =
      given[name] ?? (field.kind === 'score' && name.startsWith('score.') ? given.score : undefined);
    if (value === undefined) continue;
    values[field.name] = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  }
  return values;
}

/**
 * A small PDF for a scenario's evidence value (a document's name or URL: its last part names the file), as an
 * official would pick from their desktop: a real one-page PDF of a few hundred bytes.
 */
export function evidenceFile(value: string): { name: string; type: string; bytes: Uint8Array<ArrayBuffer> } {
  const last = value.split(/[/?#]/).filter(Boolean).pop() ?? 'evidence';
  const name = /\.pdf$/i.test(last) ? last : `${last}.pdf`;
  // ASCII only inside the PDF, whose lengths and offsets count bytes.
  const text = '(evidence)';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 12 Tf 72 770 Td ${text} Tj ET`.length} >>\nstream\nBT /F1 12 Tf 72 770 Td ${text} Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, type: 'application/pdf', bytes: new TextEncoder().encode(pdf) };
}

/** The API port an interrupted rehearsal on this data directory used. */
function readStoredPort(file: string): number | undefined {
  try {
    const port = (JSON.parse(readFileSync(file, 'utf8')) as { apiPort?: unknown }).apiPort;
    return typeof port === 'number' && Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

export async function rehearse(options: RehearseOptions): Promise<RehearsalReport> {
  const started = performance.now();
  const progress = options.progress ?? (() => {});
  const plan = await loadValidPlanFile(options.plan);
  const temporary = !options.dataDir;
  const dataDir = options.dataDir
    ? resolve(options.dataDir)
    : mkdtempSync(join(temporaryRoot(), 'pilotflow-rehearsal-'));
  const words = rehearsalWords(plan.programme.locale);
  progress(words.heading(plan.programme.title, plan.programme.id, options.scenario.name));
  for (const line of options.scenario.describe(plan)) progress(`  - ${line}`);
  const context = rehearsalContext(plan);
  progress(words.schedules(context));
  progress(words.dataDirectory(dataDir));

  // The HTTP API keeps its port across a resume: the e-mails already sent carry links to it, as links on AWS
  // keep pointing at the same API.
  const portFile = join(dataDir, 'rehearsal.json');
  const storedPort = readStoredPort(portFile);
  if (storedPort !== undefined) {
    progress(words.resuming);
  }
  const start = (port: number) =>
    startLocalCloud({
      dataDir,
      plan: options.plan,
      speed: 0,
      port,
      context,
      meter: true,
      concurrency: options.concurrency ?? 2,
      dynamodbCompiler: dynamodbCompilerFor(plan),
      ...(options.assemblyDir ? { assemblyDir: options.assemblyDir } : {}),
      onProgress: (line) => progress(`  ${words.localCloud}${line}`),
      log: (line) => progress(`  ${words.note}${line}`),
    });
  let cloud: LocalCloud;
  try {
    cloud = await start(storedPort ?? (await quietPort()));
  } catch (error) {
    if (storedPort === undefined || !/port \d+ is in use/.test((error as Error).message)) throw error;
    progress(words.portTaken(storedPort));
    cloud = await start(await quietPort());
  }
  writeFileSync(portFile, `${JSON.stringify({ apiPort: Number(new URL(cloud.endpoints.api).port) })}\n`);
  let report: RehearsalReport | undefined;
  try {
    const [table] = cloud.resources.tables;
    if (!table) throw new RehearsalError('the CDK app has no table');
    const store = createStore(table, { endpoint: cloud.endpoints.dynamodb, ...cloud.aws });
    try {
      report = await play({ cloud, store, plan, options, progress, words, started, dataDir });
    } finally {
      store.db.destroy();
    }
    return report;
  } finally {
    await cloud.stop();
    if (temporary && report?.expected) rmSync(dataDir, { recursive: true, force: true });
  }
}

interface PlayContext {
  cloud: LocalCloud;
  store: Store;
  plan: Plan;
  options: RehearseOptions;
  progress: (line: string) => void;
  words: RehearsalWords;
  started: number;
  dataDir: string;
}

/**
 * Acts on each item as its pilot's officials would: one pilot's items one after another, in their order, and
 * different pilots' side by side, PILOTS_AT_ONCE at a time. `act` is told whether its pilot has had a decision
 * here since its page was read (the page is then read again); true if anything was decided.
 */
async function pilotByPilot<T>(
  items: T[],
  pilotOf: (item: T) => string,
  act: (item: T, decidedSince: boolean) => Promise<boolean>,
): Promise<boolean> {
  const decided = await pMap(
    Map.groupBy(items, pilotOf).values(),
    async (queue) => {
      let decidedHere = false;
      for (const item of queue) if (await act(item, decidedHere)) decidedHere = true;
      return decidedHere;
    },
    { concurrency: PILOTS_AT_ONCE },
  );
  return decided.some(Boolean);
}

async function play(ctx: PlayContext): Promise<RehearsalReport> {
  const { cloud, store, plan, options, words } = ctx;
  const programmeId = plan.programme.id;
  const browser = new Browser();
  const scenario = options.scenario;
  const graceDays = options.graceDays ?? 120;
  const giveUpAt = Date.parse(`${plan.programme.end}T00:00:00Z`) + (graceDays + 1) * DAY;
  const pilotNames = new Map<string, string>();
  for (const p of plan.pilots) {
    pilotNames.set(p.name, p.id);
    pilotNames.set(p.nameEn, p.id);
  }
  const nameOf = (pilotId: string) => plan.pilots.find((p) => p.id === pilotId)?.name ?? pilotId;
  const say = (pilotId: string, stage: string, text: string) =>
    ctx.progress(
      `${dayOf(plan, cloud.clock.now())}  ${pad(nameOf(pilotId), 18)} ${pad(words.stage(stage), 15)} ${text}`,
    );

  // The mailbox as read so far (oldest first), and the links whose pages no longer offer a form.
  const mails: Mail[] = [];
  const mailIds = new Set<string>();
  let lastReceived: Date | undefined;
  const settled = new Set<string>();
  const waiting = new Map<string, string>();
  // The links of the mail read so far that are not known to be settled, each with the first e-mail that carried
  // it (a reminder carries its task's link again), oldest first: batch links and single tasks' links. Kept as
  // the mail is read, so that a turn looks at what is still open, not at every e-mail of the year again.
  const unsettled: Record<'batch' | 'task', Array<{ mail: Mail; url: string; key: string }>> = {
    batch: [],
    task: [],
  };
  const listed = new Set<string>();
  const readMail = async (): Promise<Mail[]> => {
    const fresh = (await cloud.mailbox.list(lastReceived ? { since: lastReceived } : {})).filter(
      (m) => !mailIds.has(m.id),
    );
    for (const m of fresh) {
      mails.push(m);
      mailIds.add(m.id);
      if (!lastReceived || m.receivedAt > lastReceived) lastReceived = m.receivedAt;
      for (const link of m.links) {
        const kind = BATCH_LINK.test(link) ? 'batch' : APPROVAL_LINK.test(link) ? 'task' : undefined;
        if (!kind) continue;
        const url = atCurrentApi(link);
        const key = new URL(url).pathname;
        if (listed.has(key)) continue;
        listed.add(key);
        unsettled[kind].push({ mail: m, url, key });
      }
    }
    return fresh;
  };

  const programmeMachine = cloud.resources.stateMachines.find((m) => m.name.endsWith('-Programme'));
  if (!programmeMachine) throw new RehearsalError('the CDK app has no Programme state machine');
  const programmeStatus = async (): Promise<string | undefined> => {
    const { executions } = await cloud.runtime.listExecutions({ stateMachineArn: programmeMachine.arn });
    return executions?.find((e) => e.name === programmeId)?.status;
  };

  const seenStages = new Map<string, string>();
  let transitionsSeen = -1;
  const reportPilots = async () => {
    if (cloud.runtime.transitions === transitionsSeen) return;
    transitionsSeen = cloud.runtime.transitions;
    const pilots: PilotRecord[] = await listPilots(store, programmeId);
    for (const pilot of pilots) {
      for (const stage of STAGES) {
        const status = pilot.stages[stage]?.status;
        const key = `${pilot.pilotId}/${stage}`;
        if (!status || seenStages.get(key) === status) continue;
        seenStages.set(key, status);
        say(pilot.pilotId, stage, words.stageStatus(status));
      }
      const key = `${pilot.pilotId}/outcome`;
      if (pilot.outcome && !seenStages.has(key)) {
        seenStages.set(key, pilot.outcome);
        say(pilot.pilotId, 'outcome', words.pilotOutcome(pilot.outcome, pilot.acceptanceScore));
      }
    }
  };

  /** What the page and the system say about the task behind a link. */
  const viewOf = async (page: TaskPage, mail: Mail): Promise<TaskInView> => {
    const kind = KIND_BY_TITLE.get(page.title);
    if (!kind) throw new RehearsalError(`"${mail.subject}": no task kind is titled "${page.title}"`);
    const pilotName = fact(page, '试点', 'Pilot') ?? '-';
    const pilotId = pilotNames.get(pilotName) ?? (pilotName === '-' ? '-' : undefined);
    if (!pilotId) throw new RehearsalError(`"${mail.subject}": the plan has no pilot named ${pilotName}`);
    const round = Number(/\d+/.exec(fact(page, '轮次', 'Round') ?? '')?.[0] ?? 1);
    const stage = STAGE_BY_NAME.get(fact(page, '阶段', 'Stage') ?? '');
    const earlier =
      pilotId === '-'
        ? []
        : (await listTasksOfPilot(store, programmeId, pilotId))
            .filter((t) => t.status === 'decided' && t.decision)
            .sort((a, b) => (a.decision?.decidedAt ?? '').localeCompare(b.decision?.decidedAt ?? ''))
            .map((t) => ({ kind: t.kind, round: t.round, outcome: t.decision?.outcome ?? '' }));
    return {
      plan,
      kind,
      pilotId,
      round,
      stage,
      assignee: mail.to[0] ?? '',
      mail,
      page,
      earlier,
      mailbox: mails,
    };
  };

  // Links sent before a resume that could not have its old port back point at the old local address.
  const api = new URL(cloud.endpoints.api);
  const atCurrentApi = (link: string): string => {
    const url = new URL(link);
    if (url.origin === api.origin || !/^(127\.0\.0\.1|localhost)$/.test(url.hostname)) return link;
    url.host = api.host;
    return url.toString();
  };

  /** Acts on the link `url` of `mail` whose page reads `page`; true if it decided the task. */
  const actOn = async (mail: Mail, url: string, page: TaskPage): Promise<boolean> => {
    const key = new URL(url).pathname;
    if (!page.form) {
      settled.add(key);
      return false;
    }
    const view = await viewOf(page, mail);
    const act = scenario.act(view);
    if ('wait' in act) {
      if (waiting.get(key) !== act.wait.en) {
        waiting.set(key, act.wait.en);
        say(view.pilotId, view.stage ?? '', words.leftUnanswered(page.title, act.wait));
      }
      return false;
    }
    waiting.delete(key);
    const button = page.form.buttons.find((b) => b.value === act.decision);
    if (!button) {
      throw new RehearsalError(
        `"${mail.subject}": the page offers ${page.form.buttons.map((b) => b.value).join(', ')}, not ${act.decision}`,
      );
    }
    // Evidence first, as the page asks: each upload reloads the page, so the form is read from the last one.
    let current = page;
    for (const upload of page.uploads) {
      const given = act.values?.[upload.field];
      if (given === undefined || typeof given === 'boolean') continue;
      current = await browser.upload(upload, evidenceFile(String(given)));
    }
    const form = current.form ?? page.form;
    const answer = await browser.submit(current, form, valuesFor(form, act), button);
    if (answer.status === 409) {
      // Someone else with a link to the same task was first (或签), or it closed meanwhile.
      settled.add(key);
      return false;
    }
    if (answer.status !== 200) {
      throw new RehearsalError(
        `"${mail.subject}": submitting "${act.decision}" was answered ${answer.status}: ${answer.errors || answer.notice || answer.title}`,
      );
    }
    settled.add(key);
    const notable =
      act.decision !== 'approve' ||
      act.values?.problemsFound === 'yes' ||
      (view.kind === 'acceptance' &&
        typeof act.values?.score === 'number' &&
        act.values.score < plan.indicators.passScore);
    if (notable || options.verbose) {
      const problems =
        act.values?.problemsFound === 'yes' ? words.problems(String(act.values.problems ?? '')) : '';
      const what = words.decided(
        `${page.title}${view.round > 1 ? words.round(view.round) : ''}`,
        `${button.label}${problems}`,
      );
      say(
        view.pilotId,
        view.stage ?? '',
        `${what}${act.comment ? ` — ${act.comment}` : ''}${words.by(view.assignee)}`,
      );
    }
    return true;
  };

  /**
   * One page of a batch link, acted on as its recipient would: opens each listed open task's own page (`rows`,
   * side by side: GET changes nothing) to read what is asked, and asks the scenario. The tasks it approves as they
   * stand are confirmed on the batch page ("全部确认" when that is all the page offers, else each on its own
   * button); a task that needs more (a check's findings, a comment) or is left for now is handled on its own
   * page, as from a single e-mail, pilot by pilot (pilotByPilot). Gives what the last confirmation answered (the
   * page again), if it pressed anything.
   */
  const actOnBatchPage = async (
    mail: Mail,
    page: TaskPage,
    rows: string[],
  ): Promise<{ decided: boolean; answer?: TaskPage; confirmed: string[] }> => {
    const confirm = new Map<string, TaskInView>();
    const read = await pMap(
      rows,
      async (rowUrl) => {
        const rowPage = await browser.open(rowUrl);
        if (!rowPage.form) return [];
        const linkId = new URL(rowUrl).pathname.split('/').pop() ?? '';
        const taskId = (await getLink(store, linkId))?.taskId ?? '';
        return [{ rowUrl, rowPage, taskId, view: await viewOf(rowPage, mail) }];
      },
      { concurrency: PILOTS_AT_ONCE },
    );
    let decided = await pilotByPilot(
      read.flat(),
      (row) => row.view.pilotId,
      async ({ rowUrl, rowPage, taskId, view }, since) => {
        if (since) {
          rowPage = await browser.open(rowUrl);
          if (!rowPage.form) return false;
          view = await viewOf(rowPage, mail);
        }
        const act = scenario.act(view);
        const here = page.form?.buttons.some((b) => b.name === 'one' && b.value === taskId);
        if (here && 'decision' in act && act.decision === 'approve' && !act.comment && !act.values) {
          confirm.set(taskId, view);
          return false;
        }
        return actOn(mail, rowUrl, rowPage);
      },
    );
    const form = page.form;
    if (!form || confirm.size === 0) return { decided, confirmed: [] };
    const listed = Object.keys(form.hidden).filter((k) => k.startsWith('t.'));
    const presses = listed.every((k) => confirm.has(k.slice(2)))
      ? form.buttons.filter((b) => b.name === 'decision' && b.value === 'approve')
      : form.buttons.filter((b) => b.name === 'one' && confirm.has(b.value));
    let answer: TaskPage | undefined;
    for (const button of presses) {
      answer = await browser.submit(page, form, {}, button);
      if (answer.status !== 200) {
        throw new RehearsalError(
          `"${mail.subject}": confirming on the batch page was answered ${answer.status}: ${answer.notice || answer.title}`,
        );
      }
      decided = true;
    }
    if (options.verbose) {
      for (const view of confirm.values()) {
        say(view.pilotId, view.stage ?? '', words.confirmedOnBatchPage(view.page.title, view.assignee));
      }
    }
    return { decided, confirmed: [...confirm.keys()], ...(answer ? { answer } : {}) };
  };

  /**
   * Acts through a batch link: page after page, as long as confirming one brings up open tasks it had not
   * listed (the page lists BATCH_PAGE_SIZE at a time and tells how many more there are). True if anything
   * was decided. A confirmation that leaves a confirmed task open, or a page that announces more without
   * listing any new ones, is an error rather than a loop.
   */
  const actOnBatch = async (mail: Mail, url: string): Promise<boolean> => {
    let page = await browser.open(url);
    const rowsOf = (p: TaskPage) => p.links.filter((l) => APPROVAL_LINK.test(l));
    if (page.status !== 200 || rowsOf(page).length === 0) {
      // A page that names pilots whose task has not started yet is opened again next time, as the page asks
      // ("开始后会显示在本页"): a task that opens after its batch's e-mail went out (a pilot's notice retried
      // after a crash, once its lease ran out) is done the day it opens, not after the digest reminds of it.
      if (page.status !== 200 || !page.waiting) settled.add(new URL(url).pathname);
      return false;
    }
    let decided = false;
    const seen = new Set<string>();
    for (let pages = 1; ; pages++) {
      const rows = rowsOf(page).filter((l) => !seen.has(l));
      for (const row of rows) seen.add(row);
      const step = await actOnBatchPage(mail, page, rows);
      decided ||= step.decided;
      const answer = step.answer;
      if (!answer) return decided;
      const stillOpen = await Promise.all(
        rowsOf(answer).map(
          async (l) => (await getLink(store, new URL(l).pathname.split('/').pop() ?? ''))?.taskId,
        ),
      );
      const stuck = step.confirmed.filter((id) => stillOpen.includes(id));
      if (stuck.length > 0) {
        throw new RehearsalError(
          `"${mail.subject}": the batch page still lists ${stuck.length} confirmed task(s) as open: no progress`,
        );
      }
      const fresh = rowsOf(answer).some((l) => !seen.has(l));
      if (!fresh && answer.more) {
        throw new RehearsalError(
          `"${mail.subject}": the batch page says ${answer.more} more are open but lists none it had not shown`,
        );
      }
      if (!fresh) return decided;
      if (pages >= BATCH_PAGES_AT_MOST) {
        throw new RehearsalError(
          `"${mail.subject}": the batch page still had open tasks after ${pages} pages`,
        );
      }
      page = answer;
    }
  };

  /**
   * Opens each unsettled link once and acts on it; true if anything was decided. Each pilot's links are taken
   * one after another, oldest e-mail first, as its officials would (which of two 或签 members is first, and
   * what a later page shows, depends on it); different pilots' officials act side by side, PILOTS_AT_ONCE at a
   * time. The pages are first opened side by side to learn whose they are (GET changes nothing); a page is
   * opened again before acting when its pilot has had a decision since.
   */
  const actOnMail = async (): Promise<boolean> => {
    // Batch pages first, one after another: two people's pages may list the same pilot's tasks (或签).
    let batchDecided = false;
    for (const { mail, url, key } of unsettled.batch) {
      if (!settled.has(key) && (await actOnBatch(mail, url))) batchDecided = true;
    }
    const links = unsettled.task.filter(({ key }) => !settled.has(key));
    const pages = await pMap(links, ({ url }) => browser.open(url), { concurrency: PILOTS_AT_ONCE });
    const open = links.flatMap(({ mail, url, key }, i) => {
      const page = pages[i] as TaskPage;
      if (page.form) return [{ mail, url, page }];
      settled.add(key);
      return [];
    });
    const decided = await pilotByPilot(
      open,
      ({ page }) => fact(page, '试点', 'Pilot') ?? '-',
      async ({ mail, url, page }, since) => actOn(mail, url, since ? await browser.open(url) : page),
    );
    unsettled.batch = unsettled.batch.filter(({ key }) => !settled.has(key));
    unsettled.task = unsettled.task.filter(({ key }) => !settled.has(key));
    return batchDecided || decided;
  };

  for (;;) {
    await cloud.whenIdle();
    for (const mail of await readMail()) {
      if (CHASE.test(mail.subject))
        ctx.progress(
          `${dayOf(plan, cloud.clock.now())}  ${pad(words.mail, 18)} ${pad(words.chase, 15)} ${mail.subject} → ${mail.to.join(', ')}`,
        );
    }
    if (await actOnMail()) continue;
    await reportPilots();
    const status = await programmeStatus();
    if (status && status !== 'RUNNING') break;
    if (cloud.clock.now() > giveUpAt) {
      throw new RehearsalError(
        `the programme had not finished ${graceDays} days after the plan's end (${plan.programme.end}); ` +
          `its execution is ${status ?? 'not started'}${waiting.size ? `; waiting: ${[...waiting.values()].join('; ')}` : ''}`,
      );
    }
    if (!(await cloud.clock.advanceToNextTimer())) {
      throw new RehearsalError(
        `nothing left to act on and no timer to wait for, but the programme's execution is ${status ?? 'not started'}`,
      );
    }
  }
  await readMail();
  await reportPilots();

  const outcome = await readOutcome(store, plan, mails);
  const executions = await readExecutions(cloud, programmeId);
  const usage = cloud.usage();
  const names = new Map(
    cloud.resources.functions.map((f) => [f.name, f.environment.POWERTOOLS_SERVICE_NAME ?? f.logicalId]),
  );
  const lambdaInvocations: Record<string, number> = {};
  for (const [name, n] of Object.entries(usage.lambdaInvocations).sort()) {
    const key = names.get(name) ?? name;
    lambdaInvocations[key] = (lambdaInvocations[key] ?? 0) + n;
  }
  const dynamodbRequests = Object.fromEntries(Object.entries(usage.dynamodbRequests ?? {}).sort());
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const runUsage: RehearsalUsage = {
    scope: 'this run',
    lambdaInvocations,
    lambdaInvocationsTotal: sum(lambdaInvocations),
    stateTransitions: usage.stateTransitions,
    scheduleFires: usage.scheduleFires,
    emails: mails.length,
    dynamodbRequests,
    dynamodbRequestsTotal: sum(dynamodbRequests),
    httpRequests: { ...browser.requests },
  };
  const differences = scenario.check(plan, outcome);
  return {
    ...outcome,
    scenario: scenario.name,
    emails: mails.length,
    attachments: outcome.attachments,
    transitions: executions.transitions,
    simulatedDays: simulatedDays(executions.startedAt, executions.stoppedAt ?? cloud.clock.now()),
    wallSeconds: Math.round((performance.now() - ctx.started) / 100) / 10,
    context: rehearsalContext(plan),
    usage: runUsage,
    expected: differences.length === 0,
    differences,
    dataDir: ctx.dataDir,
  };
}
