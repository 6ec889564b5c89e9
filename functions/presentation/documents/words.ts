// The words of the generated documents (summary reports .docx, score sheet and status .xlsx), in the plan's
// language only, as the mails (../words.ts) whose figures they share.
import type { Locale } from '../i18n.ts';

export interface DocumentWords {
  pilotReportTitle(pilot: string): string;
  programmeReportTitle(county: string): string;
  /** The file names, without extension (the dashboard's downloads and the mail's attachment). */
  pilotReportFile(pilot: string): string;
  programmeReportFile(county: string): string;
  scoreSheetFile(county: string): string;
  statusFile(county: string): string;
  addressee(unit: string): string;
  compiledOn(date: string): string;
  sections: {
    basics: string;
    process: string;
    scores: string;
    tours: string;
    pilots: string;
    summary: string;
  };
  pilotBasics(name: string, type: string, level: string, outcome: string): string;
  overview(pilots: number, accepted: number, excellent: number, average: string): string;
  level: { town: string; community: string };
  columns: {
    number: string;
    indicator: string;
    weight: string;
    score: string;
    total: string;
    pilot: string;
    level: string;
    type: string;
    outcome: string;
    grade: string;
    item: string;
    value: string;
    updatedAt: string;
  };
  illustrative: string;
  sheets: { scores: string; status: string };
  stageStatus: Record<'not-started' | 'running' | 'done' | 'failed' | 'stalled', string>;
  /** A download refused: no such programme, pilot or document; or the document could not be made. */
  problems: { notFound: string; failed: string };
}

const zh: DocumentWords = {
  pilotReportTitle: (pilot) => `${pilot}试点工作总结报告`,
  programmeReportTitle: (county) => `${county}试点工作总结报告`,
  pilotReportFile: (pilot) => `${pilot}试点工作总结报告`,
  programmeReportFile: (county) => `${county}试点工作总结报告`,
  scoreSheetFile: (county) => `${county}试点验收评分表`,
  statusFile: (county) => `${county}试点工作进展表`,
  addressee: (unit) => `${unit}：`,
  compiledOn: (date) => date,
  sections: {
    basics: '一、基本情况',
    process: '二、工作过程',
    scores: '三、验收得分',
    tours: '四、外出学习考察',
    pilots: '二、各试点验收情况',
    summary: '三、工作总结',
  },
  pilotBasics: (name, type, level, outcome) => `${name}为${type}试点（${level}），验收结果：${outcome}。`,
  overview: (pilots, accepted, excellent, average) =>
    `本次试点共${pilots}个，通过验收${accepted}个，其中优秀${excellent}个，平均得分${average}。`,
  level: { town: '乡镇', community: '社区' },
  columns: {
    number: '序号',
    indicator: '评价指标',
    weight: '权重',
    score: '得分',
    total: '总分',
    pilot: '试点',
    level: '层级',
    type: '类型',
    outcome: '验收结果',
    grade: '等次',
    item: '项目',
    value: '情况',
    updatedAt: '更新时间',
  },
  illustrative: '注：本指标体系为示例，并非省级正式指标。',
  sheets: { scores: '验收评分表', status: '试点进展' },
  stageStatus: {
    'not-started': '未开始',
    running: '进行中',
    done: '已完成',
    failed: '已停止',
    stalled: '已超时',
  },
  problems: { notFound: '没有这个文件。', failed: '暂时无法生成该文件，请稍后再试。' },
};

const en: DocumentWords = {
  pilotReportTitle: (pilot) => `Pilot summary report: ${pilot}`,
  programmeReportTitle: (county) => `${county}: summary report of the pilot programme`,
  pilotReportFile: (pilot) => `Summary report ${pilot}`,
  programmeReportFile: (county) => `Summary report ${county}`,
  scoreSheetFile: (county) => `Acceptance scores ${county}`,
  statusFile: (county) => `Programme status ${county}`,
  addressee: (unit) => `To: ${unit}`,
  compiledOn: (date) => `Compiled on ${date}`,
  sections: {
    basics: '1. Basic facts',
    process: '2. How the pilot went',
    scores: '3. Acceptance scores',
    tours: '4. Study tours',
    pilots: '2. Acceptance of each pilot',
    summary: '3. Summary',
  },
  pilotBasics: (name, type, level, outcome) =>
    `${name} is a ${type} pilot (${level}). Acceptance: ${outcome}.`,
  overview: (pilots, accepted, excellent, average) =>
    `Of ${pilots} pilots, ${accepted} were accepted, ${excellent} of them graded excellent; the average score is ${average}.`,
  level: { town: 'town', community: 'community' },
  columns: {
    number: 'No.',
    indicator: 'Indicator',
    weight: 'Weight',
    score: 'Score',
    total: 'Total',
    pilot: 'Pilot',
    level: 'Level',
    type: 'Type',
    outcome: 'Outcome',
    grade: 'Grade',
    item: 'Item',
    value: 'Value',
    updatedAt: 'Updated',
  },
  illustrative: "Note: an illustrative indicator set, not the province's official one.",
  sheets: { scores: 'Acceptance scores', status: 'Pilots' },
  stageStatus: {
    'not-started': 'not started',
    running: 'running',
    done: 'done',
    failed: 'stopped',
    stalled: 'timed out',
  },
  problems: {
    notFound: 'There is no such document.',
    failed: 'The document cannot be made just now; try again later.',
  },
};

export const DOCUMENT_WORDS: Record<Locale, DocumentWords> = { 'zh-CN': zh, en };
