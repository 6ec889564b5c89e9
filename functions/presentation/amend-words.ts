// The words of amending a running programme (functions/domain/amend.ts), in both languages: the dashboard's
// plan page (its forms, the versions list, the refusals' messages), the trail's entries, and the page of a link
// whose task was handed to someone else.
import type { StageName } from '#plan/kinds.ts';
import type { PlanChange } from '#store/plan-versions.ts';
import { type LocalText, lt } from './i18n.ts';

/** The approval page of a link whose task was handed over (a replaced contact, a reassignment). */
export const HANDED_OVER = {
  title: lt('此事项已转交他人办理', 'This task was handed to someone else'),
  body: (name: string, at: string | undefined) =>
    lt(
      `此事项已转交给 ${name} 办理，这个链接${at ? `已于 ${at} ` : '已'}停用，您无需再操作。`,
      `This task was handed to ${name}; this link ${at ? `was retired on ${at}` : 'was retired'}, and there is nothing more for you to do.`,
    ),
};

const STAGE: Record<StageName, LocalText> = {
  launch: lt('工作启动', 'Launch'),
  implementation: lt('组织实施', 'Implementation'),
  evaluation: lt('评估验收', 'Evaluation and acceptance'),
};

export const AMEND = {
  link: lt('方案与修改', 'Plan and amendments'),
  title: lt('修改运行中的方案', 'Amend the running plan'),
  intro: lt(
    '每次修改都保存为方案的新版本，并记入审计记录。替换联系人时，其未办结的事项立即转交给接任者，原链接停用。',
    'Each amendment is kept as a new version of the plan and recorded in the audit trail. Replacing a contact hands their open tasks to the successor at once and retires the old links.',
  ),
  versions: lt('方案版本', 'Plan versions'),
  version: lt('版本', 'Version'),
  at: lt('时间', 'When'),
  by: lt('修改人', 'By'),
  what: lt('修改内容', 'What changed'),
  why: lt('原因', 'Reason'),
  launched: lt('启动时的方案', 'The plan as launched'),
  current: lt('（当前）', ' (current)'),
  replace: lt('替换联系人', 'Replace a contact'),
  replaceHelp: lt(
    '例如有人调离：其未办结的事项转给接任者，接任者收到新链接。',
    'For example when someone leaves: their open tasks go to the successor, who is mailed new links.',
  ),
  leaving: lt('离任的联系人', 'Contact who leaves'),
  successorName: lt('接任者姓名', 'Successor’s name'),
  successorEmail: lt('接任者电子邮箱', 'Successor’s e-mail'),
  add: lt('为单位添加联系人', 'Add a contact to a unit'),
  addHelp: lt('此后该单位的新事项也发给此人。', 'The unit’s next tasks go to them too.'),
  unit: lt('单位或试点', 'Unit or pilot'),
  name: lt('姓名', 'Name'),
  email: lt('电子邮箱', 'E-mail'),
  window: lt('调整阶段时间', 'Move a stage window'),
  windowHelp: lt(
    '改变方案中的阶段起止日期（时间轴随之调整）；已在运行的流程按启动时的日期等待。',
    'Changes the stage’s dates in the plan (the timeline follows); running executions keep the dates they started with.',
  ),
  stage: lt('阶段', 'Stage'),
  start: lt('开始日期', 'Start'),
  end: lt('结束日期', 'End'),
  reason: lt('原因', 'Reason'),
  submitReplace: lt('替换并转交', 'Replace and hand over'),
  submitAdd: lt('添加', 'Add'),
  submitWindow: lt('调整', 'Move'),
  due: lt('调整办理期限', 'Move the due date'),
  dueDate: lt('新的办理期限', 'New due date'),
  submitDue: lt('调整期限', 'Move the due date'),
  dueHelp: lt('催办和上报按新的期限计算。', 'Reminders and escalations follow the new due date.'),
  done: {
    'contact-replaced': lt('已替换联系人，未办结的事项已转交。', 'Contact replaced; open tasks handed over.'),
    'contact-added': lt('已添加联系人。', 'Contact added.'),
    'window-moved': lt('已调整阶段时间。', 'Stage window moved.'),
    'due-moved': lt('已调整办理期限。', 'Due date moved.'),
  } as Record<string, LocalText>,
  stageName: STAGE,
};

