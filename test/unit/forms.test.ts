import { describe, expect, it } from 'vitest';
import { type FormSpec, FormSpecSchema, validateSubmission } from '#domain/forms.ts';

const spec: FormSpec = FormSpecSchema.parse({
  decisions: ['approve', 'return'],
  fields: [
    { name: 'summary', kind: 'textarea', label: { zh: '摘要', en: 'Summary' }, required: true },
    { name: 'document', kind: 'url', label: { zh: '文件链接', en: 'Document link' }, required: true },
    {
      name: 'score.party',
      kind: 'score',
      label: { zh: '党建', en: 'Party' },
      required: false,
      requiredFor: ['approve'],
    },
    { name: 'problems', kind: 'yesno', label: { zh: '发现问题', en: 'Problems found' }, required: false },
  ],
});

describe('validateSubmission', () => {
  it('accepts a complete submission and converts scores and yes/no', () => {
    const result = validateSubmission(spec, {
      decision: 'approve',
      comment: ' 同意 ',
      values: {
        summary: '计划',
        document: 'https://docs.example/plan.pdf',
        'score.party': '87.5',
        problems: 'no',
      },
    });
    expect(result).toEqual({
      ok: true,
      outcome: 'approve',
      comment: '同意',
      form: {
        summary: '计划',
        document: 'https://docs.example/plan.pdf',
        'score.party': 87.5,
        problems: false,
      },
    });
  });

  it('names every field that is wrong, in both languages', () => {
    const result = validateSubmission(spec, {
      decision: 'approve',
      values: { summary: '', document: 'javascript:alert(1)', 'score.party': '101', problems: 'maybe' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['document', 'problems', 'score.party', 'summary']);
    expect(result.errors.document?.en).toMatch(/https/);
  });

  it('requires a comment to return, and a field only for the decisions it names', () => {
    const result = validateSubmission(spec, {
      decision: 'return',
      values: { summary: 'x', document: 'https://docs.example/x' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors)).toEqual(['comment']);
  });

  it('refuses a decision the step does not offer', () => {
    const result = validateSubmission(spec, { decision: 'reject', comment: 'no', values: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.decision).toBeDefined();
  });
});

describe('validateSubmission of uploaded files', () => {
  const withFiles: FormSpec = FormSpecSchema.parse({
    decisions: ['approve'],
    fields: [{ name: 'evidence', kind: 'files', label: { zh: '佐证材料', en: 'Evidence' }, required: true }],
  });
  const file = { name: '自查报告.pdf', size: 1234, key: 'evidence/p/pilot/t/evidence/ab/自查报告.pdf' };

  it('requires at least one file for a required files field, in both languages', () => {
    const result = validateSubmission(withFiles, {
      decision: 'approve',
      values: {},
      files: { evidence: [] },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.evidence).toEqual({ zh: '请至少上传一个文件。', en: 'Upload at least one file.' });
  });

  it('records the files listed under the field, never a value posted in the body', () => {
    const result = validateSubmission(withFiles, {
      decision: 'approve',
      values: { evidence: 'https://attacker.example/x.pdf' },
      files: { evidence: [file] },
    });
    expect(result).toEqual({ ok: true, outcome: 'approve', comment: '', form: { evidence: [file] } });
  });
});
