// States Language errors: the predefined names, the error every evaluation in this folder throws, and the
// rules by which a Retrier's or Catcher's ErrorEquals matches an error name.

/**
 * The predefined error names. Sources: the spec's appendix A (https://states-language.net/spec.html#appendix-a)
 * and "Error names" in https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html.
 */
export const StatesErrorNames = Object.freeze({
  ALL: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const);

export type StatesErrorName = (typeof StatesErrorNames)[keyof typeof StatesErrorNames];

/** An error in the States Language sense: `error` is what ErrorEquals matches, `cause` the human text. */
export class StatesError extends Error {
  readonly error: string;
  // Narrows Error.cause (unknown) to the ASL Cause text.
  override readonly cause: string;

  constructor(error: string, cause: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
  }
}

/** A definition that no execution can run (it would be rejected by CreateStateMachine on AWS). */
export class AslDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AslDefinitionError';
  }
}

/**
 * States.Runtime and States.DataLimitExceeded end the execution whatever the Retry and Catch fields say:
 * "A States.Runtime error isn't retriable, and will always cause the execution to fail" and
 * "States.DataLimitExceeded: A terminal error that can't be caught by the States.ALL error type"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
export function isTerminalError(error: string): boolean {
  return error === StatesErrorNames.Runtime || error === StatesErrorNames.DataLimitExceeded;
}

function isTimeout(error: string): boolean {
  return error === StatesErrorNames.Timeout || error === StatesErrorNames.HeartbeatTimeout;
}

/**
 * Whether a Retrier's or Catcher's ErrorEquals matches `error`, with the AWS rules
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
 * - names match exactly (they are case-sensitive);
 * - States.ALL matches every error except the terminal ones (see isTerminalError);
 * - States.TaskFailed, used in ErrorEquals, "acts as a wildcard that matches any known error name except for
 *   States.Timeout"; a heartbeat timeout is a timeout, so it is excluded too;
 * - States.Timeout also matches States.HeartbeatTimeout, since States.Timeout is documented as covering "failed
 *   to send a heartbeat for a period longer than the HeartbeatSeconds value".
 * Terminal errors match nothing, not even their own name.
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  if (isTerminalError(error)) return false;
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === StatesErrorNames.ALL) return true;
    if (name === StatesErrorNames.TaskFailed && !isTimeout(error)) return true;
    if (name === StatesErrorNames.Timeout && error === StatesErrorNames.HeartbeatTimeout) return true;
  }
  return false;
}

/** The Error/Cause pair a Catcher hands to its ResultPath (JSONPath) or `$states.errorOutput` (JSONata). */
export interface ErrorOutput {
  Error: string;
  Cause?: string;
}

export function errorOutputOf(failure: { error: string; cause?: string | undefined }): ErrorOutput {
  return failure.cause === undefined
    ? { Error: failure.error }
    : { Error: failure.error, Cause: failure.cause };
}

/** Turns anything thrown inside the language layer into a StatesError (unexpected bugs become States.Runtime). */
export function toStatesError(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new StatesError(StatesErrorNames.Runtime, message);
}
