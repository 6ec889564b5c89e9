// The programme's tables as Excel workbooks (.xlsx, with write-excel-file): the acceptance score sheet (each
// pilot's score per indicator, total, grade) and the programme status (each pilot's stages and outcome), for
// administrators to download from the dashboard. Chinese workbooks name 宋体, which Excel and WPS both carry.
import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { Attachment } from '#domain/mail.ts';
import type { PilotSummary } from '#domain/summary.ts';
import { findPilot, findPilotType } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import type { PilotRecord } from '#store/pilots.ts';
import { shortName, wordsOf } from '../email/i18n.ts';
import { formatDateTime } from '../i18n.ts';
import { STAGE_TEXT } from '../words.ts';
import { DOCUMENT_WORDS } from './words.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const header = (cells: string[]): Row => cells.map((value) => ({ value, fontWeight: 'bold' as const }));

async function workbook(plan: Plan, filename: string, sheet: string, data: Row[]): Promise<Attachment> {
  const zh = plan.programme.locale !== 'en';
  const columns = (data[0] ?? []).map((_c, i) => ({ width: i === 0 ? 24 : 14 }));
  const content = await writeXlsxFile(data, {
    sheet,
    columns,
    stickyRowsCount: 1,
    ...(zh ? { fontFamily: '宋体' } : {}),
  }).toBuffer();
  return { filename: `${filename}.xlsx`, contentType: XLSX_TYPE, content };
}

const county = (plan: Plan) =>
  plan.programme.locale === 'en' ? plan.programme.countyEn : plan.programme.county;

/** The acceptance score sheet: a row per pilot, a column per indicator (with its weight), total and grade. */
export function scoreSheet(plan: Plan, summaries: PilotSummary[]): Promise<Attachment> {
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const d = DOCUMENT_WORDS[locale];
  const items = plan.indicators.items;
  const rows: Row[] = summaries.map((s) => {
    const pilot = findPilot(plan, s.pilotId);
    return [
      pilot ? shortName(locale, pilot) : s.pilotId,
      ...items.map((item) => s.indicatorScores?.[item.id] ?? null),
      s.acceptanceScore,
      s.grade ? w.grade[s.grade] : null,
      w.outcome[s.outcome ?? 'in-progress'],
    ];
  });
  return workbook(plan, d.scoreSheetFile(county(plan)), d.sheets.scores, [
    header([
      d.columns.pilot,
      ...items.map((i) => `${shortName(locale, i)} (${i.weight})`),
      d.columns.total,
      d.columns.grade,
      d.columns.outcome,
    ]),
    ...rows,
  ]);
}

/** The programme status: a row per pilot with its level, type, each stage's state, outcome and score. */
export function statusSheet(plan: Plan, pilots: PilotRecord[]): Promise<Attachment> {
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const d = DOCUMENT_WORDS[locale];
  const stages = Object.keys(STAGE_TEXT) as Array<keyof typeof STAGE_TEXT>;
  const rows: Row[] = pilots.map((p) => {
    const pilot = findPilot(plan, p.pilotId);
    const type = findPilotType(plan, p.type);
    return [
      pilot ? shortName(locale, pilot) : p.name,
      d.level[p.level],
      type ? shortName(locale, type) : p.type,
      ...stages.map((stage) => d.stageStatus[p.stages[stage]?.status ?? 'not-started']),
      w.outcome[p.outcome ?? 'in-progress'],
      p.acceptanceScore ?? null,
      formatDateTime(p.updatedAt, locale, plan.programme.timezone),
    ];
  });
  return workbook(plan, d.statusFile(county(plan)), d.sheets.status, [
    header([
      d.columns.pilot,
      d.columns.level,
      d.columns.type,
      ...stages.map((s) => (locale === 'en' ? STAGE_TEXT[s].en : STAGE_TEXT[s].zh)),
      d.columns.outcome,
      d.columns.score,
      d.columns.updatedAt,
    ]),
    ...rows,
  ]);
}
