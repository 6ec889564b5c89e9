// The middleware every handler is wrapped in: Powertools logging context, metrics and tracing, input
// validation with a zod schema, and, for HTTP handlers, the one mapping from typed errors to responses.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { MethodNotAllowedError, TransientError, ValidationError } from './errors.ts';
import { logger, metrics, tracer } from './observability.ts';

/**
 * The handler's segment records that it ran and whether it failed, never what it returned: responses carry
 * officials' names and addresses, which stay out of X-Ray.
 */
const TRACE_OPTIONS = { captureResponse: false } as const;
/** The handler's X-Ray segment where tracing is on (observability.ts loads the tracer only there). */
const tracing = () => (tracer ? [captureLambdaHandler(tracer, TRACE_OPTIONS)] : []);

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
    .use(tracing())
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
  BodyError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  NotFoundError: 404,
  MethodNotAllowedError: 405,
  ConflictError: 409,
  PayloadTooLargeError: 413,
};

export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof Error ? HTTP_STATUS[error.name] : undefined;
}

/** What an error response is made from. */
export interface HttpProblem {
  status: number;
  /** The typed error's message, which the client may see; absent for a 500, whose cause stays in the log. */
  message?: string;
  /** A ValidationError's problems, each with its path. */
  issues?: ValidationError['issues'];
  /** The error, for a page that says more (a refused body's problem). */
  error: unknown;
}

export type HttpRequest = middy.Request<APIGatewayProxyEventV2, HttpResponse, Error, Context>;

/** How a handler shows an error: its security headers, and its page in the request's language. */
export interface ErrorPages {
  headers: Readonly<Record<string, string>>;
  page(problem: HttpProblem, request: HttpRequest): HttpResponse | Promise<HttpResponse>;
}

const FALLBACK = 'Something went wrong. 系统暂时出现问题，请稍后再试。';

/**
 * The response to what a handler threw, the same for every HTTP handler: a typed error gets its status
 * (httpStatusOf) and anything else a 500 after it is logged. A 401 says what the HTTP API's JWT authorizer
 * says before any function runs; a request whose negotiated type is JSON (@middy/http-content-negotiation)
 * gets `{message, issues?}`; any other gets the handler's page. A 405 names what is allowed.
 */
export async function errorResponse(
  error: unknown,
  request: HttpRequest,
  pages: ErrorPages,
): Promise<HttpResponse> {
  const status = httpStatusOf(error);
  const problem: HttpProblem =
    status === undefined
      ? { status: 500, error }
      : {
          status,
          message: (error as Error).message,
          ...(error instanceof ValidationError ? { issues: error.issues } : {}),
          error,
        };
  if (status === undefined) {
    logger.error('request failed', { error: error as Error, routeKey: request.event.routeKey });
  }
  const allow: Record<string, string> = error instanceof MethodNotAllowedError ? { Allow: error.allow } : {};
  if (problem.status === 401) {
    return {
      statusCode: 401,
      headers: { ...pages.headers, 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' },
      body: JSON.stringify({ message: 'Unauthorized' }),
    };
  }
  if ((request.context as { preferredMediaType?: string }).preferredMediaType === 'application/json') {
    return {
      statusCode: problem.status,
      headers: {
        ...pages.headers,
        'Content-Type': 'application/json; charset=utf-8',
        Vary: 'Accept',
        ...allow,
      },
      body: JSON.stringify({
        message: problem.message ?? 'Internal Server Error',
        ...(problem.issues ? { issues: problem.issues } : {}),
      }),
    };
  }
  try {
    const response = await pages.page(problem, request);
    return { ...response, headers: { ...response.headers, ...allow } };
  } catch (renderError) {
    logger.error('the error page failed', { error: renderError as Error, routeKey: request.event.routeKey });
    return {
      statusCode: 500,
      headers: { ...pages.headers, 'Content-Type': 'text/plain; charset=utf-8' },
      body: FALLBACK,
    };
  }
}

/** errorResponse as a middy middleware: errors of `before` middlewares and of the handler alike. */
export function httpErrors(pages: ErrorPages): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      // Setting the response (not returning it) lets the observability middlewares' onError run after it.
      request.response = await errorResponse(request.error, request as HttpRequest, pages);
    },
  };
}

/**
 * An HTTP API (payload 2.0) handler: logging context, metrics and tracing, then `middlewares` in order, then
 * `fn`; whatever any of them throws is answered by the one error mapping (httpErrors) with `pages`.
 */
export function httpHandler(
  fn: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>,
  pages: ErrorPages,
  middlewares: Array<middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse>> = [],
) {
  return middy<APIGatewayProxyEventV2, HttpResponse>()
    .use(tracing())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(httpErrors(pages))
    .use(middlewares)
    .handler(fn);
}
