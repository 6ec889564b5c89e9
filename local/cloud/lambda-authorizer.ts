// HTTP API Lambda REQUEST authorizers (payload format 2.0, simple responses), as API Gateway runs them: the
// identity sources must all be present, non-null and non-empty, else 401 without calling the function; the
// function gets the request (without its body) and answers `{isAuthorized, context}`; a denial is 403, and the
// context reaches the integration as `requestContext.authorizer.lambda`. No result caching here.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
import type { Resolver } from './intrinsics.ts';
import { UnsupportedIntrinsicError } from './intrinsics.ts';

export interface LambdaAuthorizerRule {
  functionArn: string;
  /** `$request.header.Authorization`, `$request.querystring.name`, … */
  identitySource: string[];
}

/** An AWS::ApiGatewayV2::Authorizer of type REQUEST, as the local cloud runs it. */
export function lambdaAuthorizerOf(
  resolver: Resolver,
  properties: Record<string, unknown>,
  where: string,
): LambdaAuthorizerRule {
  if (properties.AuthorizerType !== 'REQUEST') {
    throw new UnsupportedIntrinsicError(`${where} is a ${String(properties.AuthorizerType)} authorizer`);
  }
  if (
    String(properties.AuthorizerPayloadFormatVersion) !== '2.0' ||
    properties.EnableSimpleResponses !== true
  ) {
    throw new UnsupportedIntrinsicError(
      `${where}: the local cloud runs Lambda authorizers with payload format 2.0 and simple responses`,
    );
  }
  const uri = resolver.resolveString(properties.AuthorizerUri, `AuthorizerUri of ${where}`);
  const functionArn = /functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1] ?? uri;
  const identitySource =
    (resolver.resolve(properties.IdentitySource, `IdentitySource of ${where}`) as string[] | undefined) ?? [];
  return { functionArn, identitySource };
}

interface RequestParts {
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  cookies?: string[];
}

/** The identity sources' values, or undefined when one is missing or empty (API Gateway's 401). */
export function identityValues(rule: LambdaAuthorizerRule, event: RequestParts): string[] | undefined {
  const values: string[] = [];
  for (const source of rule.identitySource) {
    const header = /^\$request\.header\.(.+)$/i.exec(source)?.[1];
    const query = /^\$request\.querystring\.(.+)$/i.exec(source)?.[1];
    let value: string | undefined;
    if (header?.toLowerCase() === 'cookie') value = event.cookies?.join('; ');
    else if (header) value = event.headers[header.toLowerCase()];
    else if (query) value = event.queryStringParameters?.[query];
    else value = source;
    if (!value) return undefined;
    values.push(value);
  }
  return values;
}

/** The authorizer's event: the integration's, without the body, with its type, route ARN and identity. */
export function authorizerEvent(
  event: Record<string, unknown> & { requestContext: { http: { method: string; path: string } } },
  identity: string[],
  routeArn: string,
): Record<string, unknown> {
  const { body: _body, isBase64Encoded: _b64, ...request } = event;
  return { ...request, type: 'REQUEST', routeArn, identitySource: identity };
}

/** The context of a simple response that authorizes, or undefined for a denial or a malformed answer. */
export function authorizedContext(payload: unknown): Record<string, unknown> | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { isAuthorized, context } = payload as { isAuthorized?: unknown; context?: unknown };
  if (isAuthorized !== true) return undefined;
  return typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {};
}
