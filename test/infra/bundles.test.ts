// Every Lambda function's bundle, as the CDK app builds it (infra/bundle.ts, one pass, cached), stays under 1 MB
// (the two that render documents and the dashboard under their allowance, BUNDLE_ALLOWANCES).
// Two imports once grew every mail-sending bundle past it unnoticed (`import { z } from 'zod'` keeps all of zod;
// nodemailer bundled where it is never loaded): this catches the next one at test time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
