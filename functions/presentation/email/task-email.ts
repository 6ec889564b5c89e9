// The e-mail that hands a task to one official: what to do, for which pilot, by when (in the programme's
// time zone), their own link, and whom to contact. Each assignee gets a message with only their own link.
import type { BatchEmailInput, TaskContext, TaskEmailInput } from '#domain/mail.ts';
import type { TaskKind } from '#plan/kinds.ts';
import { findPilot, leadUnit } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { EVIDENCE, fileSize } from '../evidence-words.ts';
import { type Locale, tr } from '../i18n.ts';
import { KIND_TEXT, kindName, type MailWords } from '../words.ts';
import { deadlineOf, shortName, whenOf, wordsOf } from './i18n.ts';
import { type Block, type RenderedEmail, renderMessage } from './message.tsx';

export { KIND_TEXT } from '../words.ts';

/** The task's title as stored and shown: `XX镇古城社区：审核实施方案（第 2 轮）`. */
export function taskTitle(plan: Plan, kind: TaskKind, pilotId: string, round: number): string {
  const locale = plan.programme.locale;
  const pilot = findPilot(plan, pilotId);
  const who = pilot
    ? shortName(locale, pilot)
    : shortName(locale, { name: plan.programme.title, nameEn: plan.programme.titleEn });
  return wordsOf(plan).taskTitle(who, kindName(locale, kind) ?? kind, round);
}

export function contactOf(plan: Plan): { unit: string; person: Plan['units'][number]['contacts'][number] } {
  const lead = leadUnit(plan);
  return { unit: shortName(plan.programme.locale, lead), person: lead.contacts[0]! };
}

export function programmeLine(plan: Plan): string {
  const p = plan.programme;
  return p.locale === 'en'
    ? wordsOf(plan).programmeLine(p.countyEn, p.titleEn)
    : wordsOf(plan).programmeLine(p.county, p.title);
}

/** What this round is about: what was submitted, the problems found, the previous round's comment and score. */
export function contextBlocks(
  w: MailWords,
  context: TaskContext | undefined,
  locale: Locale = 'zh-CN',
): Block[] {
  if (!context) return [];
  const blocks: Block[] = [];
  if (context.submittedSummary)
    blocks.push({ kind: 'quote', label: w.submitted, text: context.submittedSummary });
  if (context.submittedDocument)
    blocks.push({ kind: 'facts', rows: [[w.document, context.submittedDocument]] });
  // The files' names and sizes only: they are downloaded on the task page, by the link's holder.
  if (context.submittedFiles && context.submittedFiles.length > 0) {
    blocks.push({ kind: 'p', text: tr(locale, EVIDENCE.mailFiles) });
    blocks.push({
      kind: 'list',
      items: context.submittedFiles.map((f) =>
        locale === 'en'
          ? `${f.name} (${fileSize(f.size, locale)})`
          : `${f.name}（${fileSize(f.size, locale)}）`,
      ),
    });
  }
  if (context.problems) blocks.push({ kind: 'quote', label: w.problems, text: context.problems });
  if (context.previousComment) {
    blocks.push({ kind: 'quote', label: w.previousComment, text: context.previousComment });
  }
  if (typeof context.score === 'number') blocks.push({ kind: 'p', text: w.previousScore(context.score) });
  return blocks;
}

export function renderTaskEmail(input: TaskEmailInput): RenderedEmail {
  const { plan, task, assignee, url } = input;
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const kind = KIND_TEXT[task.kind];
  const pilot = findPilot(plan, task.pilotId);
  const due = deadlineOf(plan, task.dueAt);
  const rows: Array<[string, string]> = [];
  if (pilot) rows.push([w.pilot, shortName(locale, pilot)]);
  rows.push([w.task, locale === 'en' ? kind.en : kind.zh]);
  if (task.round > 1) rows.push([w.round, w.roundOf(task.round)]);
  rows.push([w.due, due]);
  return renderMessage({
    locale,
    subject: w.taskSubject(task.title, due),
    programme: programmeLine(plan),
    heading: task.title,
    greeting: w.greet(personName(plan, assignee)),
    blocks: [
      { kind: 'p', text: locale === 'en' ? kind.whatEn : kind.whatZh },
      { kind: 'facts', rows },
      ...contextBlocks(w, input.context, locale),
      {
        kind: 'link',
        label: w.openTask,
        url,
        note: w.linkNote(whenOf(plan, input.linkExpiresAt)),
      },
    ],
    contact: contactOf(plan),
  });
}

/**
 * How many pilots a batch e-mail names; a larger batch names these and counts the rest, which its page lists
 * (a department with a task for each of hundreds of pilots would otherwise get hundreds of lines).
 */
export const BATCH_EMAIL_PILOTS = 20;

/** One e-mail for a person's parallel tasks of one kind (functions/domain/batch.ts): the pilots, one link. */
export function renderBatchEmail(input: BatchEmailInput): RenderedEmail {
  const { plan, url } = input;
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const kind = KIND_TEXT[input.kind];
  const what = locale === 'en' ? kind.en : kind.zh;
  const due = deadlineOf(plan, input.dueAt);
  const pilots = input.pilotIds.map((id) => {
    const pilot = findPilot(plan, id);
    return pilot ? shortName(locale, pilot) : id;
  });
  return renderMessage({
    locale,
    subject: w.batchSubject(what, pilots.length, due),
    programme: programmeLine(plan),
    heading: what,
    greeting: w.greet(personName(plan, input.assignee)),
    blocks: [
      { kind: 'p', text: locale === 'en' ? kind.whatEn : kind.whatZh },
      { kind: 'p', text: w.batchLead(pilots.length) },
      { kind: 'list', items: pilots.slice(0, BATCH_EMAIL_PILOTS) },
      ...(pilots.length > BATCH_EMAIL_PILOTS
        ? [{ kind: 'p' as const, text: w.batchMore(pilots.length - BATCH_EMAIL_PILOTS) }]
        : []),
      { kind: 'facts', rows: [[w.due, due]] },
      { kind: 'link', label: w.openBatch, url, note: w.linkNote(whenOf(plan, input.linkExpiresAt)) },
    ],
    contact: contactOf(plan),
  });
}

/** A person's name in the plan's language: the plan's English name for a contact it lists, else the stored one. */
export function personName(plan: Plan, person: { name: string; email: string }): string {
  if (plan.programme.locale !== 'en') return person.name;
  const email = person.email.toLowerCase();
  for (const party of [...plan.units, ...plan.pilots]) {
    const found = party.contacts.find((c) => c.email.toLowerCase() === email && c.nameEn);
    if (found?.nameEn) return found.nameEn;
  }
  return person.name;
}
