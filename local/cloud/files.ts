// Small files of the data directory (clock, schedules, secrets, endpoints…), written atomically so that a
// crash never leaves half a file behind, and readable by this user only: the data directory holds every
// signed link, the task tokens and the keys. And where a temporary data directory goes (temporaryRoot).
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';

const SHARED_MEMORY = '/dev/shm';

/**
 * Where temporary data goes: in memory (/dev/shm) where the machine has it, so that DynamoDB Local's SQLite
 * files, the runtime's database and the small state files are written to memory rather than to disk (12 % of
 * a rehearsal's time at 30 pilots, docs/benchmarks.md); the system's temporary folder otherwise.
 */
export function temporaryRoot(): string {
  try {
    accessSync(SHARED_MEMORY, constants.W_OK);
    return SHARED_MEMORY;
  } catch {
    return tmpdir();
  }
}

/**
 * Creates `dir` (and its missing parents) with mode 0700, and sets 0700 on it if it already existed (a data
 * directory made by an older version): a folder other users cannot enter keeps everything under it private,
 * the files other processes write there included (DynamoDB Local's, SQLite's, the bundler's).
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes `file` through a temporary file and a rename, with `mode`. */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  renameSync(temp, file);
}

export function writeJsonFile(file: string, value: unknown, mode = 0o600): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/** The parsed JSON of `file`, or `fallback` when it does not exist. */
export function readJsonFile<T>(file: string, fallback: T): T {
  if (!existsSync(file)) return fallback;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
