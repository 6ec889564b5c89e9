// `pilotflow stepfunctions` as a child process for the tests that need a real process (restart, CLI options):
// spawned with the Node.js running the tests, ready when it answers ListStateMachines.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ListStateMachinesCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { sfnClient } from './harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface RuntimeProcess {
  child: ChildProcess;
  sfn: SFNClient;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
}

/** Polls `probe` until it returns a truthy value; real time, with a generous deadline. */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  context: () => string = () => '',
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met in ${timeoutMs} ms (${String(last)})\n${context()}`);
}

export async function spawnRuntime(port: number, args: string[]): Promise<RuntimeProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/pilotflow.js'), 'stepfunctions', '--port', String(port), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const sfn = sfnClient(`http://127.0.0.1:${port}`);
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error('the runtime exited');
      return await sfn.send(new ListStateMachinesCommand({}));
    },
    () => output,
  );
  return { child, sfn, output: () => output };
}

/** Kills the runtime with SIGKILL, then starts the same command again on the same port and data. */
export async function killAndRestart(
  runtime: RuntimeProcess,
  port: number,
  args: string[],
): Promise<RuntimeProcess> {
  const killed = runtime.child;
  killed.kill('SIGKILL');
  await new Promise((r) => killed.once('exit', r));
  runtime.sfn.destroy();
  return await spawnRuntime(port, args);
}
