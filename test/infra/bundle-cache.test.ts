// The one esbuild pass over all handlers and its cache (infra/bundle.ts): a synth with unchanged inputs bundles
// nothing, a changed source or lockfile bundles anew, parallel synths leave one whole build (a synth waits for a
// build the local cloud started beside it), and every function of the app gets an asset folder with its own
// bundle and the shared chunks it loads, which the local cloud finds and runs as `index.handler`.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUNDLE_HANDLER,
  BUNDLING,
  bundlesHash,
  functionBundles,
  prepareFunctionBundles,
} from '#infra/bundle.ts';
import { assetDir } from '#local/cloud/assembly.ts';
import type { CfnTemplate } from '#local/cloud/intrinsics.ts';
import { synthApp } from '#test/support/template.ts';

let root: string;
let cacheDir: string;

/** A project with three handlers, two sharing a module, and the files the cache hashes. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pilotflow-bundle-cache-'));
  const files: Record<string, string> = {
    'functions/handlers/greet.ts':
      "import { greeting } from '../lib/greeting.ts';\nexport const handler = async () => greeting;\n",
    'functions/handlers/ping.ts': "export const handler = async () => 'pong';\n",
    'functions/handlers/shout.ts':
      "import { greeting } from '../lib/greeting.ts';\nexport const handler = async () => greeting.toUpperCase();\n",
    'functions/lib/greeting.ts': "export const greeting = 'hello';\n",
    'package.json': '{ "type": "module" }\n',
    'package-lock.json': '{ "lockfileVersion": 3 }\n',
    'tsconfig.json': '{ "compilerOptions": {} }\n',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const build = () => functionBundles({ root, cacheDir });
const cached = () => readdirSync(cacheDir).sort();
const run = async (dir: string, fn: string) =>
  (
    (await import(`${pathToFileURL(join(dir, fn, 'index.mjs')).href}?t=${Date.now()}`)) as {
      handler: () => Promise<unknown>;
    }
  ).handler();

/** functionBundles in another process (as the CDK app calls it): the folder and whether it built. */
const child = () =>
  new Promise<{ dir: string; built: boolean }>((resolve, reject) => {
    const script =
      `import { functionBundles } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../infra/bundle.ts')).href)};` +
      'process.stdout.write(JSON.stringify(functionBundles({ root: process.argv[1], cacheDir: process.argv[2] })));';
    const p = spawn(process.execPath, ['--input-type=module', '-e', script, root, cacheDir]);
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    p.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    p.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}: ${err}`)),
    );
  });

beforeEach(() => {
  root = project();
  cacheDir = join(root, 'cache');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the bundle cache', () => {
  it('builds every handler into its own folder: its bundle, its map and the chunks it shares, nothing else', async () => {
    const { dir, built } = build();
    const chunks = readdirSync(join(dir, 'greet', 'chunks')).sort();
    const alone = join(root, 'elsewhere');
    cpSync(join(dir, 'shout'), alone, { recursive: true });

    expect(built).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['greet', 'meta.json', 'ping', 'shout']);
    expect(readdirSync(join(dir, 'ping')).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(readdirSync(join(dir, 'greet')).sort()).toEqual(['chunks', 'index.mjs', 'index.mjs.map']);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(`${chunks[0]}.map`);
    expect(readdirSync(join(dir, 'shout', 'chunks')).sort()).toEqual(chunks);
    expect(readFileSync(join(dir, 'greet', 'index.mjs'), 'utf8')).toMatch(
      /\/\/# sourceMappingURL=index\.mjs\.map\n?$/,
    );
    expect(await run(dir, 'greet')).toBe('hello');
    expect(await run(dir, 'ping')).toBe('pong');
    // A function's folder is all it needs: copied away from the build, it still runs.
    expect(await run(root, 'elsewhere')).toBe('HELLO');
  });

  it('makes no new bundles when built again with the same inputs', () => {
    const first = build();
    const written = statSync(join(first.dir, 'greet', 'index.mjs')).mtimeMs;

    const second = build();

    expect(second).toEqual({ dir: first.dir, built: false });
    expect(statSync(join(second.dir, 'greet', 'index.mjs')).mtimeMs).toBe(written);
    expect(cached()).toEqual([first.dir.slice(cacheDir.length + 1)]);
  });

  it('bundles anew when an imported source changes', async () => {
    const first = build();
    writeFileSync(join(root, 'functions/lib/greeting.ts'), "export const greeting = 'good morning';\n");

    const second = build();

    expect(second.built).toBe(true);
    expect(second.dir).not.toBe(first.dir);
    expect(await run(second.dir, 'greet')).toBe('good morning');
  });

  it('bundles anew when the lockfile or the packages left out change', () => {
    const first = build();
    writeFileSync(join(root, 'package-lock.json'), '{ "lockfileVersion": 3, "packages": {} }\n');
    const afterLock = build();
    const withoutExternals = functionBundles({ root, cacheDir, external: [] });

    expect(afterLock.built).toBe(true);
    expect(withoutExternals.built).toBe(true);
    expect(new Set([first.dir, afterLock.dir, withoutExternals.dir]).size).toBe(3);
  });

  it('leaves one whole build when several processes build the same inputs at once', async () => {
    const dirs = await Promise.all([child(), child(), child()]);

    const dir = dirs[0]?.dir ?? '';

    expect(new Set(dirs.map((d) => d.dir)).size).toBe(1);
    expect(cached()).toEqual([dir.slice(cacheDir.length + 1)]);
    expect(await run(dir, 'greet')).toBe('hello');
  });

  it('waits for a build another process has under way instead of bundling again', async () => {
    const preparing = prepareFunctionBundles({ root, cacheDir });
    const synth = child();

    const [prepared, waited] = await Promise.all([preparing, synth]);

    expect(prepared).toEqual({ dir: waited.dir, built: true });
    expect(waited.built).toBe(false);
    expect(cached()).toEqual([waited.dir.slice(cacheDir.length + 1)]);
    expect(await run(waited.dir, 'greet')).toBe('hello');
  });

  it('takes over a build lock left by a process that died, or older than any build, and builds', async () => {
    const lock = join(cacheDir, `.building-${bundlesHash(root, BUNDLING.external)}`);
    mkdirSync(cacheDir, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(lock, String(dead));
    const afterDeath = await child();
    rmSync(afterDeath.dir, { recursive: true });
    // This test's own process is alive: only the lock's age says it was left behind.
    writeFileSync(lock, String(process.pid));
    utimesSync(lock, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const afterReuse = await child();

    expect(afterDeath.built).toBe(true);
    expect(afterReuse).toEqual({ dir: afterDeath.dir, built: true });
  });

  it('gives a second build of the same inputs in one process the first one', async () => {
    const [first, second] = await Promise.all([
      prepareFunctionBundles({ root, cacheDir }),
      prepareFunctionBundles({ root, cacheDir }),
    ]);

    expect(first).toEqual({ dir: expect.any(String), built: true });
    expect(second).toEqual(first);
  });

  it('keeps the builds used last and removes older idle ones when it builds', () => {
    const hourAgo = (minutes: number) => new Date(Date.now() - (60 + minutes) * 60_000);
    for (const [i, name] of ['old-1', 'old-2', 'old-3', 'old-4', '.staging-1-dead'].entries()) {
      mkdirSync(join(cacheDir, name), { recursive: true });
      utimesSync(join(cacheDir, name), hourAgo(i), hourAgo(i));
    }

    const { dir } = build();

    expect(cached()).toEqual([dir.slice(cacheDir.length + 1), 'old-1', 'old-2'].sort());
  });

  it('refuses a handler that imports a project file the cache does not hash, and keeps nothing', () => {
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared/name.ts'), "export const name = 'outside';\n");
    writeFileSync(
      join(root, 'functions/handlers/outside.ts'),
      "import { name } from '../../shared/name.ts';\nexport const handler = async () => name;\n",
    );

    expect(build).toThrow(/shared\/name\.ts, outside what the bundle cache hashes/);
    expect(cached()).toEqual([]);
  });

  it('writes the maps as cdk synth deployed them, relative to cdk.out/asset.<hash> (or its chunks/)', () => {
    const { dir } = build();
    const sources = (file: string) =>
      (JSON.parse(readFileSync(join(dir, 'greet', file), 'utf8')) as { sources: string[] }).sources;
    const chunk = readdirSync(join(dir, 'greet', 'chunks')).find((f) => f.endsWith('.map')) as string;

    expect(sources('index.mjs.map')).toEqual(['../../functions/handlers/greet.ts']);
    expect(sources(join('chunks', chunk))).toEqual(['../../../functions/lib/greeting.ts']);
  });
});

describe("the app's functions", () => {
  it('each have an asset folder with their own index.mjs, map and chunks, run as index.handler', () => {
    const { app, stack } = synthApp({
      'aws:cdk:bundling-stacks': ['**'],
      'aws:cdk:enable-asset-metadata': true,
    });
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as CfnTemplate;
    const cloudStack = { stackName: stack.stackName, template, assemblyDir: assembly.directory };
    const functions = Object.values(template.Resources ?? {}).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    const { dir: bundles } = functionBundles({ root: join(import.meta.dirname, '../..') });

    expect(functions.length).toBeGreaterThanOrEqual(16);
    for (const fn of functions) {
      const folder = assetDir(cloudStack, fn.Metadata);
      const env = fn.Properties?.Environment as { Variables: Record<string, string> } | undefined;
      const name = env?.Variables.POWERTOOLS_SERVICE_NAME as string;
      const files = readdirSync(folder as string, { recursive: true, encoding: 'utf8' }).sort();
      expect(fn.Properties?.Handler).toBe(BUNDLE_HANDLER);
      expect(files).toEqual(readdirSync(join(bundles, name), { recursive: true, encoding: 'utf8' }).sort());
      expect(files).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map', 'chunks']));
      for (const file of files.filter((f) => f.endsWith('.mjs'))) {
        expect(readFileSync(join(folder as string, file))).toEqual(readFileSync(join(bundles, name, file)));
      }
    }
  });
});
