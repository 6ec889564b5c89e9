// The local Secrets Manager: the template's secrets, with values kept in <data-dir>/secrets.json (0600).
import { join } from 'node:path';
import type { ControlledClock } from '../../clock.ts';
import type { Resolver } from '../intrinsics.ts';
import { type LocalSecret, loadSecrets, SecretsServer } from '../secrets.ts';
import type { Service } from './compose.ts';

export interface SecretsService extends Service {
  url: string;
  secrets: LocalSecret[];
}

export async function startSecrets(options: {
  resolvers: Resolver[];
  dataDir: string;
  clock: ControlledClock;
  port: number;
  host: string;
}): Promise<SecretsService> {
  const { clock } = options;
  const file = join(options.dataDir, 'secrets.json');
  const secrets = options.resolvers.flatMap((resolver) => loadSecrets(resolver, file, clock.now()));
  const server = await SecretsServer.listen(secrets, options.port, options.host, {
    file,
    now: () => clock.now(),
  });
  return { url: server.url, secrets, stop: () => server.close() };
}
