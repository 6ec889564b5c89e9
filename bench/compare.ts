// This checkout against another revision, side by side in one run (`npm run bench:compare -- --baseline <rev>`):
// the baseline is checked out into a worktree in the system's temporary folder (its own `npm ci` the first
// time; not under node_modules, where Node does not strip TypeScript's types), and the two are measured in
// turns — baseline, current, baseline, current… — so that the machine's load falls on both alike. Parts:
// `rehearse`, the sample rehearsal's wall and CPU time with the assembly cache warm (an unmeasured run first
// fills it); `start`, the first start of a fresh clone until the launch's first e-mail (a new data directory and
// no bundle cache, so the app is synthesised and every function bundled). Prints every run, the medians and current ÷ baseline,
// with the load average: on a shared machine it says as much as the code does.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAverage, median } from './figures.ts';

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string' },
    runs: { type: 'string', default: '3' },
    part: { type: 'string', multiple: true },
  },
});
if (!args.baseline) {
  console.error('usage: npm run bench:compare -- --baseline <rev> [--runs N] [--part rehearse|start]…');
  process.exit(2);
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const parts = args.part?.length ? args.part : ['rehearse', 'start'];
for (const part of parts) {
  if (part !== 'rehearse' && part !== 'start') {
    console.error(`--part ${part}: expected rehearse or start`);
    process.exit(2);
  }
}
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs ${args.runs}: expected a whole number of runs, at least 1`);
  process.exit(2);
}

function git(...gitArgs: string[]): string {
  const result = spawnSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** The baseline's checkout, made once per commit and kept for the next comparison. */
function baselineCheckout(rev: string): string {
  const sha = git('rev-parse', '--verify', `${rev}^{commit}`);
  const dir = join(tmpdir(), `pilotflow-baseline-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'package.json'))) {
    console.error(`checking out ${rev} (${sha.slice(0, 12)}) into ${dir}…`);
    mkdirSync(dir, { recursive: true });
    git('worktree', 'add', '--force', '--detach', dir, sha);
  }
  if (!existsSync(join(dir, 'node_modules/.package-lock.json'))) {
    console.error(`npm ci in the baseline (once)…`);
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
    if (ci.status !== 0) throw new Error(`npm ci in ${dir} failed`);
  }
  return dir;
}

interface Figure {
  /** Wall seconds. */
  seconds: number;
  /** CPU seconds (user + system) of the command and every process it waited for, DynamoDB Local's JVM too. */
  cpu?: number;
  /** First start: seconds until it printed that it was ready. */
  ready?: number;
}

/**
 * `pilotflow rehearse plans/sample.yaml --json` in a checkout: the wall time it reports, and the CPU time of its
 * process tree (bash's `times`, children's line), which a loaded machine distorts less than the wall time.
 */
function rehearse(dir: string): Figure {
  const result = spawnSync(
    'bash',
    [
      '-c',
      '"$@"; status=$?; times >&2; exit $status',
      'bash',
      process.execPath,
      join(dir, 'bin/pilotflow.js'),
      'rehearse',
      join(dir, 'plans/sample.yaml'),
      '--json',
    ],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    throw new Error(`rehearse in ${dir} exited ${result.status}:\n${result.stderr.slice(-4000)}`);
  }
  const children = result.stderr.trim().split('\n').at(-1) ?? '';
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (sum, m) => sum + Number(m[1]) * 60 + Number(m[2]),
    0,
  );
  return { seconds: (JSON.parse(result.stdout) as { wallSeconds: number }).wallSeconds, cpu };
}

/**
 * `pilotflow start` as on a fresh clone: a new data directory and no bundle cache (`node_modules/.cache/pilotflow`
 * removed first), so the app is synthesised and every function bundled. Measured until the plan's launch sent its
 * first e-mail (the first line of `<data-dir>/ses/emails.jsonl`); `ready` is when it printed that it was ready.
 */
