// Small files of the data directory (clock, schedules, secrets, endpoints…), written atomically so that a
// crash never leaves half a file behind.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `file` through a temporary file and a rename, with `mode`. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  renameSync(temp, file);
}

export function writeJsonFile(file: string, value: unknown, mode = 0o644): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/** The parsed JSON of `file`, or `fallback` when it does not exist. */
export function readJsonFile<T>(file: string, fallback: T): T {
  if (!existsSync(file)) return fallback;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
