// The middleware every handler is wrapped in: Powertools logging context, metrics and tracing, input
// validation with a zod schema, and, for HTTP handlers, one mapping from typed errors to responses.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { TransientError, ValidationError } from './errors.ts';
import { logger, metrics, tracer } from './observability.ts';

/**
 * The handler's segment records that it ran and whether it failed, never what it returned: responses carry
 * officials' names and addresses, which stay out of X-Ray.
 */
const TRACE_OPTIONS = { captureResponse: false } as const;

/** Parses `value` with `schema`, throwing ValidationError that lists every problem with its path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'input'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join(''),
    message: issue.message,
  }));
  throw new ValidationError(
    `invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    issues,
  );
}

/**
 * A handler invoked directly (by Step Functions, the scheduler or another function): its event is
 * validated with `schema` before `fn` sees it; a ValidationError fails the invocation with its message.
 */
export function lambdaHandler<S extends z.ZodType, R>(
  schema: S,
  fn: (input: z.infer<S>, context: Context) => Promise<R>,
) {
  return middy<unknown, R>()
    .use(captureLambdaHandler(tracer, TRACE_OPTIONS))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      const input = validate(schema, event);
      try {
        return await fn(input, context);
      } catch (error) {
        throw asTransient(error);
      }
    });
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionConflictException',
  'TimeoutError',
]);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/**
 * An AWS SDK or network error worth retrying becomes a TransientError (its name is what the workflows' Retry
 * matches); anything else is returned unchanged, so a bad input or a conflict fails without retries.
 */
export function asTransient(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof TransientError) return error;
  const e = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e.$metadata?.httpStatusCode;
  if (
    e.$retryable !== undefined ||
    TRANSIENT_NAMES.has(e.name) ||
    (e.code !== undefined && TRANSIENT_CODES.has(e.code)) ||
    (status !== undefined && status >= 500)
  ) {
    return new TransientError(`${e.name}: ${e.message}`, { cause: error });
  }
  return error;
}

export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** The one mapping from the typed errors (./errors.ts) to HTTP status codes; undefined for any other error. */
const HTTP_STATUS: Readonly<Record<string, number>> = {
  ValidationError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  NotFoundError: 404,
  ConflictError: 409,
};

export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof Error ? HTTP_STATUS[error.name] : undefined;
}

/**
 * An HTTP API (payload 2.0) handler; `onError` renders what `fn` threw: a typed error with its status
 * (httpStatusOf), anything else as a 500 after it is logged.
 */
export function httpHandler(
  fn: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>,
  onError: (error: unknown, event: APIGatewayProxyEventV2) => HttpResponse,
) {
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(captureLambdaHandler(tracer, TRACE_OPTIONS))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      try {
        return await fn(event, context);
      } catch (error) {
        if (httpStatusOf(error) === undefined) {
          logger.error('request failed', { error: error as Error, routeKey: event.routeKey });
        }
        return onError(error, event);
      }
    });
}
