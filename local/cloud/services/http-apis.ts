// API Gateway HTTP APIs: a local server for each HTTP API of the template (the first on the API port), JWT
// authorizers checked against a local key, the administrator's token that key signs, and the local cloud's
// own `/_local/` routes on every server. Without an HTTP API in the template, one server on the API port still
// serves `/_local/`.
import { join } from 'node:path';
import type { ControlledClock } from '../../clock.ts';
import { dashboardPageRequest } from '../clock-route.ts';
import { type HttpApiDefinition, HttpApiServer, type HttpApiServerOptions } from '../http-api.ts';
import { LOCAL_ACCOUNT } from '../intrinsics.ts';
import { LocalIssuer } from '../jwt.ts';
import type { InvokeResult, LocalFunction } from '../lambda.ts';
import type { Service } from './compose.ts';

export interface HttpApisService extends Service {
  /** The first server's URL. */
  url: string;
  /** The route marked as the dashboard's home page, on its API's server; else the first server's root. */
  dashboard: string;
  /** The local administrator's token for JWT-protected routes and `/_local/`. */
  adminToken: string;
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
  dataDir: string;
  clock: ControlledClock;
  /** The template's functions: the one marked with an admin cookie names the cookie the authorizers read. */
  functions: LocalFunction[];
  invoke: (functionArn: string, event: unknown) => Promise<InvokeResult>;
  local: NonNullable<HttpApiServerOptions['local']>;
  log: (line: string) => void;
}): Promise<HttpApisService> {
  const apis = options.apis.length ? options.apis : [{ api: NO_API, port: options.port }];
  const issuer = LocalIssuer.open(join(options.dataDir, 'admin-key.pem'));
  const adminToken = await issueAdminToken(
    issuer,
    options.apis.map((a) => a.api),
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
  const routeCount = options.apis.reduce((n, { api }) => n + api.routes.length, 0);
  return {
    url: first.url,
    dashboard: home[0] ?? `${first.url}/`,
    adminToken,
    summary: `routes: ${routeCount} on ${servers.map((s) => s.server.url).join(', ')}`,
    stop,
  };
}

/**
 * The local administrator's token: the first JWT authorizer's issuer, every authorizer's audiences and every
 * scope a route asks for, so that it passes each JWT-protected route.
 */
function issueAdminToken(issuer: LocalIssuer, apis: HttpApiDefinition[]): Promise<string> {
  const jwtRules = apis.flatMap((api) => api.routes.flatMap((r) => (r.jwt ? [r.jwt] : [])));
  const audiences = [...new Set(jwtRules.flatMap((r) => r.audiences))];
  const scopes = [...new Set(apis.flatMap((api) => api.routes.flatMap((r) => r.scopes)))];
  return issuer.issue({
    iss: jwtRules[0]?.issuer ?? 'https://pilotflow.local',
    aud: audiences.length ? audiences : 'pilotflow-local',
    sub: 'local-admin',
    email: 'admin@pilotflow.local',
    name: 'Local administrator',
    'cognito:groups': ['admin'],
    ...(scopes.length ? { scope: scopes.join(' ') } : {}),
  });
}
