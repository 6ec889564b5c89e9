// The data directory: made private, and held by this process alone (a lock file with its pid) until the stop.
import { makePrivateDir } from '../files.ts';
import { acquireLock } from '../lock.ts';
import type { Service } from './compose.ts';

export function openDataDir(dataDir: string): Service {
  makePrivateDir(dataDir);
  const release = acquireLock(dataDir);
  // Released on a normal stop, and also when the process exits without one.
  process.once('exit', release);
  return {
    stop() {
      release();
      process.off('exit', release);
    },
  };
}
