// The local cloud's stand-in for Cognito's user pool and managed login: a real OpenID Connect provider
// (oidc-provider, certified by the OpenID Foundation) on its own port, set up like the pool: the template's app
// clients with their callback and sign-out URLs, the authorization code flow with PKCE, ID tokens with
// `email`, `name` and `cognito:groups`, and the endpoints at Cognito's paths (/oauth2/authorize,
// /oauth2/token, /logout, /.well-known/jwks.json), so that the dashboard's sign-in handlers and the admin
// authorizer run here unchanged. Its users are local: <data-dir>/identity-users.json, an administrator and a
// viewer by default. There are no passwords: the provider answers on the loopback only, where the admin token
// is printed anyway; its sign-in page lists the users, and a `login_hint` naming one signs them in at once.
// https://github.com/panva/node-oidc-provider/blob/main/docs/README.md
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import * as z from 'zod';
import { guardHost } from '../host-check.ts';
import { writeJsonFile } from './files.ts';
import type { LocalIssuer } from './jwt.ts';
import { memoryAdapters } from './oidc-store.ts';

const userSchema = z.object({
  email: z.email(),
  name: z.string().min(1).max(100),
  groups: z.array(z.string().min(1).max(128)).max(100),
});
export type LocalUser = z.infer<typeof userSchema>;

export const DEFAULT_USERS: LocalUser[] = [
  { email: 'admin@pilotflow.local', name: '本地管理员', groups: ['admin'] },
  { email: 'viewer@pilotflow.local', name: '本地查看员', groups: ['viewer'] },
];

