// Nested executions started by a `states:startExecution` task: what the parent's task gets back, and how an API
// error of the start becomes the task's failure.
import { SfnApiError } from './api-errors.ts';
import { StatesFailure } from './failure.ts';
import type { ExecutionRow } from './store.ts';
import type { Json } from './types.ts';

/**
 * The output of a `.sync` startExecution task: the nested execution as DescribeExecution describes it, with
 * PascalCase keys, dates in epoch milliseconds and Output a JSON string (`.sync:2` parses it).
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
 */
export function describeForParent(row: ExecutionRow): Record<string, Json> {
  return {
    ExecutionArn: row.arn,
    Input: row.input,
    InputDetails: { Included: true },
    Name: row.name,
    ...(row.output !== null ? { Output: row.output, OutputDetails: { Included: true } } : {}),
    ...(row.error !== null ? { Error: row.error } : {}),
    ...(row.cause !== null ? { Cause: row.cause } : {}),
    RedriveCount: row.redriveCount,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: row.start,
    StateMachineArn: row.smArn,
    Status: row.status,
    ...(row.stop !== null ? { StopDate: row.stop } : {}),
  };
}

/** An API error raised while a task starts a nested execution fails the task, named as the SDK names it. */
export function asTaskError(error: unknown): unknown {
  if (error instanceof SfnApiError) {
    return new StatesFailure({ error: `StepFunctions.${error.code}Exception`, cause: error.message });
  }
  return error;
}
