// One local cloud per data directory: a lock file holding the owner's pid. A second start on the same
// directory is refused with the owner's pid; a lock left by a process that no longer runs is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '#infra/process.ts';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  readonly pid: number;
  constructor(dataDir: string, pid: number) {
    super(
      `the data directory ${dataDir} is already in use by pid ${pid} (stop that local cloud first, or use --data-dir)`,
    );
    this.pid = pid;
  }
}

/** Takes the data directory's lock; returns the function that releases it. */
export function acquireLock(dataDir: string): () => void {
  const file = join(dataDir, 'pilotflow.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let pid = Number.NaN;
      try {
        pid = Number((JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid);
      } catch {
        // Unreadable: a crash while writing it. Treat it as stale.
      }
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) throw new DataDirInUseError(dataDir, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