/** The users of `file`, written with the defaults on first use. */
export function loadUsers(file: string): LocalUser[] {
  if (!existsSync(file)) {
    writeJsonFile(file, DEFAULT_USERS, 0o600);
    return DEFAULT_USERS;
  }
  const parsed = z
    .array(userSchema)
    .min(1)
    .safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues[0]?.message ?? 'not a list of users'}`);
  return parsed.data;
}

/** A user's stable subject, as Cognito's `sub` is: from the address, never reused for another. */
export const subjectOf = (email: string) =>
  createHash('sha256').update(`local-user\n${email.toLowerCase()}`).digest('hex').slice(0, 32);

export interface LocalClient {
  clientId: string;
  redirectUris: string[];
  logoutUris: string[];
}

export interface IdentityProviderOptions {
  port: number;
  host: string;
  /** The key that signs its tokens: the local cloud's admin key, so `/_local/` accepts its sessions too. */
  issuer: LocalIssuer;
  clients: LocalClient[];
  users: LocalUser[];
}

const page = (title: string, body: string) =>
  `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1b1f24}main{max-width:26rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}h1{font-size:1.3rem;margin:0 0 .5rem}p{color:#555}button{display:block;width:100%;margin:.6rem 0;padding:.8rem;font:inherit;text-align:left;border:1px solid #c9ced6;border-radius:6px;background:#fff;cursor:pointer}button:hover{border-color:#0b62d6}small{display:block;color:#666}</style></head><body><main>${body}</main></body></html>`;

const TEN_YEARS = 10 * 365 * 24 * 3600;

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class LocalIdentityProvider {
  readonly url: string;
  private readonly server: Server;

  private constructor(url: string, server: Server) {
    this.url = url;
    this.server = server;
  }

  static async start(options: IdentityProviderOptions): Promise<LocalIdentityProvider> {
    const { host, users } = options;
    const server = createServer();
    guardHost(server, host);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
    const url = `http://${host}:${(server.address() as AddressInfo).port}`;
    const bySub = new Map(users.map((u) => [subjectOf(u.email), u]));
    const jwk = {
      ...(options.issuer.privateJwk() as Record<string, unknown>),
      kid: options.issuer.keyId,
      alg: 'RS256',
      use: 'sig',
    };
    const provider = new Provider(url, {
      clients: options.clients.map((c) => ({
        client_id: c.clientId,
        redirect_uris: c.redirectUris,
        post_logout_redirect_uris: c.logoutUris,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      })),
      jwks: { keys: [jwk] },
      adapter: memoryAdapters(),
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      routes: {
        authorization: '/oauth2/authorize',
        token: '/oauth2/token',
        userinfo: '/oauth2/userInfo',
        jwks: '/.well-known/jwks.json',
        end_session: '/logout',
      },
      claims: { openid: ['sub', 'cognito:groups'], email: ['email', 'email_verified'], profile: ['name'] },
      // As Cognito's: the user's claims in the ID token itself, not only from the userinfo endpoint.
      conformIdTokenClaims: false,
      // The functions read the local cloud's clock, which may be years before or after the wall clock: the ID
      // token (which has no `nbf`) lives ten years so that it is valid whenever the clock is set, and the session
      // cookie still ends after an hour of real time (`expires_in`, the access token's lifetime).
      ttl: { IdToken: TEN_YEARS, AccessToken: 3600, Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600 },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          // Cognito's /logout asks nothing: sign out at once (the form carries the provider's own CSRF token).
          logoutSource: async (ctx: { body: string }, form: string) => {
            ctx.body = page(
              '退出登录 · Sign out',
              `${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}<noscript><button form="op.logoutForm">退出登录 · Sign out</button></noscript><script>document.getElementById('op.logoutForm').submit()</script>`,
            );
          },
        },
      },
      findAccount: async (_ctx: unknown, sub: string) => {
        const user = bySub.get(sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          claims: async () => ({
            sub,
            email: user.email,
            email_verified: true,
            name: user.name,
            'cognito:groups': user.groups,
          }),
        };
      },
      // The dashboard is the pool's own client: no consent screen, as with Cognito.
      loadExistingGrant: async (ctx: GrantContext) => {
        const { provider: p, client, session, result } = ctx.oidc;
        const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
        if (grantId) return p.Grant.find(grantId);
        const grant = new p.Grant({ accountId: session.accountId, clientId: client.clientId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      pkce: { required: () => true },
    });
    const callback = provider.callback();
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', url).pathname;
      if (path.startsWith('/interaction/')) {
        interaction(provider, users, req, res).catch((error: Error) => {
          res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`sign-in failed: ${error.message}`);
        });
        return;
      }
      if (path === '/logout' && req.method === 'GET') req.url = cognitoLogout(req.url ?? '/', url);
      callback(req, res);
    });
    return new LocalIdentityProvider(url, server);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

interface GrantContext {
  oidc: {
    provider: Provider;
    client: { clientId: string };
    result?: { consent?: { grantId?: string } };
    session: { accountId: string; grantIdFor(clientId: string): string | undefined };
  };
}

/** Cognito's logout parameters (`logout_uri`) as OpenID Connect's (`post_logout_redirect_uri`). */
function cognitoLogout(raw: string, base: string): string {
  const url = new URL(raw, base);
  const logoutUri = url.searchParams.get('logout_uri');
  if (logoutUri && !url.searchParams.has('post_logout_redirect_uri')) {
    url.searchParams.delete('logout_uri');
    url.searchParams.set('post_logout_redirect_uri', logoutUri);
  }
  return `${url.pathname}${url.search}`;
}

/** The sign-in page: a user chosen on it, or named by the request's `login_hint`, is signed in. */
async function interaction(
  provider: Provider,
  users: LocalUser[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined;
  let chosen: LocalUser | undefined;
  if (req.method === 'POST') {
    const body = await new Promise<string>((resolve, reject) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        text += chunk;
        if (text.length > 10_000) req.destroy();
      });
      req.on('end', () => resolve(text));
      req.on('error', reject);
    });
    const email = new URLSearchParams(body).get('email');
    chosen = users.find((u) => u.email === email);
  } else if (hint) {
    chosen = users.find((u) => u.email.toLowerCase() === hint.toLowerCase());
  }
  if (chosen) {
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: subjectOf(chosen.email) } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const buttons = users
    .map(
      (u) =>
        `<button name="email" value="${esc(u.email)}">${esc(u.name)}<small>${esc(u.email)} · ${esc(u.groups.join(', ') || '—')}</small></button>`,
    )
    .join('');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    page(
      '本地登录 · Local sign-in',
      `<h1>本地登录 · Local sign-in</h1><p>本地云的身份服务（代替 Cognito）。请选择登录的用户：<br>The local cloud’s identity provider, standing in for Cognito. Sign in as:</p><form method="post" action="/interaction/${esc(details.uid)}">${buttons}</form>`,
    ),
  );
}
