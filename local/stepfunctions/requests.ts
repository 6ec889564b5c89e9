// The Step Functions API's requests as this runtime reads them: their shapes (zod, with AWS's limits), names,
// pagination tokens, and the Create/UpdateStateMachine fields it refuses rather than drop.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SfnApiError } from './api-errors.ts';
import type { Json } from './types.ts';

export const MAX_PAYLOAD = 262_144;
const NAME_FORBIDDEN = new Set('<>{}[]?*"#%\\^|~`$&,;:/');

/** Execution and state machine names: 1–80 characters, no whitespace, brackets, wildcards or control characters. */
export function validName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (/\s/.test(ch) || NAME_FORBIDDEN.has(ch) || code < 0x20 || (code >= 0x7f && code <= 0x9f))
      return false;
  }
  return true;
}

export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map(
    (i) => `Value at '${i.path.join('.')}' failed to satisfy constraint: ${i.message}`,
  );
  throw new SfnApiError(
    'ValidationException',
    `${issues.length} validation error${issues.length > 1 ? 's' : ''} detected: ${issues.join('; ')}`,
  );
}

const arnString = z.string().min(1).max(2048);
/** Tags: "Unicode letters, digits, white space, or these symbols: _ . : / = + - @" (API_TagResource.html). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tag = z.object({
  key: z.string().min(1).max(128).regex(TAG_TEXT),
  value: z.string().max(256).regex(TAG_TEXT),
});
/** "Maximum tags per resource: 50" (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). */
export const MAX_TAGS = 50;
/** Request fields of Create/UpdateStateMachine besides the definition: versions, and what refuseNotRun refuses. */
const notRun = {
  publish: z.boolean().optional(),
  versionDescription: z.string().max(256).optional(),
  loggingConfiguration: z.object({ level: z.string().optional() }).loose().optional(),
  tracingConfiguration: z.object({ enabled: z.boolean().optional() }).loose().optional(),
  encryptionConfiguration: z.object({ type: z.string().optional() }).loose().optional(),
};
export const S = {
  create: z.object({
    name: z.string().min(1).max(80),
    definition: z.string().min(1).max(1_048_576),
    roleArn: z.string().min(1).max(256),
    type: z.enum(['STANDARD', 'EXPRESS']).optional(),
    ...notRun,
    tags: z.array(tag).optional(),
  }),
  update: z.object({
    stateMachineArn: arnString,
    definition: z.string().min(1).max(1_048_576).optional(),
    roleArn: z.string().min(1).max(256).optional(),
    ...notRun,
  }),
  machineArn: z.object({ stateMachineArn: arnString }),
  list: z.object({
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().min(1).max(1024).optional(),
  }),
  validate: z.object({
    definition: z.string().min(1).max(1_048_576),
    type: z.enum(['STANDARD', 'EXPRESS']).optional(),
    severity: z.enum(['ERROR', 'WARNING']).optional(),
    maxResults: z.number().int().min(0).max(100).optional(),
  }),
  start: z.object({
    stateMachineArn: arnString,
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().optional(),
  }),
  startSync: z.object({
    stateMachineArn: arnString,
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().optional(),
    includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional(),
  }),
  executionArn: z.object({ executionArn: arnString }),
  redrive: z.object({ executionArn: arnString, clientToken: z.string().min(1).max(64).optional() }),
  listExecutions: z.object({
    stateMachineArn: arnString,
    redriveFilter: z.enum(['REDRIVEN', 'NOT_REDRIVEN']).optional(),
    statusFilter: z
      .enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])
      .optional(),
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().min(1).max(3096).optional(),
  }),
  history: z.object({
    executionArn: arnString,
    maxResults: z.number().int().min(0).max(1000).optional(),
    reverseOrder: z.boolean().optional(),
    nextToken: z.string().min(1).max(3096).optional(),
    includeExecutionData: z.boolean().optional(),
  }),
  stop: z.object({
    executionArn: arnString,
    error: z.string().max(256).optional(),
    cause: z.string().max(32_768).optional(),
  }),
  success: z.object({ taskToken: z.string().min(1).max(2048), output: z.string() }),
  failure: z.object({
    taskToken: z.string().min(1).max(2048),
    error: z.string().max(256).optional(),
    cause: z.string().max(32_768).optional(),
  }),
  heartbeat: z.object({ taskToken: z.string().min(1).max(2048) }),
  tagResource: z.object({ resourceArn: z.string().min(1).max(256), tags: z.array(tag) }),
  untagResource: z.object({
    resourceArn: z.string().min(1).max(256),
    tagKeys: z.array(z.string().min(1).max(128)),
  }),
  listTags: z.object({ resourceArn: z.string().min(1).max(256) }),
};

