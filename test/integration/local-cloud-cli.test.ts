// `pilotflow start` as a user meets it: its help, the one sentence it prints when Java is missing, the warning
// for a --host other machines can reach, what it leaves in its data directory, and what happens when the app
// cannot be synthesised.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { startLocalCloud } from '#local/cloud/index.ts';
import {
  ASSEMBLY_CACHE,
  basePort,
  FIXTURE_APP,
  FIXTURE_PLAN,
  tempDataDir,
} from '#test/support/local-cloud.ts';

const BROKEN_APP = fileURLToPath(new URL('../fixtures/broken-app/app.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/pilotflow.js', import.meta.url));

function pilotflow(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
}

describe('pilotflow start', () => {
  test('--help lists the options and the clock controls', () => {
    const result = pilotflow(['start', '--help']);
    expect(result.status).toBe(0);
    for (const option of ['--data-dir', '--port', '--clock', '--speed', '--plan', '--no-launch']) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toContain('/_local/clock');
  });

  test('without Java it says so in one sentence with the fix, and starts nothing', () => {
    const dataDir = tempDataDir();
    const result = pilotflow(['start', '--data-dir', dataDir, '--port', '0'], {
      ...process.env,
      PATH: dataDir,
    });
    expect(result.status).toBe(1);
    const message = result.stderr.trim();
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/needs Java 17 or newer.*install.*openjdk-17-jre-headless/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  test('warns that a --host other than a loopback address is reachable from other machines', () => {
    const dataDir = tempDataDir();
    const result = pilotflow(['start', '--data-dir', dataDir, '--port', '0', '--host', '0.0.0.0'], {
      ...process.env,
      PATH: dataDir,
    });
    expect(result.stderr).toMatch(/warning: --host 0\.0\.0\.0 is not a loopback address: other machines/);
    const quiet = pilotflow(['start', '--data-dir', dataDir, '--port', '0', '--host', 'localhost'], {
      ...process.env,
      PATH: dataDir,
    });
    expect(quiet.stderr).not.toContain('warning');
  });

  test('keeps everything it and its children write private to this user, DynamoDB Local’s files included', async () => {
    const dataDir = join(tempDataDir(), 'data');
    const args = ['start', '--data-dir', dataDir, '--port', String(await basePort()), '--speed', '0'];
    args.push('--app', FIXTURE_APP, '--assembly-dir', ASSEMBLY_CACHE, '--plan', FIXTURE_PLAN, '--no-launch');
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Press Ctrl-C')) resolve();
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('exit', () => reject(new Error(`pilotflow start exited:\n${output}`)));
    });
    try {
      const open: string[] = [];
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if ((statSync(path).mode & 0o077) !== 0) open.push(path);
          if (entry.isDirectory()) walk(path);
        }
      };
      walk(dataDir);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(dataDir, 'dynamodb'))).toContain('shared-local-instance.db');
      expect(open).toEqual([]);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  }, 120_000);
});

describe('startLocalCloud', () => {
  test('a CDK app that cannot be synthesised is reported with its error, and the data directory is released', async () => {
    const dataDir = tempDataDir();
    await expect(startLocalCloud({ dataDir, app: BROKEN_APP, port: 0, launch: false })).rejects.toThrow(
      /failed \(exit code 1\):[\s\S]*the broken fixture app cannot be built/,
    );
    expect(existsSync(join(dataDir, 'pilotflow.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'endpoints.json'))).toBe(false);
  });
});
