// Every Lambda function's bundle, built with the options the CDK app gives NodejsFunction (infra/bundle.ts),
// stays under 1 MB. Two imports once grew every mail-sending bundle past it unnoticed (`import { z } from 'zod'`
// keeps all of zod; nodemailer bundled where it is never loaded): this catches the next one at test time.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleOptions, MAX_BUNDLE_BYTES } from '#infra/bundle.ts';
import { ROOT } from '#test/support/rehearsal.ts';

const HANDLERS = readdirSync(join(ROOT, 'functions/handlers'))
  .filter((f) => /\.tsx?$/.test(f))
  .map((f) => f.replace(/\.tsx?$/, ''));
const out = mkdtempSync(join(tmpdir(), 'pilotflow-bundles-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('function bundles', () => {
  it.each(HANDLERS)('%s bundles under 1 MB, without nodemailer', async (fn) => {
    const result = await esbuild.build(bundleOptions(ROOT, fn, join(out, fn, 'index.mjs')));
    const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint);
    expect(output?.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(Object.keys(output?.inputs ?? {}).filter((i) => i.includes('node_modules/nodemailer/'))).toEqual(
      [],
    );
  });
});
