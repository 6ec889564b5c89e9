// Ports handed to local clouds starting at once: a port another live process has claimed is not handed out again
// even though nothing listens on it yet (the race that made a second cloud fail with EADDRINUSE); a claim of an
// ended process, or this process's own, does not keep a port.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CLAIM_MS, claimsDir, freePort, freePorts, takePort } from '#local/ports.ts';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill();
});

/** Another process, alive until the tests end. */
function otherProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function endedProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((done) => child.on('exit', done));
  return child.pid as number;
}

const claimAs = (port: number, pid: number, at = Date.now()) =>
  writeFileSync(join(claimsDir(), String(port)), JSON.stringify({ pid, at }));

describe('freePort', () => {
  test('does not hand out a free port that another live process claimed and has not bound yet', async () => {
    const port = await freePort();
    claimAs(port, otherProcess().pid as number);
    expect(await freePort(port)).not.toBe(port);
    const many = await freePorts(5, port);
    expect(many).not.toContain(port);
  });

  test('hands out a port whose claimer has ended, or whose claim is older than CLAIM_MS', async () => {
    const port = await freePort();
    claimAs(port, await endedProcess());
    expect(await freePort(port)).toBe(port);
    claimAs(port, otherProcess().pid as number, Date.now() - CLAIM_MS - 1);
    expect(await freePort(port)).toBe(port);
  });

  test('hands this process a port it claimed before (a restart on the same port)', async () => {
    const port = await freePort();
    expect(await freePort(port)).toBe(port);
  });

  test('a port asked for by number (--port) is taken when free, whoever claimed it (the one who handed it over)', async () => {
    const port = await freePort();
    claimAs(port, otherProcess().pid as number);
    expect(await takePort(port)).toBe(true);
    expect(await freePort(port)).toBe(port);
  });
});
