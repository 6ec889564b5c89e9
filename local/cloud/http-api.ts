// The template's HTTP APIs (AWS::ApiGatewayV2::Api, Route, Integration, Authorizer, Stage) as local HTTP
// servers: each request becomes an API Gateway payload 2.0 event for the route's Lambda integration, and the
// function's response is mapped back as API Gateway maps it.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Role } from '#infra/marks.ts';
import type { Clock } from '../clock.ts';
import { guardHost } from '../host-check.ts';
import { marksOf } from './assembly.ts';
import { type Resolver, UnsupportedIntrinsicError } from './intrinsics.ts';
import {
  bearerToken,
  type Claims,
  eventClaims,
  type JwtRules,
  type LocalIssuer,
  tokenScopes,
} from './jwt.ts';
import { type InvokeResult, RequestTooLargeError } from './lambda.ts';
import {
  authorizedContext,
  authorizerEvent,
  identityValues,
  type LambdaAuthorizerRule,
  lambdaAuthorizerOf,
} from './lambda-authorizer.ts';

export interface HttpRoute {
  logicalId: string;
  routeKey: string;
  /** Upper-case method, or `ANY`; undefined for `$default`. */
  method?: string;
  /** Path segments of the route key; `{name}` and `{name+}` are variables. */
  segments?: string[];
  functionArn: string;
  integrationTimeoutMs: number;
  /** The JWT authorizer's rules, when the route has one. */
  jwt?: JwtRules;
  /** The Lambda REQUEST authorizer, when the route has one. */
  lambdaAuthorizer?: LambdaAuthorizerRule;
  scopes: string[];
  /** Its mark in the template (infra/marks.ts): `dashboard` for the dashboard's home page. */
  role?: Role;
}

export interface HttpApiDefinition {
  logicalId: string;
  apiId: string;
  name: string;
  /** Path prefix of the stage (`/prod`), empty for the `$default` stage. */
  stagePrefix: string;
  stage: string;
  stageVariables?: Record<string, string>;
  routes: HttpRoute[];
}

