// The programme's words for what the dashboard shows: stage names, the states of the matrix, and the state
// machines' state names in Chinese (the machines name their states in English, for people; the dashboard
// shows them in the page's language, and the English name as it is).
import type { StageName } from '#plan/kinds.ts';
import { type LocalText, lt } from '../i18n.ts';

export const STAGE_NAMES: Record<StageName, LocalText> = {
  launch: lt('工作启动', 'Launch'),
  implementation: lt('组织实施', 'Implementation'),
  evaluation: lt('评估验收', 'Evaluation and acceptance'),
};

/** The Chinese names of the workflows' states (workflows/*.ts). Patterns below cover the generated ones. */
const STATE_ZH: Record<string, string> = {
  'Acceptance by one member of the working group': '验收工作组成员验收（或签）',
  'Acceptance by the working group': '验收工作组验收（会签）',
  'Acknowledge receipt': '确认收到',
  'Acknowledge the pilot tasks': '确认收到试点任务',
  'Carry out the preliminary evaluation': '乡镇初评',
  'Carry out the self-inspection': '试点自查',
  'Carry out the supervision check': '督查',
  "Compile the pilot's summary report": '汇总试点总结',
  'Compile the programme summary': '汇总试点工作总结',
  'Confirm the summary materials': '确认总结材料',
  'Count the check': '督查计数',
  'Did the town pass the preliminary evaluation?': '初评是否通过？',
  Evaluation: '评估验收',
  'Evaluation complete': '评估验收完成',
  'How does the working group sign?': '验收工作组如何签署？',
  Implementation: '组织实施',
  'Implementation complete': '组织实施完成',
  'Is another supervision check due?': '是否还有督查？',
  'Is the implementation plan approved?': '实施方案是否通过？',
  'Is the pilot a community?': '是否为社区试点？',
  'Is the pilot accepted?': '是否通过验收？',
  'Is the rectification verified?': '整改是否通过核查？',
  Launch: '工作启动',
  'Launch complete': '工作启动完成',
  'Not every pilot was accepted': '并非所有试点都通过验收',
  'Notify the lead unit of the failure': '通知牵头单位：流程出错',
  'Pilot complete': '试点完成',
  'Pilot started before': '试点此前已启动',
  'Pilot stopped': '试点已停止',
  'Prepare the re-acceptance': '准备重新验收',
  'Programme complete': '试点工作完成',
  'Record the evaluation as done': '记录：评估验收完成',
  'Record the evaluation as started': '记录：评估验收开始',
  'Record the implementation as done': '记录：组织实施完成',
  'Record the implementation as started': '记录：组织实施开始',
  'Record the launch as done': '记录：工作启动完成',
  'Record the launch as started': '记录：工作启动开始',
  'Record the pilot as accepted': '记录：试点通过验收',
  'Record the pilot as stopped': '记录：试点已停止',
  'Record the supervision check': '记录督查结果',
  'Rectify after the acceptance': '验收后整改',
  'Rectify the problems': '整改',
  'Review the implementation plan': '审核实施方案',
  'Score the acceptance': '计算验收得分',
  'Send the mobilisation notice': '发送动员通知',
  'Send the summary to the higher level': '向上级报送总结材料',
  'Sign the acceptance': '签署验收意见',
  'Start every pilot': '启动所有试点',
  'Start the pilot': '启动试点',
  'Stopped after a failure': '出错后停止',
  'Submit the implementation plan': '提交实施方案',
  'Tell the lead unit not every pilot was accepted': '告知牵头单位：并非所有试点通过验收',
  'Verify the rectification': '核查整改',
  'Wait for every pilot to finish': '等待所有试点完成',
  'Wait for the end of the implementation window': '等待组织实施阶段结束',
  'Wait for the evaluation window': '等待评估验收阶段开始',
  'Wait for the implementation window': '等待组织实施阶段开始',
  'Wait for the launch window': '等待工作启动阶段开始',
  'Wait for the next supervision check': '等待下一次督查',
  'Were all pilots accepted?': '是否所有试点都通过验收？',
  'Were problems found?': '是否发现问题？',
};

const PATTERNS: Array<[RegExp, (inner: string) => string]> = [
  [/^New task: (.+)$/, (inner) => `新建任务：${inner}`],
  [/^Report the stalled task: (.+)$/, (inner) => `报告超时任务：${inner}`],
  [/^Stalled: (.+)$/, (inner) => `超时停止：${inner}`],
];

function zhOf(name: string): string | undefined {
  const direct = STATE_ZH[name];
  if (direct) return direct;
  for (const [pattern, make] of PATTERNS) {
    const inner = pattern.exec(name)?.[1];
    if (inner) return make(STATE_ZH[inner] ?? inner);
  }
  return undefined;
}

/** A state's name in both languages; a name without a translation stays as it is in both. */
export function stateLabel(name: string): LocalText {
  return lt(zhOf(name) ?? name, name);
}

/** The states of a cell of the pilots × stages matrix. */
export const CELL_STATES = ['not-started', 'running', 'waiting', 'overdue', 'done', 'failed'] as const;
export type CellState = (typeof CELL_STATES)[number];

export const CELL_LABELS: Record<CellState, LocalText> = {
  'not-started': lt('未开始', 'Not started'),
  running: lt('进行中', 'Running'),
  waiting: lt('等待办理', 'Waiting'),
  overdue: lt('已逾期', 'Overdue'),
  done: lt('已完成', 'Done'),
  failed: lt('已停止', 'Failed'),
};

/** What happened to a state of an execution, for the graph's colours and legend. */
export const STATE_STATUSES = ['done', 'current', 'failed', 'not-reached'] as const;
export type StateStatus = (typeof STATE_STATUSES)[number];

