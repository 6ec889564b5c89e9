// `npm run bench:scale`, in two parts (`--part bundles|rehearsal`, both by default).
// Bundles: every Lambda entry is bundled in the one esbuild pass the CDK app makes (infra/bundle.ts), into a
// temporary folder (the app's cache is left alone); init is the time a fresh Node process takes to import
// the bundle (its entry, which loads its chunks), with the function's NODE_OPTIONS, median of `--runs` (5).
// Targets: < 1 MB of code loaded at init per function, < 150 ms init. `--baseline <git rev>` bundles that
// revision's functions/ too (same options, same run, runs interleaved) and prints both with their ratios. `--top N` lists each bundle's N largest packages (esbuild's metafile).
// Rehearsal: a generated programme of `--pilots` (1,000) pilots rehearsed end to end on the local cloud
// (bench/scale-rehearsal.ts): wall time, state transitions per second, peak memory. Its data directory
// goes where `pilotflow rehearse` puts a temporary one (/dev/shm where there is one); `--under <dir>` puts it
// there instead (e.g. the system's temporary folder, to see what a disk adds); `--keep` keeps it afterwards.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BUNDLE_FILE,
  buildBundles,
  functionOutputs,
  handlerEntries,
  MAX_BUNDLE_BYTES,
  maxBundleBytes,
} from '#infra/bundle.ts';
import { loadAverage, median } from './figures.ts';
import { rehearseAtScale } from './scale-rehearsal.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    baseline: { type: 'string' },
    top: { type: 'string', default: '0' },
    part: { type: 'string', default: 'all' },
    pilots: { type: 'string', default: '1000' },
    under: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
if (!['all', 'bundles', 'rehearsal'].includes(args.part)) {
  throw new Error(`--part must be bundles, rehearsal or all, not "${args.part}"`);
}
const RUNS = Number(args.runs);
const TOP = Number(args.top);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MAX_BYTES = MAX_BUNDLE_BYTES;
const MAX_INIT_MS = 150;

interface Variant {
  name: string;
  /** A checkout of functions/ with package.json (its `imports`) and tsconfig.json. */
  root: string;
  out: string;
}

interface Bundle {
  fn: string;
  file: string;
  bytes: number;
  /** Bytes in the output by package (or first-party folder), largest first. */
  parts: Array<[string, number]>;
  initMs: number[];
  cpuMs: number[];
}

