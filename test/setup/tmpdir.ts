// Vitest global setup: every temporary file or folder the tests make (synth outdirs, data directories, keys,
// the processes they start) goes under one folder for the run, removed when the run ends, instead of
// accumulating in the system's temporary directory (960 had piled up on the development machine).
// Workers and the processes they spawn inherit TMPDIR, which os.tmpdir() reads on every call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_TMP = 'PILOTFLOW_TEST_TMPDIR';

export default function setup() {
  // Each project runs its global setups; the first makes the folder and removes it at the end.
  if (process.env[RUN_TMP]) return;
  const dir = mkdtempSync(join(tmpdir(), 'pilotflow-test-'));
  process.env[RUN_TMP] = dir;
  process.env.TMPDIR = dir;
  return () => {
    // PILOTFLOW_KEEP_TEST_TMP=1 keeps them, to look into a failed test's data directory.
    if (process.env.PILOTFLOW_KEEP_TEST_TMP === '1') console.log(`test files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
