// The daily digest (functions/domain/digest.ts): one e-mail listing every reminder and escalation a person is
// due that day, each with its pilot, task, deadline, how late (working days) and a link that works — the
// assignee's own action link, or the recipient's own link to the supervision page.
import type { DigestMailInput, DigestMailItem, Email } from '#domain/mail.ts';
import { sourceTags } from '#domain/mail.ts';
import { workingDaysLate } from '#domain/supervision.ts';
import { findPilot } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { kindName, type MailWords, stageName } from '../words.ts';
import { lateLine } from './escalation.ts';
import { dayOf, deadlineOf, shortName, wordsOf } from './i18n.ts';
import { type Block, renderMessage } from './message.tsx';
import { contactOf, programmeLine } from './task-email.ts';

export function renderDigestEmail(input: DigestMailInput): Email {
  const { plan, recipient, now, items } = input;
  const w = wordsOf(plan);
  const day = dayOf(plan, now);
  return {
    to: [recipient.email],
    tags: { kind: 'digest', ...sourceTags({ programmeId: plan.programme.id }) },
    ...renderMessage({
      locale: plan.programme.locale,
      programme: programmeLine(plan),
      heading: w.digestSubject(day, items.length),
      contact: contactOf(plan),
      subject: w.digestSubject(day, items.length),
      greeting: w.greet(recipient.name),
      blocks: [{ kind: 'p', text: w.digestBody }, ...items.flatMap((item) => itemBlocks(plan, w, item, now))],
    }),
  };
}

function labelOf(item: DigestMailItem): keyof MailWords['digestLabel'] {
  if (item.audience !== 'assignee') return item.audience;
  return item.level >= 2 ? 'overdue' : 'reminder';
}

function itemBlocks(plan: Plan, w: MailWords, item: DigestMailItem, now: Date): Block[] {
  const locale = plan.programme.locale;
  const { task } = item;
  const pilot = findPilot(plan, task.pilotId);
  const kind = kindName(locale, task.kind);
  const stage = stageName(locale, task.stage);
  const late = Date.parse(task.dueAt) < now.getTime();
  const rows: Array<[string, string]> = [
    ...(pilot ? ([[w.pilot, shortName(locale, pilot)]] as Array<[string, string]>) : []),
    ...(kind ? ([[w.task, kind]] as Array<[string, string]>) : []),
    ...(stage ? ([[w.stage, stage]] as Array<[string, string]>) : []),
    ...(item.audience === 'assignee'
      ? []
      : ([
          [
            w.assignedTo,
            task.assignees.map((a) => lateLine(plan, task, a, w)).join(locale === 'en' ? '; ' : '；'),
          ],
        ] as Array<[string, string]>)),
    [w.due, deadlineOf(plan, task.dueAt)],
    ...(late
      ? ([[w.overdueBy, w.lateWorkingDays(workingDaysLate(plan, task.dueAt, now))]] as Array<
          [string, string]
        >)
      : []),
  ];
  const link: Block =
    item.audience === 'assignee'
      ? { kind: 'link', label: w.openTask, url: item.url, note: w.linkForYou }
      : { kind: 'link', label: w.supervise, url: item.url, note: w.superviseNote };
  return [{ kind: 'p', text: `${w.digestLabel[labelOf(item)]}${task.title}` }, { kind: 'facts', rows }, link];
}
