// A stop in the middle of work (issue 16, item 12): `pilotflow start` given SIGTERM, or Ctrl-C (SIGINT to its
// whole process group, as a terminal sends it), while the sample plan's launch is running ends the process,
// frees the data directory and leaves no process behind; the next start on the same data directory finishes
// the launch, with every e-mail an undisturbed launch sends. And the cause itself, on the fixture app: a stop
// ends the invocations running and waiting for a sandbox, and starts no sandbox after it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { processAlive } from '#infra/process.ts';
import type { Mail } from '#local/cloud/mailbox.ts';
import { mailCounter } from '#local/cloud/ses.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { ASSEMBLY_CACHE, basePort, startFixtureCloud, tempDataDir } from '#test/support/local-cloud.ts';
import { CLI, mailOf, ROOT } from '#test/support/rehearsal.ts';

/**
 * E-mails of the sample plan's launch left undisturbed: 12 notices, each pilot's own acknowledgement, and one
 * request per county department for its six (`pilotflow start` on a fresh data directory, counted in
 * ses/emails.jsonl once it stopped growing; the same with `--speed 0`). 42 before batching.
 */
const UNDISTURBED_LAUNCH_EMAILS = 22;
/**
 * How long a stopped process may take to end: a bound for "it ends", not a speed target. From the signal to the
 * exit, on the 2-core development machine at a load average of about 22: 1.5 s for SIGTERM in the middle of the
 * launch, 1.6 s for SIGINT to the process group, 1.9 s for SIGTERM at idle.
 */
const EXIT_BOUND_MS = 30_000;
/** Functions that send mail (OpenTask, SendNotice), each with up to 4 sandboxes, whose sends a stop can cut. */
const SENDS_IN_FLIGHT_PER_STOP = 2 * 4;

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Stopped {
  /** Null when it did not exit within EXIT_BOUND_MS (the group is then SIGKILLed). */
  code: number | null;
  stdout: string;
  stderr: string;
  lockLeft: boolean;
  /** Processes whose command line names the data directory (DynamoDB Local's JVM, a second CLI…). */
  processesLeft: string;
}

/**
 * The restarts' clock speed (virtual seconds per real second). A send cut by a stop leaves its lease
 * (LEASE_MS, 60 s of the cloud's clock: functions/store/once.ts), and the retries after the next start may send
 * only once it has run out. At speed 1 that was a minute in which nothing else happened (measured: the third
 * start ready after 33 s, its next e-mail at 89 s, all 22 by 98 s; the second start's next e-mail after 60.2 s
 * on a fresh clone, 2026-12-03, where the first stop had cut a send); at 10 it is 6 s. What else a faster clock
 * changes in those seconds, and why the assertions hold for the same reason as at speed 1:
 * - the retries (workflows/flow.ts: 2 s, 4 s… of the clock) come sooner, but each still waits up to 5 s of real
 *   time for a held lease (functions/domain/deps.ts sendOnce) and meets the leases left as before;
 * - the run's own leases last 6 s of real time: a send takes well under that, so they still keep a concurrent
 *   run from sending the same e-mail (and a duplicate would still be bounded below);
 * - no schedule falls due: the escalation and callback sweeps run hourly (6 min of real time at 10), the
 *   launch's tasks are due in days, the digest goes out at 09:00; an e-mail's time of day is left out of its key;
 * - a function's timeout is real time, not the clock (local/cloud/lambda.ts).
 */
const RESTART_SPEED = 10;

/**
 * `pilotflow start` on `dataDir` in its own process group, with the clock running as a user gets it (`speed` 1
 * unless told otherwise): a send cut by a stop leaves its lease, which the retry after the next start waits out
 * on the clock.
 */
async function start(dataDir: string, speed = 1): Promise<Run> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'start',
      '--data-dir',
      dataDir,
      '--port',
      String(await basePort()),
      '--assembly-dir',
      ASSEMBLY_CACHE,
      '--speed',
      String(speed),
    ],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
  });
  return run;
}

