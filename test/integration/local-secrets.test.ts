// The local Secrets Manager's versions, through the SDK client as the functions and `pilotflow keys rotate`
// use it: a put makes the new value AWSCURRENT and the replaced one AWSPREVIOUS, as Secrets Manager does
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html), and both outlive
// a restart in the data directory's secrets.json.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, test } from 'vitest';
import { Resolver } from '#local/cloud/intrinsics.ts';
import { loadSecrets, SecretsServer } from '#local/cloud/secrets.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { tempDataDir } from '#test/support/local-cloud.ts';

const resolver = new Resolver({
  stackName: 'PilotFlow',
  template: {
    Resources: {
      LinkSigningKeyE3A1: {
        Type: 'AWS::SecretsManager::Secret',
        Properties: { GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } },
      },
    },
  },
});

let server: SecretsServer | undefined;
let client: SecretsManagerClient | undefined;

afterEach(async () => {
  client?.destroy();
  await server?.close();
});

async function start(file: string) {
  const secrets = loadSecrets(resolver, file, Date.parse('2023-01-01T00:00:00Z'));
  server = await SecretsServer.listen(secrets, 0, '127.0.0.1', { file });
  client = new SecretsManagerClient({ endpoint: server.url, ...LOCAL_AWS, maxAttempts: 1 });
  return { arn: (secrets[0] as { arn: string }).arn, client };
}

const secretValue = async (sm: SecretsManagerClient, arn: string, VersionStage?: string) =>
  (await sm.send(new GetSecretValueCommand({ SecretId: arn, ...(VersionStage ? { VersionStage } : {}) })))
    .SecretString;

describe('the local Secrets Manager', () => {
  test('has no AWSPREVIOUS version until a value is put, as a secret never rotated', async () => {
    const { arn, client: sm } = await start(join(tempDataDir(), 'secrets.json'));
    expect(await secretValue(sm, arn)).toMatch(/^[A-Za-z0-9]{64}$/);
    await expect(secretValue(sm, arn, 'AWSPREVIOUS')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  test('makes a put value AWSCURRENT and the one it replaced AWSPREVIOUS, and forgets the one before', async () => {
    const { arn, client: sm } = await start(join(tempDataDir(), 'secrets.json'));
    const first = await secretValue(sm, arn);
    await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'second'.padEnd(40, '2') }));
    expect(await secretValue(sm, arn)).toBe('second'.padEnd(40, '2'));
    expect(await secretValue(sm, arn, 'AWSPREVIOUS')).toBe(first);

    const put = await sm.send(
      new PutSecretValueCommand({ SecretId: arn, SecretString: 'third'.padEnd(40, '3') }),
    );
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect(await secretValue(sm, arn)).toBe('third'.padEnd(40, '3'));
    expect(await secretValue(sm, arn, 'AWSPREVIOUS')).toBe('second'.padEnd(40, '2'));
    const described = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    expect(Object.values(described.VersionIdsToStages ?? {}).sort()).toEqual([
      ['AWSCURRENT'],
      ['AWSPREVIOUS'],
    ]);
    expect(described.VersionIdsToStages?.[put.VersionId ?? '']).toEqual(['AWSCURRENT']);
  });

  test('takes a repeated put (the same ClientRequestToken) once', async () => {
    const { arn, client: sm } = await start(join(tempDataDir(), 'secrets.json'));
    const first = await secretValue(sm, arn);
    const request = {
      SecretId: arn,
      SecretString: 'again'.padEnd(40, 'a'),
      ClientRequestToken: 'a'.repeat(32),
    };
    await sm.send(new PutSecretValueCommand(request));
    await sm.send(new PutSecretValueCommand(request));
    expect(await secretValue(sm, arn, 'AWSPREVIOUS')).toBe(first);
  });

  test('keeps both versions across a restart, in a file only its owner can read', async () => {
    const file = join(tempDataDir(), 'secrets.json');
    const { arn, client: sm } = await start(file);
    const first = await secretValue(sm, arn);
    await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'kept'.padEnd(40, 'k') }));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('kept'.padEnd(40, 'k'));
    client?.destroy();
    await server?.close();

    const restarted = await start(file);
    expect(await secretValue(restarted.client, arn)).toBe('kept'.padEnd(40, 'k'));
    expect(await secretValue(restarted.client, arn, 'AWSPREVIOUS')).toBe(first);
  });
});