export function encodeToken(value: Json): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken<T>(token: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (token === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {}
  throw new SfnApiError('InvalidToken', `Invalid Token: '${token}'`);
}

export const isNum =
  (k: string) =>
  (v: unknown): v is Record<string, number> =>
    typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[k] === 'number';

/**
 * Create/UpdateStateMachine fields whose effect this runtime does not produce are refused, not dropped: a
 * version that was never published, logs that are never written, keys that are never used.
 */
export function refuseNotRun(req: {
  publish?: boolean;
  versionDescription?: string;
  loggingConfiguration?: { level?: string };
  tracingConfiguration?: { enabled?: boolean };
  encryptionConfiguration?: { type?: string };
}): void {
  const refuse = (what: string) => {
    throw new SfnApiError(
      'ValidationException',
      `${what} is not supported by the local Step Functions runtime`,
    );
  };
  if (req.versionDescription !== undefined && !req.publish) {
    throw new SfnApiError('ValidationException', 'versionDescription can only be set when publish is true');
  }
  const level = req.loggingConfiguration?.level;
  if (level !== undefined && level !== 'OFF') refuse(`loggingConfiguration level ${level} (CloudWatch Logs)`);
  if (req.tracingConfiguration?.enabled) refuse('tracingConfiguration (X-Ray)');
  const key = req.encryptionConfiguration?.type;
  if (key !== undefined && key !== 'AWS_OWNED_KEY') refuse(`encryptionConfiguration type ${key} (KMS)`);
}

/** Tags as stored: a key given twice keeps its last value. */
export function lastPerKey(
  tags: ReadonlyArray<{ key: string; value: string }>,
): Array<{ key: string; value: string }> {
  return [...new Map(tags.map((t) => [t.key, t.value])).entries()].map(([key, value]) => ({ key, value }));
}

export function tooManyTags(resourceName: string): SfnApiError {
  return new SfnApiError('TooManyTags', `A resource can have at most ${MAX_TAGS} tags`, 400, {
    resourceName,
  });
}

/** `arn…:stateMachine:Name#TestCase` selects a test case of the mock configuration, as Step Functions Local does. */
export function splitTestCase(arn: string): [string, string | undefined] {
  const i = arn.indexOf('#');
  return i < 0 ? [arn, undefined] : [arn.slice(0, i), arn.slice(i + 1)];
}

/** A state machine ARN (unqualified) or an execution ARN, as the operation that takes it wants it. */
export function checkArn(arn: string, kind: 'stateMachine' | 'execution'): void {
  const parts = arn.split(':');
  const ok =
    parts.length >= 7 &&
    parts[0] === 'arn' &&
    parts[1]!.startsWith('aws') &&
    parts[2] === 'states' &&
    parts[5] === kind &&
    parts.slice(6).every((p) => p.length > 0) &&
    parts.length === (kind === 'stateMachine' ? 7 : 8);
  if (!ok)
    throw new SfnApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}

/** A state machine's revision: its definition and role. */
export function revisionOf(definition: string, roleArn: string): string {
  return createHash('sha256').update(definition).update('\0').update(roleArn).digest('hex').slice(0, 32);
}

/** An execution's input or a task's output: at most 256 KiB, as AWS's API checks it. */
export function checkPayload(text: string, field: string): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD) {
    throw new SfnApiError(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD}`,
    );
  }
}
