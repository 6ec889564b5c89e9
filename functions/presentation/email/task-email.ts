// The e-mail that hands a task to one official: what to do, for which pilot, by when (in the programme's
// time zone), their own link, and whom to contact. Each assignee gets a message with only their own link.
import type { TaskContext, TaskEmailInput } from '#domain/mail.ts';
import type { TaskKind } from '#plan/kinds.ts';
import { findPilot, leadUnit } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { KIND_TEXT } from '../kind-text.ts';
import { formatInstant, type Locale, nameIn, pick, shortName } from './i18n.ts';
import { type Block, type RenderedEmail, renderMessage } from './message.tsx';

export { KIND_TEXT } from '../kind-text.ts';

/** The task's title as stored and shown: `XX镇古城社区：审核实施方案（第 2 轮）`. */
export function taskTitle(plan: Plan, kind: TaskKind, pilotId: string, round: number): string {
  const locale = plan.programme.locale;
  const pilot = findPilot(plan, pilotId);
  const what = pick(locale, KIND_TEXT[kind].zh, KIND_TEXT[kind].en);
  const who = pilot
    ? shortName(locale, pilot)
    : shortName(locale, { name: plan.programme.title, nameEn: plan.programme.titleEn });
  const roundText = round > 1 ? pick(locale, `（第 ${round} 轮）`, ` (round ${round})`) : '';
  return pick(locale, `${who}：${what}${roundText}`, `${who}: ${what}${roundText}`);
}

export function contactOf(plan: Plan): { unit: string; person: Plan['units'][number]['contacts'][number] } {
  const lead = leadUnit(plan);
  return { unit: shortName(plan.programme.locale, lead), person: lead.contacts[0]! };
}

export function programmeLine(plan: Plan): string {
  const p = plan.programme;
  return pick(p.locale, `${p.county} · ${p.title}`, `${p.countyEn} · ${p.titleEn}`);
}

function contextBlocks(locale: Locale, context: TaskContext | undefined): Block[] {
  if (!context) return [];
  const blocks: Block[] = [];
  if (context.submittedSummary || context.submittedDocument) {
    if (context.submittedSummary) {
      blocks.push({
        kind: 'quote',
        label: pick(locale, '提交的内容', 'What was submitted'),
        text: context.submittedSummary,
      });
    }
    if (context.submittedDocument) {
      blocks.push({ kind: 'facts', rows: [[pick(locale, '文件', 'Document'), context.submittedDocument]] });
    }
  }
  if (context.problems) {
    blocks.push({
      kind: 'quote',
      label: pick(locale, '发现的问题', 'Problems found'),
      text: context.problems,
    });
  }
  if (context.previousComment) {
    blocks.push({
      kind: 'quote',
      label: pick(locale, '上一轮的意见', 'Comments on the previous round'),
      text: context.previousComment,
    });
  }
  if (typeof context.score === 'number') {
    blocks.push({
      kind: 'p',
      text: pick(
        locale,
        `上一轮验收得分：${context.score}`,
        `Score at the previous acceptance: ${context.score}`,
      ),
    });
  }
  return blocks;
}

export function renderTaskEmail(input: TaskEmailInput): RenderedEmail {
  const { plan, task, assignee, url } = input;
  const locale = plan.programme.locale;
  const tz = plan.programme.timezone;
  const kind = KIND_TEXT[task.kind];
  const pilot = findPilot(plan, task.pilotId);
  const due = formatInstant(task.dueAt, tz, locale);
  const rows: Array<[string, string]> = [];
  if (pilot) rows.push([pick(locale, '试点', 'Pilot'), nameIn(locale, pilot)]);
  rows.push([pick(locale, '任务', 'Task'), pick(locale, kind.zh, kind.en)]);
  if (task.round > 1) rows.push([pick(locale, '轮次', 'Round'), String(task.round)]);
  rows.push([pick(locale, '截止时间', 'Due'), due]);
  return renderMessage({
    locale,
    subject: pick(
      locale,
      `【待办】${task.title}，请于 ${due} 前办理`,
      `[Action needed] ${task.title}, due ${due}`,
    ),
    programme: programmeLine(plan),
    heading: task.title,
    greeting: pick(locale, `${assignee.name}，您好：`, `Dear ${assignee.name},`),
    blocks: [
      { kind: 'p', text: pick(locale, kind.whatZh, kind.whatEn) },
      { kind: 'facts', rows },
      ...contextBlocks(locale, input.context),
      {
        kind: 'link',
        label: pick(locale, '打开任务并办理', 'Open the task'),
        url,
        note: pick(
          locale,
          `此链接仅供您本人使用，请勿转发；${formatInstant(input.linkExpiresAt, tz, locale)}后失效。`,
          `This link is for you alone; please do not forward it. It stops working on ${formatInstant(input.linkExpiresAt, tz, locale)}.`,
        ),
      },
    ],
    contact: contactOf(plan),
  });
}
