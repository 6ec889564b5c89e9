// Notices: e-mails that inform without asking for a decision — the mobilisation notice, and the lead unit's
// alerts when a task stalled (timed out) or a workflow failed.
import type { FailureNoticeInput, StalledNoticeInput } from '#domain/mail.ts';
import { findPilot } from '#plan/lookup.ts';
import { mobilisationMeetingTime } from '#plan/schedule.ts';
import type { Party, Plan } from '#plan/schema.ts';
import { stageName } from '../words.ts';
import { deadlineOf, shortName, whenOf, wordsOf } from './i18n.ts';
import type { RenderedEmail } from './message.tsx';
import { renderMessage } from './message.tsx';
import { contactOf, programmeLine } from './task-email.ts';

/** The mobilisation notice (动员通知) to a unit or to a pilot's contacts: the meeting and what comes next. */
export function renderMobilisationNotice(plan: Plan, recipient: Party, pilotCount: number): RenderedEmail {
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const meeting = plan.stages.launch.mobilisationMeeting;
  const isPilot = 'level' in recipient;
  const title = shortName(locale, { name: meeting.title, nameEn: meeting.titleEn });
  return renderMessage({
    locale,
    subject: w.noticeSubject(title),
    programme: programmeLine(plan),
    heading: title,
    greeting: w.to(shortName(locale, recipient)),
    blocks: [
      {
        kind: 'p',
        text: w.noticeBody(locale === 'en' ? plan.programme.countyEn : plan.programme.county, pilotCount),
      },
      {
        kind: 'facts',
        rows: [
          [w.meeting, title],
          [w.when, whenOf(plan, mobilisationMeetingTime(plan))],
          [w.where, shortName(locale, { name: meeting.place, nameEn: meeting.placeEn })],
          ...(isPilot ? [[w.pilot, shortName(locale, recipient)] as [string, string]] : []),
        ],
      },
      { kind: 'p', text: isPilot ? w.noticeNextPilot : w.noticeNextUnit },
    ],
    contact: contactOf(plan),
  });
}

/** The pilot's name, or the programme's title for a programme-wide task, in the plan's language. */
function subjectOf(plan: Plan, pilotId: string | undefined): string {
  const locale = plan.programme.locale;
  const pilot = pilotId ? findPilot(plan, pilotId) : undefined;
  return pilot
    ? shortName(locale, pilot)
    : shortName(locale, { name: plan.programme.title, nameEn: plan.programme.titleEn });
}

/**
 * To the lead unit: a task waited past the workflow's limit and the stage stopped. The task's stored title
 * names it in the plan's language; the workflow's own step names (English) are for the dashboard only.
 */
export function renderStalledNotice(plan: Plan, args: StalledNoticeInput): RenderedEmail {
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const what = subjectOf(plan, args.pilotId);
  const rows: Array<[string, string]> = [[w.pilot, what]];
  if (args.taskTitle) rows.push([w.task, args.taskTitle]);
  else if (locale === 'en') rows.push([w.step, args.step]);
  if (args.assignees.length) rows.push([w.assignedTo, args.assignees.join(w.list)]);
  if (args.dueAt) rows.push([w.wasDue, deadlineOf(plan, args.dueAt)]);
  return renderMessage({
    locale,
    subject: w.stalledSubject(what),
    programme: programmeLine(plan),
    heading: w.stalledHeading,
    blocks: [
      { kind: 'p', text: w.stalledBody },
      { kind: 'facts', rows },
    ],
  });
}

/**
 * To the lead unit: a step failed after its retries. The error and its cause are the workflow's technical
 * words (English): an English plan's notice quotes them, a Chinese one refers to the dashboard instead.
 */
export function renderFailureNotice(plan: Plan, args: FailureNoticeInput): RenderedEmail {
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const what = subjectOf(plan, args.pilotId);
  const stage = args.stage ? stageName(locale, args.stage) : undefined;
  const rows: Array<[string, string]> = [[w.pilot, what]];
  if (stage) rows.push([w.stage, stage]);
  if (locale === 'en') {
    if (args.step) rows.push([w.step, args.step]);
    rows.push([w.error, args.error], [w.execution, args.executionArn]);
  } else rows.push([w.error, w.errorMeaning(args.error)]);
  return renderMessage({
    locale,
    subject: w.failureSubject(what),
    programme: programmeLine(plan),
    heading: w.failureHeading,
    blocks: [
      { kind: 'p', text: w.failureBody },
      { kind: 'facts', rows },
      ...(locale === 'en' && args.cause
        ? [{ kind: 'quote' as const, label: w.details, text: args.cause.slice(0, 2000) }]
        : []),
    ],
  });
}
