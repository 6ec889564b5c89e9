// Every Lambda function's bundle, as the CDK app builds it (infra/bundle.ts, one pass, cached), stays under 1 MB
// (the two that render documents and the dashboard under their allowance, BUNDLE_ALLOWANCES).
// Two imports once grew every mail-sending bundle past it unnoticed (`import { z } from 'zod'` keeps all of zod;
// nodemailer bundled where it is never loaded): this catches the next one at test time. And none imports a Node
// built-in as an ES module, whose facade costs init time (infra/bundle.ts, builtinAliases). And none loads the
// X-Ray SDK where tracing is off (functions/lib/observability.ts): its async hook would slow every promise.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBundles, handlerEntries, maxBundleBytes } from '#infra/bundle.ts';
import { ROOT } from '#test/support/rehearsal.ts';

const HANDLERS = Object.keys(handlerEntries(ROOT));
const { dir } = functionBundles({ root: ROOT });
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Metafile;

describe('function bundles', () => {
  it.each(HANDLERS)('%s bundles under its limit (1 MB unless allowed more), without nodemailer', (fn) => {
    const output = Object.entries(meta.outputs).find(([path]) => path.endsWith(`/${fn}/index.mjs`))?.[1];
    expect(output?.bytes).toBeLessThan(maxBundleBytes(fn));
    expect(Object.keys(output?.inputs ?? {}).filter((i) => i.includes('node_modules/nodemailer/'))).toEqual(
      [],
    );
  });
});

/** What a bundle imports statically (`import … from "x"`, `import "x"`), as esbuild writes it minified. */
const staticImports = (code: string) =>
  [...code.matchAll(/(?:^|[;\n])import\s*(?:[^"';]*?from\s*)?"([^"]+)"/g)].map((m) => m[1]);

describe('function bundles at init', () => {
  it.each(HANDLERS)('%s imports no Node built-in as an ES module', (fn) => {
    const imports = staticImports(readFileSync(join(dir, fn, 'index.mjs'), 'utf8'));

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
 * load, not to run.
 */
function loadsXRay(fn: string, tracing: Record<string, string>): boolean {
  const url = pathToFileURL(join(dir, fn, 'index.mjs')).href;
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
        LAMBDA_TASK_ROOT: join(dir, fn),
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
  expect(run.stderr).toBe('');
  return run.stdout.trim() === 'true';
}

describe('function bundles and X-Ray', () => {
  it.each(['open-task', 'approval'])('%s loads the X-Ray SDK only where tracing is on', (fn) => {
    expect(loadsXRay(fn, { POWERTOOLS_TRACE_ENABLED: 'false' })).toBe(false);
    expect(loadsXRay(fn, {})).toBe(true);
  });
});
