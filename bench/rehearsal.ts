// How long `pilotflow rehearse plans/sample.yaml --json` takes (`npm run bench:rehearse`): the command run
// `--runs N` times (3) in turn, each on a fresh temporary data directory with the assembly cache warm (an
// unmeasured run first bundles the app when the cache is empty), printing each run's wall time, the median and
// the machine's load average, which on a shared machine says as much about the figure as the code does.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAverage, median } from './figures.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, plan: { type: 'string' } },
});
const BIN = fileURLToPath(new URL('../bin/pilotflow.js', import.meta.url));
const CACHE = fileURLToPath(
  new URL('../node_modules/.cache/pilotflow/rehearsal-assemblies', import.meta.url),
);
const PLAN = args.plan ?? fileURLToPath(new URL('../plans/sample.yaml', import.meta.url));

interface Run {
  processSeconds: number;
  wallSeconds: number;
  simulatedDays: number;
  emails: number;
  decisions: number;
  accepted: number;
}

function rehearseOnce(): Run {
  const began = performance.now();
  const result = spawnSync(process.execPath, [BIN, 'rehearse', PLAN, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const processSeconds = (performance.now() - began) / 1000;
  if (result.status !== 0) {
    throw new Error(`pilotflow rehearse exited ${result.status}:\n${result.stderr.slice(-4000)}`);
  }
  const report = JSON.parse(result.stdout) as {
    wallSeconds: number;
    simulatedDays: number;
    emails: number;
    decisions: number;
    pilots: Array<{ outcome: string }>;
  };
  return {
    processSeconds,
    wallSeconds: report.wallSeconds,
    simulatedDays: report.simulatedDays,
    emails: report.emails,
    decisions: report.decisions,
    accepted: report.pilots.filter((p) => p.outcome === 'accepted').length,
  };
}

const load = loadAverage;

console.log(`machine: ${cpus().length} cores, load average ${load()} (1, 5, 15 min)`);
if (!existsSync(CACHE) || readdirSync(CACHE).length === 0) {
  console.log('warm-up run (the assembly cache is empty: it bundles the app; not counted)…');
  rehearseOnce();
}
const runs: Run[] = [];
for (let i = 0; i < Number(args.runs); i++) {
  const run = rehearseOnce();
  runs.push(run);
  console.log(
    `run ${i + 1}: ${run.wallSeconds.toFixed(1)} s reported (${run.processSeconds.toFixed(1)} s for the process), ` +
      `${run.simulatedDays} simulated days, ${run.emails} e-mails, ${run.decisions} decisions, ` +
      `${run.accepted}/6 accepted; load ${load()}`,
  );
}
console.log(
  `median: ${median(runs.map((r) => r.wallSeconds)).toFixed(1)} s reported, ` +
    `${median(runs.map((r) => r.processSeconds)).toFixed(1)} s for the process (${runs.length} runs)`,
);
