// DynamoDB Local (a JVM, data under <data-dir>/dynamodb), or a database of this cloud's own in a DynamoDB
// Local that is already running; and optionally the meter in front of it that counts the functions' and the
// runtime's requests by operation.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type JvmCompiler, LOCAL_AWS, type LocalAws, startDynamoDbLocal } from '../../dynamodb-local.ts';
import { freePort } from '../../ports.ts';
import { type DynamoDbMeter, startDynamoDbMeter } from '../dynamodb-meter.ts';
import type { Service } from './compose.ts';

/** A DynamoDB Local that is already running with `-dbPath dbPath` and without `-sharedDb`. */
export interface RunningDynamoDbLocal {
  endpoint: string;
  dbPath: string;
}

/** Where the cloud's tables are, and the credentials that reach them there. */
export interface CloudDynamoDb extends Service {
  endpoint: string;
  aws: LocalAws;
}

/** The cloud's database in `<data-dir>/dynamodb`, as DynamoDB Local names it with `-sharedDb`. */
const DATA_DIR_DB = 'shared-local-instance.db';

/**
 * Starts DynamoDB Local on `port`, or on another free port if something took that one while the JVM was
 * starting (it binds seconds after the port was found free). With `running`, starts no JVM: see databaseIn.
 */
export async function startDynamoDb(options: {
  port: number;
  dataDir: string;
  host: string;
  running?: RunningDynamoDbLocal;
  compiler?: JvmCompiler;
  log?: (line: string) => void;
}): Promise<CloudDynamoDb> {
  if (options.running) return databaseIn(options.running, options.dataDir);
  const dir = join(options.dataDir, 'dynamodb');
  let port = options.port;
  for (let attempt = 1; ; attempt++) {
    try {
      const dynamo = await startDynamoDbLocal({
        port,
        dataDir: dir,
        onSpawn,
        ...(options.compiler ? { compiler: options.compiler } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
      return { endpoint: dynamo.endpoint, aws: LOCAL_AWS, stop: () => dynamo.stop() };
    } catch (error) {
      if (attempt >= 3 || !/Address already in use|BindException/.test((error as Error).message)) throw error;
      port = await freePort(undefined, options.host);
    }
  }
}

/**
 * The cloud's tables in a DynamoDB Local that is already running, which keeps one database per access key
 * ("DynamoDB local usage notes", Amazon DynamoDB Developer Guide): the cloud takes an access key of its own
 * for this start (letters and digits only, as DynamoDB Local requires), its database is the data directory's
 * copied in under that key, and at stop it is copied back. So the data directory holds the same as with a
 * JVM of its own, and a restart (with or without `running`) continues from it; what the cloud wrote is in
 * the data directory only after stop. The key is never used again, so the JVM never sees a file it had open
 * replaced under it.
 */
export function databaseIn(running: RunningDynamoDbLocal, dataDir: string): CloudDynamoDb {
  const dir = join(dataDir, 'dynamodb');
  const accessKeyId = `pilotflow${randomBytes(8).toString('hex')}`;
  const aws: LocalAws = { region: LOCAL_AWS.region, credentials: { ...LOCAL_AWS.credentials, accessKeyId } };
  const database = join(running.dbPath, `${accessKeyId}_${aws.region}.db`);
  const own = join(dir, DATA_DIR_DB);
  if (existsSync(own)) copyFileSync(own, database);
  return {
    endpoint: running.endpoint,
    aws,
    stop() {
      if (!existsSync(database)) return;
      // Written beside and renamed: a stop that fails half-way leaves the data directory's previous database.
      mkdirSync(dir, { recursive: true });
      copyFileSync(database, `${own}.partial`);
      renameSync(`${own}.partial`, own);
      rmSync(database, { force: true });
    },
  };
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
