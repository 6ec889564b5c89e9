// API Gateway HTTP APIs: a local server for each HTTP API of the template (the first on the API port), JWT
// authorizers checked against a local key, the administrator's token that key signs, and the local cloud's
// own `/_local/` routes on every server. Without an HTTP API in the template, one server on the API port still
// serves `/_local/`.
import type { ControlledClock } from '../../clock.ts';
import { dashboardPageRequest } from '../clock-route.ts';
import { type HttpApiDefinition, HttpApiServer, type HttpApiServerOptions } from '../http-api.ts';
import { LOCAL_ACCOUNT } from '../intrinsics.ts';
import type { LocalIssuer } from '../jwt.ts';
import type { InvokeResult, LocalFunction } from '../lambda.ts';
import type { Service } from './compose.ts';

export interface HttpApisService extends Service {
  /** The first server's URL. */
  url: string;
  /** The route marked as the dashboard's home page, on its API's server; else the first server's root. */
  dashboard: string;
  /** The local administrator's token for the admin routes and `/_local/`. */
  adminToken: string;
  /** The route marked `sign-in`, signing in the local administrator (`login_hint`); undefined without one. */
  signInUrl?: string;
  /** The progress line: the routes and the servers' URLs. */
  summary: string;
}

/** An API for the `/_local/` routes alone, when the template has no HTTP API. */
const NO_API: HttpApiDefinition = {
  logicalId: 'local',
  apiId: 'local',
  name: 'local',
  stagePrefix: '',
  stage: '$default',
  routes: [],
};

export async function startHttpApis(options: {
  apis: Array<{ api: HttpApiDefinition; port: number }>;
  /** The port of the server for `/_local/` when the template has no HTTP API. */
  port: number;
  host: string;
  /** The key that signs the admin token (and the local identity provider's tokens). */
  issuer: LocalIssuer;
  /** The local identity provider, whose administrator the admin token is, when the template has a user pool. */
  identity?: {
    url: string;
    clientId: string;
    admin: { email: string; name: string; sub: string; groups: string[] };
  };
  clock: ControlledClock;
  /** The template's functions: the one marked with an admin cookie names the cookie the authorizers read. */
  functions: LocalFunction[];
  invoke: (functionArn: string, event: unknown) => Promise<InvokeResult>;
  local: NonNullable<HttpApiServerOptions['local']>;
  log: (line: string) => void;
}): Promise<HttpApisService> {
  const apis = options.apis.length ? options.apis : [{ api: NO_API, port: options.port }];
  const { issuer } = options;
  const adminToken = await issueAdminToken(
    issuer,
    options.apis.map((a) => a.api),
    options.identity,
    options.clock.now(),
  );
  const adminCookie = options.functions.find((f) => f.adminCookie)?.adminCookie;
  const servers: Array<{ api: HttpApiDefinition; server: HttpApiServer }> = [];
  const stop = async () => {
    for (const { server } of servers.splice(0).reverse()) await server.close();
  };
  try {
    for (const { api, port } of apis) {
      const server = await HttpApiServer.listen({
        api,
        port,
        host: options.host,
        accountId: LOCAL_ACCOUNT.accountId,
        clock: options.clock,
        issuer,
        invoke: options.invoke,
        local: options.local,
        ...(adminCookie ? { adminCookie } : {}),
        pageRequest: dashboardPageRequest,
        ...(api === NO_API
          ? {}
          : { onError: (error) => options.log(`HTTP API: ${(error as Error).message}`) }),
      });
      servers.push({ api, server });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const first = servers[0]?.server as HttpApiServer;
  const home = servers.flatMap(({ api, server }) =>
    api.routes
      .filter((route) => route.role === 'dashboard' && route.segments)
      .map((route) => `${server.url}${api.stagePrefix}/${route.segments?.join('/')}`),
  );
  const signIn = servers.flatMap(({ api, server }) =>
    api.routes
      .filter((route) => route.role === 'sign-in' && route.segments)
      .map((route) => `${server.url}${api.stagePrefix}/${route.segments?.join('/')}`),
  )[0];
  const hint = options.identity?.admin.email;
  const routeCount = options.apis.reduce((n, { api }) => n + api.routes.length, 0);
  return {
    url: first.url,
    dashboard: home[0] ?? `${first.url}/`,
    adminToken,
    ...(signIn ? { signInUrl: hint ? `${signIn}?login_hint=${encodeURIComponent(hint)}` : signIn } : {}),
    summary: `routes: ${routeCount} on ${servers.map((s) => s.server.url).join(', ')}`,
    stop,
  };
}

/**
 * The local administrator's token, as a Bearer token for API clients and tests: an ID token of the local
 * identity provider for its administrator, which the admin authorizer verifies as it verifies the provider's
 * own; without one, for the first JWT authorizer's issuer, every authorizer's audiences and every scope a
 * route asks for, so that it passes each JWT-protected route.
 */
function issueAdminToken(
  issuer: LocalIssuer,
  apis: HttpApiDefinition[],
  identity: HttpApisIdentity | undefined,
  clockNow: number,
): Promise<string> {
  const jwtRules = apis.flatMap((api) => api.routes.flatMap((r) => (r.jwt ? [r.jwt] : [])));
  const audiences = [
    ...new Set([...jwtRules.flatMap((r) => r.audiences), ...(identity ? [identity.clientId] : [])]),
  ];
  const scopes = [...new Set(apis.flatMap((api) => api.routes.flatMap((r) => r.scopes)))];
  // The functions (the admin authorizer) read the local cloud's clock, the `/_local/` routes the wall clock: no
  // `nbf`, and a year past whichever is later.
  const now = Math.max(Date.now(), clockNow);
  return issuer.issue({
    nbf: undefined,
    iat: Math.floor(Math.min(Date.now(), clockNow) / 1000),
    exp: Math.floor(now / 1000) + 365 * 24 * 3600,
    iss: jwtRules[0]?.issuer ?? identity?.url ?? 'https://pilotflow.local',
    aud: audiences.length ? audiences : 'pilotflow-local',
    sub: identity?.admin.sub ?? 'local-admin',
    email: identity?.admin.email ?? 'admin@pilotflow.local',
    name: identity?.admin.name ?? 'Local administrator',
    'cognito:groups': identity?.admin.groups ?? ['admin'],
    token_use: 'id',
    ...(scopes.length ? { scope: scopes.join(' ') } : {}),
  });
}

type HttpApisIdentity = NonNullable<Parameters<typeof startHttpApis>[0]['identity']>;
