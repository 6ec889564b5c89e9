// API Gateway HTTP API (payload format 2.0) events for calling HTTP handlers directly, shaped as the local
// cloud's HttpApiServer and API Gateway build them: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { requestTime } from '#local/cloud/http-api.ts';

export interface EventParts {
  method: string;
  /** The route, e.g. `/a/{linkId}`, and its parameters. */
  route: string;
  pathParameters?: Record<string, string>;
  /** The raw query string (without `?`); queryStringParameters is derived from it as API Gateway does. */
  rawQueryString?: string;
  /** Lower-case header names, as API Gateway delivers them. Omitted entirely with `headers: null`. */
  headers?: Record<string, string> | null;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/** Repeated keys are joined with commas, as API Gateway does for queryStringParameters. */
function queryParameters(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw)) out[key] = key in out ? `${out[key]},${value}` : value;
  return Object.keys(out).length ? out : undefined;
}

export function httpEvent(parts: EventParts): APIGatewayProxyEventV2 {
  const rawPath = parts.route.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(parts.pathParameters?.[name] ?? ''),
  );
  const now = Date.now();
  const query = queryParameters(parts.rawQueryString ?? '');
  return {
    version: '2.0',
    routeKey: `${parts.method} ${parts.route}`,
    rawPath,
    rawQueryString: parts.rawQueryString ?? '',
    ...(parts.cookies ? { cookies: parts.cookies } : {}),
    // A few callers (tests of odd events) want no headers at all; the type says they are always there.
    headers: (parts.headers === null ? undefined : { host: 'approval.test', ...parts.headers }) as Record<
      string,
      string
    >,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'approval.test',
      domainPrefix: 'approval',
      http: {
        method: parts.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: randomUUID(),
      routeKey: `${parts.method} ${parts.route}`,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now,
    },
    ...(parts.pathParameters ? { pathParameters: parts.pathParameters } : {}),
    ...(parts.body !== undefined ? { body: parts.body } : {}),
    isBase64Encoded: parts.isBase64Encoded ?? false,
  };
}

/** An approval link request: `/a/{linkId}?sig=…` with an urlencoded form body for POST. */
export function approvalEvent(
  method: string,
  link: { linkId: string; sig: string },
  form?: Record<string, string>,
  extra: Partial<EventParts> = {},
): APIGatewayProxyEventV2 {
  return httpEvent({
    method,
    route: '/a/{linkId}',
    pathParameters: { linkId: link.linkId },
    rawQueryString: `sig=${link.sig}`,
    ...(form ? { headers: FORM_HEADERS, body: new URLSearchParams(form).toString() } : {}),
    ...extra,
  });
}
