// Rotating a local cloud's link-signing key (`pilotflow keys rotate`): a new value, made as the template's
// GenerateSecretString makes one, becomes AWSCURRENT and the old value AWSPREVIOUS. While the local cloud
// runs, through its Secrets Manager's PutSecretValue (as on AWS); when it is stopped, in the data
// directory's secrets.json, holding the directory's lock meanwhile so that no local cloud starts half-way.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { keyId } from '#domain/links.ts';
import { LOCAL_AWS } from '../dynamodb-local.ts';
import { readJsonFile } from './files.ts';
import { acquireLock, DataDirInUseError } from './lock.ts';
import {
  newValueOf,
  readStoredSecrets,
  type StoredSecret,
  secretNameOf,
  storeSecret,
  withNewVersion,
} from './secrets.ts';

/** The stack's link-signing secret: `new Secret(this, 'LinkSigningKey')`, named by its logical id locally. */
const LINK_SIGNING_SECRET = /^LinkSigningKey/;

export interface Rotation {
  secretName: string;
  /** Whether a local cloud was running on the data directory (and was given the key through its API). */
  running: boolean;
  /** The new key's id, which links signed from now on carry (functions/domain/links.ts). */
  keyId: string;
  /** The replaced key's id: links that carry it keep working until they expire. */
  previousKeyId: string;
}

function linkSigningSecret(dataDir: string, file: string): [string, StoredSecret] {
  const found = Object.entries(readStoredSecrets(file)).filter(([arn]) =>
    LINK_SIGNING_SECRET.test(secretNameOf(arn)),
  );
  if (found.length === 0) {
    throw new Error(`${dataDir} has no link-signing key: start the local cloud there once first`);
  }
  if (found.length > 1) {
    throw new Error(`${dataDir} has ${found.length} link-signing keys (${found.map(([a]) => a).join(', ')})`);
  }
  return found[0] as [string, StoredSecret];
}

export async function rotateLinkSigningKey(dataDir: string): Promise<Rotation> {
  const file = join(dataDir, 'secrets.json');
  const [arn, stored] = linkSigningSecret(dataDir, file);
  const value = newValueOf(stored);
  if (value === undefined) throw new Error(`${secretNameOf(arn)} has a fixed value in the template`);
  const rotation = {
    secretName: secretNameOf(arn),
    keyId: keyId(value),
    previousKeyId: keyId(stored.value),
  };
  let release: () => void;
  try {
    release = acquireLock(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    await putThroughApi(dataDir, error.pid, arn, value);
    return { ...rotation, running: true };
  }
  try {
    // Read again under the lock: a local cloud that stopped a moment ago may have written it.
    const [, current] = linkSigningSecret(dataDir, file);
    storeSecret(file, arn, withNewVersion(current, value, randomUUID(), Date.now()));
    return { ...rotation, previousKeyId: keyId(current.value), running: false };
  } finally {
    release();
  }
}

async function putThroughApi(dataDir: string, pid: number, arn: string, value: string): Promise<void> {
  const endpoints = readJsonFile<{ secretsmanager?: string } | undefined>(
    join(dataDir, 'endpoints.json'),
    undefined,
  );
  if (!endpoints?.secretsmanager) {
    throw new Error(
      `the local cloud on ${dataDir} (pid ${pid}) is still starting: try again once it is ready`,
    );
  }
  const client = new SecretsManagerClient({
    endpoint: endpoints.secretsmanager,
    ...LOCAL_AWS,
    maxAttempts: 1,
  });
  try {
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: value }));
  } finally {
    client.destroy();
  }
}
