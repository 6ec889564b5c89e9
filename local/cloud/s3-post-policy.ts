// The POST policy of a browser upload, checked as S3 checks it: the local S3 server (s3rver) stores any POST
// form without looking at its policy, so the local cloud's S3 front (s3-front.ts) asks this module first.
// Pure: form fields in, a refusal (S3's own error code, status and message) or the size range out.
//
// What S3 checks, from "POST Policy" (Amazon S3 API Reference, Authenticating Requests: Browser-Based Uploads
// Using POST (AWS Signature Version 4)):
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html and the signature of
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html:
// - the signature is HMAC-SHA256 of the base64 policy with the SigV4 signing key of x-amz-credential's scope;
// - `expiration` (ISO 8601, GMT) has not passed;
// - every condition holds: `{"field": "value"}` and `["eq", "$field", "value"]` match exactly,
//   `["starts-with", "$field", "prefix"]` by prefix (an empty prefix takes any value), and
//   `["content-length-range", min, max]` bounds the file's size in bytes, both ends included; field names are
//   matched without regard to case, and `bucket` is the bucket posted to;
// - every form field but x-amz-signature, file, policy and those starting x-ignore- is named by a condition;
// - the key's `${filename}` is replaced by the uploaded file's name before the key is checked.
import { createHmac } from 'node:crypto';
import { S3Error } from './s3-errors.ts';
import { matchSignature, secretOf, signingKey } from './s3-sigv4.ts';

export { S3Error };

export interface PostPolicyContext {
  /** The bucket in the request's path. */
  bucket: string;
  now: Date;
  /** The secret access key of an access key id, or undefined for a key the server does not know. */
  secretOf(accessKeyId: string): string | undefined;
}

/** The checked form: its key (with `${filename}` replaced) and the size the file must have. */
export interface CheckedPost {
  key: string;
  minBytes: number;
  maxBytes: number;
}

/** Form fields by lower-cased name (S3 matches them without regard to case). */
export type PostFields = Map<string, string>;

const policyFailed = (text: string) =>
  new S3Error(403, 'AccessDenied', `Invalid according to Policy: ${text}`);

/** Checks everything but the file's size; `filename` is the file part's name. Throws S3Error. */
export function checkPostPolicy(
  fields: PostFields,
  filename: string,
  context: PostPolicyContext,
): CheckedPost {
  const rawKey = fields.get('key');
  if (rawKey === undefined) {
    throw new S3Error(
      400,
      'InvalidArgument',
      "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      { ArgumentName: 'key', ArgumentValue: '' },
    );
  }
  const key = rawKey.split(FILENAME).join(filename);
  const policy = fields.get('policy');
  // Without a policy the POST is anonymous, and the evidence bucket grants nobody anonymous writes.
  if (policy === undefined) throw new S3Error(403, 'AccessDenied', 'Access Denied');
  verifySignature(fields, policy, context);
  const document = parsePolicy(policy);
  if (context.now.getTime() > document.expiration.getTime()) throw policyFailed('Policy expired.');

  const values = new Map(fields);
  values.set('key', key);
  values.set('bucket', context.bucket);
  const named = new Set<string>(['bucket']);
  let minBytes = 0;
  let maxBytes = Number.POSITIVE_INFINITY;
  for (const condition of document.conditions) {
    const check = conditionOf(condition);
    if (check.kind === 'range') {
      minBytes = Math.max(minBytes, check.min);
      maxBytes = Math.min(maxBytes, check.max);
      continue;
    }
    named.add(check.field);
    const value = values.get(check.field);
    const holds =
      value !== undefined && (check.kind === 'eq' ? value === check.value : value.startsWith(check.value));
    if (!holds) throw policyFailed(`Policy Condition failed: ${JSON.stringify(condition)}`);
  }
  const extra = [...fields.keys()].filter(
    (name) => !named.has(name) && !UNCHECKED.has(name) && !name.startsWith('x-ignore-'),
  );
  if (extra.length) throw policyFailed(`Extra input fields: ${extra.join(', ')}`);
  return { key, minBytes, maxBytes };
}

