// Secrets read through Powertools Parameters (cached per instance, refreshed every 5 minutes).
import { ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { getSecret, SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { keyId, type SigningKeys } from '#domain/links.ts';
import { requireConfig } from '../lib/config.ts';
import { getSecrets } from './aws.ts';

const MAX_AGE_SECONDS = 300;
/** How often an instance may read the keys again for a key id it does not know (see linkSigningKeys). */
const REFRESH_INTERVAL_MS = 60_000;

function checkedKey(value: unknown): string {
  if (typeof value !== 'string' || value.length < 32) {
    throw new Error('the link-signing secret is missing or shorter than 32 characters');
  }
  return value;
}

/** The key that signs approval links and form tokens: the secret's AWSCURRENT version. */
export async function linkSigningKey(options: { forceFetch?: boolean } = {}): Promise<string> {
  const { LINK_SIGNING_SECRET_ARN } = requireConfig('LINK_SIGNING_SECRET_ARN');
  return checkedKey(
    await getSecret(LINK_SIGNING_SECRET_ARN, {
      maxAge: MAX_AGE_SECONDS,
      sdkClient: getSecrets(),
      forceFetch: options.forceFetch ?? false,
    }),
  );
}

// Powertools caches a value by the secret's name, not by the VersionStage asked for: the previous version
// has a provider (and a cache) of its own, or one version would be served for the other.
let previousProvider: SecretsProvider | undefined;
/** Until when the secret is known to have no AWSPREVIOUS version (epoch ms). */
let noPreviousUntil = 0;

/** The key before the last rotation (AWSPREVIOUS); none before the first rotation. */
async function previousLinkSigningKey(forceFetch: boolean): Promise<string | undefined> {
  if (!forceFetch && Date.now() < noPreviousUntil) return undefined;
  const { LINK_SIGNING_SECRET_ARN } = requireConfig('LINK_SIGNING_SECRET_ARN');
  previousProvider ??= new SecretsProvider({ awsSdkV3Client: getSecrets() });
  try {
    const value = await previousProvider.get(LINK_SIGNING_SECRET_ARN, {
      maxAge: MAX_AGE_SECONDS,
      forceFetch,
      throwOnMissing: true,
      sdkOptions: { VersionStage: 'AWSPREVIOUS' },
    });
    noPreviousUntil = 0;
    return checkedKey(value);
  } catch (error) {
    if (!(error instanceof ParameterNotFoundError)) throw error;
    // A secret never rotated has no AWSPREVIOUS version (ResourceNotFoundException): remembered for as long
    // as a value would be, so that it is not asked for on every request.
    noPreviousUntil = Date.now() + MAX_AGE_SECONDS * 1000;
    return undefined;
  }
}

let lastRefresh = 0;

/**
 * The keys that verify links and form tokens: AWSCURRENT and AWSPREVIOUS. Putting a new value into a secret
 * moves AWSCURRENT to it and AWSPREVIOUS to the value it replaced
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html), so a rotation
 * is one `put-secret-value` (README, "Rotating the link-signing key").
 *
 * `wantedIds` are the key ids a request names. When one is neither cached key's, the keys are read again:
 * another function's instance may have read a rotated key before this one did (each caches for 5 minutes).
 * At most once a minute per instance, so invented key ids cannot turn requests into Secrets Manager calls.
 */
export async function linkSigningKeys(...wantedIds: Array<string | undefined>): Promise<SigningKeys> {
  let keys = await readKeys(false);
  const known = [keys.current, keys.previous].flatMap((key) => (key === undefined ? [] : [keyId(key)]));
  const unknown = wantedIds.some((id) => id !== undefined && !known.includes(id));
  if (unknown && Date.now() - lastRefresh >= REFRESH_INTERVAL_MS) {
    lastRefresh = Date.now();
    keys = await readKeys(true);
  }
  return keys;
}

async function readKeys(forceFetch: boolean): Promise<SigningKeys> {
  const [current, previous] = await Promise.all([
    linkSigningKey({ forceFetch }),
    previousLinkSigningKey(forceFetch),
  ]);
  return { current, previous };
}

/** The SMTP server's settings as stored (JSON text), for the SMTP transport (functions/adapters/smtp.ts). */
export async function smtpSecret(): Promise<unknown> {
  const { SMTP_SECRET_ARN } = requireConfig('SMTP_SECRET_ARN');
  return getSecret(SMTP_SECRET_ARN, { maxAge: 300, sdkClient: getSecrets() });
}
