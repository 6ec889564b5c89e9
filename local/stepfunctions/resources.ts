// Reads a Task state's Resource ARN: which integration it names, its pattern (request-response, .sync,
// .sync:2, .waitForTaskToken) and how the history shows it.
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html

export type Pattern = 'request' | 'sync' | 'sync2' | 'token';

export interface ResolvedResource {
  /** A Lambda function ARN used directly: the history uses LambdaFunction* events. */
  lambdaArn: boolean;
  /** `lambda`, `states`, `dynamodb`, `aws-sdk:sesv2`… (TaskScheduled.resourceType) */
  service: string;
  /** `invoke`, `startExecution.sync:2`… (TaskScheduled.resource) */
  resource: string;
  /** The action without its pattern suffix: `invoke`, `startExecution`. */
  action: string;
  pattern: Pattern;
  /** An activity ARN: the task waits on its token for a worker (GetActivityTask). */
  activityArn?: string;
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;
const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:[^:]+$/;
const STATES_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]*:\d{0,12}:(aws-sdk:[a-z0-9]+|[a-z0-9-]+):([A-Za-z0-9.:]+)$/;

export function resolveResource(resource: string): ResolvedResource | undefined {
  if (LAMBDA_ARN.test(resource)) {
    return { lambdaArn: true, service: 'lambda', resource, action: 'invoke', pattern: 'request' };
  }
  if (ACTIVITY_ARN.test(resource)) {
    return {
      lambdaArn: false,
      service: 'activity',
      resource,
      action: 'activity',
      pattern: 'token',
      activityArn: resource,
    };
  }
  const m = STATES_ARN.exec(resource);
  if (!m) return undefined;
  const service = m[1]!;
  const rest = m[2]!;
  let pattern: Pattern = 'request';
  let action = rest;
  if (rest.endsWith('.sync:2')) {
    pattern = 'sync2';
    action = rest.slice(0, -'.sync:2'.length);
  } else if (rest.endsWith('.sync')) {
    pattern = 'sync';
    action = rest.slice(0, -'.sync'.length);
  } else if (rest.endsWith('.waitForTaskToken')) {
    pattern = 'token';
    action = rest.slice(0, -'.waitForTaskToken'.length);
  }
  if (action.includes('.') || action.includes(':')) return undefined;
  return { lambdaArn: false, service, resource: rest, action, pattern };
}
