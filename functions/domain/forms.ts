// The form of a human task: what an official is asked to fill in and which decisions they may take. The
// workflows (open-task) choose a form per task kind; the approval page renders it and validates a
// submission with `validateSubmission`, on the server, in the plan's language.
import * as z from 'zod';
import { OUTCOMES, type Outcome } from '#plan/kinds.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { type StoredFile, StoredFilesSchema } from './evidence.ts';

export { OUTCOMES, type Outcome };

const Text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
export type LocalText = z.infer<typeof Text>;

export const FieldSchema = z.strictObject({
  /** The form field's name, e.g. `summary` or `score.party-leadership`. */
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/),
  /** `files`: uploaded straight to the bucket (functions/domain/evidence.ts); required means at least one. */
  kind: z.enum(['text', 'textarea', 'url', 'date', 'score', 'yesno', 'files']),
  label: Text,
  help: Text.optional(),
  /** Required for these decisions (all by default when `required` is true). */
  required: z.boolean(),
  requiredFor: z.array(z.enum(OUTCOMES)).optional(),
  maxLength: z.number().int().positive().max(20_000).optional(),
});
export type Field = z.infer<typeof FieldSchema>;

export const FormSpecSchema = z.strictObject({
  /** The decision buttons, in order. */
  decisions: z.array(z.enum(OUTCOMES)).min(1),
  /** Button labels that differ from the defaults, e.g. 确认收到 / Acknowledge instead of 同意 / Approve. */
  decisionLabels: z.partialRecord(z.enum(OUTCOMES), Text).optional(),
  /** The comment is required for these decisions (return and reject by default). */
  commentRequiredFor: z.array(z.enum(OUTCOMES)).optional(),
  fields: z.array(FieldSchema),
});
export type FormSpec = z.infer<typeof FormSpecSchema>;

export const DEFAULT_DECISION_LABELS: Record<Outcome, LocalText> = {
  approve: { zh: '同意', en: 'Approve' },
  return: { zh: '退回修改', en: 'Return for revision' },
  reject: { zh: '不同意', en: 'Reject' },
};

/** The label of a decision on this form (its own label, or the default). */
export function decisionLabel(spec: FormSpec, outcome: Outcome): LocalText {
  return spec.decisionLabels?.[outcome] ?? DEFAULT_DECISION_LABELS[outcome];
}

export const MAX_COMMENT = 4000;
const DEFAULT_MAX_TEXT = 200;
const DEFAULT_MAX_TEXTAREA = 8000;

export type FormValue = string | number | boolean | StoredFile[];

export type SubmissionResult =
  | { ok: true; outcome: Outcome; comment: string; form: Record<string, FormValue> }
  | { ok: false; errors: Record<string, LocalText> };

const message = (zh: string, en: string): LocalText => ({ zh, en });

function isRequired(field: Field, outcome: Outcome): boolean {
  if (field.requiredFor) return field.requiredFor.includes(outcome);
  return field.required;
}

/**
 * Validates a submitted form (the raw strings of a POST body) against its spec. Errors are keyed by field
 * name (`decision` and `comment` for those two), each in both languages, so the page can re-render the
 * user's input with a message beside each field.
 */
export function validateSubmission(
  spec: FormSpec,
  submitted: {
    decision?: string;
    comment?: string;
    values: Record<string, string | undefined>;
    /** The files under each `files` field's prefix when the form was posted. */
    files?: Record<string, StoredFile[]>;
  },
): SubmissionResult {
  const errors: Record<string, LocalText> = {};
  const outcome = OUTCOMES.find((o) => o === submitted.decision);
  if (!outcome || !spec.decisions.includes(outcome)) {
    errors.decision = message('请选择一个有效的决定。', 'Choose one of the decisions offered.');
  }
  const comment = (submitted.comment ?? '').trim();
  const commentRequired = spec.commentRequiredFor ?? ['return', 'reject'];
  if (comment.length > MAX_COMMENT) {
    errors.comment = message(
      `意见不能超过 ${MAX_COMMENT} 个字。`,
      `The comment can be at most ${MAX_COMMENT} characters.`,
    );
  } else if (outcome && commentRequired.includes(outcome) && comment.length === 0) {
    errors.comment = message('退回或不同意时请填写意见。', 'Please say why in the comment.');
  }
  const form: Record<string, FormValue> = {};
  for (const field of spec.fields) {
    const required = outcome ? isRequired(field, outcome) : field.required;
    if (field.kind === 'files') {
      const files = submitted.files?.[field.name] ?? [];
      if (files.length > 0) form[field.name] = files;
      else if (required) {
        errors[field.name] = message('请至少上传一个文件。', 'Upload at least one file.');
      }
      continue;
    }
    const raw = (submitted.values[field.name] ?? '').trim();
    if (raw === '') {
      if (required) errors[field.name] = message('此项为必填项。', 'This field is required.');
      continue;
    }
    const parsed = parseField(field, raw);
    if ('error' in parsed) errors[field.name] = parsed.error;
    else form[field.name] = parsed.value;
  }
  if (Object.keys(errors).length > 0 || !outcome) return { ok: false, errors };
  return { ok: true, outcome, comment, form };
}

