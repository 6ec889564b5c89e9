// Every word an official reads, in one place: the e-mails (MAIL, one object per language with the same shape,
// so the type checker refuses a text that exists in one language only) and the approval pages (PAGE, texts in
// both languages side by side). A plan has one language: a zh-CN plan's officials read Chinese only, with no
// English names in brackets, no English step names and no role keys; an `en` plan's read English. The
// renderers (email/, pages/) only arrange these words. The administrators' dashboard has its own words
// (dashboard/words.ts). No JSX here: tools outside a bundle read it too (the rehearsal recognises a page by
// its title).
import type { StageName, TaskKind } from '#plan/kinds.ts';
import type { Locale, LocalText } from './i18n.ts';

const lt = (zh: string, en: string): LocalText => ({ zh, en });

/** What each kind of task is called and asks for. */
export const KIND_TEXT: Record<TaskKind, { zh: string; en: string; whatZh: string; whatEn: string }> = {
  acknowledgement: {
    zh: '确认收到试点任务',
    en: 'Acknowledge the pilot tasks',
    whatZh: '请确认已收到试点工作动员部署的任务。',
    whatEn: 'Please confirm that you have received the pilot tasks deployed at the mobilisation meeting.',
  },
  implementationPlan: {
    zh: '提交实施方案',
    en: 'Submit the implementation plan',
    whatZh: '请提交本试点的实施方案（摘要和方案文件）。',
    whatEn: "Please submit the pilot's implementation plan (a summary and the document).",
  },
  planReview: {
    zh: '审核实施方案',
    en: 'Review the implementation plan',
    whatZh: '请审核试点提交的实施方案：批准，或填写意见后退回修改。',
    whatEn:
      'Please review the implementation plan the pilot submitted: approve it, or return it with your comments.',
  },
  supervisionCheck: {
    zh: '开展督查',
    en: 'Carry out the supervision check',
    whatZh: '请对试点开展督查，记录工作进展、资金使用和发现的问题。',
    whatEn:
      "Please carry out the supervision check and record the pilot's progress, use of funds and any problems.",
  },
  rectification: {
    zh: '问题整改',
    en: 'Rectify the problems',
    whatZh: '请按要求整改发现的问题，并提交整改措施和结果。',
    whatEn: 'Please rectify the problems found and report the measures taken and their results.',
  },
  verification: {
    zh: '核查整改情况',
    en: 'Verify the rectification',
    whatZh: '请核查试点的整改情况：确认整改到位，或退回重新整改。',
    whatEn: "Please verify the pilot's rectification: confirm it, or return it for more work.",
  },
  selfInspection: {
    zh: '试点自查',
    en: 'Self-inspection',
    whatZh: '请按评价指标开展自查，逐项评分并提交佐证材料。',
    whatEn: 'Please inspect the pilot against the indicators, score each one and submit the evidence.',
  },
  preliminaryEvaluation: {
    zh: '乡镇初评',
    en: 'Preliminary evaluation',
    whatZh: '请对试点的自查结果进行初评：通过，或退回重新自查。',
    whatEn: "Please evaluate the pilot's self-inspection: pass it, or return it to self-inspection.",
  },
  acceptance: {
    zh: '县级验收',
    en: 'County acceptance',
    whatZh: '请作为验收工作组成员对试点逐项评分并签署验收意见。',
    whatEn: 'As a member of the acceptance working group, please score the pilot on each indicator and sign.',
  },
  summary: {
    zh: '报送试点工作总结材料',
    en: 'Send the summary materials',
    whatZh: '请确认试点工作总结材料，确认后系统将报送上级。',
    whatEn: 'Please confirm the summary materials; once confirmed they are sent to the higher level.',
  },
};

/** The three stages. */
export const STAGE_TEXT: Record<StageName, LocalText> = {
  launch: lt('工作启动', 'Launch'),
  implementation: lt('组织实施', 'Implementation'),
  evaluation: lt('评估验收', 'Evaluation and acceptance'),
};

/** A kind's name in a language (the stored kind may be one the plan does not know). */
export function kindName(locale: Locale, kind: string): string | undefined {
  const k = KIND_TEXT[kind as TaskKind] as (typeof KIND_TEXT)[TaskKind] | undefined;
  return k ? (locale === 'en' ? k.en : k.zh) : undefined;
}