/** The HTTP APIs of a template, with their routes resolved to functions. */
export function httpApisOf(resolver: Resolver): HttpApiDefinition[] {
  const byApi = (type: string, apiLogicalId: string) =>
    resolver.resourcesOfType(type).filter(([id, r]) => {
      const apiId = r.Properties?.ApiId as { Ref?: string } | undefined;
      if (apiId?.Ref) return apiId.Ref === apiLogicalId;
      return resolver.resolve(r.Properties?.ApiId, `ApiId of ${id}`) === resolver.identity(apiLogicalId).ref;
    });
  return resolver.resourcesOfType('AWS::ApiGatewayV2::Api').flatMap(([apiLogicalId, api]) => {
    const protocol = api.Properties?.ProtocolType;
    if (protocol !== 'HTTP') return [];
    const integrations = new Map(byApi('AWS::ApiGatewayV2::Integration', apiLogicalId));
    const authorizers = new Map(byApi('AWS::ApiGatewayV2::Authorizer', apiLogicalId));
    const stages = byApi('AWS::ApiGatewayV2::Stage', apiLogicalId).map(([id, stage]) => ({
      name: resolver.identity(id).ref,
      variables: resolver.resolve(stage.Properties?.StageVariables, `StageVariables of ${id}`) as
        | Record<string, string>
        | undefined,
    }));
    const stage = stages.find((s) => s.name === '$default') ??
      stages[0] ?? { name: '$default', variables: undefined };
    const routes = byApi('AWS::ApiGatewayV2::Route', apiLogicalId).map(([routeId, route]): HttpRoute => {
      const p = route.Properties ?? {};
      const where = `the route ${routeId}`;
      const routeKey = resolver.resolveString(p.RouteKey, `RouteKey of ${routeId}`);
      const target = resolver.resolveString(p.Target, `Target of ${routeId}`);
      const integrationId = /^integrations\/(.+)$/.exec(target)?.[1];
      const integration = integrationId ? integrations.get(integrationId) : undefined;
      if (!integration)
        throw new UnsupportedIntrinsicError(`${where} targets '${target}', not an integration of its API`);
      const ip = integration.Properties ?? {};
      if (ip.IntegrationType !== 'AWS_PROXY' || String(ip.PayloadFormatVersion) !== '2.0') {
        throw new UnsupportedIntrinsicError(
          `${where} uses a ${ip.IntegrationType} integration with payload format ${ip.PayloadFormatVersion}; the local cloud runs Lambda proxy integrations with payload format 2.0`,
        );
      }
      const uri = resolver.resolveString(ip.IntegrationUri, `IntegrationUri of ${integrationId}`);
      const functionArn = /functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1] ?? uri;
      const method = routeKey === '$default' ? undefined : routeKey.split(' ')[0]?.toUpperCase();
      const path = routeKey === '$default' ? undefined : routeKey.slice(routeKey.indexOf(' ') + 1);
      let jwt: JwtRules | undefined;
      let lambdaAuthorizer: LambdaAuthorizerRule | undefined;
      if (p.AuthorizationType === 'CUSTOM') {
        const authorizerId = resolver.resolveString(p.AuthorizerId, `AuthorizerId of ${routeId}`);
        lambdaAuthorizer = lambdaAuthorizerOf(
          resolver,
          authorizers.get(authorizerId)?.Properties ?? {},
          `the authorizer ${authorizerId}`,
        );
      } else if (p.AuthorizationType === 'JWT') {
        const authorizerId = resolver.resolveString(p.AuthorizerId, `AuthorizerId of ${routeId}`);
        const authorizer = authorizers.get(authorizerId)?.Properties ?? {};
        const config = resolver.resolve(
          authorizer.JwtConfiguration,
          `JwtConfiguration of ${authorizerId}`,
        ) as {
          Issuer: string;
          Audience?: string[];
        };
        jwt = { issuer: config.Issuer, audiences: config.Audience ?? [] };
      } else if (p.AuthorizationType && p.AuthorizationType !== 'NONE') {
        throw new UnsupportedIntrinsicError(
          `${where} uses ${p.AuthorizationType} authorization; the local cloud supports NONE, JWT and CUSTOM`,
        );
      }
      const { role } = marksOf(route.Metadata);
      return {
        logicalId: routeId,
        routeKey,
        ...(method ? { method } : {}),
        ...(path ? { segments: path.split('/').filter(Boolean) } : {}),
        functionArn,
        integrationTimeoutMs: Number(ip.TimeoutInMillis ?? 30_000),
        ...(jwt ? { jwt } : {}),
        ...(lambdaAuthorizer ? { lambdaAuthorizer } : {}),
        scopes:
          (resolver.resolve(p.AuthorizationScopes, `AuthorizationScopes of ${routeId}`) as string[]) ?? [],
        ...(role ? { role } : {}),
      };
    });
    return [
      {
        logicalId: apiLogicalId,
        apiId: resolver.identity(apiLogicalId).ref,
        name: String(api.Properties?.Name ?? apiLogicalId),
        stagePrefix: stage.name === '$default' ? '' : `/${stage.name}`,
        stage: stage.name,
        ...(stage.variables ? { stageVariables: stage.variables } : {}),
        routes,
      },
    ];
  });
}

interface Match {
  route: HttpRoute;
  pathParameters?: Record<string, string>;
}

/** Matches a path against a route's segments, giving its path parameters. */
function matchPath(segments: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const variable = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (variable?.endsWith('+')) {
      if (i >= parts.length) return undefined;
      params[variable.slice(0, -1)] = parts.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (variable) params[variable] = decodeURIComponent(part);
    else if (segment !== part) return undefined;
  }
  return parts.length === segments.length ? params : undefined;
}

/**
 * The most specific route: exact paths before variables before greedy variables, more literal segments
 * first, a route's own method before ANY, and `$default` last.
 */