/** The revision's sources in a temporary folder, resolving packages from this checkout's node_modules. */
function checkout(rev: string, into: string): string {
  const dir = join(into, 'src');
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('git', ['archive', rev, 'functions', 'package.json', 'tsconfig.json'], {
    cwd: ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (archive.status !== 0) throw new Error(`git archive ${rev}: ${archive.stderr.toString()}`);
  const tar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (tar.status !== 0) throw new Error(`tar: ${tar.stderr.toString()}`);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function partOf(input: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return pkg?.[1] ?? input.split('/').slice(0, 2).join('/');
}

/** Every handler of the variant, bundled in one pass as the CDK app does (infra/bundle.ts buildBundles). */
function bundleAll(variant: Variant): { bundles: Map<string, Bundle>; seconds: number } {
  const started = performance.now();
  const metafile = buildBundles(variant.root, variant.out);
  const seconds = (performance.now() - started) / 1000;
  const bundles = new Map<string, Bundle>();
  for (const [fn, output] of Object.entries(functionOutputs(metafile))) {
    const parts = new Map<string, number>();
    for (const [input, bytes] of Object.entries(output.inputs)) {
      parts.set(partOf(input), (parts.get(partOf(input)) ?? 0) + bytes);
    }
    bundles.set(fn, {
      fn,
      file: join(variant.out, fn, BUNDLE_FILE),
      // What maxBundleBytes limits: the code the function loads at init.
      bytes: output.initBytes,
      parts: [...parts].sort((a, b) => b[1] - a[1]),
      initMs: [],
      cpuMs: [],
    });
  }
  for (const fn of Object.keys(handlerEntries(variant.root))) {
    if (!bundles.has(fn)) throw new Error(`esbuild wrote no bundle for ${fn}`);
  }
  return { bundles: new Map([...bundles].sort(([a], [b]) => a.localeCompare(b))), seconds };
}

// Every variable any function requires at load (functions/lib/config.ts), with placeholder values: init only
// constructs clients, it calls nothing.
const FUNCTION_ENV = {
  TABLE_NAME: 'PilotFlow-Table',
  MAIL_FROM: 'PilotFlow <pilotflow@xx-county.example>',
  API_BASE_URL: 'https://api.xx-county.example',
  LINK_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:link-signing-key-AbCdEf',
  PROGRAMME_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:PilotFlow-Programme',
  AUTH_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
  AUTH_CLIENT_ID: 'bench-client',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'bench',
  NODE_OPTIONS: '--enable-source-maps',
};

// Wall time is what a cold start costs; CPU time (user + system) is printed beside it because on a shared,
// loaded machine the wall time mostly measures the wait for a core.
const IMPORT_TIMED =
  'const t = performance.now(); const c = process.cpuUsage(); await import(process.env.BENCH_BUNDLE); ' +
  'const d = process.cpuUsage(c); ' +
  'process.stdout.write(JSON.stringify({ wall: performance.now() - t, cpu: (d.user + d.system) / 1000 }));';

/** A fresh Node process imports the bundle, as a new Lambda execution environment does at init. */
function initOnce(b: Bundle): void {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_TIMED], {
    env: { PATH: process.env.PATH ?? '', ...FUNCTION_ENV, BENCH_BUNDLE: pathToFileURL(b.file).href },
    encoding: 'utf8',
  });
  // The end of stderr: the error, not the minified line of the bundle it points at.
  if (run.status !== 0) throw new Error(`importing ${b.fn} failed: ${run.stderr.slice(-1500)}`);
  const { wall, cpu } = JSON.parse(run.stdout) as { wall: number; cpu: number };
  b.initMs.push(wall);
  b.cpuMs.push(cpu);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const mark = (ok: boolean) => (ok ? 'ok' : 'OVER');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

if (args.part !== 'rehearsal') {
  const work = mkdtempSync(join(tmpdir(), 'pilotflow-bench-scale-'));
  try {
    const variants: Variant[] = [{ name: 'working tree', root: ROOT, out: join(work, 'current') }];
    if (args.baseline) {
      variants.unshift({
        name: `baseline ${args.baseline}`,
        root: checkout(args.baseline, join(work, 'baseline')),
        out: join(work, 'baseline', 'out'),
      });
    }
    const bundles = new Map<string, Map<string, Bundle>>();
    for (const variant of variants) {
      const { bundles: byFn, seconds } = bundleAll(variant);
      console.log(
        `${variant.name}: ${byFn.size} functions bundled in one esbuild pass in ${seconds.toFixed(1)} s`,
      );
      bundles.set(variant.name, byFn);
    }
    // Interleaved, so a burst of load on a shared machine falls on every variant and function alike.
    for (let run = 0; run < RUNS; run++) {
      for (const byFn of bundles.values()) for (const b of byFn.values()) initOnce(b);
    }

    console.log(
      `bench:scale — ${RUNS} cold imports per bundle, Node ${process.version}, targets < ${kb(MAX_BYTES)} and < ${MAX_INIT_MS} ms init\n`,
    );
    const current = bundles.get('working tree') as Map<string, Bundle>;
    const base = args.baseline ? bundles.get(`baseline ${args.baseline}`) : undefined;
    const header = base
      ? [
          'function',
          'size before',
          'size now',
          'ratio',
          'init before',
          'init now',
          'ratio',
          'cpu before',
          'cpu now',
        ]
      : ['function', 'size', 'init (median)', 'init (min–max)', 'cpu (median)'];
    const rows = [[...header, 'size', 'init']];
    for (const [fn, b] of current) {
      const init = median(b.initMs);
      const checks = [mark(b.bytes < maxBundleBytes(fn)), mark(init < MAX_INIT_MS)];
      const before = base?.get(fn);
      if (base) {
        const initBefore = before ? median(before.initMs) : Number.NaN;
        rows.push([
          fn,
          before ? kb(before.bytes) : '-',
          kb(b.bytes),
          before ? (b.bytes / before.bytes).toFixed(2) : '-',
          before ? ms(initBefore) : '-',
          ms(init),
          before ? (init / initBefore).toFixed(2) : '-',
          before ? ms(median(before.cpuMs)) : '-',
          ms(median(b.cpuMs)),
          ...checks,
        ]);
      } else {
        rows.push([
          fn,
          kb(b.bytes),
          ms(init),
          `${ms(Math.min(...b.initMs))}–${ms(Math.max(...b.initMs))}`,
          ms(median(b.cpuMs)),
          ...checks,
        ]);
      }
    }
    const all = [...current.values()];
    const totals = (pick: (b: Bundle) => number, from: Bundle[]) => median(from.map(pick));
    if (base) {
      const olds = [...base.values()];
      const sizeRatio = totals((b) => b.bytes, all) / totals((b) => b.bytes, olds);
      const initRatio = totals((b) => median(b.initMs), all) / totals((b) => median(b.initMs), olds);
      rows.push([
        'median',
        kb(totals((b) => b.bytes, olds)),
        kb(totals((b) => b.bytes, all)),
        sizeRatio.toFixed(2),
        ms(totals((b) => median(b.initMs), olds)),
        ms(totals((b) => median(b.initMs), all)),
        initRatio.toFixed(2),
        ms(totals((b) => median(b.cpuMs), olds)),
        ms(totals((b) => median(b.cpuMs), all)),
      ]);
    }
    console.log(table(rows));
    if (TOP > 0) {
      for (const [name, byFn] of bundles) {
        console.log(`\nlargest parts (${name}):`);
        for (const b of byFn.values()) {
          console.log(
            `  ${b.fn}: ${b.parts
              .slice(0, TOP)
              .map(([part, bytes]) => `${part} ${kb(bytes)}`)
              .join(', ')}`,
          );
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (args.part !== 'bundles') {
  const pilots = Number(args.pilots);
  console.log(
    `\nbench:scale — a generated programme of ${pilots} pilots rehearsed end to end (load ${loadAverage()})`,
  );
  const run = await rehearseAtScale(pilots, {
    keep: args.keep,
    ...(args.under ? { under: args.under } : {}),
  });
  const { report } = run;
  const accepted = report.pilots.filter((p) => p.outcome === 'accepted').length;
  console.log(
    table([
      ['pilots', String(pilots)],
      [
        'as the scenario expects',
        `${report.expected ? 'yes' : 'NO'} (${accepted}/${report.pilots.length} accepted)`,
      ],
      [
        'wall time',
        `${run.processSeconds.toFixed(0)} s, of which ${run.synthSeconds.toFixed(0)} s synthesising and bundling the app`,
      ],
      ['state transitions', String(report.transitions)],
      [
        'transitions per second',
        `${(report.transitions / (run.processSeconds - run.synthSeconds)).toFixed(1)} (the synth not counted)`,
      ],
      ['Lambda invocations', String(report.usage.lambdaInvocationsTotal)],
      ['DynamoDB requests', String(report.usage.dynamodbRequestsTotal)],
      ['decisions (through links)', String(report.decisions)],
      ['e-mails', String(report.emails)],
      ['simulated days', String(report.simulatedDays)],
      ['peak memory (sum of the group)', `${run.peakRssMb.toFixed(0)} MB`],
      ...Object.entries(run.peakRssMbByProcess).map(([name, mb]) => [
        // Node names its main thread's process MainThread; the Lambda sandboxes are worker threads inside it.
        `  peak of ${name === 'java' ? 'java (DynamoDB Local)' : name === 'MainThread' ? 'node (the CLI, runtime and Lambda workers)' : name}`,
        `${mb.toFixed(0)} MB`,
      ]),
      ['load average at the end', run.load],
    ]),
  );
  if (!report.expected) process.exitCode = 1;
}
