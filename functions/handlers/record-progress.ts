// Records a stage's status or a pilot's outcome; the last pilot's outcome resumes the Programme execution.

import { sendTaskSuccess } from '#adapters/sfn.ts';
import { RecordProgressInputSchema, recordProgress } from '#domain/progress.ts';
import { requireConfig } from '#lib/config.ts';
import { lambdaHandler } from '#lib/middleware.ts';
import { workflowDeps } from './wiring.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(RecordProgressInputSchema, (input) =>
  recordProgress({ ...workflowDeps(), sendTaskSuccess }, input),
);
