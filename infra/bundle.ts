// NodejsFunction's esbuild call for one handler, option by option (aws-cdk-lib/aws-lambda-nodejs bundling with
// BUNDLING from constructs/function.ts), for what measures the bundles outside a synth: `npm run bench:scale`
// and the bundle-size test.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { BUNDLING } from './constructs/function.ts';

/** Under this, a function deploys and starts comfortably (issue 10's target, checked by test/infra/bundles). */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

/** The esbuild options for `functions/handlers/<fn>.ts(x)` under `root`, written to `outfile`. */
export function bundleOptions(root: string, fn: string, outfile: string): BuildOptions {
  const entry = ['.tsx', '.ts']
    .map((ext) => join(root, 'functions/handlers', `${fn}${ext}`))
    .find((file) => existsSync(file));
  if (!entry) throw new Error(`no handler functions/handlers/${fn}.ts(x) under ${root}`);
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: BUNDLING.format === 'esm' ? 'esm' : 'cjs',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    external: BUNDLING.externalModules,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner },
    tsconfig: join(root, 'tsconfig.json'),
    absWorkingDir: root,
    outfile,
    metafile: true,
    logLevel: 'error',
  };
}
