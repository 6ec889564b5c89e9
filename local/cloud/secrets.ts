// A local Secrets Manager for the template's AWS::SecretsManager::Secret resources: the values CloudFormation
// would generate (GenerateSecretString) or store (SecretString), kept in a 0600 file in the data directory and
// served through the Secrets Manager JSON 1.1 API (GetSecretValue, DescribeSecret), so handlers read them with
// the normal SDK client.
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
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

export interface LocalSecret {
  logicalId: string;
  arn: string;
  name: string;
  description?: string;
  versionId: string;
  value: string;
  createdDate: number;
}

interface StoredSecret {
  value: string;
  versionId: string;
  createdDate: number;
  /** The template's definition the value was made from; a changed definition makes a new value. */
  source: string;
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

/**
 * The template's secrets with their values: kept from `file` when the definition has not changed,
 * generated otherwise (and written back, mode 0600).
 */
export function loadSecrets(resolver: Resolver, file: string, now: number): LocalSecret[] {
  const stored = readJsonFile<Record<string, StoredSecret>>(file, {});
  const secrets = resolver.resourcesOfType('AWS::SecretsManager::Secret').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const identity = resolver.identity(logicalId);
    const source = JSON.stringify(
      resolver.resolve({ s: p.SecretString, g: p.GenerateSecretString }, logicalId),
    );
    let entry = stored[identity.ref];
    if (!entry || entry.source !== source) {
      let value: string;
      if (p.SecretString !== undefined) {
        value = resolver.resolveString(p.SecretString, `SecretString of ${logicalId}`);
      } else {
        const generate = (resolver.resolve(p.GenerateSecretString, `GenerateSecretString of ${logicalId}`) ??
          {}) as GenerateSecretString;
        const password = generatePassword(generate);
        value =
          generate.SecretStringTemplate && generate.GenerateStringKey
            ? JSON.stringify({
                ...JSON.parse(generate.SecretStringTemplate),
                [generate.GenerateStringKey]: password,
              })
            : password;
      }
      entry = { value, versionId: randomUUID(), createdDate: now, source };
      stored[identity.ref] = entry;
    }
    const name = identity.ref.slice(identity.ref.indexOf(':secret:') + 8).replace(/-[0-9a-zA-Z]{6}$/, '');
    return {
      logicalId,
      arn: identity.ref,
      name,
      ...(typeof p.Description === 'string' ? { description: p.Description } : {}),
      versionId: entry.versionId,
      value: entry.value,
      createdDate: entry.createdDate,
    };
  });
  writeJsonFile(file, stored, 0o600);
  return secrets;
}

function findSecret(secrets: LocalSecret[], id: string): LocalSecret | undefined {
  // A SecretId is a name, a full ARN, or a partial ARN (without the six-character suffix).
  return secrets.find((s) => s.arn === id || s.name === id || s.arn.replace(/-[0-9a-zA-Z]{6}$/, '') === id);
}

export class SecretsServer {
  readonly server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async listen(secrets: LocalSecret[], port: number, host = '127.0.0.1'): Promise<SecretsServer> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const reply = (status: number, body: unknown) => {
          const text = JSON.stringify(body);
          res.writeHead(status, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-requestid': randomUUID(),
          });
          res.end(text);
        };
        const fail = (type: string, message: string) =>
          reply(400, { __type: type, message, Message: message });
        const action = String(req.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
        let input: { SecretId?: unknown; VersionStage?: unknown };
        try {
          input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          return fail('SerializationException', 'Malformed request body');
        }
        if (action !== 'GetSecretValue' && action !== 'DescribeSecret') {
          return fail('UnknownOperationException', `The local Secrets Manager does not support ${action}`);
        }
        if (typeof input.SecretId !== 'string')
          return fail('InvalidParameterException', 'SecretId is required');
        const secret = findSecret(secrets, input.SecretId);
        if (!secret)
          return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        const created = secret.createdDate / 1000;
        if (action === 'GetSecretValue') {
          return reply(200, {
            ARN: secret.arn,
            Name: secret.name,
            VersionId: secret.versionId,
            SecretString: secret.value,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: created,
          });
        }
        return reply(200, {
          ARN: secret.arn,
          Name: secret.name,
          ...(secret.description ? { Description: secret.description } : {}),
          CreatedDate: created,
          LastChangedDate: created,
          VersionIdsToStages: { [secret.versionId]: ['AWSCURRENT'] },
        });
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
