// DynamoDB Local (a JVM, data under <data-dir>/dynamodb), and optionally the meter in front of it that
// counts the functions' and the runtime's requests by operation.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../dynamodb-local.ts';
import { freePort } from '../../ports.ts';
import { type DynamoDbMeter, startDynamoDbMeter } from '../dynamodb-meter.ts';
import type { Service } from './compose.ts';

/**
 * Starts DynamoDB Local on `port`, or on another free port if something took that one while the JVM was
 * starting (it binds seconds after the port was found free).
 */
export async function startDynamoDb(options: {
  port: number;
  dataDir: string;
  host: string;
}): Promise<DynamoDbLocal & Service> {
  let port = options.port;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynamoDbLocal({ port, dataDir: join(options.dataDir, 'dynamodb'), onSpawn });
    } catch (error) {
      if (attempt >= 3 || !/Address already in use|BindException/.test((error as Error).message)) throw error;
      port = await freePort(undefined, options.host);
    }
  }
}

/**
 * If this process dies without stopping (a signal while starting, a crash, process.exit), the JVM must not
 * outlive it.
 */
function onSpawn(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}

export async function startMeter(target: string, host: string): Promise<DynamoDbMeter & Service> {
  const meter = await startDynamoDbMeter({ target, host });
  return Object.assign(meter, { stop: () => meter.close() });
}
