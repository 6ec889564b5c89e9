// One language per plan: every kind of e-mail (and the approval page of every kind of task) the sample plan
// can send, rendered for its zh-CN plan, holds no word in Latin script — no English name in brackets, no
// English step name, no role key — but for e-mail addresses, URLs and digits; for the plan in English, no
// Chinese but for what officials typed.
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import type { OpenLink } from '#domain/approval.ts';
import { type EscalationTask, levelMessages } from '#domain/escalation.ts';
import { taskFormOf } from '#domain/forms.ts';
import type { EscalationMailTask, Texts } from '#domain/mail.ts';
import type { PilotSummary } from '#domain/summary.ts';
import { formFor } from '#domain/task-forms.ts';
import { TASK_KINDS, type TaskKind } from '#plan/kinds.ts';
import { validatePlan } from '#plan/load.ts';
import { getPilot, getUnit } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { linkPage } from '#presentation/pages/approval-view.ts';
import { renderPage } from '#presentation/pages/render.tsx';
import type { TaskRecord } from '#store/tasks.ts';
import { sampleData, samplePlan } from '#test/fixtures/plans.ts';

const texts: Texts = emailTexts;
const LINK = 'https://api.xx-county.example/a/AAAAAAAAAAAAAAAAAAAAAAAA?sig=KKKKKKKK.mac';
const DUE = '2023-01-05T09:30:00.000Z';