/** The variable S3 replaces in a form's key with the uploaded file's name. */
const FILENAME = '$' + '{filename}';

/** Fields no condition needs to name (x-amz-signature, file and policy; x-ignore-* apart). */
const UNCHECKED = new Set(['x-amz-signature', 'file', 'policy']);

/** Refuses a file outside the policy's content-length-range. */
export function checkSize(size: number, { minBytes, maxBytes }: CheckedPost): void {
  if (size > maxBytes) {
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: String(size),
      MaxSizeAllowed: String(maxBytes),
    });
  }
  if (size < minBytes) {
    throw new S3Error(
      400,
      'EntityTooSmall',
      'Your proposed upload is smaller than the minimum allowed size',
      {
        ProposedSize: String(size),
        MinSizeAllowed: String(minBytes),
      },
    );
  }
}

function verifySignature(fields: PostFields, policy: string, context: PostPolicyContext): void {
  const algorithm = fields.get('x-amz-algorithm');
  const credential = fields.get('x-amz-credential');
  const signature = fields.get('x-amz-signature');
  if (algorithm !== 'AWS4-HMAC-SHA256' || !credential || !signature) {
    throw new S3Error(
      400,
      'InvalidRequest',
      'The form must carry x-amz-algorithm AWS4-HMAC-SHA256, x-amz-credential and x-amz-signature',
    );
  }
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || service !== 's3' || terminator !== 'aws4_request') {
    throw new S3Error(400, 'InvalidRequest', `Malformed x-amz-credential: ${credential}`);
  }
  const secret = secretOf(context, accessKeyId);
  const expected = Buffer.from(signPolicy(policy, secret, date, region), 'hex');
  matchSignature(signature, expected);
}

/** SigV4 for a POST policy: the base64 policy is the string to sign. */
export function signPolicy(policy: string, secret: string, date: string, region: string): string {
  return createHmac('sha256', signingKey(secret, date, region, 's3'))
    .update(policy)
    .digest('hex');
}

interface PolicyDocument {
  expiration: Date;
  conditions: unknown[];
}

function parsePolicy(policy: string): PolicyDocument {
  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw new S3Error(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  const expiration = typeof document?.expiration === 'string' ? new Date(document.expiration) : undefined;
  if (!expiration || Number.isNaN(expiration.getTime())) {
    throw new S3Error(400, 'InvalidPolicyDocument', "Invalid Policy: Invalid 'expiration' value.");
  }
  if (!Array.isArray(document.conditions)) {
    throw new S3Error(400, 'InvalidPolicyDocument', 'Invalid Policy: Policy missing conditions.');
  }
  return { expiration, conditions: document.conditions };
}

type Check =
  | { kind: 'eq' | 'starts-with'; field: string; value: string }
  | { kind: 'range'; min: number; max: number };

function conditionOf(condition: unknown): Check {
  const invalid = () =>
    new S3Error(
      400,
      'InvalidPolicyDocument',
      `Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`,
    );
  if (Array.isArray(condition)) {
    const [operator, first, second] = condition as unknown[];
    if (operator === 'content-length-range') {
      const min = Number(first);
      const max = Number(second);
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) throw invalid();
      return { kind: 'range', min, max };
    }
    const op = typeof operator === 'string' ? operator.toLowerCase() : '';
    if ((op === 'eq' || op === 'starts-with') && typeof first === 'string' && first.startsWith('$')) {
      if (typeof second !== 'string') throw invalid();
      return { kind: op, field: first.slice(1).toLowerCase(), value: second };
    }
    throw invalid();
  }
  if (condition && typeof condition === 'object') {
    const entries = Object.entries(condition);
    const [entry] = entries;
    if (entries.length === 1 && entry && typeof entry[1] === 'string') {
      return { kind: 'eq', field: entry[0].toLowerCase(), value: entry[1] };
    }
  }
  throw invalid();
}
