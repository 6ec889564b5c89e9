// `pilotflow start` as a user meets it: its help, the one sentence it prints when Java is missing, and what
// happens when the app cannot be synthesised.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { startLocalCloud } from '#local/cloud/index.ts';
import { tempDataDir } from '#test/support/local-cloud.ts';

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
