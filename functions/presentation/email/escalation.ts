// The reminder (催办) and escalation e-mails, in the shared layout (message.tsx) and the plan's language. An
// assignee's message carries a link of theirs that works; a supervisor's or the leading group's says who is late
// with what since when, and gives each recipient their own link to their supervision page (督办, 催办) — never
// an assignee's action link.
import { assigneeParty } from '#domain/escalation.ts';
import { type Email, type EscalationMailInput, type EscalationMailTask, sourceTags } from '#domain/mail.ts';
import { findContactsByEmail, findPilot } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import type { Person } from '#store/tasks.ts';
import { kindName, type MailWords, stageName } from '../words.ts';
import { deadlineOf, shortName, wordsOf } from './i18n.ts';
import { type Block, renderMessage } from './message.tsx';
import { contactOf, personName, programmeLine } from './task-email.ts';

const DAY = 86_400_000;

/** Renders one planned message as an e-mail ready for sendEmail. */
export function renderEscalationEmail(input: EscalationMailInput): Email {
  const { plan, task, message } = input;
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const due = deadlineOf(plan, task.dueAt);
  const overdueDays = Math.floor((input.now.getTime() - Date.parse(task.dueAt)) / DAY);
  const told = (input.supervisors ?? []).map((p) => shortName(locale, p));
  const pilot = findPilot(plan, task.pilotId);
  const kind = kindName(locale, task.kind);
  const facts: Array<[string, string]> = [
    ...(pilot ? ([[w.pilot, shortName(locale, pilot)]] as Array<[string, string]>) : []),
    ...(kind ? ([[w.task, kind]] as Array<[string, string]>) : []),
    [w.due, due],
  ];
  const common = { locale, programme: programmeLine(plan), heading: task.title, contact: contactOf(plan) };
  const envelope = {
    to: message.to.map((r) => r.email),
    ...(message.cc.length ? { cc: message.cc.map((r) => r.email) } : {}),
    tags: { kind: `escalation-${message.level}`, audience: message.audience, ...sourceTags(task) },
  };

  if (message.audience === 'assignee') {
    const link: Block = input.actionUrl
      ? { kind: 'link', label: w.openTask, url: input.actionUrl, note: w.linkForYou }
      : { kind: 'p', text: w.linkGone };
    const overdue = message.level >= 2;
    return {
      ...envelope,
      ...renderMessage({
        ...common,
        subject: overdue ? w.overdueSubject(task.title, due) : w.reminderSubject(task.title, due),
        greeting: w.greet(personName(plan, message.assignee as Person)),
        blocks: [
          {
            kind: 'p',
            text: overdue ? w.overdueBody(due, told.join(w.list), told.length) : w.reminderBody(due),
          },
          ...(input.requestedBy ? [{ kind: 'p' as const, text: w.nudgedBy(input.requestedBy) }] : []),
          { kind: 'facts', rows: facts },
          link,
        ],
      }),
    };
  }

  // A supervisor's or the leading group's message: who is late with what, since when.
  const party = message.party;
  const late = [...new Set(task.assignees.map((a) => lateParty(plan, task, a)))].join(w.list);
  const stage = stageName(locale, task.stage);
  const rows: Array<[string, string]> = [
    ...facts.slice(0, -1),
    ...(stage ? ([[w.stage, stage]] as Array<[string, string]>) : []),
    [w.assignedTo, task.assignees.map((a) => lateLine(plan, task, a, w)).join(locale === 'en' ? '; ' : '；')],
    [w.due, due],
    ...(overdueDays >= 1 ? ([[w.overdueBy, w.days(overdueDays)]] as Array<[string, string]>) : []),
  ];
  // Each recipient's own link to their supervision page; named when the message goes to several people.
  const own = input.supervisionLinks ?? [];
  const dashboard: Block[] = own.map((l) => ({
    kind: 'link',
    label: own.length > 1 ? w.superviseFor(l.name) : w.supervise,
    url: l.url,
    note: w.superviseNote,
  }));
  const greeting = w.to(party ? shortName(locale, party) : '');
  if (message.level === 2) {
    return {
      ...envelope,
      ...renderMessage({
        ...common,
        subject: w.supervisorSubject(task.title),
        greeting,
        blocks: [{ kind: 'p', text: w.supervisorBody(late, due) }, { kind: 'facts', rows }, ...dashboard],
      }),
    };
  }
  return {
    ...envelope,
    ...renderMessage({
      ...common,
      subject: w.leadingGroupSubject(task.title, w.days(overdueDays)),
      greeting,
      blocks: [
        {
          kind: 'p',
          text: w.leadingGroupBody(late, due, w.days(overdueDays), told.join(w.list), told.length),
        },
        { kind: 'facts', rows },
        ...dashboard,
      ],
    }),
  };
}

function lateParty(plan: Plan, task: EscalationMailTask, assignee: Person): string {
  const party = assigneeParty(plan, task, assignee);
  return party ? shortName(plan.programme.locale, party) : personName(plan, assignee);
}

/** `郑凯（XX镇古城社区，gucheng@xx-town.example，电话 …）`: the person, the party, how to reach them. */
export function lateLine(plan: Plan, task: EscalationMailTask, assignee: Person, w: MailWords): string {
  const phone = findContactsByEmail(plan, assignee.email).find((c) => c.contact.phone)?.contact.phone;
  const details = [lateParty(plan, task, assignee), assignee.email, ...(phone ? [w.phone(phone)] : [])];
  return w.lateLine(personName(plan, assignee), details);
}
