// What `pilotflow rehearse` says, in the plan's language (`programme.locale`): the progress lines on stderr and
// the summary table on stdout. Stage, status and outcome names are the dashboard's, so that a county reads the
// same words in the terminal as in the browser. The `--json` report keeps its English keys and values: it is
// for programs.

import type { LocalText } from '#domain/forms.ts';
import { CELL_LABELS, PILOT_OUTCOME_LABELS } from '#presentation/dashboard/words.ts';
import { type Locale, lt, tr } from '#presentation/i18n.ts';
import { stageName } from '#presentation/words.ts';

const STAGE_STATUS: Record<string, LocalText> = {
  running: lt('开始', 'started'),
  done: CELL_LABELS.done,
  failed: CELL_LABELS.failed,
  stalled: lt('停滞', 'stalled'),
  'not-started': CELL_LABELS['not-started'],
};

/** A pilot's outcome, and the report's "not finished". */
const OUTCOME: Record<string, LocalText> = {
  ...PILOT_OUTCOME_LABELS,
  'not finished': lt('未完成', 'not finished'),
};

/** A programme's status (functions/store/programmes.ts), and the report's "not launched". */
const PROGRAMME_STATUS: Record<string, LocalText> = {
  launched: lt('已启动', 'launched'),
  running: lt('进行中', 'running'),
  completed: lt('已完成', 'completed'),
  failed: lt('已失败', 'failed'),
  'not launched': lt('未启动', 'not launched'),
};

export interface RehearsalWords {
  locale: Locale;
  heading(title: string, id: string, scenario: string): string;
  schedules(context: Record<string, string>): string;
  dataDirectory(dir: string): string;
  resuming: string;
  portTaken(port: number): string;
  /** The prefix of the local cloud's own lines (English: they are shared with `npm start`). */
  localCloud: string;
  note: string;
  /** A stage's name; the argument when it is not a stage. */
  stage(stage: string): string;
  stageStatus(status: string): string;
  outcome: string;
  pilotOutcome(outcome: string, score: number | undefined): string;
  leftUnanswered(title: string, why: LocalText): string;
  round(n: number): string;
  /** Who acted, after what they did. */
  by(who: string): string;
  /** A task's title and the button pressed on its page. */
  decided(task: string, label: string): string;
  problems(text: string): string;
  confirmedOnBatchPage(title: string, who: string): string;
  mail: string;
  chase: string;
  stopped(signal: string, dataDir: string | undefined): string;
  keptDataDir(dir: string): string;
  noScenario(name: string, known: string[]): string;
  table: {
    pilot: string;
    outcome: string;
    score: string;
    plan: string;
    checks: string;
    self: string;
    accept: string;
    returns: string;
    chased: string;
    legend: string;
  };
  programmeLine(id: string, status: string, summarySent: boolean): string;
  figures(f: {
    emails: string;
    decisions: string;
    attachments: string;
    transitions: string;
    days: number;
    seconds: number;
  }): string;
  expected(scenario: string): string;
  notExpected(scenario: string): string;
}

