// The generated documents, opened as their readers would: the .docx unzipped and its document.xml read, the
// .xlsx read with exceljs (another library than the one that wrote it), the mail's raw MIME parsed by mailparser.
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { rawMessage } from '#adapters/mime.ts';
import type { PilotSummary } from '#domain/summary.ts';
import { compileProgrammeSummary } from '#domain/summary.ts';
import { validatePlan } from '#plan/load.ts';
import type { Plan } from '#plan/schema.ts';
import { DOCX_TYPE, pilotReport, programmeReport } from '#presentation/documents/report.ts';
import { scoreSheet, statusSheet, XLSX_TYPE } from '#presentation/documents/sheets.ts';
import type { PilotRecord } from '#store/pilots.ts';
import { sampleData, samplePlan } from '#test/fixtures/plans.ts';
import { docxText, unzip } from '#test/support/zip.ts';

const plan = samplePlan();
const NOW = new Date('2023-12-20T08:00:00Z');

function summaryOf(pilotId: string, score: number | null, extra: Partial<PilotSummary> = {}): PilotSummary {
  const scores = Object.fromEntries(plan.indicators.items.map((i, n) => [i.id, (score ?? 0) + n]));
  return {
    pilotId,
    outcome: score === null ? 'in-progress' : 'accepted',
    acceptanceScore: score,
    grade: score === null ? null : score >= plan.indicators.excellentScore ? 'excellent' : 'pass',
    ...(score === null ? {} : { indicatorScores: scores }),
    implementationPlanRounds: 2,
    supervisionChecks: 3,
    checksWithProblems: 1,
    rectifications: 1,
    studyTours: [],
    selfInspectionRounds: 1,
    acceptanceRounds: 1,
    tasks: { total: 20, decided: 19, timedOut: 1 },
    ...extra,
  };
}

const SUMMARIES = [summaryOf('xx-town', 91.5), summaryOf('gucheng', 84.25), summaryOf('zhangshu', null)];
const documentXml = (content: Uint8Array) => unzip(content).get('word/document.xml')?.toString('utf8') ?? '';

async function readWorkbook(content: Uint8Array) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(content) as unknown as ArrayBuffer);
  return book;
}

const cellsOf = (row: ExcelJS.Row) => (row.values as unknown[]).slice(1);

describe('the programme summary report (.docx)', () => {
  it('has the Chinese title, every pilot with its score and grade, and the confirmed summary text', async () => {
    const report = await programmeReport(
      plan,
      compileProgrammeSummary(plan.programme.id, SUMMARIES),
      '一、工作成效\n二、存在问题',
      NOW,
    );
    expect(report.filename).toBe('XX县试点工作总结报告.docx');
    expect(report.contentType).toBe(DOCX_TYPE);
    const text = docxText(documentXml(report.content));
    expect(text).toContain('XX县试点工作总结报告');
    expect(text).toMatch(/1\nXX镇\n.*\n通过验收\n91\.5\n优秀/);
    expect(text).toMatch(/XX镇古城社区\n便民服务型\n通过验收\n84\.25\n合格/);
    expect(text).toContain('XX镇樟树社区');
    expect(text).toContain('一、工作成效\n二、存在问题');
    expect(text).toContain('2023年12月20日');
  });

  it('names Chinese fonts for East Asian text and sets the language, so that Word and WPS render it', async () => {
    const report = await programmeReport(
      plan,
      compileProgrammeSummary(plan.programme.id, SUMMARIES),
      '',
      NOW,
    );
    const files = unzip(report.content);
    const styles = files.get('word/styles.xml')?.toString('utf8') ?? '';
    expect(styles).toMatch(/<w:rFonts [^>]*w:eastAsia="仿宋"/);
    expect(styles).toMatch(/<w:lang [^>]*w:eastAsia="zh-CN"/);
    expect(documentXml(report.content)).toMatch(/<w:rFonts [^>]*w:eastAsia="宋体"/);
  });
});

