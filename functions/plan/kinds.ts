// The fixed vocabularies of a plan, kept apart from schema.ts so the cross-field rules can use them at load
// time without an import cycle.

/** Every kind of human task a workflow opens; each has its own time allowance in `tasks.durations`. */
export const TASK_KINDS = [
  'acknowledgement',
  'implementationPlan',
  'planReview',
  'supervisionCheck',
  'rectification',
  'verification',
  'selfInspection',
  'preliminaryEvaluation',
  'acceptance',
  'summary',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** What an official may decide on a task: approve, return for revision (退回), or reject. */
export const OUTCOMES = ['approve', 'return', 'reject'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The three stages, in the order they run. */
export const STAGES = ['launch', 'implementation', 'evaluation'] as const;
export type StageName = (typeof STAGES)[number];

export const UNIT_KINDS = ['department', 'leading-group', 'higher-level', 'other'] as const;
export const PILOT_LEVELS = ['town', 'community'] as const;
export const SIGN_MODES = ['countersign', 'any-one'] as const;
export const LOCALES = ['zh-CN', 'en'] as const;
