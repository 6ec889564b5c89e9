// The end-to-end half of `npm run bench:scale`: a generated programme of `pilots` pilots (functions/plan/
// generate.ts) rehearsed on a fresh local cloud by `pilotflow rehearse --json`, in its own process group, with
// the resident memory of every process in the group (the CLI with its Lambda worker threads, DynamoDB Local's
// JVM) sampled from /proc. Prints a status line every 30 s while it runs, and returns the figures.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { storedClockTime } from '#local/cloud/clock-state.ts';
import { temporaryRoot } from '#local/cloud/files.ts';
import { mailCounter } from '#local/cloud/ses.ts';
import type { RehearsalReport } from '#local/rehearsal/report.ts';
import { generatePlan } from '#plan/generate.ts';
import { loadAverage } from './figures.ts';

const BIN = fileURLToPath(new URL('../bin/pilotflow.js', import.meta.url));
const ASSEMBLY_CACHE = fileURLToPath(
  new URL('../node_modules/.cache/pilotflow/rehearsal-assemblies', import.meta.url),
);
const SAMPLE_EVERY_MS = 250;
const STATUS_EVERY_MS = 30_000;

export interface ScaleRehearsal {
  pilots: number;
  /** The command's own wall time, start-up included. */
  processSeconds: number;
  /** Of which synthesising and bundling the app (0 when the assembly cache had it). */
  synthSeconds: number;
  report: RehearsalReport;
  /** Peak of the group's summed resident memory, and each kind of process's own peak. */
  peakRssMb: number;
  peakRssMbByProcess: Record<string, number>;
  load: string;
}

const load = loadAverage;

/** Resident memory (MB) of every live process whose process group is `group`, by command name. */
function groupRss(group: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces, so the fields are read after its last ')'.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[2]) !== group) continue;
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (rss) byName.set(name, (byName.get(name) ?? 0) + Number(rss[1]) / 1024);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return byName;
}

/**
 * Rehearses a generated programme of `pilots` pilots; its plan and data directory go in a new folder under
 * `under`: by default where `pilotflow rehearse` puts a temporary data directory itself (temporaryRoot():
 * /dev/shm where there is one), so that the figure is the one a user gets; the system's temporary folder (a
 * disk here) adds DynamoDB Local's and the runtime's disk flushes. `keep` leaves them there (the functions'
 * logs, the mailbox, the audit trail) for a look afterwards.
 */
export async function rehearseAtScale(
  pilots: number,
  {
    under = temporaryRoot(),
    keep = false,
    log = console.log,
  }: { under?: string; keep?: boolean; log?: (line: string) => void } = {},
): Promise<ScaleRehearsal> {
  const work = mkdtempSync(join(under, 'pilotflow-bench-rehearse-'));
  const planFile = join(work, 'plan.yaml');
  writeFileSync(planFile, stringify(generatePlan({ pilots })));
  const dataDir = join(work, 'data');
  const began = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, 'rehearse', planFile, '--json', '--data-dir', dataDir, '--assembly-dir', ASSEMBLY_CACHE],
    // Its own process group, so that the sampler finds DynamoDB Local's JVM with the CLI.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const group = child.pid as number;
  // The rehearsal has its own process group, which Ctrl-C at the terminal does not reach: pass it on.
  const stop = (signal: NodeJS.Signals) => {
    try {
      process.kill(-group, 'SIGKILL');
    } finally {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let stdout = '';
  let stderrTail = '';
  let synthSeconds = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderrTail = (stderrTail + text).slice(-8_000);
    const synth = /synth: done in ([\d.]+)s/.exec(text);
    if (synth) synthSeconds = Number(synth[1]);
  });
  let peak = 0;
  const peakBy: Record<string, number> = {};
  const sampler = setInterval(() => {
    const byName = groupRss(group);
    let total = 0;
    for (const [name, mb] of byName) {
      total += mb;
      peakBy[name] = Math.max(peakBy[name] ?? 0, mb);
    }
    peak = Math.max(peak, total);
  }, SAMPLE_EVERY_MS);
  const mailsSent = mailCounter(dataDir);
  const status = setInterval(() => {
    const mails = mailsSent();
    // The local cloud's clock as it last stored it (every change, and every 5 s).
    const simulated = storedClockTime(dataDir);
    log(
      `  ${((performance.now() - began) / 1000).toFixed(0)} s: simulated ${simulated === undefined ? '(starting)' : new Date(simulated).toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
        `${mails} e-mails, peak memory ${peak.toFixed(0)} MB, load ${load()}`,
    );
  }, STATUS_EVERY_MS);
  try {
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    const processSeconds = (performance.now() - began) / 1000;
    if (code !== 0) {
      throw new Error(
        `pilotflow rehearse exited ${code} after ${processSeconds.toFixed(0)} s (data kept in ${dataDir}):\n${stderrTail}`,
      );
    }
    const report = JSON.parse(stdout) as RehearsalReport;
    if (keep) log(`  plan and data directory kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
    return {
      pilots,
      processSeconds,
      synthSeconds,
      report,
      peakRssMb: peak,
      peakRssMbByProcess: peakBy,
      load: load(),
    };
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    clearInterval(sampler);
    clearInterval(status);
    // Never leave the group behind, whatever happened to the bench itself.
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
