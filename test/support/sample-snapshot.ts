// The launched sample, made once per test run: the first file that asks launches the sample in a data
// directory of its own, stops that cloud cleanly and keeps the directory; every file then starts its own
// cloud from a copy of it. Isolation stays per file (each its own copy, ports and database in the run's
// DynamoDB Local, test/setup/dynamodb.ts); what is saved is the launch (six pilots' executions, their tasks and e-mails: most of a sample cloud's start).
//
// The copy is the stopped cloud's state, clock included (paused at the sample's start). The one thing in it
// bound to a port is the mail: each e-mailed link carries the API's origin, so a copy's mail is rewritten for
// the port its cloud will serve on. Only under vitest's run folder (test/setup/tmpdir.ts), which the run
// removes at its end: a snapshot never outlives the code that made it.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '#infra/process.ts';

/** A launched data directory, stopped, and the API origin its mail links carry. */
export interface Launched {
  dataDir: string;
  origin: string;
}

const MAIL = join('ses', 'emails.jsonl');

/** True when the run has its own folder, where a snapshot lives as long as the run. */
export function snapshotsEnabled(): boolean {
  return Boolean(process.env.PILOTFLOW_TEST_TMPDIR) && tmpdir() === process.env.PILOTFLOW_TEST_TMPDIR;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The snapshot's folder, made by `launch` when no file of this run has made it yet. Files running at once
 * (several workers) wait for the one that makes it; a maker that died leaves its claim to the next.
 */
async function snapshot(name: string, launch: () => Promise<Launched>): Promise<string> {
  const dir = join(tmpdir(), name);
  const claim = `${dir}.claim`;
  for (;;) {
    if (existsSync(join(dir, 'origin.json'))) return dir;
    try {
      mkdirSync(claim);
    } catch {
      const owner = Number(readFileSync(join(claim, 'pid'), { encoding: 'utf8', flag: 'a+' }));
      if (owner && !processAlive(owner)) rmSync(claim, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    writeFileSync(join(claim, 'pid'), String(process.pid));
    try {
      const made = await launch();
      writeFileSync(join(made.dataDir, 'origin.json'), JSON.stringify({ origin: made.origin }));
      renameSync(made.dataDir, dir);
      return dir;
    } finally {
      rmSync(claim, { recursive: true, force: true });
    }
  }
}

/**
 * A fresh copy of the launched sample in `dataDir`, its mail's links pointing at `origin` (the API the copy's
 * cloud will serve on).
 */
export async function copyOfLaunched(
  name: string,
  launch: () => Promise<Launched>,
  dataDir: string,
  origin: string,
): Promise<void> {
  const dir = await snapshot(name, launch);
  cpSync(dir, dataDir, { recursive: true });
  const stored = JSON.parse(readFileSync(join(dataDir, 'origin.json'), 'utf8')) as { origin: string };
  rmSync(join(dataDir, 'origin.json'));
  const mail = join(dataDir, MAIL);
  if (existsSync(mail)) {
    writeFileSync(mail, readFileSync(mail, 'utf8').replaceAll(`${stored.origin}/`, `${origin}/`));
  }
}
