// AWS Signature Version 4 as S3 checks it, for the local S3 front (s3-front.ts): s3rver 3.7 takes any V4
// signature from a known access key id and checks presigned URLs' expiry against the machine's time, not the
// local cloud's clock. Pure: a request's method, raw URL and headers in, a refusal (S3Error) or the
// verified access key id out. Written from "Signature Calculations for the Authorization Header" and
// "Authenticating Requests: Using Query Parameters" (Amazon S3 API Reference):
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
// Not checked locally: the payload's hash against x-amz-content-sha256, and the clock skew of header-signed
// requests (functions sign with the local clock, tools and tests with the machine's).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from './s3-errors.ts';

export interface SignedRequest {
  method: string;
  /** The request target as received: path and query, still percent-encoded. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface SigV4Context {
  now: Date;
  secretOf(accessKeyId: string): string | undefined;
}

/** The SigV4 signing key of a scope (date `yyyymmdd`, region, service). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** Whether the request carries a signature at all (else it is anonymous). */
export function isSigned(request: SignedRequest): boolean {
  return request.headers.authorization !== undefined || /[?&]X-Amz-Signature=/i.test(request.url);
}

/** Verifies the header or query signature; throws S3Error with S3's code when it does not hold. */
export function verifySigV4(request: SignedRequest, context: SigV4Context): void {
  const [path = '/', rawQuery = ''] = splitOnce(request.url, '?');
  const query = parseQuery(rawQuery);
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const authorization = header('authorization');
  let credential: string;
  let signedHeaders: string[];
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  if (authorization !== undefined) {
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(
        authorization.trim(),
      );
    if (!match)
      throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed');
    [, credential = '', , signature = ''] = match;
    signedHeaders = (match[2] ?? '').split(';');
    amzDate = header('x-amz-date') ?? '';
    payloadHash = header('x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD';
  } else {
    const get = (name: string) => query.find(([key]) => key === name)?.[1];
    if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
      throw new S3Error(
        400,
        'AuthorizationQueryParametersError',
        'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
      );
    }
    credential = get('X-Amz-Credential') ?? '';
    signedHeaders = (get('X-Amz-SignedHeaders') ?? '').split(';');
    signature = get('X-Amz-Signature') ?? '';
    amzDate = get('X-Amz-Date') ?? '';
    payloadHash = get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
    const expires = Number(get('X-Amz-Expires'));
    const signedAt = parseAmzDate(amzDate);
    if (!signedAt || !Number.isInteger(expires) || expires < 1 || expires > 604_800) {
      throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Date or X-Amz-Expires is invalid');
    }
    if (context.now.getTime() > signedAt.getTime() + expires * 1000) {
      throw new S3Error(403, 'AccessDenied', 'Request has expired', {
        'X-Amz-Expires': String(expires),
        Expires: new Date(signedAt.getTime() + expires * 1000).toISOString().replace(/\.\d+/, ''),
        ServerTime: context.now.toISOString().replace(/\.\d+/, ''),
      });
    }
  }
  const [accessKeyId = '', date = '', region = '', service = ''] = credential.split('/');
  const secret = secretOf(context, accessKeyId);
  const canonicalQuery = query
    .filter(([key]) => authorization !== undefined || key !== 'X-Amz-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const expected = createHmac('sha256', signingKey(secret, date, region, service))
    .update(stringToSign)
    .digest();
  matchSignature(signature, expected);
}

/** The secret of an access key id, or S3's InvalidAccessKeyId. */
export function secretOf(context: Pick<SigV4Context, 'secretOf'>, accessKeyId: string): string {
  const secret = context.secretOf(accessKeyId);
  if (secret === undefined) {
    throw new S3Error(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      { AWSAccessKeyId: accessKeyId },
    );
  }
  return secret;
}

/** Compares a given hex signature with the expected one in constant time, or S3's SignatureDoesNotMatch. */
export function matchSignature(givenHex: string, expected: Buffer): void {
  const given = Buffer.from(givenHex, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** The query's parameters, decoded, in order (`a&b=` gives ['a', ''] and ['b', '']). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery.split('&').map((pair) => {
    const [key, value] = splitOnce(pair, '=');
    const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, '%20'));
    return [decode(key), decode(value)];
  });
}

/** SigV4's URI encoding: every byte but A–Z a–z 0–9 - _ . ~ percent-encoded. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `yyyymmddThhmmssZ` as a date, or undefined. */
function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
}
