// The form of each kind of task (what the approval page asks for), chosen by open-task from the plan: which
// decisions an official may take, with labels in both languages, and the fields to fill in. Scores are named
// `score.<indicatorId>`; the acceptance and check handlers read the same names back from the decision.
import type { TaskKind } from '#plan/kinds.ts';
import type { Plan } from '#plan/schema.ts';
import { parseDuration } from '#plan/time.ts';
import type { Field, FormSpec, LocalText } from './forms.ts';

const t = (zh: string, en: string): LocalText => ({ zh, en });

/** Field names the workflows read back from decisions. */
export const FIELD = {
  summary: 'summary',
  document: 'document',
  progress: 'progress',
  fundUse: 'fundUse',
  problemsFound: 'problemsFound',
  problems: 'problems',
  rectifyBy: 'rectifyBy',
  studyTour: 'studyTour',
  measures: 'measures',
  evidence: 'evidence',
  remarks: 'remarks',
} as const;

export const SCORE_PREFIX = 'score.';

/** A plan duration as people read it: `P14D` → 14 天 / 14 days (the form is stored with the task). */
function durationText(text: string): LocalText {
  const d = parseDuration(text);
  const parts: Array<[number, string, string]> = [
    [d.years, '年', 'year'],
    [d.months, '个月', 'month'],
    [d.weeks, '周', 'week'],
    [d.days, '天', 'day'],
    [d.hours, '小时', 'hour'],
    [d.minutes, '分钟', 'minute'],
    [d.seconds, '秒', 'second'],
  ];
  const used = parts.filter(([n]) => n > 0);
  return t(
    used.map(([n, zh]) => `${n} ${zh}`).join(' ') || '0 天',
    used.map(([n, , en]) => `${n} ${en}${n === 1 ? '' : 's'}`).join(' ') || '0 days',
  );
}

function scoreFields(plan: Plan, required: 'always' | 'approve' | 'never'): Field[] {
  return plan.indicators.items.map((item) => ({
    name: `${SCORE_PREFIX}${item.id}`,
    kind: 'score',
    label: t(`${item.name}（权重 ${item.weight}）`, `${item.nameEn} (weight ${item.weight})`),
    ...(item.description ? { help: t(item.description, item.description) } : {}),
    required: required === 'always',
    ...(required === 'approve' ? { requiredFor: ['approve' as const] } : {}),
  }));
}