export function selectRoute(routes: HttpRoute[], method: string, path: string): Match | undefined {
  const parts = path.split('/').filter(Boolean);
  let best: { match: Match; score: number[] } | undefined;
  for (const route of routes) {
    if (!route.segments) continue;
    if (route.method !== 'ANY' && route.method !== method) continue;
    const params = matchPath(route.segments, parts);
    if (!params) continue;
    const greedy = route.segments.some((s) => s.endsWith('+}')) ? 0 : 1;
    const literals = route.segments.filter((s) => !s.startsWith('{')).length;
    const exact = route.segments.every((s) => !s.startsWith('{')) ? 1 : 0;
    const score = [greedy, exact, literals, route.method === method ? 1 : 0];
    if (!best || compare(score, best.score) > 0) {
      best = { match: { route, ...(Object.keys(params).length ? { pathParameters: params } : {}) }, score };
    }
  }
  if (best) return best.match;
  const fallback = routes.find((r) => r.routeKey === '$default');
  return fallback ? { route: fallback } : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * Bodies of these content types reach the function as text; every other body (a missing content type and
 * form posts included) is base64-encoded, as measured on AWS:
 * https://github.com/ministackorg/ministack/pull/766
 */
export function isTextContent(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    ['application/json', 'application/xml', 'application/javascript'].includes(type) ||
    /^application\/[\w.-]+\+(json|xml)$/.test(type)
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const MAX_BODY = 10 * 1024 * 1024;

export interface LocalRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case names, repeated values joined with commas. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  claims: Claims;
}

/** A `/_local/` route's answer: its status, a JSON body, and headers (a redirect's Location). */
export interface LocalAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HttpApiServerOptions {
  api: HttpApiDefinition;
  port: number;
  host?: string;
  accountId: string;
  clock: Clock;
  issuer: LocalIssuer;
  invoke: (functionArn: string, event: unknown) => Promise<InvokeResult>;
  /**
   * Local-only routes under `/_local/` (the admin token is checked before they are called). They take the
   * token from the Authorization header; the cookie's only for a request `pageRequest` accepts.
   */
  local?: (request: LocalRequest) => Promise<LocalAnswer>;
  /** The cookie that may hold the admin token, for browsers. */
  adminCookie?: string;
  /**
   * Whether a request carried by the cookie comes from one of the site's own pages (its origin, its CSRF
   * token, in a header or the form's body): a browser sends the cookie with any site's form post, so the
   * cookie alone proves nothing.
   */
  pageRequest?: (
    headers: Record<string, string | undefined>,
    token: string,
    origin: string,
    body: Buffer,
  ) => boolean;
  onError?: (error: unknown) => void;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function cookiesOf(req: IncomingMessage): string[] {
  const raw = req.headersDistinct.cookie ?? [];
  return raw.flatMap((header) =>
    header
      .split(';')
      .map((c) => c.trim())
      .filter(Boolean),
  );
}

export class HttpApiServer {
  readonly server: Server;
  readonly url: string;
  private readonly options: HttpApiServerOptions;

  private constructor(server: Server, url: string, options: HttpApiServerOptions) {
    this.server = server;
    this.url = url;
    this.options = options;
  }

  static async listen(options: HttpApiServerOptions): Promise<HttpApiServer> {
    const host = options.host ?? '127.0.0.1';
    let instance: HttpApiServer | undefined;
    const server = createServer((req, res) => {
      instance?.handle(req, res).catch((error) => {
        options.onError?.(error);
        if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
        else res.end();
      });
    });
    guardHost(server, host);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    instance = new HttpApiServer(server, `http://${host}:${port}`, options);
    return instance;
  }

  private token(req: IncomingMessage): string | undefined {
    return bearerToken(req.headers.authorization) ?? this.cookieToken(req);
  }

  private cookieToken(req: IncomingMessage): string | undefined {
    const name = this.options.adminCookie;
    if (!name) return undefined;
    const cookie = cookiesOf(req).find((c) => c.startsWith(`${name}=`));
    if (!cookie) return undefined;
    try {
      return decodeURIComponent(cookie.slice(name.length + 1));
    } catch {
      return undefined;
    }
  }

  /**
   * The admin token of a `/_local/` request: the Authorization header's, or the cookie's when the request
   * comes from one of the site's own pages. Anything else moving the clock would be a cross-site request
   * riding on the browser's cookie (a `text/plain` form post from any page needs no preflight).
   */
  private localToken(
    req: IncomingMessage,
    headers: Record<string, string | undefined>,
    body: Buffer,
  ): { token?: string; refused?: true } {
    const fromHeader = bearerToken(req.headers.authorization);
    if (fromHeader) return { token: fromHeader };
    const fromCookie = this.cookieToken(req);
    if (!fromCookie) return {};
    const origin = `http://${req.headers.host ?? ''}`.toLowerCase();
    if (this.options.pageRequest?.(headers, fromCookie, origin, body)) return { token: fromCookie };
    return { refused: true };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { api, issuer } = this.options;
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (body === 'too-large') return send(res, 413, { message: 'Request Entity Too Large' });
    const rawPath = url.pathname;
    if (api.stagePrefix && !(rawPath === api.stagePrefix || rawPath.startsWith(`${api.stagePrefix}/`))) {
      return send(res, 404, { message: 'Not Found' });
    }
    const path = rawPath.slice(api.stagePrefix.length) || '/';

    // Also under /admin/, where the browser sends the dashboard's session cookie (its Path): the clock bar's form.
    const localPath = path.startsWith('/admin/_local/') ? path.slice('/admin'.length) : path;
    if (localPath.startsWith('/_local/') && this.options.local) {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      const { token, refused } = this.localToken(req, headers, body);
      if (refused) return send(res, 403, { message: 'Forbidden' });
      let claims: Claims;
      try {
        if (!token) throw new Error('no token');
        claims = await issuer.verifySignature(token);
      } catch {
        return send(res, 401, { message: 'Unauthorized' });
      }
      const answer = await this.options.local({
        method,
        path: localPath,
        query: url.searchParams,
        headers,
        body,
        claims,
      });
      return send(res, answer.status, answer.body, answer.headers);
    }

    const match = selectRoute(api.routes, method, path);
    if (!match) return send(res, 404, { message: 'Not Found' });
    const { route } = match;

    let authorizer: unknown;
    if (route.lambdaAuthorizer) {
      const rule = route.lambdaAuthorizer;
      const request = this.event(req, {
        requestId,
        rawPath,
        url,
        method,
        body,
        match,
        authorizer: undefined,
      });
      const identity = identityValues(rule, request);
      if (!identity) return send(res, 401, { message: 'Unauthorized' });
      const routeArn = `arn:aws:execute-api:us-east-1:${this.options.accountId}:${api.apiId}/${api.stage}/${method}${path}`;
      const answer = await this.options.invoke(
        rule.functionArn,
        authorizerEvent(request, identity, routeArn),
      );
      if (answer.functionError) return send(res, 500, { message: 'Internal Server Error' });
      const context = authorizedContext(answer.payload);
      if (!context) return send(res, 403, { message: 'Forbidden' });
      authorizer = { lambda: context };
    } else if (route.jwt) {
      const token = this.token(req);
      let claims: Claims;
      try {
        if (!token) throw new Error('no token');
        claims = await issuer.verify(token, route.jwt);
      } catch {
        return send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      }
      let scopes: string[] | null = null;
      if (route.scopes.length > 0) {
        scopes = tokenScopes(claims).filter((s) => route.scopes.includes(s));
        if (scopes.length === 0) return send(res, 403, { message: 'Forbidden' });
      }
      authorizer = { jwt: { claims: eventClaims(claims), scopes } };
    }

    const event = this.event(req, { requestId, rawPath, url, method, body, match, authorizer });
    const gatewayHeaders = { 'apigw-requestid': requestId };
    let result: InvokeResult | 'timeout';
    let timer: NodeJS.Timeout | undefined;
    try {
      result = await Promise.race([
        this.options.invoke(route.functionArn, event),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), route.integrationTimeoutMs);
        }),
      ]);
    } catch (error) {
      // An event over Lambda's 6 MB synchronous limit (a body over about 4.5 MB once base64-encoded, yet under
      // the HTTP API's 10 MB) is refused by the Lambda API before any function runs, and "if the Lambda API
      // rejects the invocation request, API Gateway returns a 500 error code". HTTP APIs have no request-size
      // setting, no request validation and no customisable gateway responses, so this is AWS's answer too:
      // https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
      if (error instanceof RequestTooLargeError) {
        return send(res, 500, { message: 'Internal Server Error' }, gatewayHeaders);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout') return send(res, 503, { message: 'Service Unavailable' }, gatewayHeaders);
    if (result.functionError) return send(res, 500, { message: 'Internal Server Error' }, gatewayHeaders);
    this.respond(res, result.payload, gatewayHeaders);
  }

  private event(
    req: IncomingMessage,
    r: {
      requestId: string;
      rawPath: string;
      url: URL;
      method: string;
      body: Buffer;
      match: Match;
      authorizer: unknown;
    },
  ) {
    const { api, clock, accountId } = this.options;
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(req.headersDistinct)) {
      if (name === 'cookie' || !values) continue;
      headers[name] = values.join(',');
    }
    const sourceIp = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
    headers['x-forwarded-for'] = headers['x-forwarded-for']
      ? `${headers['x-forwarded-for']}, ${sourceIp}`
      : sourceIp;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
    const query: Record<string, string> = {};
    for (const [key, value] of r.url.searchParams)
      query[key] = key in query ? `${query[key]},${value}` : value;
    const cookies = cookiesOf(req);
    const text = isTextContent(headers['content-type']);
    const host = headers.host ?? 'localhost';
    const now = clock.now();
    return {
      version: '2.0',
      routeKey: r.match.route.routeKey,
      rawPath: r.rawPath,
      rawQueryString: r.url.search.slice(1),
      ...(cookies.length ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId,
        apiId: api.apiId,
        ...(r.authorizer ? { authorizer: r.authorizer } : {}),
        domainName: host,
        domainPrefix: host.split('.')[0]?.split(':')[0] ?? host,
        http: {
          method: r.method,
          path: r.rawPath,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp,
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: r.requestId,
        routeKey: r.match.route.routeKey,
        stage: api.stage,
        time: requestTime(now),
        timeEpoch: now,
      },
      ...(r.match.pathParameters ? { pathParameters: r.match.pathParameters } : {}),
      ...(api.stageVariables ? { stageVariables: api.stageVariables } : {}),
      ...(r.body.length ? { body: r.body.toString(text ? 'utf8' : 'base64') } : {}),
      isBase64Encoded: r.body.length > 0 && !text,
    };
  }

  /**
   * A response with a `statusCode` is structured; anything else is the body of a 200 JSON response, as
   * API Gateway assumes for payload format 2.0.
   */
  private respond(res: ServerResponse, payload: unknown, extra: Record<string, string>): void {
    const structured =
      typeof payload === 'object' && payload !== null && !Array.isArray(payload) && 'statusCode' in payload;
    if (!structured) {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...extra,
      });
      res.end(body);
      return;
    }
    const p = payload as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      cookies?: unknown[];
      body?: unknown;
      isBase64Encoded?: boolean;
    };
    const status = Number(p.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      this.options.onError?.(new Error(`a function returned an invalid statusCode: ${String(p.statusCode)}`));
      res.writeHead(500, { 'content-type': 'application/json', ...extra });
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
      return;
    }
    const headers: Record<string, string | string[]> = { ...extra };
    for (const [name, value] of Object.entries(p.headers ?? {})) headers[name.toLowerCase()] = String(value);
    if (Array.isArray(p.cookies) && p.cookies.length) headers['set-cookie'] = p.cookies.map(String);
    const body =
      p.body === undefined || p.body === null
        ? Buffer.alloc(0)
        : Buffer.from(String(p.body), p.isBase64Encoded ? 'base64' : 'utf8');
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(body);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
