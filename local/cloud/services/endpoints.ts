// <data-dir>/endpoints.json (0600): the endpoints and the admin token, for scripts and other processes, there
// while the local cloud runs.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonFile } from '../files.ts';
import type { Service } from './compose.ts';

export function publishEndpoints(dataDir: string, endpoints: object): Service {
  const file = join(dataDir, 'endpoints.json');
  writeJsonFile(file, endpoints, 0o600);
  return { stop: () => rmSync(file, { force: true }) };
}
