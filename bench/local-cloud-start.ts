// How long `pilotflow start` takes to be ready (`npm run bench:start`): the time from spawning the command to
// its "Press Ctrl-C" line, for a cold start (a new data directory: synth with bundling, a new DynamoDB Local
// store) and then for warm restarts on the same directory (the assembly reused), with the step times the
// command printed. `--app <file>` measures another CDK app; `--runs N` warm restarts (3).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, app: { type: 'string' } },
});
const BIN = fileURLToPath(new URL('../bin/pilotflow.js', import.meta.url));

interface Run {
  readyMs: number;
  steps: string[];
}

function start(dataDir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'start',
        '--data-dir',
        dataDir,
        '--port',
        '0',
        '--no-launch',
        ...(args.app ? ['--app', args.app] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const steps: string[] = [];
    let output = '';
    let readyMs: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) {
        if (/^\s*\d+\.\ds\s{2}/.test(line)) steps.push(line.trim());
        if (line.includes('Press Ctrl-C') && readyMs === undefined) {
          readyMs = performance.now() - began;
          child.kill('SIGINT');
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      if (readyMs === undefined)
        reject(new Error(`pilotflow start exited with ${code} before it was ready:\n${output}`));
      else if (code !== 0)
        reject(new Error(`pilotflow start did not stop cleanly (exit ${code}):\n${output}`));
      else resolve({ readyMs, steps });
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'pilotflow-bench-start-'));
try {
  const cold = await start(dataDir);
  console.log(
    `cold start (synth + bundling, new data directory): ready in ${(cold.readyMs / 1000).toFixed(1)} s`,
  );
  for (const step of cold.steps) console.log(`    ${step}`);
  const warm: number[] = [];
  for (let i = 0; i < Number(args.runs); i++) {
    const run = await start(dataDir);
    warm.push(run.readyMs);
    if (i === 0) for (const step of run.steps) console.log(`    ${step}`);
  }
  warm.sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)] as number;
  console.log(
    `warm restart (assembly reused), ${warm.length} runs: median ready in ${(median / 1000).toFixed(1)} s ` +
      `(min ${((warm[0] as number) / 1000).toFixed(1)} s, max ${((warm.at(-1) as number) / 1000).toFixed(1)} s)`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
