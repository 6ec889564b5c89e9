// The deployment's configuration: every CDK context value the app reads, validated once with its default
// (`-c key=value` on the command line, or `context` in cdk.json). The README's "Deploy to AWS" table lists the
// same keys; nothing else in infra/ calls tryGetContext.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { z } from 'zod';

/** The sender of the sample deployment (a reserved example domain: nothing is delivered there). */
export const DEFAULT_MAIL_FROM = 'PilotFlow <pilotflow@xx-county.example>';

/** Retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (d): d is number => typeof d === 'number' && d > 0,
);

const text = z.string().trim().min(1);
/** A list from cdk.json (an array) or the command line (comma-separated). */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item),
  );
const flag = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const email = z.email();

export const contextSchema = z.strictObject({
  /** From of every e-mail: `Name <address>` or an address. */
  mailFrom: text.default(DEFAULT_MAIL_FROM),
  /** The SES identity that sends it: a domain (recommended) or an address; default the sender's domain. */
  sesIdentity: text.optional(),
  /** Create the SES identity in this stack (DKIM, MAIL FROM); false when it already exists in the account. */
  sesCreateIdentity: flag.default(true),
  /** MAIL FROM subdomain of the identity's domain (SPF and bounces), e.g. `bounce` → bounce.<domain>. */
  sesMailFromSubdomain: z
    .string()
    .regex(/^[a-z0-9-]{1,63}$/)
    .default('mail'),
  /** Name of the SES configuration set the stack creates (event publishing, suppression). */
  sesConfigurationSet: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** `ses`, or `smtp` where SES is not offered (AWS China regions). */
  mailTransport: z.enum(['ses', 'smtp']).default('ses'),
  /** With smtp: the name of an existing Secrets Manager secret with host, port, user, password; else one is created. */
  smtpSecretName: text.optional(),
  /** Administrators of the dashboard: a Cognito user is created for each and invited by e-mail. */
  adminEmails: list(email).default([]),
  /** Who receives alarms (SNS e-mail subscriptions, each confirmed from the e-mail). */
  alarmEmails: list(email).default([]),
  /** Time between escalation sweeps (`1 hour`, `30 minutes`, `1 day`). */
  escalationRate: text.default('1 hour'),
  /**
   * Once a day at this local time (`HH:MM`, in `escalationTimeZone`) instead of every `escalationRate`: one
   * sweep after the digest hour sends the same digests on the same days as several (a rehearsal sets it).
   */
  escalationDailyAt: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a local time HH:MM, e.g. 12:00' })
    .optional(),
  /** The time zone of `escalationDailyAt` (IANA, e.g. `Asia/Shanghai`); UTC otherwise. */
  escalationTimeZone: text
    .refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', {
      error: 'an IANA time zone, e.g. Asia/Shanghai',
    })
    .optional(),
  /**
   * Time between runs of the callback retry (decisions Step Functions has not confirmed); `1 hour` otherwise
   * (CALLBACK_RETRY_RATE). A rehearsal sets `1 day`.
   */
  callbackRetryRate: text.optional(),
  /** How far past now a sweep reads open tasks (ISO duration); the function's default (P7D) otherwise. */
  escalationReadAhead: text.optional(),
  /** Retention of every PilotFlow log group, in days (a value CloudWatch Logs offers). */
  logRetentionDays: z.coerce
    .number()
    .refine((d) => RETENTION_DAYS.includes(d), {
      error: `one of ${RETENTION_DAYS.join(', ')}`,
    })
    .default(180),
  /**
   * Days an evidence file is kept after its upload before S3 deletes it (default 3650, ten years: the shortest
   * retention period, 定期10年, of government records kept as documents).
   */
  evidenceRetentionDays: count(1, 36_500).default(3650),
  /** Days a human task waits before its stage is reported stalled. */
  humanTaskTimeoutDays: count(1, 365).optional(),
  /** Public base URL of approval links (a custom domain); default the HTTP API's own URL. */
  apiBaseUrl: z.url().optional(),
  /** Shown on the refusal page for unknown links, e.g. `县民政局 0000-0000000`. */
  helpContact: text.optional(),
  /**
   * Reserve concurrency for the functions that must not crowd out others (escalation sweep, mail events,
   * callback retry). False for an account still at Lambda's initial concurrency quota, which allows none.
   */
  reserveConcurrency: flag.default(true),
  /** Each approval link route's steady request rate and burst (requests per second), on its own. */
  apiRateLimit: count(1, 10_000).default(50),
  apiBurstLimit: count(1, 5_000).default(100),
  /**
   * Each dashboard (/admin) route's steady rate and burst, apart from the links': a handful of administrators,
   * and each request is a 1,024 MB invocation that reads the table and the Step Functions API.
   */
  adminRateLimit: count(1, 10_000).default(10),
  adminBurstLimit: count(1, 5_000).default(20),
});

export type DeployConfig = Readonly<z.infer<typeof contextSchema>>;
export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as Array<keyof DeployConfig>;

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** Reads the context keys above from `scope` (empty strings count as unset) and validates them together. */
export function deployConfig(scope: Construct): DeployConfig {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value = scope.node.tryGetContext(key) as unknown;
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `-c ${i.path.join('.')}: ${i.message}`);
    throw new ConfigurationError(`invalid CDK context:\n  ${problems.join('\n  ')}`);
  }
  if (parsed.data.mailTransport === 'ses' && parsed.data.smtpSecretName) {
    throw new ConfigurationError(
      'invalid CDK context: smtpSecretName is only used with -c mailTransport=smtp',
    );
  }
  return Object.freeze(parsed.data);
}