function firstStart(dir: string): Promise<Figure> {
  rmSync(join(dir, 'node_modules/.cache/pilotflow'), { recursive: true, force: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-bench-compare-'));
  const mails = join(dataDir, 'ses/emails.jsonl');
  return new Promise<Figure>((done, fail) => {
    const began = performance.now();
    const child = spawn(
      'bash',
      [
        '-c',
        '"$@"; status=$?; times >&2; exit $status',
        'bash',
        process.execPath,
        join(dir, 'bin/pilotflow.js'),
        'start',
        '--data-dir',
        dataDir,
        '--port',
        '0',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let ready: number | undefined;
    let firstMail: number | undefined;
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready === undefined && output.includes('Press Ctrl-C')) ready = (performance.now() - began) / 1000;
    };
    let stopping = 0;
    const poll = setInterval(() => {
      if (firstMail === undefined && existsSync(mails) && statSync(mails).size > 0) {
        firstMail = (performance.now() - began) / 1000;
      }
      // Stopped once it is ready too (before, a Ctrl-C is not handled yet), with SIGINT to pilotflow itself
      // (bash waits for it and then reports the CPU time of the whole tree), again every 10 s until it exits.
      if (firstMail === undefined || ready === undefined || stopping++ % 100 !== 0) return;
      spawnSync('pkill', ['-INT', '-P', String(child.pid)]);
    }, 100);
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (firstMail === undefined) {
        fail(new Error(`start in ${dir} exited ${code} before its first e-mail:\n${output.slice(-4000)}`));
        return;
      }
      const children = output.trim().split('\n').at(-1) ?? '';
      const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
        (sum, m) => sum + Number(m[1]) * 60 + Number(m[2]),
        0,
      );
      done({ seconds: firstMail, cpu, ...(ready !== undefined ? { ready } : {}) });
    });
  }).finally(() => rmSync(dataDir, { recursive: true, force: true }));
}

const load = loadAverage;

const base = baselineCheckout(args.baseline);
const head = git('rev-parse', '--short=12', 'HEAD');
console.log(`machine: ${cpus().length} cores, load average ${load()} (1, 5, 15 min)`);
console.log(
  `baseline ${args.baseline} (${base}) against this checkout (${head}, with its uncommitted changes)`,
);
for (const part of parts) {
  const measure = part === 'rehearse' ? async (dir: string) => rehearse(dir) : firstStart;
  if (part === 'rehearse') {
    console.log('rehearse: one unmeasured run each first (fills the assembly cache)…');
    rehearse(base);
    rehearse(ROOT);
  }
  const figures: Record<'baseline' | 'current', Figure[]> = { baseline: [], current: [] };
  for (let i = 0; i < runs; i++) {
    for (const [name, dir] of [
      ['baseline', base],
      ['current', ROOT],
    ] as const) {
      const figure = await measure(dir);
      figures[name].push(figure);
      const cpu = figure.cpu === undefined ? '' : `, ${figure.cpu.toFixed(1)} s CPU`;
      const ready = figure.ready === undefined ? '' : ` (ready at ${figure.ready.toFixed(1)} s)`;
      console.log(
        `${part} run ${i + 1} ${name}: ${figure.seconds.toFixed(1)} s${ready}${cpu}; load ${load()}`,
      );
    }
  }
  const ratio = (of: (f: Figure) => number | undefined, label: string) => {
    const [b, c] = [figures.baseline, figures.current].map((fs) =>
      median(fs.map(of).filter((x): x is number => x !== undefined)),
    ) as [number, number];
    if (Number.isNaN(b) || Number.isNaN(c)) return;
    console.log(
      `${part} ${label}: median baseline ${b.toFixed(1)} s, current ${c.toFixed(1)} s, current/baseline ${(c / b).toFixed(2)} (${runs} runs each)`,
    );
  };
  ratio((f) => f.seconds, 'wall');
  ratio((f) => f.cpu, 'CPU');
}