/** The form of a task of `kind` in `plan`. */
export function formFor(plan: Plan, kind: TaskKind): FormSpec {
  switch (kind) {
    case 'acknowledgement':
      return {
        decisions: ['approve'],
        decisionLabels: { approve: t('确认收到', 'Acknowledge receipt') },
        commentRequiredFor: [],
        fields: [
          {
            name: FIELD.remarks,
            kind: 'textarea',
            label: t('备注（可选）', 'Remarks (optional)'),
            required: false,
            maxLength: 2000,
          },
        ],
      };
    case 'implementationPlan':
      return {
        decisions: ['approve'],
        decisionLabels: { approve: t('提交实施方案', 'Submit the implementation plan') },
        commentRequiredFor: [],
        fields: [
          {
            name: FIELD.summary,
            kind: 'textarea',
            label: t('实施方案摘要', 'Summary of the implementation plan'),
            help: t(
              '主要任务、措施、时间安排和责任人。',
              'Main tasks, measures, timetable and who is responsible.',
            ),
            required: true,
          },
          {
            name: FIELD.document,
            kind: 'files',
            label: t('实施方案文件', 'The implementation plan document'),
            required: true,
          },
        ],
      };
    case 'planReview':
      return {
        decisions: ['approve', 'return'],
        decisionLabels: { approve: t('批准', 'Approve'), return: t('退回修改', 'Return for revision') },
        fields: [],
      };
    case 'supervisionCheck':
      return {
        decisions: ['approve'],
        decisionLabels: { approve: t('提交督查记录', 'Submit the check') },
        commentRequiredFor: [],
        fields: [
          { name: FIELD.progress, kind: 'textarea', label: t('工作进展', 'Progress'), required: true },
          { name: FIELD.fundUse, kind: 'textarea', label: t('资金使用情况', 'Use of funds'), required: true },
          {
            name: FIELD.problemsFound,
            kind: 'yesno',
            label: t('是否发现问题', 'Were problems found?'),
            required: true,
          },
          {
            name: FIELD.problems,
            kind: 'textarea',
            label: t('发现的问题及整改要求', 'Problems found and what must be rectified'),
            help: t('发现问题时必填。', 'Required when problems were found.'),
            required: false,
          },
          {
            name: FIELD.evidence,
            kind: 'files',
            label: t('督查佐证材料（现场照片等，可选）', 'Evidence of the check (photos etc., optional)'),
            required: false,
          },
          {
            name: FIELD.rectifyBy,
            kind: 'date',
            label: t('整改期限（可选）', 'Rectify by (optional)'),
            help: t(
              `不填则按方案默认期限（${durationText(plan.tasks.durations.rectification).zh}）。`,
              `Leave empty for the plan's default (${durationText(plan.tasks.durations.rectification).en}).`,
            ),
            required: false,
          },
          ...(plan.stages.implementation.recordStudyTours
            ? [
                {
                  name: FIELD.studyTour,
                  kind: 'textarea' as const,
                  label: t('外出学习考察记录（如有）', 'Study tours since the last check (if any)'),
                  help: t('时间、地点、考察内容和收获。', 'When, where, what was studied and learned.'),
                  required: false,
                  maxLength: 4000,
                },
              ]
            : []),
        ],
      };
    case 'rectification':
      return {
        decisions: ['approve'],
        decisionLabels: { approve: t('提交整改情况', 'Submit the rectification') },
        commentRequiredFor: [],
        fields: [
          {
            name: FIELD.measures,
            kind: 'textarea',
            label: t('整改措施和结果', 'Measures taken and results'),
            required: true,
          },
          {
            name: FIELD.evidence,
            kind: 'files',
            label: t('佐证材料（可选）', 'Evidence (optional)'),
            required: false,
          },
        ],
      };
    case 'verification':
      return {
        decisions: ['approve', 'return'],
        decisionLabels: {
          approve: t('整改到位', 'Rectified'),
          return: t('退回重新整改', 'Return for more rectification'),
        },
        fields: [],
      };
    case 'selfInspection':
      return {
        decisions: ['approve'],
        decisionLabels: { approve: t('提交自查报告', 'Submit the self-inspection') },
        commentRequiredFor: [],
        fields: [
          ...(plan.stages.evaluation.selfInspection.scored ? scoreFields(plan, 'always') : []),
          {
            name: FIELD.summary,
            kind: 'textarea',
            label: t('自查情况', 'Self-inspection report'),
            required: true,
          },
          {
            name: FIELD.evidence,
            kind: 'files',
            label: t('佐证材料', 'Evidence'),
            required: true,
          },
        ],
      };
    case 'preliminaryEvaluation':
      return {
        decisions: ['approve', 'return'],
        decisionLabels: {
          approve: t('初评通过', 'Pass the preliminary evaluation'),
          return: t('退回重新自查', 'Return to self-inspection'),
        },
        fields: plan.stages.evaluation.preliminaryEvaluation.scored ? scoreFields(plan, 'approve') : [],
      };
    case 'acceptance':
      return {
        decisions: ['approve', 'return'],
        decisionLabels: {
          approve: t('同意验收', 'Accept'),
          return: t('退回整改', 'Return for rectification'),
        },
        fields: scoreFields(plan, 'approve'),
      };
    case 'summary':
      return {
        decisions: ['approve'],
        decisionLabels: { approve: t('确认并报送', 'Confirm and send') },
        commentRequiredFor: [],
        fields: [
          {
            name: FIELD.summary,
            kind: 'textarea',
            label: t('工作总结', 'Summary of the programme'),
            help: t(
              '将与系统汇总的数据一并报送上级。',
              'Sent to the higher level with the figures compiled by the system.',
            ),
            required: true,
          },
          {
            name: FIELD.document,
            kind: 'files',
            label: t('总结材料（可选）', 'Summary materials (optional)'),
            required: false,
          },
        ],
      };
  }
}
