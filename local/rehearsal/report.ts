// The rehearsal's result, read from the system once the programme has ended (the store, the mailbox, the
// executions' histories), so a rehearsal that was stopped and restarted reports the whole programme; and its
// two renderings: one JSON object, or a table for people.
import { decisionFiles } from '#domain/evidence.ts';
import type { LocalCloud, Mail } from '#local/cloud/index.ts';
import type { TaskKind } from '#plan/kinds.ts';
import type { Plan } from '#plan/schema.ts';
import { listAuditOfPilot } from '#store/audit.ts';
import { listPilots } from '#store/pilots.ts';
import { getProgramme } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { listTasksOfPilot, type TaskRecord } from '#store/tasks.ts';
import type { RehearsalOutcome } from './scenario.ts';
import { type RehearsalWords, rehearsalWords } from './words.ts';

export interface RehearsalUsage {
  /** What is counted here covers this run of the command (after a restart: from the restart on). */
  scope: 'this run';
  lambdaInvocations: Record<string, number>;
  lambdaInvocationsTotal: number;
  stateTransitions: number;
  scheduleFires: number;
  emails: number;
  dynamodbRequests: Record<string, number>;
  dynamodbRequestsTotal: number;
  /** The simulated officials' requests to the HTTP API, by method. */
  httpRequests: Record<string, number>;
}

export interface RehearsalReport extends RehearsalOutcome {
  scenario: string;
  /** Every e-mail the local SES received. */
  emails: number;
  /** Decisions recorded through approval links. */
  decisions: number;
  /** Evidence files uploaded through the pages and recorded with those decisions. */
  attachments: number;
  /** States entered by every execution of the programme (from their histories). */
  transitions: number;
  simulatedDays: number;
  wallSeconds: number;
  /** The CDK context the rehearsal synthesised the app with. */
  context: Record<string, string>;
  usage: RehearsalUsage;
  /** True when the programme finished as the scenario expects. */
  expected: boolean;
  differences: string[];
  dataDir: string;
}

const DAY = 86_400_000;

function maxRounds(tasks: TaskRecord[]): Partial<Record<TaskKind, number>> {
  const rounds: Partial<Record<TaskKind, number>> = {};
  for (const t of tasks) {
    const kind = t.kind as TaskKind;
    rounds[kind] = Math.max(rounds[kind] ?? 0, t.round);
  }
  return rounds;
}

function returnsOf(tasks: TaskRecord[]): Partial<Record<TaskKind, number>> {
  const returns: Partial<Record<TaskKind, number>> = {};
  for (const t of tasks) {
    if (t.status !== 'decided' || !t.decision || t.decision.outcome === 'approve') continue;
    const kind = t.kind as TaskKind;
    returns[kind] = (returns[kind] ?? 0) + 1;
  }
  return returns;
}

/** What the system shows about the programme now: the store, the mail, the executions. */
export async function readOutcome(
  store: Store,
  plan: Plan,
  mails: Mail[],
): Promise<RehearsalOutcome & { decisions: number; attachments: number }> {
  const programmeId = plan.programme.id;
  const programme = await getProgramme(store, programmeId);
  const pilots = await listPilots(store, programmeId, { consistent: true });
  const higherLevel = plan.units.find((u) => u.id === plan.programme.higherLevel);
  const higherAddresses = new Set((higherLevel?.contacts ?? []).map((c) => c.email.toLowerCase()));
  const summaryMailed = mails.some((m) => m.to.some((to) => higherAddresses.has(to.toLowerCase())));
  let decisions = 0;
  let attachments = 0;
  const countDecisions = (tasks: TaskRecord[]) => {
    const decided = tasks.filter((t) => t.status === 'decided' && t.decision?.linkId);
    decisions += decided.length;
    attachments += decided.flatMap((t) => decisionFiles(t.decision?.form)).length;
  };
  countDecisions(await listTasksOfPilot(store, programmeId, '-'));
  const out: RehearsalOutcome['pilots'] = [];
  for (const planned of plan.pilots) {
    const pilot = pilots.find((p) => p.pilotId === planned.id);
    const tasks = await listTasksOfPilot(store, programmeId, planned.id);
    countDecisions(tasks);
    const audit = await listAuditOfPilot(store, programmeId, planned.id);
    const checks = tasks.filter((t) => t.kind === 'supervisionCheck' && t.status === 'decided');
    const problems = (t: TaskRecord) => {
      const found = t.decision?.form.problemsFound;
      return found === true || found === 'yes';
    };
    const count = (...actions: string[]) => audit.filter((a) => actions.includes(a.action)).length;
    out.push({
      id: planned.id,
      name: planned.name,
      outcome: pilot?.outcome ?? 'not finished',
      acceptanceScore: pilot?.acceptanceScore ?? null,
      rounds: maxRounds(tasks),
      returns: returnsOf(tasks),
      checks: { total: checks.length, withProblems: checks.filter(problems).length },
      reminders: count('reminder.sent'),
      escalations: count('escalation.supervisor-notified', 'escalation.leading-group-notified'),
    });
  }
  return {
    programme: {
      id: programmeId,
      status: programme?.status ?? 'not launched',
      summarySent: Boolean(programme?.summarySentAt) && summaryMailed,
    },
    pilots: out,
    decisions,
    attachments,
  };
}

