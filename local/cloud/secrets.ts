// A local Secrets Manager for the template's AWS::SecretsManager::Secret resources: the values CloudFormation
// would generate (GenerateSecretString) or store (SecretString), kept in a 0600 file in the data directory and
// served through the Secrets Manager JSON 1.1 API (GetSecretValue, DescribeSecret, PutSecretValue), so
// handlers read them with the normal SDK client. Two versions are kept, AWSCURRENT and AWSPREVIOUS: putting a
// value moves AWSCURRENT to it and AWSPREVIOUS to the value it replaced, as Secrets Manager does; that is how
// a key is rotated (`pilotflow keys rotate`).
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
import { randomInt, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardHost } from '../host-check.ts';
import { readJsonFile, writeJsonFile } from './files.ts';
import type { Resolver } from './intrinsics.ts';

export interface GenerateSecretString {
  PasswordLength?: number;
  ExcludeCharacters?: string;
  ExcludeLowercase?: boolean;
  ExcludeUppercase?: boolean;
  ExcludeNumbers?: boolean;
  ExcludePunctuation?: boolean;
  IncludeSpace?: boolean;
  RequireEachIncludedType?: boolean;
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
}

/** One version of a secret's value. */
export interface SecretVersion {
  value: string;
  versionId: string;
  createdDate: number;
}

/** A secret as the server holds it: its AWSCURRENT version, and its AWSPREVIOUS one once it was replaced. */
export interface LocalSecret extends SecretVersion {
  logicalId: string;
  arn: string;
  name: string;
  description?: string;
  previous?: SecretVersion;
}

/** A secret in the data directory's secrets.json, by ARN. */
export interface StoredSecret extends SecretVersion {
  /** The template's definition the value was made from; a changed definition makes a new value. */
  source: string;
  previous?: SecretVersion;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A password as GetRandomPassword makes it (default 32 characters, one of each included type). */
export function generatePassword(options: GenerateSecretString = {}): string {
  const exclude = new Set(options.ExcludeCharacters ?? '');
  const keep = (chars: string) => [...chars].filter((c) => !exclude.has(c)).join('');
  const classes = [
    options.ExcludeLowercase ? '' : keep(LOWER),
    options.ExcludeUppercase ? '' : keep(UPPER),
    options.ExcludeNumbers ? '' : keep(DIGITS),
    options.ExcludePunctuation ? '' : keep(PUNCTUATION),
    options.IncludeSpace ? ' ' : '',
  ].filter(Boolean);
  const all = classes.join('');
  if (!all) throw new Error('GenerateSecretString excludes every character');
  const length = options.PasswordLength ?? 32;
  const pick = (chars: string) => chars[randomInt(chars.length)] as string;
  const chars = Array.from({ length }, () => pick(all));
  if (options.RequireEachIncludedType !== false && length >= classes.length) {
    const positions = new Set<number>();
    while (positions.size < classes.length) positions.add(randomInt(length));
    [...positions].forEach((position, i) => {
      chars[position] = pick(classes[i] as string);
    });
  }
  return chars.join('');
}

/** A new value as CloudFormation makes it from a GenerateSecretString. */
export function generateSecretValue(generate: GenerateSecretString): string {
  const password = generatePassword(generate);
  return generate.SecretStringTemplate && generate.GenerateStringKey
    ? JSON.stringify({ ...JSON.parse(generate.SecretStringTemplate), [generate.GenerateStringKey]: password })
    : password;
}

/** A new value for a stored secret made from its GenerateSecretString, for a rotation; none for a fixed value. */
export function newValueOf(stored: StoredSecret): string | undefined {
  const { g } = JSON.parse(stored.source) as { g?: GenerateSecretString };
  return g ? generateSecretValue(g) : undefined;
}

/** `stored` after a put of `value`: the new version is AWSCURRENT, the one it replaces AWSPREVIOUS. */
export function withNewVersion<T extends SecretVersion & { previous?: SecretVersion }>(
  stored: T,
  value: string,
  versionId: string,
  now: number,
): T {
  const { value: oldValue, versionId: oldVersionId, createdDate } = stored;
  return {
    ...stored,
    value,
    versionId,
    createdDate: now,
    previous: { value: oldValue, versionId: oldVersionId, createdDate },
  };
}

/** The secrets of a data directory's secrets.json (empty when no local cloud has run there). */
export function readStoredSecrets(file: string): Record<string, StoredSecret> {
  return readJsonFile<Record<string, StoredSecret>>(file, {});
}

/** Writes one secret's entry back to secrets.json (mode 0600), leaving the others as they are. */
export function storeSecret(file: string, arn: string, entry: StoredSecret): void {
  writeJsonFile(file, { ...readStoredSecrets(file), [arn]: entry }, 0o600);
}

/** A secret's name, from its ARN (without the six characters Secrets Manager appends). */
export function secretNameOf(arn: string): string {
  return arn.slice(arn.indexOf(':secret:') + 8).replace(/-[0-9a-zA-Z]{6}$/, '');
}

/**
 * The template's secrets with their values: kept from `file` when the definition has not changed,
 * generated otherwise (and written back, mode 0600). A changed definition's new value replaces the old one
 * as a put would: the old one becomes AWSPREVIOUS.
 */
export function loadSecrets(resolver: Resolver, file: string, now: number): LocalSecret[] {
  const stored = readStoredSecrets(file);
  const secrets = resolver.resourcesOfType('AWS::SecretsManager::Secret').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const identity = resolver.identity(logicalId);
    const source = JSON.stringify(
      resolver.resolve({ s: p.SecretString, g: p.GenerateSecretString }, logicalId),
    );
    let entry = stored[identity.ref];
    if (!entry || entry.source !== source) {
      const value =
        p.SecretString !== undefined
          ? resolver.resolveString(p.SecretString, `SecretString of ${logicalId}`)
          : generateSecretValue(
              (resolver.resolve(p.GenerateSecretString, `GenerateSecretString of ${logicalId}`) ??
                {}) as GenerateSecretString,
            );
      entry = entry
        ? { ...withNewVersion(entry, value, randomUUID(), now), source }
        : { value, versionId: randomUUID(), createdDate: now, source };
      stored[identity.ref] = entry;
    }
    return {
      logicalId,
      arn: identity.ref,
      name: secretNameOf(identity.ref),
      ...(typeof p.Description === 'string' ? { description: p.Description } : {}),
      versionId: entry.versionId,
      value: entry.value,
      createdDate: entry.createdDate,
      ...(entry.previous ? { previous: entry.previous } : {}),
    };
  });
  writeJsonFile(file, stored, 0o600);
  return secrets;
}