/** The refusals' messages (functions/domain/amend.ts), in the page's language; others as they are. */
const MESSAGES: Record<string, LocalText> = {
  'say why (at least 2 characters)': lt('请填写原因（至少 2 个字）', 'say why (at least 2 characters)'),
  'give a name': lt('请填写姓名', 'give a name'),
  'not an e-mail address': lt('不是电子邮箱地址', 'not an e-mail address'),
  'already a contact of this unit': lt('已是该单位的联系人', 'already a contact of this unit'),
  'the successor is the contact who leaves': lt(
    '接任者不能是离任者本人',
    'the successor is the contact who leaves',
  ),
  'not a contact of this unit': lt('不是该单位的联系人', 'not a contact of this unit'),
  'no unit or pilot of the plan has this id': lt(
    '方案中没有这个单位或试点',
    'no unit or pilot of the plan has this id',
  ),
  'the window ends before it starts': lt('结束日期早于开始日期', 'the window ends before it starts'),
  'the due date is in the past': lt('办理期限已经过去', 'the due date is in the past'),
  'the task is due then already': lt('办理期限未变', 'the task is due then already'),
  'a date YYYY-MM-DD': lt('请填写日期（年-月-日）', 'a date YYYY-MM-DD'),
};

export function amendMessage(message: string): LocalText {
  return MESSAGES[message] ?? lt(message, message);
}

/** The fields' names in the refusal's summary line: "结束日期：结束日期早于开始日期". */
export const FIELD_NAMES: Record<string, LocalText> = {
  reason: AMEND.reason,
  unit: AMEND.unit,
  from: AMEND.leaving,
  name: AMEND.name,
  email: AMEND.email,
  stage: AMEND.stage,
  start: AMEND.start,
  end: AMEND.end,
  due: AMEND.dueDate,
};

/** A version's change in words; `unitName` gives a unit's or pilot's name in the page's language. */
export function changeText(change: PlanChange, unitName: (id: string) => LocalText): LocalText {
  switch (change.kind) {
    case 'contact-replaced': {
      const unit = unitName(change.unitId);
      return lt(
        `${unit.zh}：${change.from.name} 由 ${change.to.name}（${change.to.email}）接任，转交 ${change.tasks} 个未办结事项`,
        `${unit.en}: ${change.from.name} replaced by ${change.to.name} (${change.to.email}), ${change.tasks} open task${change.tasks === 1 ? '' : 's'} handed over`,
      );
    }
    case 'contact-added': {
      const unit = unitName(change.unitId);
      return lt(
        `${unit.zh}：添加联系人 ${change.to.name}（${change.to.email}）`,
        `${unit.en}: contact ${change.to.name} (${change.to.email}) added`,
      );
    }
    case 'window-moved': {
      const stage = STAGE[change.stage as StageName] ?? lt(change.stage, change.stage);
      return lt(
        `${stage.zh}：${change.from.start} 至 ${change.from.end} → ${change.to.start} 至 ${change.to.end}`,
        `${stage.en}: ${change.from.start} – ${change.from.end} → ${change.to.start} – ${change.to.end}`,
      );
    }
  }
}

/** The trail's labels of the amendments' audit events. */
export const AMEND_ACTION_LABELS: Record<string, LocalText> = {
  'task.handed-over': lt('联系人替换，事项转交', 'Handed over (contact replaced)'),
  'task.due-moved': lt('调整办理期限', 'Due date moved'),
  'plan.amended': lt('修改方案', 'Plan amended'),
};
