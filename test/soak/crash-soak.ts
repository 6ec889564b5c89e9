// The crash test over many seeds, several at once (`npm run soak:crash -- --runs 30 --parallel 3`): each run is
// `vitest run test/integration/crash.test.ts` with its own seed, so that the kills land at many moments and the
// machine is as loaded as CI's is (three crash tests on two cores). It prints each run's seed and result as it
// ends, then how many passed, with the load average; a failed run keeps its test folder (data directory, logs,
// mailbox) and its output for diagnosis. Not part of `npm test`: 30 runs take about half an hour.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, stripVTControlCharacters } from 'node:util';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    parallel: { type: 'string', default: '3' },
    kills: { type: 'string' },
    seeds: { type: 'string' },
  },
});
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const runs = Number(args.runs);
const parallel = Number(args.parallel);
const givenSeeds = args.seeds?.split(',').map(Number) ?? [];
const home = mkdtempSync(join(tmpdir(), 'pilotflow-crash-soak-'));

interface Outcome {
  seed: number;
  passed: boolean;
  seconds: number;
  detail: string;
  folder: string;
}

function runOnce(index: number): Promise<Outcome> {
  const seed = givenSeeds[index] ?? Math.floor(Math.random() * 2 ** 31);
  const folder = join(home, `run-${String(index + 1).padStart(2, '0')}-${seed}`);
  mkdirSync(folder);
  const began = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        VITEST,
        'run',
        'test/integration/crash.test.ts',
        // The default reporter too: a failed beforeAll's error (the rehearsal's stderr, with its differences)
        // is in its output only, not in the JSON report.
        '--reporter=default',
        '--reporter=json',
        `--outputFile=${folder}/report.json`,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TMPDIR: folder,
          PILOTFLOW_CRASH_SEED: String(seed),
          PILOTFLOW_KEEP_TEST_TMP: '1',
          ...(args.kills ? { PILOTFLOW_CRASH_KILLS: args.kills } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('close', (code) => {
      writeFileSync(join(folder, 'output.txt'), output);
      let detail = '';
      try {
        const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as {
          testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
        };
        detail = report.testResults
          .flatMap((f) => f.assertionResults)
          .filter((a) => a.status === 'failed')
          .map((a) => `${a.title}: ${(a.failureMessages[0] ?? '').split('\n')[0]}`)
          .join('; ');
        // A failed beforeAll (the rehearsal exited with an error) skips every test: its error is in the output.
        if (!detail && code !== 0) {
          detail = /(?:Error|error): .*/.exec(stripVTControlCharacters(output))?.[0] ?? `exit ${code}`;
        }
      } catch {
        detail = `no report (exit ${code})`;
      }
      const passed = code === 0;
      if (passed) rmSync(folder, { recursive: true, force: true });
      resolve({ seed, passed, seconds: Math.round((performance.now() - began) / 1000), detail, folder });
    });
  });
}

const outcomes: Outcome[] = [];
let next = 0;
const began = performance.now();
const loads: number[] = [];
const sampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 10_000);
console.error(`crash soak: ${runs} runs, ${parallel} at a time; failed runs are kept under ${home}`);
await Promise.all(
  Array.from({ length: Math.min(parallel, runs) }, async () => {
    while (next < runs) {
      const index = next++;
      const outcome = await runOnce(index);
      outcomes.push(outcome);
      console.error(
        `  run ${outcomes.length}/${runs}: seed ${outcome.seed} ${outcome.passed ? 'passed' : 'FAILED'} in ${outcome.seconds} s` +
          (outcome.passed ? '' : ` — ${outcome.detail} (kept in ${outcome.folder})`),
      );
    }
  }),
);
clearInterval(sampler);
const passed = outcomes.filter((o) => o.passed).length;
const meanLoad = loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : (loadavg()[0] ?? 0);
console.log(
  `crash soak: ${passed} of ${runs} passed, ${parallel} at a time, ${Math.round((performance.now() - began) / 60_000)} min, ` +
    `mean load average ${meanLoad.toFixed(1)}`,
);
for (const o of outcomes.filter((o) => !o.passed)) console.log(`  seed ${o.seed}: ${o.detail}`);
if (passed === runs) rmSync(home, { recursive: true, force: true });
process.exitCode = passed === runs ? 0 : 1;
