// The local identity provider behind the HTTP API's JWT authorizers. On AWS the authorizer trusts an issuer
// (Cognito, an OIDC provider) by its JWKS; locally there is one key, generated into the data directory, that
// signs the local administrator's token. Tokens are checked with the rules API Gateway applies: RS256
// signature, `iss` equal to the authorizer's issuer, `aud` or `client_id` among its audiences, `exp`/`nbf`,
// and the route's authorization scopes.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { errors, jwtVerify, SignJWT } from 'jose';
import { writeFileAtomic } from './files.ts';

export interface JwtRules {
  issuer: string;
  audiences: string[];
}

export type Claims = Record<string, unknown>;

export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
}

/** How far in the future a token's `nbf` may be (clock skew); `exp` gets no such leeway. */
const NOT_BEFORE_LEEWAY_SECONDS = 60;

export class LocalIssuer {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  private constructor(privateKey: KeyObject) {
    this.privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    const der = this.publicKey.export({ format: 'der', type: 'spki' });
    this.keyId = der.subarray(-16).toString('base64url');
  }

  /** Loads the signing key from `file`, creating it (mode 0600) on first use. */
  static open(file: string): LocalIssuer {
    if (existsSync(file)) return new LocalIssuer(createPrivateKey(readFileSync(file)));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileAtomic(file, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 0o600);
    return new LocalIssuer(privateKey);
  }

  /** The signing key as a private JWK, for the local identity provider (local/cloud/oidc.ts). */
  privateJwk(): object {
    return this.privateKey.export({ format: 'jwk' });
  }

  /** Signs a token (RS256). `now` and `lifetimeSeconds` give `iat`, `nbf` and `exp`, unless `claims` has them. */
  issue(claims: Claims, options: { now?: number; lifetimeSeconds?: number } = {}): Promise<string> {
    const iat = Math.floor((options.now ?? Date.now()) / 1000);
    const body = { iat, nbf: iat, exp: iat + (options.lifetimeSeconds ?? 365 * 24 * 3600), ...claims };
    return new SignJWT(body)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.keyId })
      .sign(this.privateKey);
  }

  /**
   * Checks the signature (RS256 only) and the time claims: `exp` present and not past, `nbf` not more than a
   * minute ahead. Returns the claims; throws TokenRejectedError.
   */
  async verifySignature(token: string, now = Date.now()): Promise<Claims> {
    let claims: Claims;
    try {
      ({ payload: claims } = await jwtVerify(token, this.publicKey, {
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
        currentDate: new Date(now),
        clockTolerance: NOT_BEFORE_LEEWAY_SECONDS,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenRejectedError('expired');
      throw new TokenRejectedError(error instanceof Error ? error.message : String(error));
    }
    // jose's tolerance is for `nbf` and `exp` alike.
    if ((claims.exp as number) <= now / 1000) throw new TokenRejectedError('expired');
    return claims;
  }

  /**
   * Verifies a token as an API Gateway JWT authorizer with `rules` would: `iss` is the issuer, and `aud` or
   * (for Cognito's access tokens) `client_id` is one of the audiences.
   */
  async verify(token: string, rules: JwtRules, now = Date.now()): Promise<Claims> {
    const claims = await this.verifySignature(token, now);
    if (claims.iss !== rules.issuer) throw new TokenRejectedError('wrong issuer');
    const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
    const matches = [...audiences, claims.client_id].some(
      (a) => typeof a === 'string' && rules.audiences.includes(a),
    );
    if (!matches) throw new TokenRejectedError('wrong audience');
    return claims;
  }
}

/** The token an `Authorization` header carries, with or without the `Bearer` prefix. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Claims as API Gateway puts them into a payload 2.0 event: strings, arrays as `[a b]`, nested objects as
 * JSON, null claims left out.
 * https://github.com/floci-io/floci/pull/2011 (measured against a live HTTP API)
 */
export function eventClaims(claims: Claims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(claims)) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) out[key] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[key] = JSON.stringify(value);
    else out[key] = String(value);
  }
  return out;
}

/** The scopes a token grants (`scope` space-separated, or `scp`). */
export function tokenScopes(claims: Claims): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(/\s+/).filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.map(String);
  return [];
}
