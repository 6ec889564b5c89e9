// The summary reports as Word documents (.docx, with the `docx` package): a pilot's, and the programme's that
// goes to the higher level (报送试点工作总结材料) attached to the summary mail. Laid out as a county office
// writes one (GB/T 9704 in spirit): the title centred in 宋体 bold 二号, the body in 仿宋 三号 with a first-line
// indent of two characters, section headings in 黑体, tables in 小四. Fonts are named for East Asian text
// (`eastAsia`) and for Latin text and figures (Times New Roman), and the language is set, so that Word and WPS
// pick a Chinese font rather than a Latin one's fallback. 仿宋 rather than 仿宋_GB2312: Windows 10 and later,
// macOS Office and WPS all carry 仿宋, while 仿宋_GB2312 is on few machines outside government offices.
import {
  AlignmentType,
  Document,
  type FileChild,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Attachment } from '#domain/mail.ts';
import type { PilotSummary, ProgrammeSummary } from '#domain/summary.ts';
import { findPilot, findPilotType, higherLevel, leadUnit } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { shortName, wordsOf } from '../email/i18n.ts';
import { pilotRows, scoreText } from '../email/summaries.ts';
import { DOCUMENT_WORDS, type DocumentWords } from './words.ts';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const LATIN = 'Times New Roman';
const font = (eastAsia: string) => ({ ascii: LATIN, hAnsi: LATIN, cs: LATIN, eastAsia });
const FONT = { title: font('宋体'), heading: font('黑体'), body: font('仿宋') };
/** Sizes in half-points: 二号 22 pt, 三号 16 pt, 小四 12 pt. */
const SIZE = { title: 44, body: 32, table: 24 };

const para = (text: string, options: { indent?: boolean; right?: boolean } = {}) =>
  new Paragraph({
    ...(options.right ? { alignment: AlignmentType.RIGHT } : {}),
    ...(options.indent ? { indent: { firstLine: 2 * SIZE.body * 10 } } : {}),
    spacing: { line: 560, lineRule: 'exact' },
    children: [new TextRun({ text })],
  });

const heading = (text: string) =>
  new Paragraph({
    spacing: { before: 240, line: 560, lineRule: 'exact' },
    children: [new TextRun({ text, font: FONT.heading })],
  });

const title = (text: string, subtitle: string) => [
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after: 240 },
    children: [new TextRun({ text, bold: true, font: FONT.title, size: SIZE.title })],
  }),
  new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after: 360 },
    children: [new TextRun(subtitle)],
  }),
];

/** A table of text, the first row its header (bold, repeated on every page). */
function table(rows: string[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map(
      (cells, r) =>
        new TableRow({
          tableHeader: r === 0,
          children: cells.map(
            (text) =>
              new TableCell({
                children: [
                  new Paragraph({ children: [new TextRun({ text, bold: r === 0, size: SIZE.table })] }),
                ],
              }),
          ),
        }),
    ),
  });
}

function documentOf(plan: Plan, children: FileChild[]): Document {
  const locale = plan.programme.locale;
  return new Document({
    creator: shortName(locale, leadUnit(plan)),
    title: plan.programme.title,
    styles: {
      default: {
        document: {
          run: {
            font: FONT.body,
            size: SIZE.body,
            language:
              locale === 'en' ? { value: 'en-GB', eastAsia: 'zh-CN' } : { value: 'zh-CN', eastAsia: 'zh-CN' },
          },
        },
      },
    },
    // A4 with the margins of an official document: 37 mm top, 35 mm bottom, 28 mm left, 26 mm right.
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 },
          },
        },
        children,
      },
    ],
  });
}

const wordsFor = (plan: Plan): DocumentWords => DOCUMENT_WORDS[plan.programme.locale];

/** The acceptance scores table: each indicator with its weight and score, then the total with its grade. */
function scoresTable(plan: Plan, summary: PilotSummary): Table {
  const locale = plan.programme.locale;
  const d = wordsFor(plan);
  const rows = plan.indicators.items.map((item, i) => [
    String(i + 1),
    shortName(locale, { name: item.name, nameEn: item.nameEn }),
    String(item.weight),
    summary.indicatorScores?.[item.id] === undefined ? '-' : String(summary.indicatorScores[item.id]),
  ]);
  return table([
    [d.columns.number, d.columns.indicator, d.columns.weight, d.columns.score],
    ...rows,
    ['', d.columns.total, '100', scoreText(wordsOf(plan), summary)],
  ]);
}

