// Records a stage's status or a pilot's outcome; the last pilot's outcome resumes the Programme execution.
import { RecordProgressInputSchema, recordProgress } from '#domain/progress.ts';
import { requireConfig } from '#lib/config.ts';
import { sendTaskSuccess, workflowDeps } from '#lib/deps.ts';
import { lambdaHandler } from '#lib/middleware.ts';

requireConfig('TABLE_NAME');

export const handler = lambdaHandler(RecordProgressInputSchema, (input) =>
  recordProgress({ ...workflowDeps(), sendTaskSuccess }, input),
);
