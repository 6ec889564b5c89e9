// The administrators' identity provider as the functions see it: Cognito on AWS, the local OpenID provider in
// the local cloud (local/cloud/oidc.ts), told apart by nothing but AUTH_ISSUER. Its endpoints come from the
// issuer's discovery document, its keys from `<issuer>/.well-known/jwks.json` (where Cognito publishes them),
// and tokens are verified with aws-jwt-verify, AWS's own library for Cognito and OIDC JWTs.
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
// https://github.com/awslabs/aws-jwt-verify
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import * as z from 'zod';
import { requireConfig } from '#lib/config.ts';

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  end_session_endpoint: z.url().optional(),
});

export interface ProviderEndpoints {
  authorization: string;
  token: string;
  /** Cognito's `/logout` on the managed login's domain. */
  logout: string;
}

const settings = () => requireConfig('AUTH_ISSUER', 'AUTH_CLIENT_ID');

let discovered: Promise<ProviderEndpoints> | undefined;

/** The provider's endpoints, read once per instance from its discovery document. */
export function providerEndpoints(): Promise<ProviderEndpoints> {
  discovered ??= (async () => {
    const { AUTH_ISSUER } = settings();
    const res = await fetch(`${AUTH_ISSUER}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`the identity provider's discovery answered ${res.status}`);
    const doc = discoverySchema.parse(await res.json());
    // Cognito's logout endpoint sits beside /oauth2/authorize on the managed login's domain.
    const logout = doc.end_session_endpoint ?? new URL('/logout', doc.authorization_endpoint).toString();
    return { authorization: doc.authorization_endpoint, token: doc.token_endpoint, logout };
  })();
  discovered.catch(() => {
    discovered = undefined;
  });
  return discovered;
}

export const clientId = (): string => settings().AUTH_CLIENT_ID;

/** The tokens of a code exchange (the public client's: no secret, the PKCE verifier instead). */
export async function exchangeCode(p: {
  code: string;
  verifier: string;
  redirectUri: string;
}): Promise<{ idToken: string; expiresIn: number }> {
  const { token } = await providerEndpoints();
  const res = await fetch(token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId(),
      code: p.code,
      redirect_uri: p.redirectUri,
      code_verifier: p.verifier,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new CodeExchangeError(`the token endpoint answered ${res.status}`);
  const body = z
    .object({ id_token: z.string().min(1), expires_in: z.number().positive().optional() })
    .parse(await res.json());
  return { idToken: body.id_token, expiresIn: body.expires_in ?? 3600 };
}

export class CodeExchangeError extends Error {
  override name = 'CodeExchangeError';
}

// aws-jwt-verify's own fetcher speaks https only; the local provider is http on the loopback.
const jwksCache = new SimpleJwksCache({
  fetcher: {
    async fetch(uri: string) {
      const res = await fetch(uri, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`the JWKS answered ${res.status}`);
      return res.arrayBuffer();
    },
  },
});

let verifier: ReturnType<typeof makeVerifier> | undefined;

function makeVerifier() {
  const { AUTH_ISSUER, AUTH_CLIENT_ID } = settings();
  return JwtVerifier.create(
    {
      issuer: AUTH_ISSUER,
      jwksUri: `${AUTH_ISSUER}/.well-known/jwks.json`,
      // Cognito's ID tokens name the client in `aud`, its access tokens in `client_id`: either is accepted.
      audience: null,
      customJwtCheck: ({ payload }) => {
        const p = payload as JwtPayload & { client_id?: unknown; token_use?: unknown };
        const ok =
          p.token_use === 'access' ? p.client_id === AUTH_CLIENT_ID : audienceHas(p.aud, AUTH_CLIENT_ID);
        if (!ok) throw new Error('the token was issued to another client');
      },
    },
    { jwksCache },
  );
}

const audienceHas = (aud: unknown, id: string) => (Array.isArray(aud) ? aud.includes(id) : aud === id);

/** The claims of a token this provider signed for this client, unexpired; throws otherwise. */
export async function verifyToken(token: string): Promise<Record<string, unknown>> {
  verifier ??= makeVerifier();
  return (await verifier.verify(token, {})) as Record<string, unknown>;
}
