#!/usr/bin/env node
// The `pilotflow` command. Plain JavaScript so that an older Node.js can still say what is wrong;
// through npm (npx pilotflow, npm start) it runs on the Node.js 24 that the project pins in devDependencies.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `pilotflow needs Node.js 24 and this is Node.js ${process.versions.node}. ` +
      'Run it through npm (`npx pilotflow …` or `npm start`), which uses the Node.js 24 installed by `npm ci`.',
  );
  process.exit(1);
}
// Node.js's compile cache, in the folder the local cloud's sandboxes use: loading the CLI and the local cloud's
// modules takes about 0.6 s of CPU with it and 0.9-1.0 s without, at every start (docs/benchmarks.md).
// NODE_COMPILE_CACHE names another folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off; a folder it cannot
// write leaves it off without an error.
const { enableCompileCache } = await import('node:module');
const { fileURLToPath } = await import('node:url');
enableCompileCache(
  process.env.NODE_COMPILE_CACHE ??
    fileURLToPath(new URL('../node_modules/.cache/pilotflow/compile/', import.meta.url)),
);
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
