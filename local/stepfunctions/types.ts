// Shapes shared by the engine, the resources it calls and the API layer.

export type Json = unknown;

/** A States Language error: the `Error` name that Retry/Catch match, and its `Cause`. */
export interface Failure {
  error: string;
  cause?: string;
}

/** What the embedder hands in to run a Lambda function (in the local cloud: a bundled handler). */
export type InvokeLambda = (
  functionArn: string,
  payload: unknown,
  meta: LambdaInvokeMeta,
) => Promise<LambdaInvokeResult>;

export interface LambdaInvokeMeta {
  executionArn: string;
  stateName: string;
  /** Qualifier from lambda:invoke parameters, when given. */
  qualifier?: string;
  /** Base64 client context from lambda:invoke parameters, when given. */
  clientContext?: string;
}

export interface LambdaInvokeResult {
  payload?: unknown;
  /** Set when the function failed ('Unhandled' or 'Handled', as the Lambda Invoke API reports it). */
  functionError?: string;
  executedVersion?: string;
  statusCode?: number;
}

/** The context a task resource gets besides its parameters. */
export interface TaskCall {
  executionArn: string;
  stateName: string;
  /** For `.waitForTaskToken` resources. */
  token?: string;
}

/** An optimized or SDK service integration: `arn:aws:states:::<service>:<action>`. */
export type ServiceIntegration = (parameters: Json, call: TaskCall) => Promise<Json>;

export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

/** Sent to the event hook after the change is committed. */
export interface ExecutionStatusEvent {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

/** Logger used by the runtime; console-like. */
export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
