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
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
