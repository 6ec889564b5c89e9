// What each kind of task is called and asks for, in both languages: the e-mails' and pages' wording, also read
// by tools that run outside a bundle (the rehearsal recognises a page by its title), so no JSX is imported here.
import type { TaskKind } from '#plan/kinds.ts';

export const KIND_TEXT: Record<TaskKind, { zh: string; en: string; whatZh: string; whatEn: string }> = {
  acknowledgement: {
    zh: '确认收到试点任务',
    en: 'Acknowledge the pilot tasks',
    whatZh: '请确认已收到试点工作动员部署的任务。',
    whatEn: 'Please confirm that you have received the pilot tasks deployed at the mobilisation meeting.',
  },
  implementationPlan: {
    zh: '提交实施方案',
    en: 'Submit the implementation plan',
    whatZh: '请提交本试点的实施方案（摘要和文件链接）。',
    whatEn: "Please submit the pilot's implementation plan (a summary and a link to the document).",
  },
  planReview: {
    zh: '审核实施方案',
    en: 'Review the implementation plan',
    whatZh: '请审核试点提交的实施方案：批准，或填写意见后退回修改。',
    whatEn:
      'Please review the implementation plan the pilot submitted: approve it, or return it with your comments.',
  },
  supervisionCheck: {
    zh: '开展督查',
    en: 'Carry out the supervision check',
    whatZh: '请对试点开展督查，记录工作进展、资金使用和发现的问题。',
    whatEn:
      "Please carry out the supervision check and record the pilot's progress, use of funds and any problems.",
  },
  rectification: {
    zh: '问题整改',
    en: 'Rectify the problems',
    whatZh: '请按要求整改发现的问题，并提交整改措施和结果。',
    whatEn: 'Please rectify the problems found and report the measures taken and their results.',
  },
  verification: {
    zh: '核查整改情况',
    en: 'Verify the rectification',
    whatZh: '请核查试点的整改情况：确认整改到位，或退回重新整改。',
    whatEn: "Please verify the pilot's rectification: confirm it, or return it for more work.",
  },
  selfInspection: {
    zh: '试点自查',
    en: 'Self-inspection',
    whatZh: '请按评价指标开展自查，逐项评分并提交佐证材料。',
    whatEn: 'Please inspect the pilot against the indicators, score each one and submit the evidence.',
  },
  preliminaryEvaluation: {
    zh: '乡镇初评',
    en: 'Preliminary evaluation',
    whatZh: '请对试点的自查结果进行初评：通过，或退回重新自查。',
    whatEn: "Please evaluate the pilot's self-inspection: pass it, or return it to self-inspection.",
  },
  acceptance: {
    zh: '县级验收',
    en: 'County acceptance',
    whatZh: '请作为验收工作组成员对试点逐项评分并签署验收意见。',
    whatEn: 'As a member of the acceptance working group, please score the pilot on each indicator and sign.',
  },
  summary: {
    zh: '报送试点工作总结材料',
    en: 'Send the summary materials',
    whatZh: '请确认试点工作总结材料，确认后系统将报送上级。',
    whatEn: 'Please confirm the summary materials; once confirmed they are sent to the higher level.',
  },
};