const zh: RehearsalWords = {
  locale: 'zh-CN',
  heading: (title, id, scenario) => `预演：${title}（${id}），场景“${scenario}”：`,
  schedules: (context) =>
    `  （定时任务按 CDK context 运行：${Object.entries(context)
      .map(([k, v]) => `${k}="${v}"`)
      .join('，')}）`,
  dataDirectory: (dir) => `数据目录：${dir}`,
  resuming: '继续被中断的预演：已做过的事从邮箱和数据表中读回',
  portTaken: (port) => `  提示：被中断的预演所用端口 ${port} 已被占用，链接改由新端口打开`,
  localCloud: '本地云：',
  note: '提示：',
  stage: (stage) => (stage === 'outcome' ? '结果' : (stageName('zh-CN', stage) ?? stage)),
  stageStatus: (status) => tr('zh-CN', STAGE_STATUS[status] ?? lt(status, status)),
  outcome: '结果',
  pilotOutcome: (outcome, score) =>
    `${tr('zh-CN', OUTCOME[outcome] ?? lt(outcome, outcome))}${score !== undefined ? `，得分 ${score}` : ''}`,
  leftUnanswered: (title, why) => `${title}：暂不办理，${why.zh}`,
  round: (n) => `（第 ${n} 轮）`,
  decided: (task, label) => `${task}：${label}`,
  by: (who) => `（${who}）`,
  problems: (text) => `，发现问题：${text}`,
  confirmedOnBatchPage: (title, who) => `${title}：在批量页面确认（${who}）`,
  mail: '（邮件）',
  chase: '催办/上报',
  stopped: (signal, dataDir) => `\n${signal}：已停止。${dataDir ? `用 --data-dir ${dataDir} 继续。` : ''}`,
  keptDataDir: (dir) => `数据目录已保留：${dir}`,
  noScenario: (name, known) => `没有名为“${name}”的场景；可用的有：${known.join('，')}`,
  table: {
    pilot: '试点',
    outcome: '结果',
    score: '得分',
    plan: '方案',
    checks: '督查',
    self: '自查',
    accept: '验收',
    returns: '退回',
    chased: '催办/上报',
    legend: '（方案、自查、验收：轮次；督查：督查次数（其中发现问题的次数））',
  },
  programmeLine: (id, status, summarySent) =>
    `项目 ${id}：${tr('zh-CN', PROGRAMME_STATUS[status] ?? lt(status, status))}；总结材料${summarySent ? '已报送上级' : '未报送'}`,
  figures: (f) =>
    `${f.emails} 封邮件 · ${f.decisions} 次办理 · ${f.attachments} 个附件 · ${f.transitions} 次状态转换 · 模拟 ${f.days} 天，用时 ${f.seconds} 秒`,
  expected: (scenario) => `符合“${scenario}”场景的预期。`,
  notExpected: (scenario) => `不符合“${scenario}”场景的预期：`,
};

const en: RehearsalWords = {
  locale: 'en',
  heading: (title, id, scenario) => `rehearsal of ${title} (${id}), scenario "${scenario}":`,
  schedules: (context) =>
    `  (schedules by CDK context: ${Object.entries(context)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ')})`,
  dataDirectory: (dir) => `data directory: ${dir}`,
  resuming:
    'resuming an interrupted rehearsal: what it already did is read back from the mailbox and the store',
  portTaken: (port) =>
    `  note: port ${port} of the interrupted run is taken; its links are followed at the new port`,
  localCloud: 'local cloud: ',
  note: 'note: ',
  stage: (stage) => (stage === 'outcome' ? 'outcome' : (stageName('en', stage) ?? stage)),
  stageStatus: (status) => tr('en', STAGE_STATUS[status] ?? lt(status, status)),
  outcome: 'outcome',
  pilotOutcome: (outcome, score) => `${outcome}${score !== undefined ? `, score ${score}` : ''}`,
  leftUnanswered: (title, why) => `${title}: left unanswered ${why.en}`,
  round: (n) => ` (round ${n})`,
  decided: (task, label) => `${task}: ${label}`,
  by: (who) => ` (${who})`,
  problems: (text) => `, problems: ${text}`,
  confirmedOnBatchPage: (title, who) => `${title}: confirmed on the batch page (${who})`,
  mail: '(mail)',
  chase: 'escalation',
  stopped: (signal, dataDir) =>
    `\n${signal}: stopped.${dataDir ? ` Continue with --data-dir ${dataDir}.` : ''}`,
  keptDataDir: (dir) => `The data directory is kept: ${dir}`,
  noScenario: (name, known) => `no scenario "${name}"; there is: ${known.join(', ')}`,
  table: {
    pilot: 'pilot',
    outcome: 'outcome',
    score: 'score',
    plan: 'plan',
    checks: 'checks',
    self: 'self',
    accept: 'accept',
    returns: 'returns',
    chased: 'reminders/escalations',
    legend: '(plan, self, accept: rounds; checks: supervision checks (with problems))',
  },
  programmeLine: (id, status, summarySent) =>
    `programme ${id}: ${status}; summary ${summarySent ? 'sent to the higher level' : 'NOT sent'}`,
  figures: (f) =>
    `${f.emails} e-mails · ${f.decisions} decisions · ${f.attachments} files attached · ${f.transitions} state transitions · ` +
    `${f.days} simulated days in ${f.seconds} s`,
  expected: (scenario) => `As the "${scenario}" scenario expects.`,
  notExpected: (scenario) => `NOT as the "${scenario}" scenario expects:`,
};

/** The rehearsal's words in `locale`. */
export function rehearsalWords(locale: Locale | undefined): RehearsalWords {
  return locale === 'en' ? en : zh;
}
