// Summary e-mails: a pilot's summary report when its evaluation ends, and the programme's summary materials
// sent to the higher level (报送试点工作总结材料) once every pilot is accepted.
import type { PilotSummary, ProgrammeSummary } from '#domain/summary.ts';
import { findPilot, higherLevel } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import type { MailWords } from '../words.ts';
import { shortName, wordsOf } from './i18n.ts';
import { type Block, type RenderedEmail, renderMessage } from './message.tsx';
import { contactOf, programmeLine } from './task-email.ts';

export function scoreText(w: MailWords, s: PilotSummary): string {
  if (s.acceptanceScore === null) return w.notScored;
  const grade = s.grade ? w.grade[s.grade as keyof MailWords['grade']] : undefined;
  return grade ? w.withPart(s.acceptanceScore, grade) : String(s.acceptanceScore);
}

export function pilotRows(w: MailWords, s: PilotSummary): Array<[string, string]> {
  const r = w.summaryRows;
  const outcome = w.outcome[(s.outcome ?? 'in-progress') as keyof MailWords['outcome']] ?? '';
  return [
    [r.outcome, outcome],
    [r.score, scoreText(w, s)],
    [r.planRounds, String(s.implementationPlanRounds)],
    [r.checks, w.withPart(s.supervisionChecks, String(s.checksWithProblems))],
    [r.rectifications, String(s.rectifications)],
    [r.selfRounds, String(s.selfInspectionRounds)],
    [r.acceptanceRounds, String(s.acceptanceRounds)],
    [r.tasks, w.withPart(s.tasks.total, `${s.tasks.decided} / ${s.tasks.timedOut}`)],
  ];
}

export function renderPilotSummary(plan: Plan, summary: PilotSummary): RenderedEmail {
  const l = plan.programme.locale;
  const w = wordsOf(plan);
  const pilot = findPilot(plan, summary.pilotId);
  const name = pilot ? shortName(l, pilot) : summary.pilotId;
  const blocks: Block[] = [
    { kind: 'p', text: w.pilotSummaryBody(name) },
    { kind: 'facts', rows: [[w.pilot, name], ...pilotRows(w, summary)] },
  ];
  if (summary.studyTours.length > 0) {
    blocks.push({ kind: 'p', text: w.studyTours }, { kind: 'list', items: summary.studyTours });
  }
  return renderMessage({
    locale: l,
    subject: w.pilotSummarySubject(name),
    programme: programmeLine(plan),
    heading: w.pilotSummaryHeading(name),
    blocks,
    contact: contactOf(plan),
  });
}

export function renderProgrammeSummary(
  plan: Plan,
  summary: ProgrammeSummary,
  note: { text: string; document?: string },
): RenderedEmail {
  const l = plan.programme.locale;
  const w = wordsOf(plan);
  const p = plan.programme;
  const title = shortName(l, { name: p.title, nameEn: p.titleEn });
  const county = l === 'en' ? p.countyEn : p.county;
  const to = higherLevel(plan);
  const lines = summary.pilots.map((s) => {
    const pilot = findPilot(plan, s.pilotId);
    return `${pilot ? shortName(l, pilot) : s.pilotId}${l === 'en' ? ': ' : '：'}${scoreText(w, s)}`;
  });
  return renderMessage({
    locale: l,
    subject: w.programmeSummarySubject(county, title),
    programme: programmeLine(plan),
    heading: w.programmeSummaryHeading,
    greeting: w.to(shortName(l, to)),
    blocks: [
      { kind: 'p', text: w.programmeSummaryBody(county) },
      {
        kind: 'facts',
        rows: [
          [w.pilots, String(summary.pilots.length)],
          [w.accepted, String(summary.accepted)],
          [w.excellent, String(summary.excellent)],
          [w.averageScore, summary.averageScore === null ? '-' : String(summary.averageScore)],
        ],
      },
      { kind: 'list', items: lines },
      { kind: 'quote', label: w.summary, text: note.text },
      ...(note.document
        ? [{ kind: 'facts' as const, rows: [[w.materials, note.document] as [string, string]] }]
        : []),
    ],
    contact: contactOf(plan),
  });
}
