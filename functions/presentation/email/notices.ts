// Notices: e-mails that inform without asking for a decision — the mobilisation notice, and the lead unit's
// alerts when a task stalled (timed out) or a workflow failed.
import type { FailureNoticeInput, StalledNoticeInput } from '#domain/mail.ts';
import { findPilot } from '#plan/lookup.ts';
import { mobilisationMeetingTime } from '#plan/schedule.ts';
import type { Party, Plan } from '#plan/schema.ts';
import { formatInstant, nameIn, pick, shortName } from './i18n.ts';
import type { RenderedEmail } from './message.tsx';
import { renderMessage } from './message.tsx';
import { contactOf, programmeLine } from './task-email.ts';

/** The mobilisation notice (动员通知) to a unit or to a pilot's contacts: the meeting and what comes next. */
export function renderMobilisationNotice(plan: Plan, recipient: Party, pilotCount: number): RenderedEmail {
  const locale = plan.programme.locale;
  const meeting = plan.stages.launch.mobilisationMeeting;
  const isPilot = 'level' in recipient;
  const when = formatInstant(mobilisationMeetingTime(plan), plan.programme.timezone, locale);
  const title = shortName(locale, { name: meeting.title, nameEn: meeting.titleEn });
  return renderMessage({
    locale,
    subject: pick(locale, `【通知】${title}`, `[Notice] ${title}`),
    programme: programmeLine(plan),
    heading: title,
    greeting: pick(locale, `${shortName(locale, recipient)}：`, `To ${shortName(locale, recipient)},`),
    blocks: [
      {
        kind: 'p',
        text: pick(
          locale,
          `${plan.programme.county}城乡社区治理试点工作正式启动，共 ${pilotCount} 个试点。请按时参加动员大会。`,
          `${plan.programme.countyEn}'s pilot programme is starting, with ${pilotCount} pilot${pilotCount === 1 ? '' : 's'}. Please attend the mobilisation meeting.`,
        ),
      },
      {
        kind: 'facts',
        rows: [
          [pick(locale, '会议', 'Meeting'), nameIn(locale, { name: meeting.title, nameEn: meeting.titleEn })],
          [pick(locale, '时间', 'When'), when],
          [pick(locale, '地点', 'Where'), nameIn(locale, { name: meeting.place, nameEn: meeting.placeEn })],
          ...(isPilot
            ? [[pick(locale, '试点', 'Pilot'), nameIn(locale, recipient)] as [string, string]]
            : []),
        ],
      },
      {
        kind: 'p',
        text: isPilot
          ? pick(
              locale,
              '会后您将收到确认收到任务和提交实施方案的邮件，请按邮件中的链接办理。',
              'After the meeting you will receive e-mails asking you to acknowledge the tasks and submit your implementation plan; follow the links in them.',
            )
          : pick(
              locale,
              '会后您将收到确认收到试点任务的邮件，请按邮件中的链接办理。',
              'After the meeting you will receive e-mails asking you to acknowledge the pilot tasks; follow the links in them.',
            ),
      },
    ],
    contact: contactOf(plan),
  });
}

function subjectOf(plan: Plan, pilotId: string | undefined): string {
  const locale = plan.programme.locale;
  const pilot = pilotId ? findPilot(plan, pilotId) : undefined;
  return pilot
    ? nameIn(locale, pilot)
    : nameIn(locale, { name: plan.programme.title, nameEn: plan.programme.titleEn });
}

/** To the lead unit: a task waited past the workflow's limit and the stage stopped. */
export function renderStalledNotice(plan: Plan, args: StalledNoticeInput): RenderedEmail {
  const locale = plan.programme.locale;
  const tz = plan.programme.timezone;
  const what = subjectOf(plan, args.pilotId);
  const rows: Array<[string, string]> = [
    [pick(locale, '试点', 'Pilot'), what],
    [pick(locale, '步骤', 'Step'), args.step],
  ];
  if (args.taskTitle) rows.push([pick(locale, '任务', 'Task'), args.taskTitle]);
  if (args.assignees.length) rows.push([pick(locale, '办理人', 'Assigned to'), args.assignees.join(', ')]);
  if (args.dueAt) rows.push([pick(locale, '原截止时间', 'Was due'), formatInstant(args.dueAt, tz, locale)]);
  rows.push([pick(locale, '流程', 'Execution'), args.executionArn]);
  return renderMessage({
    locale,
    subject: pick(locale, `【停滞】${what}：${args.step}`, `[Stalled] ${what}: ${args.step}`),
    programme: programmeLine(plan),
    heading: pick(
      locale,
      '任务长期未办理，流程已停止',
      'A task was not done in time and the workflow stopped',
    ),
    blocks: [
      {
        kind: 'p',
        text: pick(
          locale,
          '以下任务超过流程允许的最长等待时间仍未办理，该阶段流程已停止。请在管理后台查看并重新发起。',
          'The task below waited longer than the workflow allows, and the stage stopped. Please look at it in the dashboard and restart it.',
        ),
      },
      { kind: 'facts', rows },
    ],
  });
}

/** To the lead unit: a step failed after its retries. */
export function renderFailureNotice(plan: Plan, args: FailureNoticeInput): RenderedEmail {
  const locale = plan.programme.locale;
  const what = subjectOf(plan, args.pilotId);
  const rows: Array<[string, string]> = [[pick(locale, '试点', 'Pilot'), what]];
  if (args.step) rows.push([pick(locale, '步骤', 'Step'), args.step]);
  rows.push([pick(locale, '错误', 'Error'), args.error]);
  rows.push([pick(locale, '流程', 'Execution'), args.executionArn]);
  return renderMessage({
    locale,
    subject: pick(locale, `【故障】${what}：流程出错停止`, `[Failure] ${what}: the workflow stopped`),
    programme: programmeLine(plan),
    heading: pick(locale, '流程出错，已停止', 'A workflow failed and stopped'),
    blocks: [
      {
        kind: 'p',
        text: pick(
          locale,
          '系统多次重试后仍无法完成以下步骤，流程已停止。请在管理后台查看详情。',
          'The step below could not be completed after several retries, and the workflow stopped. Please see the dashboard for details.',
        ),
      },
      { kind: 'facts', rows },
      ...(args.cause
        ? [
            {
              kind: 'quote' as const,
              label: pick(locale, '详情', 'Details'),
              text: args.cause.slice(0, 2000),
            },
          ]
        : []),
    ],
  });
}