/** The date under the signature: `2023年12月20日` / `20 December 2023`, in the programme's zone. */
const today = (plan: Plan, now: Date) =>
  new Intl.DateTimeFormat(plan.programme.locale === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: plan.programme.timezone,
  }).format(now);

function pilotChildren(plan: Plan, summary: PilotSummary, now: Date): FileChild[] {
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const d = wordsFor(plan);
  const pilot = findPilot(plan, summary.pilotId);
  const name = pilot ? shortName(locale, pilot) : summary.pilotId;
  const type = pilot ? findPilotType(plan, pilot.type) : undefined;
  const outcome = w.outcome[summary.outcome ?? 'in-progress'];
  const children: FileChild[] = [
    ...title(
      d.pilotReportTitle(name),
      shortName(locale, { name: plan.programme.title, nameEn: plan.programme.titleEn }),
    ),
    heading(d.sections.basics),
    para(
      d.pilotBasics(name, type ? shortName(locale, type) : '', pilot ? d.level[pilot.level] : '', outcome),
      { indent: true },
    ),
    heading(d.sections.process),
    table([[d.columns.item, d.columns.value], ...pilotRows(w, summary)]),
    heading(d.sections.scores),
    scoresTable(plan, summary),
    ...(plan.indicators.illustrative ? [para(d.illustrative)] : []),
  ];
  if (summary.studyTours.length > 0) {
    children.push(heading(d.sections.tours), ...summary.studyTours.map((t) => para(t, { indent: true })));
  }
  children.push(
    para(''),
    para(shortName(locale, leadUnit(plan)), { right: true }),
    para(d.compiledOn(today(plan, now)), { right: true }),
  );
  return children;
}

function programmeChildren(plan: Plan, summary: ProgrammeSummary, note: string, now: Date): FileChild[] {
  const locale = plan.programme.locale;
  const w = wordsOf(plan);
  const d = wordsFor(plan);
  const p = plan.programme;
  const county = locale === 'en' ? p.countyEn : p.county;
  const rows = summary.pilots.map((s, i) => {
    const pilot = findPilot(plan, s.pilotId);
    const type = pilot ? findPilotType(plan, pilot.type) : undefined;
    return [
      String(i + 1),
      pilot ? shortName(locale, pilot) : s.pilotId,
      type ? shortName(locale, type) : '',
      w.outcome[s.outcome ?? 'in-progress'],
      s.acceptanceScore === null ? '-' : String(s.acceptanceScore),
      s.grade ? w.grade[s.grade] : '-',
    ];
  });
  const c = d.columns;
  return [
    ...title(d.programmeReportTitle(county), shortName(locale, { name: p.title, nameEn: p.titleEn })),
    para(d.addressee(shortName(locale, higherLevel(plan)))),
    para(w.programmeSummaryBody(county), { indent: true }),
    heading(d.sections.basics),
    para(
      d.overview(
        summary.pilots.length,
        summary.accepted,
        summary.excellent,
        summary.averageScore === null ? '-' : String(summary.averageScore),
      ),
      { indent: true },
    ),
    heading(d.sections.pilots),
    table([[c.number, c.pilot, c.type, c.outcome, c.score, c.grade], ...rows]),
    heading(d.sections.summary),
    ...note
      .split(/\n+/)
      .filter((line) => line.trim() !== '')
      .map((line) => para(line, { indent: true })),
    para(''),
    para(shortName(locale, leadUnit(plan)), { right: true }),
    para(d.compiledOn(today(plan, now)), { right: true }),
  ];
}

async function docx(filename: string, document: Document): Promise<Attachment> {
  return { filename: `${filename}.docx`, contentType: DOCX_TYPE, content: await Packer.toBuffer(document) };
}

/** A pilot's summary report as .docx. */
export function pilotReport(plan: Plan, summary: PilotSummary, now: Date): Promise<Attachment> {
  const pilot = findPilot(plan, summary.pilotId);
  const name = pilot ? shortName(plan.programme.locale, pilot) : summary.pilotId;
  return docx(wordsFor(plan).pilotReportFile(name), documentOf(plan, pilotChildren(plan, summary, now)));
}

/** The programme's summary report as .docx: `note` is the lead unit's summary text, as confirmed. */
export function programmeReport(
  plan: Plan,
  summary: ProgrammeSummary,
  note: string,
  now: Date,
): Promise<Attachment> {
  const p = plan.programme;
  const county = p.locale === 'en' ? p.countyEn : p.county;
  return docx(
    wordsFor(plan).programmeReportFile(county),
    documentOf(plan, programmeChildren(plan, summary, note, now)),
  );
}