/** States entered by every execution of every state machine, and the programme execution's span. */
export async function readExecutions(
  cloud: LocalCloud,
  programmeId: string,
): Promise<{ transitions: number; startedAt?: number; stoppedAt?: number }> {
  let transitions = 0;
  let startedAt: number | undefined;
  let stoppedAt: number | undefined;
  for (const machine of cloud.resources.stateMachines) {
    let nextToken: string | undefined;
    do {
      const page = await cloud.runtime.listExecutions({
        stateMachineArn: machine.arn,
        ...(nextToken ? { nextToken } : {}),
      });
      for (const execution of page.executions ?? []) {
        if (machine.name.endsWith('-Programme') && execution.name === programmeId) {
          startedAt = execution.startDate?.getTime();
          stoppedAt = execution.stopDate?.getTime();
        }
        let historyToken: string | undefined;
        do {
          const history = await cloud.runtime.getExecutionHistory({
            executionArn: execution.executionArn,
            maxResults: 1000,
            ...(historyToken ? { nextToken: historyToken } : {}),
          });
          transitions += history.events.filter((e) => e.type?.endsWith('StateEntered')).length;
          historyToken = history.nextToken;
        } while (historyToken);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return {
    transitions,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(stoppedAt !== undefined ? { stoppedAt } : {}),
  };
}

export function simulatedDays(startedAt: number | undefined, endedAt: number): number {
  return startedAt === undefined ? 0 : Math.round(((endedAt - startedAt) / DAY) * 10) / 10;
}

/** The JSON object `--json` prints. */
export function reportJson(report: RehearsalReport): Record<string, unknown> {
  return {
    programme: {
      id: report.programme.id,
      status: report.programme.status,
      summarySent: report.programme.summarySent,
    },
    pilots: report.pilots.map((p) => ({
      id: p.id,
      name: p.name,
      outcome: p.outcome,
      acceptanceScore: p.acceptanceScore,
      rounds: p.rounds,
      escalations: p.escalations,
      reminders: p.reminders,
      returns: p.returns,
      checks: p.checks,
    })),
    emails: report.emails,
    decisions: report.decisions,
    attachments: report.attachments,
    transitions: report.transitions,
    simulatedDays: report.simulatedDays,
    wallSeconds: report.wallSeconds,
    scenario: report.scenario,
    expected: report.expected,
    differences: report.differences,
    context: report.context,
    usage: report.usage,
  };
}

/** The display width of `text`, counting CJK characters as two columns. */
export function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch,
    )
      ? 2
      : 1;
  return w;
}

/** Pads to a display width, counting CJK characters as two columns. */
export function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - width(text)));
}

const num = (n: number) => n.toLocaleString('en-US');

/** The summary for people, in the plan's language: one row per pilot, then the programme and the figures. */
export function reportText(report: RehearsalReport, words: RehearsalWords = rehearsalWords('en')): string {
  const t = words.table;
  const lines: string[] = [];
  const header = [
    pad(t.pilot, 18),
    pad(t.outcome, 13),
    pad(t.score, 6),
    pad(t.plan, 5),
    pad(t.checks, 12),
    pad(t.self, 5),
    pad(t.accept, 7),
    pad(t.returns, 8),
    t.chased,
  ].join(' ');
  lines.push(header, '-'.repeat(width(header) + 4));
  for (const p of report.pilots) {
    const returns = Object.values(p.returns).reduce((a, b) => a + (b ?? 0), 0);
    lines.push(
      [
        pad(p.name, 18),
        pad(words.locale === 'en' ? p.outcome : words.pilotOutcome(p.outcome, undefined), 13),
        pad(p.acceptanceScore === null ? '-' : String(p.acceptanceScore), 6),
        pad(String(p.rounds.implementationPlan ?? '-'), 5),
        pad(`${p.checks.total} (${p.checks.withProblems})`, 12),
        pad(String(p.rounds.selfInspection ?? '-'), 5),
        pad(String(p.rounds.acceptance ?? '-'), 7),
        pad(String(returns), 8),
        `${p.reminders}/${p.escalations}`,
      ].join(' '),
    );
  }
  lines.push(
    '',
    words.programmeLine(report.programme.id, report.programme.status, report.programme.summarySent),
    words.figures({
      emails: num(report.emails),
      decisions: num(report.decisions),
      attachments: num(report.attachments),
      transitions: num(report.transitions),
      days: report.simulatedDays,
      seconds: report.wallSeconds,
    }),
    t.legend,
  );
  if (report.expected) lines.push(words.expected(report.scenario));
  else lines.push(...unexpectedLines(report, words));
  return lines.join('\n');
}

/** Why a rehearsal is not as its scenario expects: a heading and one line per difference. */
export function unexpectedLines(
  report: Pick<RehearsalReport, 'scenario' | 'differences'>,
  words: RehearsalWords,
): string[] {
  return [words.notExpected(report.scenario), ...report.differences.map((d) => `  - ${d}`)];
}
