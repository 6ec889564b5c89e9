// The reminder (催办) and escalation e-mails, in the shared layout (message.tsx) and the plan's language. An
// assignee's message carries their own original link; a supervisor's or the leading group's says who is late
// with what since when, and links to the task's dashboard page — never to an assignee's action link.
import { assigneeParty } from '#domain/escalation.ts';
import { type Email, type EscalationMailInput, type EscalationMailTask, sourceTags } from '#domain/mail.ts';
import { TASK_KINDS, type TaskKind } from '#plan/kinds.ts';
import { findContactsByEmail, findPilot } from '#plan/lookup.ts';
import type { Party, Plan } from '#plan/schema.ts';
import type { Person } from '#store/tasks.ts';
import { formatInstant, type Locale, nameIn, pick, shortName } from './i18n.ts';
import { type Block, renderMessage } from './message.tsx';
import { contactOf, KIND_TEXT, programmeLine } from './task-email.ts';

const STAGES: Record<string, [zh: string, en: string]> = {
  launch: ['工作启动', 'Launch'],
  implementation: ['组织实施', 'Implementation'],
  evaluation: ['评估验收', 'Evaluation and acceptance'],
};

const DAY = 86_400_000;

/** Renders one planned message as an e-mail ready for sendEmail. */
export function renderEscalationEmail(input: EscalationMailInput): Email {
  const { plan, task, message } = input;
  const locale = plan.programme.locale;
  const tz = plan.programme.timezone;
  const due = formatInstant(task.dueAt, tz, locale);
  const overdueDays = Math.floor((input.now.getTime() - Date.parse(task.dueAt)) / DAY);
  const days = (n: number) => pick(locale, `${n} 天`, `${n} day${n === 1 ? '' : 's'}`);
  const supervisors = (input.supervisors ?? [])
    .map((p) => shortName(locale, p))
    .join(pick(locale, '、', ', '));
  const pilot = findPilot(plan, task.pilotId);
  const kind = (TASK_KINDS as readonly string[]).includes(task.kind)
    ? KIND_TEXT[task.kind as TaskKind]
    : undefined;
  const facts: Array<[string, string]> = [
    ...(pilot ? ([[pick(locale, '试点', 'Pilot'), nameIn(locale, pilot)]] as Array<[string, string]>) : []),
    ...(kind
      ? ([[pick(locale, '任务', 'Task'), pick(locale, kind.zh, kind.en)]] as Array<[string, string]>)
      : []),
    [pick(locale, '截止时间', 'Due'), due],
  ];
  const common = { locale, programme: programmeLine(plan), heading: task.title, contact: contactOf(plan) };
  const envelope = {
    to: message.to.map((r) => r.email),
    ...(message.cc.length ? { cc: message.cc.map((r) => r.email) } : {}),
    tags: { kind: `escalation-${message.level}`, audience: message.audience, ...sourceTags(task) },
  };

  if (message.audience === 'assignee') {
    const name = personName(plan, message.assignee as Person, locale);
    const link: Block = input.actionUrl
      ? {
          kind: 'link',
          label: pick(locale, '打开任务并办理', 'Open the task'),
          url: input.actionUrl,
          note: pick(
            locale,
            '此链接仅供您本人使用，请勿转发。',
            'This link is for you alone; please do not forward it.',
          ),
        }
      : {
          kind: 'p',
          text: pick(
            locale,
            '您的办理链接已失效，请联系下方的联系人重新办理。',
            'Your link no longer works: please contact the person below.',
          ),
        };
    const overdue = message.level >= 2;
    return {
      ...envelope,
      ...renderMessage({
        ...common,
        subject: overdue
          ? pick(
              locale,
              `【逾期催办】${task.title}，已于 ${due} 到期`,
              `[Overdue] ${task.title}, was due ${due}`,
            )
          : pick(locale, `【催办】${task.title}，将于 ${due} 到期`, `[Reminder] ${task.title}, due ${due}`),
        greeting: pick(locale, `${name}，您好：`, `Dear ${name},`),
        blocks: [
          {
            kind: 'p',
            text: overdue
              ? pick(
                  locale,
                  `此任务已于 ${due} 到期，目前仍未办理${supervisors ? `，已同时告知${supervisors}` : ''}。请尽快办理。`,
                  `This task was due ${due} and is still open${supervisors ? `; ${supervisors} ${(input.supervisors?.length ?? 0) > 1 ? 'have' : 'has'} been told` : ''}. Please complete it as soon as possible.`,
                )
              : pick(
                  locale,
                  `此任务将于 ${due} 到期，目前尚未办理，请及时办理。`,
                  `This task is due ${due} and is still open. Please complete it in time.`,
                ),
          },
          { kind: 'facts', rows: facts },
          link,
        ],
      }),
    };
  }

  // A supervisor's or the leading group's message: who is late with what, since when.
  const party = message.party as Party;
  const late = [...new Set(task.assignees.map((a) => lateParty(plan, task, a, locale)))].join(
    pick(locale, '、', ', '),
  );
  const stage = STAGES[task.stage];
  const rows: Array<[string, string]> = [
    ...facts.slice(0, -1),
    [
      pick(locale, '阶段', 'Stage'),
      `${stage ? pick(locale, stage[0], stage[1]) : task.stage} · ${task.step}`,
    ],
    [
      pick(locale, '承办人', 'Assigned to'),
      task.assignees.map((a) => lateLine(plan, task, a, locale)).join(pick(locale, '；', '; ')),
    ],
    [pick(locale, '截止时间', 'Due'), due],
    ...(overdueDays >= 1
      ? ([[pick(locale, '已逾期', 'Overdue by'), days(overdueDays)]] as Array<[string, string]>)
      : []),
  ];
  const dashboard: Block[] = input.dashboardUrl
    ? [{ kind: 'link', label: pick(locale, '查看任务详情', 'See the task'), url: input.dashboardUrl }]
    : [];
  const greeting = pick(locale, `${shortName(locale, party)}：`, `To ${shortName(locale, party)},`);
  if (message.level === 2) {
    return {
      ...envelope,
      ...renderMessage({
        ...common,
        subject: pick(locale, `【逾期提醒】${task.title}`, `[Overdue] ${task.title}`),
        greeting,
        blocks: [
          {
            kind: 'p',
            text: pick(
              locale,
              `${late}承办的此项任务已于 ${due} 到期，目前仍未办理。请督促办理。`,
              `${late} has not completed this task, which was due ${due}. Please follow it up.`,
            ),
          },
          { kind: 'facts', rows },
          ...dashboard,
        ],
      }),
    };
  }
  return {
    ...envelope,
    ...renderMessage({
      ...common,
      subject: pick(
        locale,
        `【逾期上报】${task.title}，已逾期 ${days(overdueDays)}`,
        `[Escalated] ${task.title}, ${days(overdueDays)} overdue`,
      ),
      greeting,
      blocks: [
        {
          kind: 'p',
          text: pick(
            locale,
            `${late}承办的此项任务已于 ${due} 到期，已逾期 ${days(overdueDays)}，仍未办理${supervisors ? `；此前已告知${supervisors}` : ''}。现按催办规则上报。`,
            `${late} has not completed this task, which was due ${due}: it is ${days(overdueDays)} overdue${supervisors ? `, and ${supervisors} ${(input.supervisors?.length ?? 0) > 1 ? 'have' : 'has'} already been told` : ''}. It is escalated to you under the reminder rules.`,
          ),
        },
        { kind: 'facts', rows },
        ...dashboard,
      ],
    }),
  };
}

/** A person's name in the plan's language: the plan's English name for a contact it lists, else the stored one. */
function personName(plan: Plan, person: Person, locale: Locale): string {
  if (locale !== 'en') return person.name;
  return findContactsByEmail(plan, person.email).find((c) => c.contact.nameEn)?.contact.nameEn ?? person.name;
}

function lateParty(plan: Plan, task: EscalationMailTask, assignee: Person, locale: Locale): string {
  const party = assigneeParty(plan, task, assignee);
  return party ? shortName(locale, party) : personName(plan, assignee, locale);
}

/** `郑凯（XX镇古城社区，gucheng@xx-town.example，电话 …）`: the person, the party, how to reach them. */
function lateLine(plan: Plan, task: EscalationMailTask, assignee: Person, locale: Locale): string {
  const phone = findContactsByEmail(plan, assignee.email).find((c) => c.contact.phone)?.contact.phone;
  const parts = [lateParty(plan, task, assignee, locale), assignee.email, ...(phone ? [phone] : [])];
  const name = personName(plan, assignee, locale);
  return pick(locale, `${name}（${parts.join('，')}）`, `${name} (${parts.join(', ')})`);
}
