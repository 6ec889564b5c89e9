// Every Lambda function's bundle, as the CDK app builds it (infra/bundle.ts, one pass with shared chunks, cached),
// loads under 1 MB of code at init (the two that render documents and the dashboard under their allowance,
// BUNDLE_ALLOWANCES). Two imports once grew every mail-sending bundle past it unnoticed (`import { z } from 'zod'`
// keeps all of zod; nodemailer bundled where it is never loaded): this catches the next one at test time. And none
// of a function's files imports a Node built-in as an ES module, whose facade costs init time (infra/bundle.ts,
// builtinAliases). And none loads the X-Ray SDK where tracing is off (functions/lib/observability.ts): its async
// hook would slow every promise.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBundles, functionOutputs, handlerEntries, maxBundleBytes } from '#infra/bundle.ts';
import { ROOT } from '#test/support/rehearsal.ts';

const HANDLERS = Object.keys(handlerEntries(ROOT));
const { dir } = functionBundles({ root: ROOT });
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Metafile;

const outputs = functionOutputs(meta);

describe('function bundles', () => {
  it.each(HANDLERS)(
    '%s loads under its limit at init (1 MB unless allowed more), without nodemailer',
    (fn) => {
      const output = outputs[fn];

      expect(output?.initBytes).toBeLessThan(maxBundleBytes(fn));
      expect(Object.keys(output?.inputs ?? {}).filter((i) => i.includes('node_modules/nodemailer/'))).toEqual(
        [],
      );
    },
  );

  it.each(HANDLERS)("%s's folder holds its entry and exactly the chunks it loads", (fn) => {
    const files = readdirSync(join(dir, fn), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.mjs'),
    );

    expect(files.sort()).toEqual(outputs[fn]?.files.map((f) => f.name).sort());
    expect(outputs[fn]?.files[0]?.name).toBe('index.mjs');
  });
});

/** What a bundle imports statically (`import … from "x"`, `import "x"`), as esbuild writes it minified. */
const staticImports = (code: string) =>
  [...code.matchAll(/(?:^|[;\n])import\s*(?:[^"';]*?from\s*)?"([^"]+)"/g)].map((m) => m[1]);

describe('function bundles at init', () => {
  it.each(HANDLERS)('%s imports no Node built-in as an ES module, in its entry or its chunks', (fn) => {
    const names = outputs[fn]?.files.map((f) => f.name) ?? [];
    const imports = names.flatMap((name) => staticImports(readFileSync(join(dir, fn, name), 'utf8')));

    expect(names.length).toBeGreaterThan(1);
    expect(imports.filter((i) => i?.startsWith('node:') || builtinModules.includes(i as string))).toEqual([]);
  });

  it('finds an ES module import of a built-in where there is one', () => {
    expect(
      staticImports('var a=1;import b from"node:http";import{c as d}from"fs";import"node:zlib";'),
    ).toEqual(['node:http', 'fs', 'node:zlib']);
  });
});

/**
 * Whether importing `fn`'s bundle in a Lambda-like environment loaded the X-Ray SDK: its cls-hooked namespace
 * store, `process.namespaces`, is created when the SDK loads. The configuration is what the function needs to
 * load, not to run. The function's folder is copied out of the project first, as Lambda has it: a package the
 * bundle left to Node's resolution would find no node_modules there.
 */
function loadsXRay(fn: string, tracing: Record<string, string>): boolean {
  const task = mkdtempSync(join(tmpdir(), 'pilotflow-task-'));
  cpSync(join(dir, fn), task, { recursive: true });
  const url = pathToFileURL(join(task, 'index.mjs')).href;
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(url)}); console.log('namespaces' in process);`,
    ],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        LAMBDA_TASK_ROOT: task,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_FUNCTION_NAME: fn,
        TABLE_NAME: 'pilotflow',
        MAIL_FROM: 'pilotflow@example.org',
        API_BASE_URL: 'https://pilotflow.example.org',
        LINK_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:links',
        ...tracing,
      },
    },
  );
  rmSync(task, { recursive: true, force: true });
  expect(run.stderr).toBe('');
  return run.stdout.trim() === 'true';
}

describe('function bundles and X-Ray', () => {
  it.each(['open-task', 'approval'])('%s loads the X-Ray SDK only where tracing is on', (fn) => {
    expect(loadsXRay(fn, { POWERTOOLS_TRACE_ENABLED: 'false' })).toBe(false);
    expect(loadsXRay(fn, {})).toBe(true);
  });
});

/**
 * Requires every function's bundle in one Lambda-like process: `require()` of an ES module graph with a top-level
 * await throws ERR_REQUIRE_ASYNC_MODULE (https://nodejs.org/api/modules.html#loading-ecmascript-modules-using-require),
 * so what each gives back says whether its graph is synchronous.
 */
function requireEach(fns: string[]): Record<string, string> {
  const script =
    'const out = {}; for (const [fn, file] of JSON.parse(process.argv[1])) {' +
    " try { require(file); out[fn] = 'ok'; } catch (e) { out[fn] = e.code ?? e.message; } }" +
    ' process.stdout.write(JSON.stringify(out));';
  const run = spawnSync(
    process.execPath,
    ['-e', script, JSON.stringify(fns.map((fn) => [fn, join(dir, fn, 'index.mjs')]))],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        TABLE_NAME: 'pilotflow',
        MAIL_FROM: 'pilotflow@example.org',
        API_BASE_URL: 'https://pilotflow.example.org',
        LINK_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:links',
        PROGRAMME_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:PilotFlow-Programme',
        AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
        AUTH_CLIENT_ID: 'client',
      },
    },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Record<string, string>;
}

describe('function bundles as module graphs', () => {
  // A top-level await (observability.ts once loaded the tracer with one) makes a module, and with shared chunks
  // every chunk that imports it, asynchronous; terminating a worker thread in the middle of evaluating such a
  // graph aborted the local cloud's process at Ctrl-C (a V8 check, 3 stops in 35; docs/local-cloud.md, "Stopping").
  it('every function loads synchronously: no top-level await in any of its modules', () => {
    expect(requireEach(HANDLERS)).toEqual(Object.fromEntries(HANDLERS.map((fn) => [fn, 'ok'])));
  });
});