export const STATE_STATUS_LABELS: Record<StateStatus, LocalText> = {
  done: lt('已完成', 'Done'),
  current: lt('当前', 'Current'),
  failed: lt('失败', 'Failed'),
  'not-reached': lt('未到达', 'Not reached'),
};

export const EXECUTION_STATUS_LABELS: Record<string, LocalText> = {
  RUNNING: lt('运行中', 'Running'),
  SUCCEEDED: lt('已成功', 'Succeeded'),
  FAILED: lt('已失败', 'Failed'),
  TIMED_OUT: lt('已超时', 'Timed out'),
  ABORTED: lt('已停止', 'Stopped'),
  PENDING_REDRIVE: lt('等待重新运行', 'Pending redrive'),
  NOT_STARTED: lt('未开始', 'Not started'),
};

export const TASK_STATUS_LABELS: Record<string, LocalText> = {
  open: lt('待办', 'Open'),
  decided: lt('已办结', 'Decided'),
  cancelled: lt('已取消', 'Cancelled'),
  'timed-out': lt('已超时', 'Timed out'),
};

/** The audit trail's actions in both languages (unknown actions show their dotted name). */
export const ACTION_LABELS: Record<string, LocalText> = {
  'programme.launched': lt('试点工作启动', 'Programme launched'),
  'programme.waiting': lt('等待所有试点完成', 'Waiting for every pilot'),
  'stage.started': lt('阶段开始', 'Stage started'),
  'stage.completed': lt('阶段完成', 'Stage completed'),
  'task.opened': lt('任务发出', 'Task opened'),
  'task.cancelled': lt('任务取消', 'Task cancelled'),
  'task.timed-out': lt('任务超时', 'Task timed out'),
  'task.link-resent': lt('重新发送链接', 'Link resent'),
  'task.reassigned': lt('转办', 'Task reassigned'),
  'email.sent': lt('邮件已发送', 'E-mail sent'),
  'email.batched': lt('已并入同一封待办邮件', 'Covered by one e-mail with others'),
  'notice.sent': lt('通知已发送', 'Notice sent'),
  'decision.recorded': lt('意见已记录', 'Decision recorded'),
  'evidence.removed': lt('删除上传文件', 'Uploaded file removed'),
  'link.refused': lt('链接被拒绝', 'Link refused'),
  'callback.failed': lt('流程未能接收意见', 'Callback failed'),
  'check.recorded': lt('督查已记录', 'Check recorded'),
  'study-tour.recorded': lt('外出学习考察已记录', 'Study tour recorded'),
  'acceptance.scored': lt('验收已评分', 'Acceptance scored'),
  'pilot.outcome': lt('试点结果', 'Pilot outcome'),
  'summary.compiled': lt('总结已汇总', 'Summary compiled'),
  'summary.sent': lt('总结已报送', 'Summary sent'),
  'workflow.failed': lt('流程出错', 'Workflow failed'),
  'execution.stopped': lt('执行已停止', 'Execution stopped'),
  'reminder.sent': lt('催办', 'Reminder sent'),
  'reminder.skipped': lt('未催办', 'Reminder skipped'),
  'reminder.nudged': lt('督办催办', 'Reminder sent by a supervisor'),
  'escalation.supervisor-notified': lt('上报主管单位', 'Supervisor notified'),
  'escalation.leading-group-notified': lt('上报领导小组', 'Leading group notified'),
};

export const OUTCOME_LABELS: Record<string, LocalText> = {
  approve: lt('同意', 'Approved'),
  return: lt('退回', 'Returned'),
  reject: lt('不同意', 'Rejected'),
  acknowledge: lt('已确认', 'Acknowledged'),
  submit: lt('已提交', 'Submitted'),
};

/** A pilot's outcome and an acceptance round's (pilot.outcome, acceptance.scored). */
export const PILOT_OUTCOME_LABELS: Record<string, LocalText> = {
  accepted: lt('通过验收', 'Accepted'),
  returned: lt('退回整改', 'Returned'),
  failed: lt('未通过', 'Failed'),
  stopped: lt('已停止', 'Stopped'),
};

/** Why an approval link was refused (functions/domain/approval.ts, RefusalReason). */
export const REFUSAL_LABELS: Record<string, LocalText> = {
  unknown: lt('链接不存在', 'Unknown link'),
  'bad-signature': lt('链接签名无效', 'Bad signature'),
  expired: lt('链接已过期', 'Expired'),
  revoked: lt('链接已作废', 'Revoked'),
  'bad-form-token': lt('表单令牌无效', 'Bad form token'),
  'not-recipient': lt('收件人已不在方案中', 'Not a recipient of the plan'),
};

/** Why a link was retired (the stored reason is English, for logs): the beginning of it, in words. */
export function revokedText(reason: string): LocalText {
  if (reason.startsWith('expired')) return lt('已过期，已发送新链接', reason);
  const reassigned = /^reassigned to ([^:]+): ([\s\S]*)$/.exec(reason);
  if (reassigned) return lt(`已转办给 ${reassigned[1]}：${reassigned[2]}`, reason);
  if (reason.startsWith('marked as unwanted')) return lt('收件人拒收或投诉', reason);
  return lt('已作废', reason);
}

/** The state machines by their short names (`machineShortName`): what an execution of each is. */
export const MACHINE_NAMES: Record<string, LocalText> = {
  Programme: lt('试点工作流程', 'Programme workflow'),
  Pilot: lt('试点流程', 'Pilot workflow'),
  Launch: STAGE_NAMES.launch,
  Implementation: STAGE_NAMES.implementation,
  Evaluation: STAGE_NAMES.evaluation,
};

/** A machine's name in words; one this list lacks is called a workflow. */
export function machineLabel(short: string): LocalText {
  return MACHINE_NAMES[short] ?? lt('流程', 'Workflow');
}