describe("a pilot's summary report (.docx)", () => {
  it('has the acceptance scores table: each indicator with its weight and score, then the total', async () => {
    const report = await pilotReport(plan, SUMMARIES[1]!, NOW);
    expect(report.filename).toBe('XX镇古城社区试点工作总结报告.docx');
    const text = docxText(documentXml(report.content));
    expect(text).toContain('XX镇古城社区试点工作总结报告');
    const first = plan.indicators.items[0]!;
    expect(text).toContain(`1\n${first.name}\n${first.weight}\n84.25`);
    expect(text).toContain('总分\n100\n84.25（合格）');
    expect(text).toContain('实施方案提交轮次\n2');
  });

  it('is in English only for an English plan', async () => {
    const data = sampleData();
    data.programme.locale = 'en';
    const result = validatePlan(data);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const en: Plan = result.plan;
    const text = docxText(documentXml((await pilotReport(en, SUMMARIES[1]!, NOW)).content));
    expect(text).toContain('Acceptance scores');
    expect(text).toContain('20 December 2023');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('the acceptance score sheet (.xlsx)', () => {
  it('has a row per pilot with its score per indicator, total and grade, read back by exceljs', async () => {
    const sheet = await scoreSheet(plan, SUMMARIES);
    expect(sheet.filename).toBe('XX县试点验收评分表.xlsx');
    expect(sheet.contentType).toBe(XLSX_TYPE);
    const ws = (await readWorkbook(sheet.content)).getWorksheet('验收评分表')!;
    const items = plan.indicators.items;
    expect(cellsOf(ws.getRow(1))).toEqual([
      '试点',
      ...items.map((i) => `${i.name} (${i.weight})`),
      '总分',
      '等次',
      '验收结果',
    ]);
    expect(cellsOf(ws.getRow(3))).toEqual([
      'XX镇古城社区',
      ...items.map((_i, n) => 84.25 + n),
      84.25,
      '合格',
      '通过验收',
    ]);
    expect(cellsOf(ws.getRow(4))[0]).toBe('XX镇樟树社区');
    expect(cellsOf(ws.getRow(4)).at(-1)).toBe('进行中');
  });
});

describe('the programme status (.xlsx)', () => {
  it("has a row per pilot with each stage's state and the outcome", async () => {
    const at = '2023-06-01T02:00:00.000Z';
    const pilots: PilotRecord[] = [
      {
        programmeId: plan.programme.id,
        pilotId: 'gucheng',
        name: 'XX镇古城社区',
        level: 'community',
        type: 'convenience-service',
        stages: {
          launch: { status: 'done', updatedAt: at },
          implementation: { status: 'running', updatedAt: at },
        },
        updatedAt: at,
      },
    ];
    const ws = (await readWorkbook((await statusSheet(plan, pilots)).content)).getWorksheet('试点进展')!;
    expect(cellsOf(ws.getRow(1)).slice(0, 6)).toEqual([
      '试点',
      '层级',
      '类型',
      '工作启动',
      '组织实施',
      '评估验收',
    ]);
    expect(cellsOf(ws.getRow(2)).slice(0, 7)).toEqual([
      'XX镇古城社区',
      '社区',
      '便民服务型',
      '已完成',
      '进行中',
      '未开始',
      '进行中',
    ]);
  });
});

describe('a mail with an attachment, as raw MIME', () => {
  it('keeps a line break in the subject from starting a header of its own', async () => {
    const raw = rawMessage(
      { to: ['a@xx.example'], subject: 'Report\r\nBcc: evil@xx.example', text: 't', html: '<p>t</p>' },
      'pilotflow@xx-county.example',
    );
    const mail = await simpleParser(Buffer.from(raw));
    expect(mail.subject).toBe('Report Bcc: evil@xx.example');
    expect(mail.bcc).toBeUndefined();
  });

  it('carries the subject, the recipients, both bodies and the file with its Chinese name, intact', async () => {
    const content = new Uint8Array([80, 75, 3, 4, 0, 1, 2, 255]);
    const raw = rawMessage(
      {
        to: ['shengting@xx-province.example', 'b@xx.example'],
        cc: ['minzheng@xx-county.example'],
        subject: '【报送】XX县关于城乡社区治理试点工作方案总结材料，请查收附件中的总结报告',
        text: '总结如下。',
        html: '<p>总结如下。</p>',
        attachments: [{ filename: 'XX县试点工作总结报告.docx', contentType: DOCX_TYPE, content }],
      },
      'XX县民政局 <pilotflow@xx-county.example>',
    );
    expect(Buffer.from(raw).every((byte) => byte < 0x80)).toBe(true);
    const mail = await simpleParser(Buffer.from(raw));
    expect(mail.subject).toBe('【报送】XX县关于城乡社区治理试点工作方案总结材料，请查收附件中的总结报告');
    expect(mail.from?.value).toEqual([{ name: 'XX县民政局', address: 'pilotflow@xx-county.example' }]);
    expect(mail.text?.trim()).toBe('总结如下。');
    expect(mail.html).toContain('<p>总结如下。</p>');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, [...a.content]])).toEqual([
      ['XX县试点工作总结报告.docx', DOCX_TYPE, [...content]],
    ]);
  });
});