function englishPlan(): Plan {
  const data = sampleData();
  data.programme.locale = 'en';
  const result = validatePlan(data);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

/** Where the task of a kind goes in the sample: a pilot's own task, or the county's. */
const PILOT_OF: Record<TaskKind, string> = {
  acknowledgement: 'gucheng',
  implementationPlan: 'gucheng',
  planReview: 'gucheng',
  supervisionCheck: 'caotang',
  rectification: 'caotang',
  verification: 'caotang',
  selfInspection: 'gucheng',
  preliminaryEvaluation: 'donghelu',
  acceptance: 'zhangshu',
  summary: '-',
};

function taskOf(plan: Plan, kind: TaskKind, round: number, context: Record<string, unknown>): TaskRecord {
  const pilotId = PILOT_OF[kind];
  return {
    taskId: `00000000-0000-4000-8000-00000000000${TASK_KINDS.indexOf(kind)}`,
    programmeId: plan.programme.id,
    pilotId,
    stage:
      kind === 'acknowledgement' || kind === 'implementationPlan' || kind === 'planReview'
        ? 'launch'
        : 'evaluation',
    kind,
    step: 'Acknowledge receipt',
    title: texts.taskTitle(plan, kind, pilotId, round),
    round,
    assignees: [{ name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' }],
    dueAt: DUE,
    createdAt: '2023-01-01T01:00:00.000Z',
    status: 'open',
    executionArn: 'arn:aws:states:cn-north-1:000000000000:execution:XX-Launch:xx-county-gucheng-launch',
    taskToken: 'token',
    form: formFor(plan, kind),
    context,
    escalationLevel: 0,
  };
}

/** What the rounds of a task carry: a returned plan's comment, the problems found, the member unit (a role). */
function contextOf(locale: string, kind: TaskKind): Record<string, unknown> {
  const typed = locale === 'en' ? 'Please add a timetable.' : '请补充时间表。';
  return {
    previousComment: typed,
    ...(kind === 'planReview'
      ? { submittedSummary: typed, submittedDocument: 'https://docs.example/p.pdf' }
      : {}),
    ...(kind === 'rectification' || kind === 'verification' ? { problems: typed } : {}),
    ...(kind === 'acknowledgement' ? { memberUnit: 'pilot' } : {}),
    ...(kind === 'acceptance' ? { memberUnit: 'finance', score: 50 } : {}),
  };
}

const summary = (pilotId: string): PilotSummary => ({
  pilotId,
  outcome: 'accepted',
  acceptanceScore: 84,
  grade: 'pass',
  implementationPlanRounds: 2,
  supervisionChecks: 8,
  checksWithProblems: 1,
  rectifications: 1,
  studyTours: [],
  selfInspectionRounds: 1,
  acceptanceRounds: 1,
  tasks: { total: 19, decided: 19, timedOut: 0 },
});

/** Every e-mail the plan can send, by a name for the failure message. */
function everyMail(plan: Plan): Array<[string, { subject: string; text: string; html: string }]> {
  const locale = plan.programme.locale;
  const mails: Array<[string, { subject: string; text: string; html: string }]> = [];
  for (const kind of TASK_KINDS) {
    for (const round of [1, 2]) {
      const task = taskOf(plan, kind, round, contextOf(locale, kind));
      mails.push([
        `task e-mail ${kind} round ${round}`,
        texts.taskEmail({
          plan,
          task: { ...task, kind },
          assignee: task.assignees[0]!,
          url: LINK,
          linkExpiresAt: '2023-01-12T09:30:00.000Z',
          context: task.context,
        }),
      ]);
    }
  }
  for (const kind of ['acknowledgement', 'supervisionCheck'] as const) {
    mails.push([
      `batch e-mail ${kind}`,
      texts.batchEmail({
        plan,
        kind,
        dueAt: '2023-01-05T09:30:00.000Z',
        assignee: { name: '陈静', email: 'caizheng@xx-county.example', unitId: 'finance' },
        pilotIds: plan.pilots.map((p) => p.id),
        url: LINK,
        linkExpiresAt: '2023-01-12T09:30:00.000Z',
      }),
    ]);
  }
  mails.push(['notice to a unit', texts.mobilisationNotice(plan, getUnit(plan, 'finance'), 6)]);
  mails.push(['notice to a pilot', texts.mobilisationNotice(plan, getPilot(plan, 'gucheng'), 6)]);
  const stalled = taskOf(plan, 'selfInspection', 1, {});
  mails.push([
    'stalled notice',
    texts.stalledNotice(plan, {
      pilotId: 'gucheng',
      step: 'Self-inspection',
      taskTitle: stalled.title,
      assignees: ['郑凯 <gucheng@xx-town.example>'],
      dueAt: DUE,
      executionArn: stalled.executionArn,
    }),
  ]);
  mails.push([
    'failure notice',
    texts.failureNotice(plan, {
      pilotId: 'gucheng',
      stage: 'implementation',
      step: 'Record the supervision check',
      error: 'States.TaskFailed',
      cause: 'ValidationError: something went wrong',
      executionArn: stalled.executionArn,
    }),
  ]);
  mails.push(['pilot summary', texts.pilotSummary(plan, summary('gucheng'))]);
  mails.push([
    'programme summary',
    texts.programmeSummary(
      plan,
      {
        programmeId: plan.programme.id,
        pilots: plan.pilots.map((p) => summary(p.id)),
        accepted: 6,
        excellent: 1,
        averageScore: 84.83,
      },
      {
        text: locale === 'en' ? 'All pilots were accepted.' : '六个试点全部通过验收。',
        document: 'https://docs.example/s.pdf',
      },
    ),
  ]);
  const late = taskOf(plan, 'acknowledgement', 1, {}) as EscalationMailTask & EscalationTask;
  for (const level of [1, 2, 3] as const) {
    for (const message of levelMessages(plan, late, level)) {
      for (const actionUrl of message.audience === 'assignee' ? [LINK, undefined] : [undefined]) {
        mails.push([
          `level ${level} ${message.audience}${actionUrl ? '' : ' without a link'}`,
          texts.escalationEmail({
            plan,
            task: late,
            message,
            now: new Date(Date.parse(DUE) + 4 * 86_400_000),
            ...(actionUrl ? { actionUrl } : { dashboardUrl: 'https://api.xx-county.example/admin/tasks/x' }),
            supervisors: [getPilot(plan, 'xx-town')],
          }),
        ]);
      }
    }
  }
  return mails;
}

/** The approval page of an open task of every kind, as its assignee sees it. */
function everyPage(plan: Plan): Array<[string, string]> {
  const locale = plan.programme.locale;
  return TASK_KINDS.map((kind) => {
    const task = taskOf(plan, kind, 2, contextOf(locale, kind));
    const state: OpenLink = {
      kind: 'open',
      sig: 'KKKKKKKK.mac',
      link: {
        linkId: 'AAAAAAAAAAAAAAAAAAAAAAAA',
        taskId: task.taskId,
        assignee: task.assignees[0]!,
        status: 'active',
        createdAt: task.createdAt,
        expiresAt: '2023-01-12T09:30:00.000Z',
      },
      task,
      plan,
      form: taskFormOf(task),
      earlierRounds: [],
      formToken: 'KKKKKKKK.token',
      uploads: [],
      submittedFiles: [],
    };
    const page = linkPage(state, { now: new Date('2023-01-03T00:00:00Z') });
    return [`the ${kind} page`, renderPage(page.view)];
  });
}

/** The words a reader sees in an HTML document: its text nodes (not tags, attributes or the stylesheet). */
function visibleText(html: string): string {
  const out: string[] = [];
  let skip = 0;
  const parser = new Parser({
    onopentag: (name) => {
      if (name === 'style' || name === 'script') skip++;
    },
    onclosetag: (name) => {
      if (name === 'style' || name === 'script') skip--;
    },
    ontext: (text) => {
      if (!skip) out.push(text);
    },
  });
  parser.write(html);
  parser.end();
  return out.join(' ').replace(/&[a-z]+;|&#\d+;/g, ' ');
}

const URL_OR_ADDRESS = /https?:\/\/\S+|[\w.+-]+@[\w.-]+\.[a-z]{2,}/gi;

/** Latin-script words left once addresses and URLs are taken out; `XX` is the sample's anonymised place name. */
function latinWords(text: string): string[] {
  return (text.replace(URL_OR_ADDRESS, ' ').match(/[A-Za-z]+/g) ?? []).filter((w) => w !== 'XX');
}

function hanWords(text: string): string[] {
  return text.replace(URL_OR_ADDRESS, ' ').match(/\p{Script=Han}+/gu) ?? [];
}

describe('a zh-CN plan', () => {
  const plan = samplePlan();

  it('sends every kind of e-mail in Chinese only: no Latin-script word outside addresses and URLs', () => {
    const found = everyMail(plan).flatMap(([name, mail]) => {
      const words = latinWords([mail.subject, mail.text, visibleText(mail.html)].join('\n'));
      return words.length ? [`${name}: ${[...new Set(words)].join(' ')}`] : [];
    });
    expect(found).toEqual([]);
  });

  it('shows every task page in Chinese only', () => {
    const found = everyPage(plan).flatMap(([name, html]) => {
      const words = latinWords(visibleText(html));
      return words.length ? [`${name}: ${[...new Set(words)].join(' ')}`] : [];
    });
    expect(found).toEqual([]);
  });

  it('names a countersign member by its name, never by a role key', () => {
    const pages = everyPage(plan);
    const ack = pages.find(([name]) => name === 'the acknowledgement page')?.[1] ?? '';
    expect(ack).toContain('<dt>会签单位</dt><dd>XX镇古城社区</dd>');
  });

  it('writes deadlines as officials do, without a zone name', () => {
    const [, mail] = everyMail(plan)[0]!;
    expect(mail.subject).toContain('2023年1月5日（星期四）17:30前');
    expect(mail.text).not.toContain('Asia/Shanghai');
  });
});

describe('an en plan', () => {
  const plan = englishPlan();

  it('sends every kind of e-mail in English: no Chinese but what officials typed and names without an English one', () => {
    const found = everyMail(plan).flatMap(([name, mail]) => {
      // The assignee of the sample's tasks is stored with the Chinese name the plan gives first.
      const words = hanWords([mail.subject, mail.text, visibleText(mail.html)].join('\n')).filter(
        (w) => w !== '郑凯',
      );
      return words.length ? [`${name}: ${[...new Set(words)].join(' ')}`] : [];
    });
    expect(found).toEqual([]);
  });

  it('shows every task page in English', () => {
    const found = everyPage(plan).flatMap(([name, html]) => {
      // The assignee's stored name, and the plan's one indicator description it gives in Chinese only.
      const words = hanWords(visibleText(html)).filter(
        (w) => w !== '郑凯' && !w.startsWith('试点资金') && !w.startsWith('使用接受'),
      );
      return words.length ? [`${name}: ${[...new Set(words)].join(' ')}`] : [];
    });
    expect(found).toEqual([]);
  });
});
