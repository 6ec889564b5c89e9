// The admin routes' Lambda REQUEST authorizer (HTTP API, simple responses): verifies the administrator's token
// from the `Authorization` header (API clients) or the session cookie (browsers) with aws-jwt-verify, and hands
// the dashboard who is asking and their groups. It never denies: a denial can only be API Gateway's fixed
// `403 {"message":"Forbidden"}`, while a browser without a session must be sent to sign in and an API client
// told 401 — so a request without a valid token passes as `session: none`, and the dashboard, which acts only
// for a verified identity, answers it (functions/handlers/dashboard/request.ts).
//
// No result caching: HTTP API caches by identity sources, and with identity sources configured, "if any is
// missing, null or empty" API Gateway answers 401 without calling the authorizer — a browser sends no
// Authorization header and an API client no cookie, so neither source can be required. The JWKS is cached
// in the function instead, and verifying a token is local crypto.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html (identitySource)

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { verifyToken } from '#adapters/identity.ts';
import { requireConfig } from '#lib/config.ts';
import { logger } from '#lib/observability.ts';
import { sessionToken } from '#presentation/dashboard/session.ts';

requireConfig('AUTH_ISSUER', 'AUTH_CLIENT_ID');

/** What the dashboard reads from `requestContext.authorizer.lambda`. */
export type SessionContext =
  | { session: 'valid'; via: 'header' | 'cookie'; sub: string; email: string; name: string; groups: string }
  | { session: 'none' | 'invalid' };

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export async function authorize(
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers' | 'cookies'>,
): Promise<{ isAuthorized: true; context: SessionContext }> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const found = sessionToken(headers, event.cookies);
  if (!found) return { isAuthorized: true, context: { session: 'none' } };
  try {
    const claims = await verifyToken(found.token);
    const groups = claims['cognito:groups'];
    return {
      isAuthorized: true,
      context: {
        session: 'valid',
        via: found.from,
        sub: text(claims.sub),
        email: text(claims.email),
        name: text(claims.name) || text(claims['cognito:username']) || text(claims.username),
        groups: JSON.stringify(Array.isArray(groups) ? groups.filter((g) => typeof g === 'string') : []),
      },
    };
  } catch (error) {
    logger.info('an administrator token was refused', { from: found.from, reason: (error as Error).message });
    return { isAuthorized: true, context: { session: 'invalid' } };
  }
}

export const handler = middy<APIGatewayRequestAuthorizerEventV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event) => authorize(event));