function parseField(field: Field, raw: string): { value: FormValue } | { error: LocalText } {
  switch (field.kind) {
    case 'text':
    case 'textarea': {
      const max = field.maxLength ?? (field.kind === 'text' ? DEFAULT_MAX_TEXT : DEFAULT_MAX_TEXTAREA);
      if (raw.length > max) return { error: message(`不能超过 ${max} 个字。`, `At most ${max} characters.`) };
      return { value: raw };
    }
    case 'url': {
      let url: URL | undefined;
      try {
        url = new URL(raw);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || raw.length > 2000) {
        return {
          error: message(
            '请填写以 https:// 开头的完整链接。',
            'Enter a complete link starting with https:// (or http://).',
          ),
        };
      }
      return { value: url.toString() };
    }
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
        return {
          error: message(
            '请按 年-月-日 填写日期，例如 2023-03-15。',
            'Enter a date as YYYY-MM-DD, e.g. 2023-03-15.',
          ),
        };
      }
      return { value: raw };
    }
    case 'score': {
      const n = Number(raw);
      if (!/^\d{1,3}(\.\d{1,2})?$/.test(raw) || !(n >= 0 && n <= 100)) {
        return { error: message('请填写 0 到 100 之间的分数。', 'Enter a score from 0 to 100.') };
      }
      return { value: n };
    }
    case 'yesno': {
      if (raw !== 'yes' && raw !== 'no') return { error: message('请选择“是”或“否”。', 'Choose yes or no.') };
      return { value: raw === 'yes' };
    }
    case 'files':
      // Files are never read from the form's body: validateSubmission takes them from the bucket's listing.
      return { error: message('请上传文件。', 'Upload the file.') };
  }
}

// ---- The form and context a task stores ---------------------------------------------------------------

/**
 * The task's `form` attribute as open-task writes it: the FormSpec (decisions, labels, fields) plus what the
 * page shows about the task. Unknown keys are ignored, so the workflows can add context without breaking it.
 */
export const TaskFormSchema = z.object({
  ...FormSpecSchema.shape,
  /** The title in both languages (the task's `title` is shown in both otherwise). */
  title: Text.optional(),
  /** What is asked of the official, in a sentence or two. */
  instructions: Text.optional(),
  /** Further facts shown with pilot, stage and due date, e.g. the meeting's time and place. */
  facts: z
    .array(z.strictObject({ label: Text, value: Text }))
    .max(20)
    .optional(),
  /** Documents to read before deciding (web links only). */
  documents: z
    .array(z.strictObject({ label: Text, url: z.url({ protocol: /^https?$/ }) }))
    .max(20)
    .optional(),
});
export type TaskForm = z.infer<typeof TaskFormSchema>;

/**
 * The task's `context` attribute as open-task writes it (TaskContext in functions/domain/mail.ts): what
 * this round is about. Read leniently: an unexpected value hides that item, never the page.
 */
const TaskContextSchema = z.object({
  previousComment: z.string().optional().catch(undefined),
  problems: z.string().optional().catch(undefined),
  submittedSummary: z.string().optional().catch(undefined),
  submittedDocument: z.string().optional().catch(undefined),
  submittedFiles: StoredFilesSchema.optional().catch(undefined),
  score: z.number().nullable().optional().catch(undefined),
  memberUnit: z.string().optional().catch(undefined),
});
export type StoredTaskContext = z.infer<typeof TaskContextSchema>;

/** The task's context as the pages read it: what cannot be read is left out. */
export function storedContextOf(task: Pick<TaskRecord, 'context'>): StoredTaskContext {
  const parsed = TaskContextSchema.safeParse(task.context ?? {});
  return parsed.success ? parsed.data : {};
}

/** The task's form does not match TaskFormSchema: a bug in the workflow that opened it. */
export class TaskFormError extends Error {
  override name = 'TaskFormError';
}

/** The task's stored form; TaskFormError if the workflow stored one that does not match. */
export function taskFormOf(task: Pick<TaskRecord, 'taskId' | 'form'>): TaskForm {
  const parsed = TaskFormSchema.safeParse(task.form);
  if (!parsed.success) {
    throw new TaskFormError(`task ${task.taskId} has an invalid form: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}
