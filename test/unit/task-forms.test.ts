import { describe, expect, it } from 'vitest';
import { FormSpecSchema, validateSubmission } from '#domain/forms.ts';
import { FIELD, formFor } from '#domain/task-forms.ts';
import { TASK_KINDS } from '#plan/kinds.ts';
import { validatePlan } from '#plan/load.ts';
import { sampleData, samplePlan } from '#test/fixtures/plans.ts';

describe('the form of each kind of task', () => {
  it('is a valid form spec for every kind', () => {
    const plan = samplePlan();
    for (const kind of TASK_KINDS)
      expect(FormSpecSchema.safeParse(formFor(plan, kind)).success, kind).toBe(true);
  });

  it('lets an acknowledgement only acknowledge, and a review approve or return', () => {
    const plan = samplePlan();
    expect(formFor(plan, 'acknowledgement').decisions).toEqual(['approve']);
    expect(formFor(plan, 'acknowledgement').decisionLabels?.approve?.zh).toBe('确认收到');
    expect(formFor(plan, 'planReview').decisions).toEqual(['approve', 'return']);
    expect(formFor(plan, 'preliminaryEvaluation').decisions).toEqual(['approve', 'return']);
  });

  it('asks the implementation plan for a summary and the document as uploaded files', () => {
    const form = formFor(samplePlan(), 'implementationPlan');
    expect(form.fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['summary', 'textarea', true],
      ['document', 'files', true],
    ]);
  });

  it('takes files wherever a form asks for evidence, and no links', () => {
    const plan = samplePlan();
    const filesOf = (kind: Parameters<typeof formFor>[1]) =>
      formFor(plan, kind)
        .fields.filter((f) => f.kind === 'files')
        .map((f) => [f.name, f.required]);
    expect(filesOf('supervisionCheck')).toEqual([['evidence', false]]);
    expect(filesOf('rectification')).toEqual([['evidence', false]]);
    expect(filesOf('selfInspection')).toEqual([['evidence', true]]);
    expect(filesOf('summary')).toEqual([['document', false]]);
    for (const kind of [
      'implementationPlan',
      'supervisionCheck',
      'rectification',
      'selfInspection',
      'summary',
    ] as const) {
      expect(formFor(plan, kind).fields.some((f) => f.kind === 'url')).toBe(false);
    }
  });

  it('scores every indicator at acceptance, required to approve but not to return', () => {
    const plan = samplePlan();
    const form = formFor(plan, 'acceptance');
    expect(form.fields.map((f) => f.name)).toEqual(plan.indicators.items.map((i) => `score.${i.id}`));
    const returned = validateSubmission(form, { decision: 'return', comment: '材料不全', values: {} });
    expect(returned.ok).toBe(true);
    const approved = validateSubmission(form, { decision: 'approve', values: {} });
    expect(approved.ok).toBe(false);
  });

  it('records study tours on the supervision check only when the plan asks for them', () => {
    const withTours = formFor(samplePlan(), 'supervisionCheck').fields.map((f) => f.name);
    expect(withTours).toEqual(
      expect.arrayContaining([FIELD.progress, FIELD.fundUse, FIELD.problemsFound, FIELD.studyTour]),
    );
    const data = sampleData();
    data.stages.implementation.recordStudyTours = false;
    const result = validatePlan(data);
    if (!result.ok) throw new Error('the changed sample should validate');
    expect(formFor(result.plan, 'supervisionCheck').fields.map((f) => f.name)).not.toContain(FIELD.studyTour);
  });

  it('leaves self-inspection unscored when the plan says so', () => {
    const data = sampleData();
    data.stages.evaluation.selfInspection.scored = false;
    const result = validatePlan(data);
    if (!result.ok) throw new Error('the changed sample should validate');
    expect(formFor(result.plan, 'selfInspection').fields.map((f) => f.name)).toEqual(['summary', 'evidence']);
  });
});
