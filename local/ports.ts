// Finds free TCP ports on the loopback interface for the local services.
//
// A port found free is bound only later (DynamoDB Local's JVM binds its own, seconds after), so two local clouds
// starting at once — parallel test files, a rehearsal beside `npm start` — could each find the same port free
// and the second to bind would fail with EADDRINUSE. So every port handed out is also claimed in a folder all
// these processes share (one file per port, naming the claiming process): a port another live process claimed in
// the last CLAIM_MS is not handed out again, free or not. A claim of a process that has ended, or an older one,
// no longer counts (by then the port is bound, or was never used).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '#infra/process.ts';

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux), so that neither the ports after it,
 * which a local cloud's other services take, nor it on a resume are handed out to outgoing connections
 * meanwhile (a port in that range, found free, can be taken by a connection before it is bound).
 */
export async function quietPort(): Promise<number> {
  for (;;) {
    const port = await freePort(20_000 + Math.floor(Math.random() * 10_000));
    if (port < 30_000) return port;
  }
}

/** How long a claim keeps a port from other processes: longer than any start-up takes to bind its ports. */
export const CLAIM_MS = 10 * 60_000;

/** The folder of claims (per user: the temporary folder may be shared). */
export function claimsDir(): string {
  return join(tmpdir(), `pilotflow-ports-${process.getuid?.() ?? 'user'}`);
}

/** Claims `port` for this process; false when another live process claimed it within CLAIM_MS. */
function claim(port: number): boolean {
  const dir = claimsDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, String(port));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, at: Date.now() }), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: { pid?: number; at?: number } = {};
    try {
      holder = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Being written by its claimer this very moment, or torn: treat as stale only when it stays so.
    }
    if (holder.pid === process.pid) {
      writeFileSync(file, JSON.stringify({ pid: process.pid, at: Date.now() }), { mode: 0o600 });
      return true;
    }
    const live =
      typeof holder.pid === 'number' &&
      typeof holder.at === 'number' &&
      processAlive(holder.pid) &&
      Date.now() - holder.at < CLAIM_MS;
    if (live) return false;
    if (holder.pid === undefined && attempt === 0) continue;
    rmSync(file, { force: true });
  }
  return false;
}

/**
 * Resolves to a port that was free a moment ago and that no other local cloud starting meanwhile is handed;
 * `preferred` is tried first when given.
 */
export async function freePort(preferred?: number, host = '127.0.0.1'): Promise<number> {
  if (preferred !== undefined && (await isFree(preferred, host)) && claim(preferred)) return preferred;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await anyFreePort(host);
    if (claim(port)) return port;
  }
  throw new Error(`no free port on ${host} that another local cloud has not claimed (see ${claimsDir()})`);
}

/**
 * Whether the port a user asked for (`--port`) is free: another process's claim does not count against a port
 * asked for by number (the claimer may be the one that chose it and handed it over); this process claims it.
 */
export async function takePort(port: number, host = '127.0.0.1'): Promise<boolean> {
  if (!(await isFree(port, host))) return false;
  mkdirSync(claimsDir(), { recursive: true, mode: 0o700 });
  writeFileSync(join(claimsDir(), String(port)), JSON.stringify({ pid: process.pid, at: Date.now() }), {
    mode: 0o600,
  });
  return true;
}

function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

async function isFree(port: number, host: string): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Returns `count` distinct free ports, starting from `first` when it is free. */
export async function freePorts(count: number, first?: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  let candidate = first;
  while (ports.length < count) {
    const port = await freePort(candidate, host);
    if (!ports.includes(port)) ports.push(port);
    candidate = candidate === undefined ? undefined : candidate + 1;
  }
  return ports;
}