/** Resolves once `ready()` holds, polling every 25 ms; rejects if the run exits first or after `timeoutMs`. */
async function until(run: Run, what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 600_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await ready())) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) {
      throw new Error(`pilotflow start exited before ${what}:\n${run.stdout}\n${run.stderr}`);
    }
    if (performance.now() > deadline)
      throw new Error(`no ${what} within ${timeoutMs / 1000} s:\n${run.stdout}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sends `signal` (to the process, or to its whole group) and waits for the exit, at most EXIT_BOUND_MS. */
async function stop(run: Run, dataDir: string, signal: NodeJS.Signals, group: boolean): Promise<Stopped> {
  const pid = run.child.pid as number;
  process.kill(group ? -pid : pid, signal);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), EXIT_BOUND_MS);
  });
  const exit = await Promise.race([run.exited, bound]);
  clearTimeout(timer);
  if (!exit) {
    process.kill(-pid, 'SIGKILL');
    await run.exited;
  }
  return {
    code: exit ? exit.code : null,
    stdout: run.stdout,
    stderr: run.stderr,
    lockLeft: existsSync(join(dataDir, 'pilotflow.lock')),
    processesLeft: spawnSync('pgrep', ['-af', dataDir], { encoding: 'utf8' }).stdout.trim(),
  };
}

/** The statuses of every execution of the running cloud on `dataDir`, through its Step Functions API. */
async function executionStatuses(dataDir: string): Promise<string[]> {
  const { stepfunctions } = JSON.parse(readFileSync(join(dataDir, 'endpoints.json'), 'utf8')) as {
    stepfunctions: string;
  };
  const sfn = new SFNClient({ endpoint: stepfunctions, ...LOCAL_AWS });
  try {
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const statuses: string[] = [];
    for (const machine of stateMachines) {
      const { executions = [] } = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn, maxResults: 1000 }),
      );
      statuses.push(...executions.map((e) => String(e.status)));
    }
    return statuses;
  } finally {
    sfn.destroy();
  }
}

/**
 * The same message, sent again or not: the same recipients and subject, without the time of day (a task opened
 * again minutes later on the running clock is due minutes later).
 */
const keyOf = (mail: Mail) =>
  `${[...mail.to].sort().join(',')} | ${mail.subject.replace(/\d{1,2}:\d{2}/g, '')}`;

describe('a local cloud stopped in the middle of the launch', () => {
  const dataDir = tempDataDir();
  let mailsSent: () => number;
  let terminated: Stopped;
  let interrupted: Stopped;
  let finished: Stopped;
  let statuses: string[];
  let mails: Mail[];
  const runs: Run[] = [];

  beforeAll(async () => {
    mailsSent = mailCounter(dataDir);
    // 1. SIGTERM to the process as soon as it is running and the launch's first e-mail is out.
    const first = await start(dataDir);
    runs.push(first);
    await until(
      first,
      'the first launch e-mail',
      () => first.stdout.includes('Press Ctrl-C') && mailsSent() >= 1,
    );
    terminated = await stop(first, dataDir, 'SIGTERM', false);

    // 2. Ctrl-C (SIGINT to the process group: the CLI and DynamoDB Local's JVM at once) as soon as the resumed
    // launch sends its next e-mail (on a faster clock, RESTART_SPEED: a lease the first stop left runs out sooner).
    const before = mailsSent();
    const second = await start(dataDir, RESTART_SPEED);
    runs.push(second);
    await until(
      second,
      'a further launch e-mail',
      () => second.stdout.includes('Press Ctrl-C') && mailsSent() > before,
    );
    interrupted = await stop(second, dataDir, 'SIGINT', true);

    // 3. Left alone until the launch has sent as many different e-mails as an undisturbed one, then stopped; on
    // a faster clock, so that the leases the stops left run out sooner (RESTART_SPEED).
    const third = await start(dataDir, RESTART_SPEED);
    runs.push(third);
    let counted = 0;
    await until(third, `${UNDISTURBED_LAUNCH_EMAILS} different launch e-mails`, async () => {
      const sent = mailsSent();
      if (!third.stdout.includes('Press Ctrl-C') || sent < UNDISTURBED_LAUNCH_EMAILS || sent === counted) {
        return false;
      }
      counted = sent;
      return new Set((await mailOf(dataDir)).map(keyOf)).size >= UNDISTURBED_LAUNCH_EMAILS;
    });
    statuses = await executionStatuses(dataDir);
    finished = await stop(third, dataDir, 'SIGTERM', false);
    mails = await mailOf(dataDir);
  }, 1_800_000);

  afterAll(() => {
    for (const run of runs) {
      if (run.child.exitCode === null && run.child.signalCode === null)
        process.kill(-(run.child.pid as number), 'SIGKILL');
    }
  });

  test('SIGTERM ends the process within the bound, after a complete stop', () => {
    expect(terminated.stdout).toContain('SIGTERM: stopping…');
    expect(terminated.code).toBe(0);
    expect(terminated.stdout).toContain('stopped.');
    // The CLI's last guard (a process still held 10 s after its stop) did not have to act.
    expect(terminated.stderr).not.toContain('after the stop, held by');
  });

  test('Ctrl-C (SIGINT to the whole process group) goes the same way', () => {
    expect(interrupted.stdout).toContain('SIGINT: stopping…');
    expect(interrupted.code).toBe(0);
    expect(interrupted.stdout).toContain('stopped.');
    expect(interrupted.stderr).not.toContain('after the stop, held by');
  });

  test('each stop frees the data directory and leaves no process of its group', () => {
    for (const stopped of [terminated, interrupted, finished]) {
      expect(stopped.lockLeft).toBe(false);
      expect(stopped.processesLeft).toBe('');
    }
    expect(finished.code).toBe(0);
  });

  test('the next start finishes the launch: every e-mail of an undisturbed launch, and no other', () => {
    expect(new Set(mails.map(keyOf)).size).toBe(UNDISTURBED_LAUNCH_EMAILS);
    // At least once: a send that a stop cut between SES accepting it and its record is sent again.
    expect(mails.length - UNDISTURBED_LAUNCH_EMAILS).toBeLessThanOrEqual(2 * SENDS_IN_FLIGHT_PER_STOP);
  });

  test('no execution failed, timed out or was aborted because of a stop', () => {
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['RUNNING']));
  });
});

describe('a local cloud killed with SIGKILL, the CLI alone', () => {
  test('leaves DynamoDB Local running, and the next start on the data directory stops that JVM', async () => {
    const dataDir = tempDataDir();
    const first = await start(dataDir, 0);
    await until(first, 'the start', () => first.stdout.includes('Press Ctrl-C'));
    const jvm = Number(readFileSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'), 'utf8'));
    // No exit handler runs: the JVM outlives the CLI (what a crash or `kill -9` leaves).
    process.kill(first.child.pid as number, 'SIGKILL');
    await first.exited;
    expect(processAlive(jvm)).toBe(true);

    const second = await start(dataDir, 0);
    await until(second, 'the second start', () => second.stdout.includes('Press Ctrl-C'));
    expect(processAlive(jvm)).toBe(false);
    expect(`${second.stdout}${second.stderr}`).toContain(`DynamoDB Local: stopped pid ${jvm}`);
    const stopped = await stop(second, dataDir, 'SIGTERM', false);
    expect(stopped.processesLeft).toBe('');
    expect(existsSync(join(dataDir, 'dynamodb', 'dynamodb-local.pid'))).toBe(false);
  });
});

describe('a local cloud stopped while its functions run', () => {
  /** Threads of this process named as the function's sandboxes (a worker thread takes the function's name). */
  const sandboxThreads = (functionName: string) =>
    readdirSync('/proc/self/task').filter(
      (task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() === functionName.slice(0, 15),
    ).length;

  test('ends the invocation in flight and the one waiting for a sandbox with ServiceException, and leaves no sandbox', async () => {
    const dataDir = tempDataDir();
    const cloud = await startFixtureCloud({ dataDir, concurrency: 1 });
    const probe = cloud.lambda.find('Probe');
    if (!probe) throw new Error('the fixture app has no Probe function');
    const log = join(dataDir, 'logs', `${probe.name}.log`);
    let settled: Promise<PromiseSettledResult<unknown>[]>;
    try {
      // One sandbox: the first invocation runs in it, the second waits for it.
      settled = Promise.allSettled([
        cloud.invoke('Probe', { action: 'sleep', ms: 8_000 }),
        cloud.invoke('Probe', { action: 'sleep', ms: 8_000 }),
      ]);
      for (let i = 0; !(existsSync(log) && readFileSync(log, 'utf8').includes('START RequestId')); i++) {
        if (i > 2_400) throw new Error('the first invocation did not start within a minute');
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(sandboxThreads(probe.name)).toBe(1);
    } finally {
      await cloud.stop();
    }

    const [running, waiting] = await settled;
    expect(running).toMatchObject({ status: 'rejected', reason: { name: 'ServiceException' } });
    expect(waiting).toMatchObject({ status: 'rejected', reason: { name: 'ServiceException' } });
    expect(readFileSync(log, 'utf8')).toContain('the local cloud stopped during this invocation');
    expect(sandboxThreads(probe.name)).toBe(0);
  });
});
