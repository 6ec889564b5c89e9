// A supervision check (督查) as the inspector recorded it: the facts the Implementation machine branches on
// (were problems found, what must be rectified, by when), and an audit event with the whole record, including
// any study tour (外出学习考察) the pilot made since the last check.
import * as z from 'zod';
import { auditOnce, type Deps } from './deps.ts';
import { FIELD } from './task-forms.ts';

export const DecisionSchema = z.looseObject({
  outcome: z.enum(['approve', 'return', 'reject']),
  comment: z.string().max(8000).default(''),
  form: z.record(z.string(), z.unknown()).default({}),
  decidedBy: z.looseObject({ name: z.string(), email: z.string(), unitId: z.string().optional() }),
  decidedAt: z.string().min(1),
});
export type WorkflowDecision = z.infer<typeof DecisionSchema>;

export const RecordCheckInputSchema = z.strictObject({
  programmeId: z.string().min(1).max(64),
  pilotId: z.string().min(1).max(64),
  executionArn: z.string().min(1).max(2048),
  /** 1 for the first check of the stage. */
  checkNumber: z.number().int().min(1),
  taskId: z.uuid(),
  decision: DecisionSchema,
});
export type RecordCheckInput = z.infer<typeof RecordCheckInputSchema>;

export interface CheckRecord {
  problemsFound: boolean;
  /** What must be rectified (the inspector's words; never empty when problems were found). */
  problems: string;
  /** The inspector's deadline (YYYY-MM-DD), or null for the plan's default. */
  rectifyBy: string | null;
  studyTour: string | null;
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export async function recordCheck(deps: Deps, input: RecordCheckInput): Promise<CheckRecord> {
  const form = input.decision.form;
  const problems = text(form[FIELD.problems]);
  // "Problems found: yes" without a description still needs rectifying; a description alone counts too.
  const problemsFound =
    form[FIELD.problemsFound] === true || (form[FIELD.problemsFound] === undefined && problems !== '');
  const record: CheckRecord = {
    problemsFound,
    problems: problemsFound
      ? problems || text(input.decision.comment) || '（见督查记录 / see the check record）'
      : '',
    rectifyBy: /^\d{4}-\d{2}-\d{2}$/.test(text(form[FIELD.rectifyBy])) ? text(form[FIELD.rectifyBy]) : null,
    studyTour: text(form[FIELD.studyTour]) || null,
  };
  const base = {
    programmeId: input.programmeId,
    pilotId: input.pilotId,
    at: deps.now().toISOString(),
    actor: `email:${input.decision.decidedBy.email}`,
    taskId: input.taskId,
    executionArn: input.executionArn,
  };
  await auditOnce(deps, input.taskId, {
    ...base,
    action: 'check.recorded',
    summary: `Supervision check ${input.checkNumber}: ${problemsFound ? 'problems found' : 'no problems'}`,
    details: {
      checkNumber: input.checkNumber,
      progress: text(form[FIELD.progress]),
      fundUse: text(form[FIELD.fundUse]),
      ...record,
    },
  });
  if (record.studyTour) {
    await auditOnce(deps, input.taskId, {
      ...base,
      action: 'study-tour.recorded',
      summary: `Study tour recorded at supervision check ${input.checkNumber}`,
      details: { studyTour: record.studyTour },
    });
  }
  return record;
}