/** A stage's name in a language. */
export function stageName(locale: Locale, stage: string): string | undefined {
  const s = STAGE_TEXT[stage as StageName] as LocalText | undefined;
  return s ? (locale === 'en' ? s.en : s.zh) : undefined;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The words of every e-mail, one object per language. */
export interface MailWords {
  list: string;
  // Facts.
  pilot: string;
  task: string;
  round: string;
  stage: string;
  due: string;
  wasDue: string;
  assignedTo: string;
  overdueBy: string;
  days(n: number): string;
  roundOf(n: number): string;
  document: string;
  submitted: string;
  problems: string;
  previousComment: string;
  previousScore(score: number): string;
  // Frame.
  greet(name: string): string;
  to(party: string): string;
  programmeLine(county: string, title: string): string;
  contact(unit: string, person: string, email: string, phone?: string): string;
  footer: string;
  // The task request.
  taskTitle(who: string, what: string, round: number): string;
  taskSubject(title: string, deadline: string): string;
  openTask: string;
  linkNote(expires: string): string;
  // One request for several parallel tasks (functions/domain/batch.ts).
  batchSubject(what: string, pilots: number, deadline: string): string;
  batchLead(pilots: number): string;
  /** After the pilots a batch e-mail names: how many more the page lists. */
  batchMore(rest: number): string;
  openBatch: string;
  // The mobilisation notice.
  noticeSubject(meeting: string): string;
  noticeBody(county: string, pilots: number): string;
  meeting: string;
  when: string;
  where: string;
  noticeNextPilot: string;
  noticeNextUnit: string;
  // Stalled and failure notices to the lead unit.
  stalledSubject(what: string): string;
  stalledHeading: string;
  stalledBody: string;
  failureSubject(what: string): string;
  failureHeading: string;
  failureBody: string;
  error: string;
  details: string;
  step: string;
  execution: string;
  /** What a workflow error means, for a plan whose officials do not read the technical English. */
  errorMeaning(error: string): string;
  // Reminders and escalations.
  reminderSubject(title: string, deadline: string): string;
  overdueSubject(title: string, deadline: string): string;
  supervisorSubject(title: string): string;
  leadingGroupSubject(title: string, days: string): string;
  reminderBody(deadline: string): string;
  overdueBody(deadline: string, told: string, toldCount: number): string;
  supervisorBody(late: string, deadline: string): string;
  leadingGroupBody(late: string, deadline: string, days: string, told: string, toldCount: number): string;
  linkForYou: string;
  linkGone: string;
  supervise: string;
  nudgedBy(who: string): string;
  superviseFor(name: string): string;
  superviseNote: string;
  lateLine(name: string, details: string[]): string;
  phone(n: string): string;
  // The daily digest.
  digestSubject(day: string, count: number): string;
  digestBody: string;
  /** Each item's kind, as the single e-mails named it. */
  digestLabel: Record<'reminder' | 'overdue' | 'supervisor' | 'leading-group', string>;
  /** How late, in working days of the plan's calendar (0: due today, past the deadline). */
  lateWorkingDays(n: number): string;
  // Summaries.
  outcome: Record<'accepted' | 'failed' | 'stopped' | 'in-progress', string>;
  grade: Record<'excellent' | 'pass' | 'fail', string>;
  notScored: string;
  /** A figure with a part in brackets: `84（合格）`, `5（1）`. */
  withPart(n: number, part: string): string;
  summaryRows: {
    outcome: string;
    score: string;
    planRounds: string;
    checks: string;
    rectifications: string;
    selfRounds: string;
    acceptanceRounds: string;
    tasks: string;
  };
  pilotSummarySubject(name: string): string;
  pilotSummaryHeading(name: string): string;
  pilotSummaryBody(name: string): string;
  studyTours: string;
  programmeSummarySubject(county: string, title: string): string;
  programmeSummaryHeading: string;
  programmeSummaryBody(county: string): string;
  pilots: string;
  accepted: string;
  excellent: string;
  averageScore: string;
  summary: string;
  materials: string;
}

const zh: MailWords = {
  list: '、',
  pilot: '试点',
  task: '任务',
  round: '轮次',
  stage: '阶段',
  due: '截止时间',
  wasDue: '原截止时间',
  assignedTo: '承办人',
  overdueBy: '已逾期',
  days: (n) => `${n} 天`,
  roundOf: (n) => `第 ${n} 轮`,
  document: '文件',
  submitted: '提交的内容',
  problems: '发现的问题',
  previousComment: '上一轮的意见',
  previousScore: (s) => `上一轮验收得分：${s}`,
  greet: (name) => `${name}，您好：`,
  to: (party) => `${party}：`,
  programmeLine: (county, title) => `${county} · ${title}`,
  contact: (unit, person, email, phone) =>
    `如有疑问，请联系${unit} ${person}（${email}${phone ? `，电话 ${phone}` : ''}）。`,
  footer: '本邮件由试点工作流程系统自动发送，请勿直接回复。',
  taskTitle: (who, what, round) => `${who}：${what}${round > 1 ? `（第 ${round} 轮）` : ''}`,
  taskSubject: (title, deadline) => `【待办】${title}，请于${deadline}办理`,
  openTask: '打开任务并办理',
  linkNote: (expires) => `此链接仅供您本人使用，请勿转发；${expires}后失效。`,
  batchSubject: (what, n, deadline) => `【待办】${what}（${n} 个试点），请于${deadline}办理`,
  batchLead: (n) =>
    `以下 ${n} 个试点的这项任务都请您办理。打开链接后，可在一个页面上一并办理，也可以逐项办理：`,
  batchMore: (rest) => `另有 ${rest} 个试点，打开任务清单可以看到全部。`,
  openBatch: '打开任务清单并办理',
  noticeSubject: (meeting) => `【通知】${meeting}`,
  noticeBody: (county, pilots) =>
    `${county}城乡社区治理试点工作正式启动，共 ${pilots} 个试点。请按时参加动员大会。`,
  meeting: '会议',
  when: '时间',
  where: '地点',
  noticeNextPilot: '会后您将收到确认收到任务和提交实施方案的邮件，请按邮件中的链接办理。',
  noticeNextUnit: '会后您将收到确认收到试点任务的邮件，请按邮件中的链接办理。',
  stalledSubject: (what) => `【停滞】${what}：任务长期未办理`,
  stalledHeading: '任务长期未办理，流程已停止',
  stalledBody: '以下任务超过流程允许的最长等待时间仍未办理，该阶段流程已停止。请在管理后台查看并重新发起。',
  failureSubject: (what) => `【故障】${what}：流程出错停止`,
  failureHeading: '流程出错，已停止',
  failureBody: '系统多次重试后仍无法完成以下步骤，流程已停止。技术详情请在管理后台的流程记录中查看。',
  error: '错误',
  details: '详情',
  step: '步骤',
  execution: '流程',
  errorMeaning: (error) =>
    ({
      'PilotFlow.NotAllAccepted': '部分试点未通过验收，总结材料未报送。',
      'PilotFlow.PilotStopped': '试点的某一阶段已停止。',
      'PilotFlow.Stalled': '任务超过期限未办理。',
      'PilotFlow.StoppedByAdministrator': '管理员已停止流程。',
    })[error] ?? '系统多次重试后仍出错。',
  reminderSubject: (title, deadline) => `【催办】${title}，请于${deadline}办理`,
  overdueSubject: (title, deadline) => `【逾期催办】${title}，原定${deadline}办理`,
  supervisorSubject: (title) => `【逾期提醒】${title}`,
  leadingGroupSubject: (title, days) => `【逾期上报】${title}，已逾期 ${days}`,
  reminderBody: (deadline) => `此任务须于${deadline}办理，目前尚未办理，请及时办理。`,
  overdueBody: (deadline, told) =>
    `此任务原定${deadline}办理，目前仍未办理${told ? `，已同时告知${told}` : ''}。请尽快办理。`,
  supervisorBody: (late, deadline) => `${late}承办的此项任务原定${deadline}办理，目前仍未办理。请督促办理。`,
  leadingGroupBody: (late, deadline, days, told) =>
    `${late}承办的此项任务原定${deadline}办理，已逾期 ${days}，仍未办理${told ? `；此前已告知${told}` : ''}。现按催办规则上报。`,
  linkForYou: '此链接仅供您本人使用，请勿转发。',
  linkGone: '您的办理链接已失效，请联系下方的联系人重新办理。',
  supervise: '查看逾期事项并催办',
  nudgedBy: (who) => `${who}督促您尽快办理此项任务。`,
  superviseFor: (name) => `${name}：查看逾期事项并催办`,
  digestSubject: (day, count) => `【每日催办汇总】${day}：${count} 项事项`,
  digestBody:
    '以下是需要您办理或督办的事项，每个工作日汇总发送一次。逾期天数按工作日计算；已办理的事项不再列出。',
  digestLabel: {
    reminder: '【催办】',
    overdue: '【逾期催办】',
    supervisor: '【逾期提醒】',
    'leading-group': '【逾期上报】',
  },
  lateWorkingDays: (n) => (n >= 1 ? `${n} 个工作日` : '今天到期，已过截止时间'),
  superviseNote: '此链接仅供收件人本人使用，14 天内有效，无需登录。',
  lateLine: (name, details) => `${name}（${details.join('，')}）`,
  phone: (n) => `电话 ${n}`,
  outcome: { accepted: '通过验收', failed: '未通过验收', stopped: '已停止', 'in-progress': '进行中' },
  grade: { excellent: '优秀', pass: '合格', fail: '不合格' },
  notScored: '未评分',
  withPart: (n, part) => `${n}（${part}）`,
  summaryRows: {
    outcome: '结果',
    score: '验收得分',
    planRounds: '实施方案提交轮次',
    checks: '督查次数（发现问题）',
    rectifications: '整改次数',
    selfRounds: '自查轮次',
    acceptanceRounds: '验收轮次',
    tasks: '任务（已办理 / 超时）',
  },
  pilotSummarySubject: (name) => `【总结】${name}试点工作总结`,
  pilotSummaryHeading: (name) => `${name}试点工作总结`,
  pilotSummaryBody: (name) => `${name}的评估验收已完成，试点工作总结如下。`,
  studyTours: '外出学习考察：',
  programmeSummarySubject: (county, title) => `【报送】${county}${title}总结材料`,
  programmeSummaryHeading: '试点工作总结材料',
  programmeSummaryBody: (county) => `${county}试点工作已完成评估验收，现将总结材料报送如下。`,
  pilots: '试点数',
  accepted: '通过验收',
  excellent: '优秀',
  averageScore: '平均得分',
  summary: '工作总结',
  materials: '总结材料',
};

const en: MailWords = {
  list: ', ',
  pilot: 'Pilot',
  task: 'Task',
  round: 'Round',
  stage: 'Stage',
  due: 'Due',
  wasDue: 'Was due',
  assignedTo: 'Assigned to',
  overdueBy: 'Overdue by',
  days: (n) => plural(n, 'day'),
  roundOf: (n) => `round ${n}`,
  document: 'Document',
  submitted: 'What was submitted',
  problems: 'Problems found',
  previousComment: 'Comments on the previous round',
  previousScore: (s) => `Score at the previous acceptance: ${s}`,
  greet: (name) => `Dear ${name},`,
  to: (party) => `To ${party},`,
  programmeLine: (county, title) => `${county} · ${title}`,
  contact: (unit, person, email, phone) =>
    `Questions? Contact ${person}, ${unit} (${email}${phone ? `, phone ${phone}` : ''}).`,
  footer:
    'This e-mail was sent automatically by the pilot programme workflow system; please do not reply to it.',
  taskTitle: (who, what, round) => `${who}: ${what}${round > 1 ? ` (round ${round})` : ''}`,
  taskSubject: (title, deadline) => `[Action needed] ${title}, ${deadline}`,
  openTask: 'Open the task',
  linkNote: (expires) =>
    `This link is for you alone; please do not forward it. It stops working on ${expires}.`,
  batchSubject: (what, n, deadline) => `[Action needed] ${what}: ${plural(n, 'pilot')}, ${deadline}`,
  batchLead: (n) =>
    `This task is yours for each of these ${plural(n, 'pilot')}. The link opens one page where you can do them together or one by one:`,
  batchMore: (rest) => `And ${plural(rest, 'more pilot')}: the list of tasks shows them all.`,
  openBatch: 'Open the list of tasks',
  noticeSubject: (meeting) => `[Notice] ${meeting}`,
  noticeBody: (county, pilots) =>
    `${county}'s pilot programme is starting, with ${plural(pilots, 'pilot')}. Please attend the mobilisation meeting.`,
  meeting: 'Meeting',
  when: 'When',
  where: 'Where',
  noticeNextPilot:
    'After the meeting you will receive e-mails asking you to acknowledge the tasks and submit your implementation plan; follow the links in them.',
  noticeNextUnit:
    'After the meeting you will receive e-mails asking you to acknowledge the pilot tasks; follow the links in them.',
  stalledSubject: (what) => `[Stalled] ${what}: a task was not done in time`,
  stalledHeading: 'A task was not done in time and the workflow stopped',
  stalledBody:
    'The task below waited longer than the workflow allows, and the stage stopped. Please look at it in the dashboard and restart it.',
  failureSubject: (what) => `[Failure] ${what}: the workflow stopped`,
  failureHeading: 'A workflow failed and stopped',
  failureBody:
    'The step below could not be completed after several retries, and the workflow stopped. Please see the dashboard for details.',
  error: 'Error',
  details: 'Details',
  step: 'Step',
  execution: 'Execution',
  errorMeaning: (error) => error,
  reminderSubject: (title, deadline) => `[Reminder] ${title}, ${deadline}`,
  overdueSubject: (title, deadline) => `[Overdue] ${title}, was due ${deadline}`,
  supervisorSubject: (title) => `[Overdue] ${title}`,
  leadingGroupSubject: (title, days) => `[Escalated] ${title}, ${days} overdue`,
  reminderBody: (deadline) => `This task is due ${deadline} and is still open. Please complete it in time.`,
  overdueBody: (deadline, told, n) =>
    `This task was due ${deadline} and is still open${told ? `; ${told} ${n > 1 ? 'have' : 'has'} been told` : ''}. Please complete it as soon as possible.`,
  supervisorBody: (late, deadline) =>
    `${late} has not completed this task, which was due ${deadline}. Please follow it up.`,
  leadingGroupBody: (late, deadline, days, told, n) =>
    `${late} has not completed this task, which was due ${deadline}: it is ${days} overdue${told ? `, and ${told} ${n > 1 ? 'have' : 'has'} already been told` : ''}. It is escalated to you under the reminder rules.`,
  linkForYou: 'This link is for you alone; please do not forward it.',
  linkGone: 'Your link no longer works: please contact the person below.',
  supervise: 'See the overdue tasks and send reminders',
  nudgedBy: (who) => `${who} asks you to do this task now.`,
  superviseFor: (name) => `${name}: see the overdue tasks and send reminders`,
  digestSubject: (day, count) => `[Daily digest] ${day}: ${count} ${count === 1 ? 'item' : 'items'}`,
  digestBody:
    'Here is what needs your action or follow-up, sent once each working day. Days overdue count working days; tasks that have been done are left out.',
  digestLabel: {
    reminder: '[Reminder]',
    overdue: '[Overdue]',
    supervisor: '[Overdue: please follow up]',
    'leading-group': '[Escalated]',
  },
  lateWorkingDays: (n) =>
    n >= 1 ? `${n} working ${n === 1 ? 'day' : 'days'}` : 'due today, past the deadline',
  superviseNote: 'This link is for its recipient only, works for 14 days and needs no sign-in.',
  lateLine: (name, details) => `${name} (${details.join(', ')})`,
  phone: (n) => `phone ${n}`,
  outcome: { accepted: 'accepted', failed: 'not accepted', stopped: 'stopped', 'in-progress': 'in progress' },
  grade: { excellent: 'excellent', pass: 'pass', fail: 'fail' },
  notScored: 'not scored',
  withPart: (n, part) => `${n} (${part})`,
  summaryRows: {
    outcome: 'Outcome',
    score: 'Acceptance score',
    planRounds: 'Implementation plan rounds',
    checks: 'Supervision checks (with problems)',
    rectifications: 'Rectifications',
    selfRounds: 'Self-inspection rounds',
    acceptanceRounds: 'Acceptance rounds',
    tasks: 'Tasks (done / timed out)',
  },
  pilotSummarySubject: (name) => `[Summary] ${name}: pilot summary report`,
  pilotSummaryHeading: (name) => `Summary report: ${name}`,
  pilotSummaryBody: (name) => `The evaluation of ${name} is complete. Its summary:`,
  studyTours: 'Study tours:',
  programmeSummarySubject: (county, title) => `[Report] ${county}: summary of the ${title}`,
  programmeSummaryHeading: 'Summary materials of the pilot programme',
  programmeSummaryBody: (county) =>
    `${county} has completed the evaluation and acceptance of its pilots. The summary materials follow.`,
  pilots: 'Pilots',
  accepted: 'Accepted',
  excellent: 'Excellent',
  averageScore: 'Average score',
  summary: 'Summary',
  materials: 'Materials',
};

export const MAIL: Record<Locale, MailWords> = { 'zh-CN': zh, en };

/** The words of the officials' pages (the approval pages). */
export const PAGE = {
  site: lt('试点工作流程系统', 'Pilot programme workflow'),
  // Facts.
  pilot: lt('试点', 'Pilot'),
  stage: lt('阶段', 'Stage'),
  due: lt('截止时间', 'Due'),
  overdue: lt('（已逾期）', ' (overdue)'),
  round: lt('轮次', 'Round'),
  roundOf: (n: number) => lt(`第 ${n} 轮`, `Round ${n}`),
  assignee: lt('办理人', 'For'),
  memberUnit: lt('会签单位', 'For the unit'),
  previousScore: lt('上一轮验收得分', 'Score at the previous acceptance'),
  submitted: lt('提交的内容', 'What was submitted'),
  submittedDocument: lt('提交的文件', 'The submitted document'),
  problems: lt('发现的问题', 'Problems found'),
  previousComment: lt('上一轮的意见', 'Comments on the previous round'),
  documents: lt('相关材料', 'Documents'),
  history: lt('此前的办理记录', 'Earlier rounds'),
  // The form.
  comment: lt('意见', 'Comment'),
  commentOptional: lt('（可选）', ' (optional)'),
  required: lt('（必填）', ' (required)'),
  requiredFor: (names: string[]) =>
    lt(`（${names.join('、')}时必填）`, ` (required to ${names.join(' or ').toLowerCase()})`),
  commentRequiredFor: (names: string[]) =>
    lt(
      `选择“${names.join('”或“')}”时必填，请写明原因。`,
      `Required to ${names.join(' or ').toLowerCase()}: please say why.`,
    ),
  errorsTitle: lt('请修改以下内容后再提交', 'Please correct the following and submit again'),
  decide: lt('请选择', 'Your decision'),
  decisionError: lt('决定', 'Decision'),
  // A link decides for its assignee whoever opens it; the audit event records where the decision came from.
  recordedWith: lt(
    '提交的决定将连同本设备的网络地址和浏览器信息一并记录。',
    'Your decision is recorded with this device’s network address and browser.',
  ),
  yes: lt('是', 'Yes'),
  no: lt('否', 'No'),
  // After a decision.
  decision: lt('决定', 'Decision'),
  by: lt('办理人', 'By'),
  at: lt('时间', 'When'),
  closeHint: lt('您可以关闭此页面。', 'You can close this page.'),
  submittedTitle: lt('已提交', 'Submitted'),
  recordedWorkflowGone: lt('您的意见已记录。', 'Your decision has been recorded.'),
  workflowGone: lt(
    '不过，这一事项的流程在您提交之前已经结束（已超时或已由管理员处理），因此这次提交不会再推动流程。管理员可以在系统中看到您的意见。',
    'However, the workflow of this task had already moved on before you submitted (it timed out or an administrator handled it), so your decision will not move it further. Administrators can see your decision in the system.',
  ),
  thanks: lt('您的意见已提交，谢谢。', 'Thank you: your decision has been submitted.'),
  passedOnLater: lt(
    '系统稍后会把结果转交流程的下一步，您无需再次操作。',
    'The system will pass it on to the next step shortly; there is nothing more for you to do.',
  ),
  movedOn: lt('流程已进入下一步。', 'The workflow has moved on to its next step.'),
  alreadyDecidedTitle: lt('已办理', 'Already decided'),
  decidedByYou: (at: string, outcome: string) =>
    lt(
      `您已于 ${at} 提交过意见（${outcome}），无需再次操作。`,
      `You already decided on ${at} (${outcome}); there is nothing more to do.`,
    ),
  decidedByOther: (by: string, at: string, outcome: string) =>
    lt(
      `此事项已由 ${by} 于 ${at} 办理（${outcome}），无需您再操作。`,
      `${by} already decided this task on ${at} (${outcome}); there is nothing for you to do.`,
    ),
  closedTitle: lt('事项已关闭', 'Task closed'),
  cancelled: (at: string | undefined) =>
    lt(
      at ? `此事项已于 ${at} 取消，无需办理。` : '此事项已取消，无需办理。',
      at
        ? `This task was cancelled on ${at}; there is nothing to do.`
        : 'This task was cancelled; there is nothing to do.',
    ),
  timedOut: (at: string | undefined) =>
    lt(
      at ? `此事项已于 ${at} 因超过期限而关闭。` : '此事项已因超过期限而关闭。',
      at
        ? `This task was closed on ${at} because its time ran out.`
        : 'This task was closed because its time ran out.',
    ),
  stillNeeded: lt('如仍需办理，请联系下方的联系人。', 'If it still needs doing, contact the person below.'),
  contact: lt('联系人', 'Contact'),
  // Refused links.
  refused: {
    unknown: {
      title: lt('找不到这个链接', 'This link was not found'),
      body: (_at: string | undefined) =>
        lt(
          '链接可能不完整（有的邮件程序会截断较长的链接）。请从邮件中完整地打开链接；如仍无法打开，请联系下方的联系人。',
          'The link may be incomplete (some mail programs cut long links). Open the whole link from the e-mail; if it still does not work, contact the person below.',
        ),
    },
    'bad-signature': {
      title: lt('链接无效', 'This link is not valid'),
      body: (_at: string | undefined) =>
        lt(
          '这个链接与系统发出的链接不一致，可能被改动或复制不完整。请使用邮件中的原始链接；每个链接只属于收到它的人。',
          'This link differs from the one the system sent: it may have been changed or copied incompletely. Use the original link from your e-mail; each link belongs to the person who received it.',
        ),
    },
    expired: {
      title: lt('链接已过期', 'This link has expired'),
      body: (at: string | undefined) =>
        lt(
          `这个链接的有效期${at ? `已于 ${at} ` : '已经'}结束。如仍需办理，请联系下方的联系人重新发送。`,
          `This link ${at ? `stopped working on ${at}` : 'has expired'}. If the task still needs doing, ask the person below to send it again.`,
        ),
    },
    revoked: {
      title: lt('链接已停用', 'This link is no longer in use'),
      body: (at: string | undefined) =>
        lt(
          `此事项已改由他人办理或已重新发送，这个链接${at ? `已于 ${at} ` : '已'}停用。请使用最新邮件中的链接。`,
          `The task was reassigned or sent again, so this link ${at ? `was retired on ${at}` : 'was retired'}. Use the link in the latest e-mail.`,
        ),
    },
    'bad-form-token': {
      title: lt('无法提交', 'This form cannot be submitted'),
      body: (_at: string | undefined) =>
        lt(
          '提交的表单不完整或不是从这个链接打开的，未作任何更改。请重新打开邮件中的链接后再提交。',
          'The submitted form was incomplete or did not come from this link; nothing was changed. Open the link from your e-mail again and submit from there.',
        ),
    },
  },
  badRequestTitle: lt('无法处理这次提交', 'This request could not be handled'),
  badRequest: {
    'too-large': lt(
      '提交的内容太多，未作任何更改。请缩短意见或填写的内容后再试。',
      'The submission was too large; nothing was changed. Please shorten your comment or entries and try again.',
    ),
    'unsupported-media-type': lt(
      '无法识别提交的内容，未作任何更改。请使用页面上的表单提交。',
      'The submission was not in a form this page accepts; nothing was changed. Please use the form on the page.',
    ),
    malformed: lt(
      '提交的内容已损坏，未作任何更改。请重新打开邮件中的链接后再提交。',
      'The submission was damaged; nothing was changed. Open the link from your e-mail again and submit from there.',
    ),
    'method-not-allowed': lt('这个链接只能在浏览器中打开。', 'This link can only be opened in a browser.'),
  },
  errorTitle: lt('暂时无法处理', 'Something went wrong'),
  errorBody: lt(
    '系统暂时出现问题，请稍后再打开邮件中的链接。如果您刚才提交了意见，重新打开链接即可看到是否已经记录。',
    'The system has a temporary problem. Please open the link from your e-mail again later; if you had just submitted, the page will show whether your decision was recorded.',
  ),
  // The frame.
  footerAsk: lt(
    '如链接无法使用或有疑问，请联系：',
    'If the link does not work or you have a question, contact:',
  ),
  footerSender: lt(
    '给您发送这封邮件的单位（邮件中写有联系方式）。',
    'the office that sent you the e-mail (its contact details are in the e-mail).',
  ),
  phone: lt('电话 ', 'phone '),
};
