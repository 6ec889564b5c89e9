// Lambda tasks: a function ARN used as Resource (the result is the function's payload) and the optimized
// `arn:aws:states:::lambda:invoke` (the result wraps it: { Payload, StatusCode, ExecutedVersion, … }).
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
// The function runs through the embedder's invokeLambda, or through the Lambda Invoke API at an endpoint.
import { StatesFailure } from './failure.ts';
import type { InvokeLambda, Json, LambdaInvokeResult, ServiceIntegration, TaskCall } from './types.ts';

let endpointInvokers = new Map<string, Promise<InvokeLambda>>();

function invokerFor(invoke: InvokeLambda | undefined, endpoint: string | undefined): Promise<InvokeLambda> {
  if (invoke) return Promise.resolve(invoke);
  if (!endpoint) {
    throw new StatesFailure({
      error: 'States.Runtime',
      cause:
        'This runtime cannot run Lambda functions: start it with --lambda-endpoint URL, or embed it with an invokeLambda function',
    });
  }
  let invoker = endpointInvokers.get(endpoint);
  if (!invoker) {
    // The SDK client is loaded only when an endpoint is configured (the engine core imports no SDK client).
    invoker = import('./integrations/lambda-endpoint.ts').then((m) => m.lambdaEndpointInvoker(endpoint));
    endpointInvokers.set(endpoint, invoker);
  }
  return invoker;
}

/** For tests: forget cached endpoint clients. */
export function resetLambdaEndpoints(): void {
  endpointInvokers = new Map();
}

async function call(
  invoke: InvokeLambda | undefined,
  endpoint: string | undefined,
  functionArn: string,
  payload: Json,
  meta: TaskCall & { qualifier?: string; clientContext?: string },
): Promise<LambdaInvokeResult> {
  const invoker = await invokerFor(invoke, endpoint);
  try {
    return await invoker(functionArn, payload, {
      executionArn: meta.executionArn,
      stateName: meta.stateName,
      ...(meta.qualifier ? { qualifier: meta.qualifier } : {}),
      ...(meta.clientContext ? { clientContext: meta.clientContext } : {}),
    });
  } catch (error) {
    throw serviceFailure(error);
  }
}

/**
 * A Lambda service error keeps its name under `Lambda.` so that Retry can match it, as on AWS
 * (`Lambda.ServiceException`, `Lambda.TooManyRequestsException`, …).
 */
function serviceFailure(error: unknown): StatesFailure {
  if (error instanceof StatesFailure) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const errorName = name.startsWith('Lambda.')
    ? name
    : /Exception$/.test(name)
      ? `Lambda.${name}`
      : 'Lambda.ServiceException';
  return new StatesFailure({ error: errorName, cause: message });
}

/**
 * A function error becomes the error named by the payload's errorType (or Lambda.Unknown), with the whole
 * payload as the cause, as Step Functions reports it.
 */
function functionFailure(result: LambdaInvokeResult): StatesFailure {
  const payload = result.payload as { errorType?: unknown } | undefined;
  const errorType = typeof payload?.errorType === 'string' ? payload.errorType : 'Lambda.Unknown';
  return new StatesFailure({ error: errorType, cause: JSON.stringify(payload ?? null) });
}

export async function invokeLambdaTask(
  invoke: InvokeLambda | undefined,
  endpoint: string | undefined,
  functionArn: string,
  parameters: Json,
  task: TaskCall,
): Promise<Json> {
  const result = await call(invoke, endpoint, functionArn, parameters, task);
  if (result.functionError) throw functionFailure(result);
  return result.payload ?? null;
}

export function lambdaInvokeIntegration(
  invoke: InvokeLambda | undefined,
  endpoint: string | undefined,
  region: string,
  accountId: string,
): ServiceIntegration {
  return async (parameters, task) => {
    const p = (parameters ?? {}) as Record<string, unknown>;
    if (typeof p.FunctionName !== 'string') {
      throw new StatesFailure({
        error: 'States.Runtime',
        cause: 'lambda:invoke needs a FunctionName parameter',
      });
    }
    const functionArn = p.FunctionName.startsWith('arn:')
      ? p.FunctionName
      : `arn:aws:lambda:${region}:${accountId}:function:${p.FunctionName}`;
    const result = await call(invoke, endpoint, functionArn, p.Payload ?? {}, {
      ...task,
      ...(typeof p.Qualifier === 'string' ? { qualifier: p.Qualifier } : {}),
      ...(typeof p.ClientContext === 'string' ? { clientContext: p.ClientContext } : {}),
    });
    if (result.functionError) throw functionFailure(result);
    const requestId = crypto.randomUUID();
    return {
      ExecutedVersion: result.executedVersion ?? '$LATEST',
      Payload: result.payload ?? null,
      SdkHttpMetadata: {
        HttpHeaders: {
          'Content-Type': 'application/json',
          'X-Amz-Executed-Version': '$LATEST',
          'x-amzn-RequestId': requestId,
        },
        HttpStatusCode: result.statusCode ?? 200,
      },
      SdkResponseMetadata: { RequestId: requestId },
      StatusCode: result.statusCode ?? 200,
    };
  };
}
