// Configuration: the only module that reads process.env (STYLE.md §3). Every variable any function may use
// is described here once; a handler states at load which ones it needs (`requireConfig`), so a function
// deployed without one fails at start with the variable's name instead of at its first request.
import * as z from 'zod';
// time.ts alone, not the plan module's index: every function loads this module at start.
import { isDuration } from '#plan/time.ts';

const optionalUrl = z.url().optional();

const envSchema = z.object({
  /** The DynamoDB table (functions/store). */
  TABLE_NAME: z.string().min(1).optional(),
  /** The sender address of every e-mail, e.g. `PilotFlow <pilotflow@xx-county.example>`. */
  MAIL_FROM: z.string().min(3).optional(),
  /** The SES configuration set (bounce and complaint events); optional. */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** `ses` (default) or `smtp` for regions without SES. */
  MAIL_TRANSPORT: z.enum(['ses', 'smtp']).default('ses'),
  /** Secrets Manager secret with the SMTP host, port, user and password, when MAIL_TRANSPORT is smtp. */
  SMTP_SECRET_ARN: z.string().min(1).optional(),
  /** The public base URL of the HTTP API, for links in e-mails (no trailing slash). */
  API_BASE_URL: optionalUrl,
  /** Secrets Manager secret holding the key that signs approval links. */
  LINK_SIGNING_SECRET_ARN: z.string().min(1).optional(),
  /**
   * Whom officials should contact about a link the system does not know (no plan to name the lead unit),
   * e.g. `县民政局 0000-0000000`; shown on the approval pages' refusal page.
   */
  HELP_CONTACT: z.string().min(1).max(200).optional(),
  /** State machine ARNs. */
  PROGRAMME_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The Pilot and stage machines, for the dashboard to find and draw a pilot's executions. */
  PILOT_STATE_MACHINE_ARN: z.string().min(1).optional(),
  LAUNCH_STATE_MACHINE_ARN: z.string().min(1).optional(),
  IMPLEMENTATION_STATE_MACHINE_ARN: z.string().min(1).optional(),
  EVALUATION_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /**
   * How far past now the escalation sweep reads open tasks (ISO 8601 duration): at least the longest reminder
   * lead time (remindBeforeDue) of any plan in calendar days, or that plan's early reminders go out late. A
   * lead counts working days, so across a long holiday it spans more: two working days before Monday
   * 19 February 2024 is Friday 9 February, 10 days earlier (12 over 2020's extended Spring Festival). P14D
   * covers a lead of two working days in every year of the calendar data.
   */
  ESCALATION_READ_AHEAD: z
    .string()
    .refine(isDuration, { error: 'not an ISO 8601 duration such as P14D' })
    .default('P14D'),
  /**
   * The administrators' identity provider: its issuer (Cognito's user-pool URL on AWS, the local OpenID
   * provider locally), whose `/.well-known/openid-configuration` names the managed login's endpoints and whose
   * `/.well-known/jwks.json` the keys; and the dashboard's app client.
   */
  AUTH_ISSUER: optionalUrl,
  AUTH_CLIENT_ID: z.string().min(1).optional(),
  /** The private bucket of evidence files (functions/adapters/evidence-store.ts). */
  EVIDENCE_BUCKET: z.string().min(3).max(63).optional(),
  /** The Powertools service name. */
  POWERTOOLS_SERVICE_NAME: z.string().default('pilotflow'),
  /** Set by the local cloud: the dashboard shows its clock and mailbox controls. */
  PILOTFLOW_LOCAL: z.enum(['1']).optional(),
  /** The local mailbox's URL (local cloud only). */
  LOCAL_MAILBOX_URL: optionalUrl,
});

export type Env = z.infer<typeof envSchema>;
export type ConfigName = keyof Env;

function parse(env: NodeJS.ProcessEnv): Readonly<Env> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return Object.freeze(parsed.data);
}

export const config: Readonly<Env> = parse(process.env);

/** Fails at load, naming every missing variable, unless all of `names` are set. */
export function requireConfig<K extends ConfigName>(...names: K[]): Readonly<Env & Required<Pick<Env, K>>> {
  const missing = names.filter((name) => config[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`missing configuration: ${missing.join(', ')} (set by the CDK app for this function)`);
  }
  return config as Readonly<Env & Required<Pick<Env, K>>>;
}