function findSecret(secrets: LocalSecret[], id: string): LocalSecret | undefined {
  // A SecretId is a name, a full ARN, or a partial ARN (without the six-character suffix).
  return secrets.find((s) => s.arn === id || s.name === id || s.arn.replace(/-[0-9a-zA-Z]{6}$/, '') === id);
}

export interface SecretsServerOptions {
  /** The data directory's secrets.json: a put is written there, so that it outlives a restart. */
  file?: string;
  /** The clock of new versions' CreatedDate (epoch ms). */
  now?: () => number;
}

type Reply = [status: number, body: unknown];

const failure = (type: string, message: string): Reply => [400, { __type: type, message, Message: message }];

/** One request of the Secrets Manager JSON 1.1 API, on `secrets` (changed in place by PutSecretValue). */
function serve(
  secrets: LocalSecret[],
  action: string,
  input: Record<string, unknown>,
  options: SecretsServerOptions,
): Reply {
  if (action !== 'GetSecretValue' && action !== 'DescribeSecret' && action !== 'PutSecretValue') {
    return failure('UnknownOperationException', `The local Secrets Manager does not support ${action}`);
  }
  if (typeof input.SecretId !== 'string') return failure('InvalidParameterException', 'SecretId is required');
  const secret = findSecret(secrets, input.SecretId);
  if (!secret)
    return failure('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  const versions: Array<[SecretVersion, 'AWSCURRENT' | 'AWSPREVIOUS']> = [[secret, 'AWSCURRENT']];
  if (secret.previous) versions.push([secret.previous, 'AWSPREVIOUS']);
  if (action === 'GetSecretValue') {
    const stage = input.VersionStage ?? (input.VersionId === undefined ? 'AWSCURRENT' : undefined);
    const found = versions.find(
      ([version, label]) =>
        (stage === undefined || label === stage) &&
        (input.VersionId === undefined || version.versionId === input.VersionId),
    );
    if (!found) {
      return failure(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${stage ? `staging label: ${String(stage)}` : `VersionId: ${String(input.VersionId)}`}`,
      );
    }
    const [version, label] = found;
    return [
      200,
      {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        SecretString: version.value,
        VersionStages: [label],
        CreatedDate: version.createdDate / 1000,
      },
    ];
  }
  if (action === 'DescribeSecret') {
    return [
      200,
      {
        ARN: secret.arn,
        Name: secret.name,
        ...(secret.description ? { Description: secret.description } : {}),
        CreatedDate: (secret.previous ?? secret).createdDate / 1000,
        LastChangedDate: secret.createdDate / 1000,
        VersionIdsToStages: Object.fromEntries(versions.map(([v, label]) => [v.versionId, [label]])),
      },
    ];
  }
  // PutSecretValue: a string value that becomes AWSCURRENT (no custom staging labels, no binary values).
  if (typeof input.SecretString !== 'string' || input.SecretString.length === 0) {
    return failure('InvalidParameterException', 'The local Secrets Manager takes a SecretString');
  }
  const stages = input.VersionStages;
  if (stages !== undefined && !(Array.isArray(stages) && stages.length === 1 && stages[0] === 'AWSCURRENT')) {
    return failure('InvalidParameterException', 'The local Secrets Manager moves only AWSCURRENT');
  }
  const versionId = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
  // The SDK sends a ClientRequestToken for idempotency: the same request again changes nothing.
  if (versionId !== secret.versionId || input.SecretString !== secret.value) {
    if (versions.some(([v]) => v.versionId === versionId)) {
      return failure('ResourceExistsException', `A version with the ClientRequestToken ${versionId} exists`);
    }
    Object.assign(
      secret,
      withNewVersion(secret, input.SecretString, versionId, options.now?.() ?? Date.now()),
    );
    if (options.file) {
      const stored = readStoredSecrets(options.file)[secret.arn];
      const { value, createdDate, previous } = secret;
      if (stored)
        storeSecret(options.file, secret.arn, { ...stored, value, versionId, createdDate, previous });
    }
  }
  return [
    200,
    { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] },
  ];
}

export class SecretsServer {
  readonly server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async listen(
    secrets: LocalSecret[],
    port: number,
    host = '127.0.0.1',
    options: SecretsServerOptions = {},
  ): Promise<SecretsServer> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let input: unknown;
        try {
          input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          input = undefined;
        }
        const action = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
        const reply =
          typeof input === 'object' && input !== null
            ? serve(secrets, action, input as Record<string, unknown>, options)
            : failure('SerializationException', 'Malformed request body');
        res.writeHead(reply[0], {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': randomUUID(),
        });
        res.end(JSON.stringify(reply[1]));
      });
    });
    guardHost(server, host);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return new SecretsServer(server, `http://${host}:${address.port}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
