// How every Lambda function is bundled: one esbuild pass over all of functions/handlers/ with the code they share
// split into chunks, then each handler given its own folder (`<name>/index.mjs`, its map and the chunks it loads
// under `chunks/`), kept in a cache keyed by a hash of what can change the bundles, so a synth with unchanged
// sources bundles nothing. PilotFlowFunction deploys those folders; `npm run bench:scale` and the bundle tests
// measure the very same build.
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { processAlive } from './process.ts';

/** Under this, a function deploys and starts comfortably (issue 10's target, checked by test/infra/bundles). */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

/**
 * The functions that render documents carry the `docx` package (234 KB minified, measured with esbuild's
 * metafile) on top of a mail-sending function's ~850 KB: send-summary runs once per programme and documents on
 * an administrator's download, so their cold start matters little. The dashboard went to 1,110,684 bytes when it
 * took the browser sign-in (aws-jwt-verify, 17 KB, to check the ID token at the callback) and the plan's
 * problems in Chinese (the plan rules' messages, about 25 KB): an administrator's page, not an official's, and the
 * way back under 1 MB is the SDK's shared weight (@smithy/core 137 KB, nested credential clients 59 KB, X-Ray
 * 70 KB), which every function carries. Launching a plan from the dashboard took it to 1,248,465 bytes: the `yaml`
 * parser (about 100 KB, for the uploaded plan's problems with their lines) and the upload and preview pages; the
 * evidence files' signed downloads on the task page (the S3 client and its presigner) to 1,439,675 bytes. It is
 * the administrators' function and its cold start is theirs, but it now carries three jobs (pages, launching,
 * evidence): splitting it, or signing downloads in the small function that serves them, is the way back. Every
 * other function keeps the 1 MB.
 */
export const BUNDLE_ALLOWANCES: Readonly<Record<string, number>> = {
  'send-summary': 1.25 * 1024 * 1024,
  documents: 1.25 * 1024 * 1024,
  dashboard: 1.5 * 1024 * 1024,
};

/** The most a function's bundle may weigh. */
export const maxBundleBytes = (handler: string): number => BUNDLE_ALLOWANCES[handler] ?? MAX_BUNDLE_BYTES;

/** The esbuild options every function is bundled with (what NodejsFunction was given until one pass replaced it). */
export const BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  // Stack traces need the map's mappings, not a copy of every source file: without `sourcesContent` the maps
  // are a third of the size and Node parses them faster at init (docs/reliability.md, "Init time").
  sourcesContent: false,
  // Bundle the AWS SDK too: versions pinned by our lockfile, and the local cloud runs the same bytes. Only
  // nodemailer stays out (240 KB): functions/adapters/smtp.ts imports it on first use, which happens only with
  // -c mailTransport=smtp, and then the functions are bundled with it (`external: []`).
  external: ['nodemailer'] as string[],
  mainFields: ['module', 'main'],
  // The 16 functions share most of their code (the AWS SDK, Powertools, zod, functions/lib): bundled each on its
  // own, that code was minified and mapped 16 times, 2.5-3.4 s of a first synth's wall time on 2 cores; split
  // into shared chunks, once, 0.6-1.0 s (docs/benchmarks.md, "Shared chunks"). Each function's folder then
  // holds its entry and links to the chunks it loads, so what a function deploys is still only its own code.
  // The price is 6-9 ms more per cold start (more module files; docs/reliability.md).
  splitting: true,
  // Some dependencies are CommonJS and call require(); ESM bundles need it defined.
  banner: {
    js: "import { createRequire as __pfRequire } from 'node:module'; const require = __pfRequire(import.meta.url);",
  },
} satisfies esbuild.BuildOptions;

/** The packages left out of the bundles for a mail transport (`-c mailTransport`): with smtp, none. */
export const externalsFor = (mailTransport: unknown): string[] =>
  mailTransport === 'smtp' ? [] : BUNDLING.external;

/** The file of each function's code in its folder, and the template's Handler for it. */
export const BUNDLE_FILE = 'index.mjs';
export const BUNDLE_HANDLER = 'index.handler';
/** The folder of the shared chunks, in the build and in each function's folder (the entry imports `./chunks/…`). */
export const CHUNKS_DIR = 'chunks';

/**
 * What the bundles are made of, from the project root: the handlers and everything they import (functions/, the
 * `#` aliases of package.json, tsconfig.json) and the packages (the lockfile). buildBundles refuses a bundle that
 * read a project file outside these, so the cache cannot miss a change.
 */
export const BUNDLE_INPUTS = ['functions', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** A module exporting `handler`, what the template's `index.handler` names. */
const EXPORTS_HANDLER =
  /^export\s+(?:const|let|(?:async\s+)?function)\s+handler\b|^export\s*\{[^}]*\bhandler\b/m;

/**
 * The handlers, by name: every `functions/handlers/<name>.ts(x)` that exports `handler` (not the modules they
 * share, such as wiring.ts, which no function runs and bundling would only slow down).
 */
export function handlerEntries(root: string): Record<string, string> {
  const dir = join(root, 'functions/handlers');
  const entries: Record<string, string> = {};
  for (const file of readdirSync(dir).sort()) {
    const name = /^(.+)\.tsx?$/.exec(file)?.[1];
    const path = join(dir, file);
    if (name && statSync(path).isFile() && EXPORTS_HANDLER.test(readFileSync(path, 'utf8')))
      entries[name] = path;
  }
  return entries;
}

/**
 * Node's built-in modules, each imported through a CommonJS stand-in (`process.getBuiltinModule`) instead of an
 * `import … from 'node:http'`: Node builds an ES module facade for every built-in a bundle imports, reading each of
 * its exports, which loads what they lazily hold (node:http's reads load undici); that was about 40 of a
 * function's 180 ms of CPU at init. The bundle reads a built-in's properties when it uses them, as a require()
 * does; every import of a built-in in the bundles is a default or namespace import, or a constant's, so what they
 * see is the same. The stand-ins are generated under node_modules/.cache (not a hashed input: their text follows
 * from Node's list of built-ins, which the hash includes).
 */
function builtinAliases(root: string): Record<string, string> {
  const dir = join(root, 'node_modules/.cache/pilotflow/builtins');
  mkdirSync(dir, { recursive: true });
  const aliases: Record<string, string> = {};
  for (const name of builtinModules) {
    const id = name.startsWith('node:') ? name : `node:${name}`;
    const file = join(dir, `${id.slice('node:'.length).replaceAll('/', '__')}.cjs`);
    const text = `module.exports = process.getBuiltinModule(${JSON.stringify(id)});\n`;
    let written: string | undefined;
    try {
      written = readFileSync(file, 'utf8');
    } catch {
      written = undefined;
    }
    if (written !== text) {
      // Written aside and renamed: a build in another process may be reading it.
      const aside = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
      writeFileSync(aside, text);
      renameSync(aside, file);
    }
    aliases[id] = file;
    if (!name.startsWith('node:')) aliases[name] = file;
  }
  return aliases;
}

/**
 * One esbuild build of `entries` (all handlers by default) under `root` into `outdir/<name>.mjs`, the code two or
 * more of them share in `outdir/chunks/`; finishBuild then gives each its folder.
 */
export function buildOptions(
  root: string,
  outdir: string,
  external: string[] = BUNDLING.external,
  entries: Record<string, string> = handlerEntries(root),
): esbuild.BuildOptions {
  return {
    ...BUNDLING,
    external,
    alias: builtinAliases(root),
    entryPoints: entries,
    entryNames: '[name]',
    chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
    outExtension: { '.js': '.mjs' },
    outdir,
    tsconfig: join(root, 'tsconfig.json'),
    absWorkingDir: root,
    metafile: true,
    logLevel: 'error',
  };
}

/**
 * A source map's `sources` as `cdk synth` wrote them when NodejsFunction bundled into `cdk.out/asset.<hash>/`
 * (relative to that folder, or to its `chunks/` for a chunk's map), instead of relative to wherever this build
 * ran: the deployed maps, and with them the assets' hashes, do not depend on the cache's place.
 */
function relocateMap(file: string, root: string, outdir: string): void {
  const text = readFileSync(file, 'utf8');
  const map = JSON.parse(text) as { sources: string[] };
  const asDeployed = join(root, 'cdk.out', 'asset', relative(outdir, dirname(file)));
  const sources = map.sources.map((source) =>
    relative(asDeployed, resolve(dirname(file), source))
      .split(sep)
      .join('/'),
  );
  // esbuild writes the sources on one line, `"sources": ["a", "b"],`: only that line changes, so the rest of
  // the file stays byte for byte esbuild's (a rewritten whole would change every asset's hash once).
  const line = (list: string[]) => `"sources": [${list.map((s) => JSON.stringify(s)).join(', ')}],`;
  const at = text.indexOf(line(map.sources));
  writeFileSync(
    file,
    at < 0
      ? JSON.stringify({ ...map, sources })
      : text.slice(0, at) + line(sources) + text.slice(at + line(map.sources).length),
  );
}

/** The project files (not packages) a build read that lie outside BUNDLE_INPUTS. */
export function unhashedInputs(metafile: esbuild.Metafile, root: string): string[] {
  return Object.keys(metafile.inputs)
    .map((input) => relative(root, resolve(root, input)))
    .filter((input) => !input.split(sep).includes('node_modules'))
    .filter((input) => !BUNDLE_INPUTS.some((i) => input === i || input.startsWith(`${i}${sep}`)));
}

/** One file of a function's code (maps aside). */
export interface FunctionFile {
  /** Its path in the function's folder: `index.mjs`, `chunks/<chunk>.mjs`, or a module it imports lazily. */
  name: string;
  /** Its path in esbuild's metafile (relative to the folder the build ran in). */
  output: string;
  bytes: number;
  /** Loaded when the function starts (imported statically), not on first use (`import()`). */
  atInit: boolean;
}

/** A function's part of a build: the files its folder holds and what went into them. */
export interface FunctionOutput {
  /** Its entry first, then every file the entry loads, at init or later (`import()`). */
  files: FunctionFile[];
  /** The bytes of code in all of them: what the function deploys and may load. */
  bytes: number;
  /**
   * The bytes of code it loads at init: what a cold start reads and parses (and what a bundle of one file, which
   * holds its lazily imported modules too, weighed whole). maxBundleBytes limits this.
   */
  initBytes: number;
  /** Each input's bytes in those files (esbuild's `bytesInOutput`). */
  inputs: Record<string, number>;
}

/**
 * Each function of a build (from its metafile), by handler name. A module imported with `import()` is an entry
 * point of its own in a split build, written with the chunks: the handlers' are those outside `chunks/`.
 */
export function functionOutputs(metafile: esbuild.Metafile): Record<string, FunctionOutput> {
  const functions: Record<string, FunctionOutput> = {};
  for (const [entry, output] of Object.entries(metafile.outputs)) {
    if (!output.entryPoint || !entry.endsWith('.mjs') || basename(dirname(entry)) === CHUNKS_DIR) continue;
    const files: FunctionFile[] = [];
    const visit = (path: string, atInit: boolean) => {
      const out = metafile.outputs[path];
      const seen = files.find((f) => f.output === path);
      if (!out || (seen && (seen.atInit || !atInit))) return;
      if (seen) seen.atInit = true;
      else {
        const name = path === entry ? BUNDLE_FILE : relative(dirname(entry), path).split(sep).join('/');
        if (name === BUNDLE_FILE && path !== entry) throw new Error(`${path} would overwrite ${entry}`);
        files.push({ name, output: path, bytes: out.bytes, atInit });
      }
      for (const i of out.imports) if (!i.external) visit(i.path, atInit && i.kind !== 'dynamic-import');
    };
    visit(entry, true);
    const inputs: Record<string, number> = {};
    for (const file of files) {
      for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file.output]?.inputs ?? {})) {
        inputs[input] = (inputs[input] ?? 0) + bytesInOutput;
      }
    }
    const sum = (list: FunctionFile[]) => list.reduce((total, f) => total + f.bytes, 0);
    functions[basename(entry, '.mjs')] = {
      files,
      bytes: sum(files),
      initBytes: sum(files.filter((f) => f.atInit)),
      inputs,
    };
  }
  return functions;
}

/** A file put in a function's folder: a hard link to the build's (no copy of the bytes), or a copy where none can be. */
function place(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * A function's folder of a finished build put into `to` (CDK's bundling output) as hard links where the file
 * system allows: a build is never written again once published, and linking the 20 folders of chunks and maps
 * instead of copying them took a synth from about 4.0 to 3.1 s (docs/benchmarks.md, "Shared chunks").
 */
export function placeFunction(build: string, handler: string, to: string): void {
  const from = join(build, handler);
  for (const name of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) mkdirSync(join(to, name), { recursive: true });
    else {
      mkdirSync(dirname(join(to, name)), { recursive: true });
      place(source, join(to, name));
    }
  }
}

/**
 * Checks a build's inputs, rewrites its maps as deployed and gives each function its folder in `outdir`: its entry
 * as `index.mjs` (pointing at its map by that name) and the chunks it loads under `chunks/`. What esbuild wrote
 * at the top of `outdir` is removed, so the folders and the metafile are all a build holds.
 */
function finishBuild(metafile: esbuild.Metafile | undefined, root: string, outdir: string): esbuild.Metafile {
  if (!metafile) throw new Error('esbuild wrote no metafile');
  const outside = unhashedInputs(metafile, root);
  if (outside.length) {
    throw new Error(
      `the functions import ${outside.join(', ')}, outside what the bundle cache hashes (BUNDLE_INPUTS in ` +
        'infra/bundle.ts): add its folder there, or a change to it would not rebuild the bundles',
    );
  }
  for (const output of Object.keys(metafile.outputs)) {
    if (output.endsWith('.map')) relocateMap(resolve(root, output), root, outdir);
  }
  for (const [name, fn] of Object.entries(functionOutputs(metafile))) {
    if (name === CHUNKS_DIR)
      throw new Error(`a handler may not be named "${CHUNKS_DIR}": the chunks' folder is`);
    for (const file of fn.files) {
      const from = resolve(root, file.output);
      const to = join(outdir, name, file.name);
      mkdirSync(dirname(to), { recursive: true });
      if (file.name === BUNDLE_FILE) {
        // esbuild ends the entry with `//# sourceMappingURL=<name>.mjs.map`: the map goes by the entry's new name.
        const text = readFileSync(from, 'utf8');
        const url = `//# sourceMappingURL=${basename(from)}.map`;
        const at = text.lastIndexOf(url);
        if (at < 0) throw new Error(`esbuild wrote no source map URL in ${from}`);
        writeFileSync(
          to,
          `${text.slice(0, at)}//# sourceMappingURL=${BUNDLE_FILE}.map${text.slice(at + url.length)}`,
        );
      } else {
        place(from, to);
      }
      if (existsSync(`${from}.map`)) place(`${from}.map`, `${to}.map`);
    }
  }
  for (const output of Object.keys(metafile.outputs)) rmSync(resolve(root, output), { force: true });
  rmSync(join(outdir, CHUNKS_DIR), { recursive: true, force: true });
  return metafile;
}

/** Bundles every handler into `outdir` (one pass), a folder each, with maps as deployed; returns esbuild's metafile. */
export function buildBundles(
  root: string,
  outdir: string,
  external: string[] = BUNDLING.external,
): esbuild.Metafile {
  return finishBuild(esbuild.buildSync(buildOptions(root, outdir, external)).metafile, root, outdir);
}

/** A hash of everything that can change the bundles: the options, esbuild's version, BUNDLE_INPUTS' files. */
export function bundlesHash(root: string, external: string[]): string {
  const hash = createHash('sha256').update(
    JSON.stringify({
      options: { ...BUNDLING, external },
      file: BUNDLE_FILE,
      esbuild: esbuild.version,
      builtins: builtinModules,
      entries: Object.keys(handlerEntries(root)),
    }),
  );
  // This file too: how the bundles are built and their maps rewritten.
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') visit(join(path, entry));
    } else if (stat.isFile()) {
      hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const input of BUNDLE_INPUTS) visit(join(root, input));
  return hash.digest('hex').slice(0, 20);
}

export interface FunctionBundles {
  /** The folder with `<handler>/` for every handler (index.mjs, chunks/, their maps), and esbuild's `meta.json`. */
  dir: string;
  /** False when an earlier build with the same inputs was reused. */
  built: boolean;
}

export interface FunctionBundlesOptions {
  /** The project root (functions/, package.json, the lockfile, tsconfig.json). */
  root: string;
  /** Where the builds are kept: `<cacheDir>/<hash>/`. Default `<root>/node_modules/.cache/pilotflow/bundles`. */
  cacheDir?: string;
  /** Packages left out of the bundles (BUNDLING's by default). */
  external?: string[];
}

/** Builds kept besides the one in use; older ones go once nobody has used them for a while. */
const KEEP_BUILDS = 3;
const IDLE_MS = 10 * 60_000;

interface Build {
  cacheDir: string;
  dir: string;
  /** The lock file a process holds while it builds `dir` (its pid inside). */
  lock: string;
  staging: string;
}

function planBuild(options: FunctionBundlesOptions): Build & { root: string; external: string[] } {
  const root = options.root;
  const cacheDir = options.cacheDir ?? join(root, 'node_modules/.cache/pilotflow/bundles');
  const external = options.external ?? BUNDLING.external;
  const hash = bundlesHash(root, external);
  return {
    root,
    external,
    cacheDir,
    dir: join(cacheDir, hash),
    lock: join(cacheDir, `.building-${hash}`),
    staging: join(cacheDir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`),
  };
}

/** Marks a finished build used (so that another process's pruning keeps it); false if there is none. */
function touch(dir: string): boolean {
  try {
    const now = new Date();
    utimesSync(dir, now, now);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return false;
  }
}

/** Takes the build's lock, or says which live process holds it (a dead holder's lock is taken over). */
function tryLock(build: Build): { held: true } | { held: false; owner: number } {
  mkdirSync(build.cacheDir, { recursive: true });
  for (;;) {
    try {
      writeFileSync(build.lock, String(process.pid), { flag: 'wx' });
      return { held: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: number;
      let since: number;
      try {
        owner = Number(readFileSync(build.lock, 'utf8').trim());
        since = statSync(build.lock).mtimeMs;
      } catch (error) {
        // Released between the two calls: try again.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      // A build takes seconds: a lock far older is a dead builder's whose pid was reused.
      const fresh = Date.now() - since < IDLE_MS;
      if (owner > 0 && owner !== process.pid && fresh && processAlive(owner)) return { held: false, owner };
      rmSync(build.lock, { force: true });
    }
  }
}

/** Moves a finished staging folder into place (if two built the same hash, the first rename wins). */
function publish(build: Build, metafile: esbuild.Metafile): void {
  writeFileSync(join(build.staging, 'meta.json'), JSON.stringify(metafile));
  try {
    renameSync(build.staging, build.dir);
  } catch (error) {
    if (!existsSync(build.dir)) throw error;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Every handler's bundle, built once per set of inputs: reuses `<cacheDir>/<hash>` if there; if another process
 * is building it (prepareFunctionBundles, started by the local cloud beside the synth), waits for that build;
 * otherwise builds into a staging folder and renames it into place, so parallel synths (test files) never see
 * half a build.
 */
export function functionBundles(options: FunctionBundlesOptions): FunctionBundles {
  const build = planBuild(options);
  for (;;) {
    if (touch(build.dir)) return { dir: build.dir, built: false };
    const lock = tryLock(build);
    if (lock.held) break;
    // The CDK app is synchronous: it sleeps while the other process builds.
    Atomics.wait(pause, 0, 0, 50);
  }
  try {
    if (touch(build.dir)) return { dir: build.dir, built: false };
    publish(build, buildBundles(build.root, build.staging, build.external));
  } finally {
    rmSync(build.staging, { recursive: true, force: true });
    rmSync(build.lock, { force: true });
  }
  prune(build.cacheDir, build.dir);
  return { dir: build.dir, built: true };
}

/** This process's builds under way, by folder: a second call waits for the first. */
const preparing = new Map<string, Promise<FunctionBundles | undefined>>();

/**
 * functionBundles without blocking: esbuild builds in its own process while this one goes on, and a synth that
 * reaches its first function meanwhile waits for this build instead of making its own. The local cloud starts it
 * beside the CDK app, whose loading (about 2 s of CPU) then overlaps the bundling (about 4.5 s). Resolves to
 * undefined when another process holds the build, which then finishes it. esbuild's process is stopped when this
 * process has no build left under way (it would otherwise idle until the process ends).
 */
export function prepareFunctionBundles(
  options: FunctionBundlesOptions,
): Promise<FunctionBundles | undefined> {
  const build = planBuild(options);
  const pending = preparing.get(build.dir);
  if (pending) return pending;
  const promise = prepare(build).finally(() => {
    preparing.delete(build.dir);
    if (!preparing.size) return esbuild.stop();
  });
  preparing.set(build.dir, promise);
  return promise;
}

async function prepare(
  build: Build & { root: string; external: string[] },
): Promise<FunctionBundles | undefined> {
  if (touch(build.dir)) return { dir: build.dir, built: false };
  if (!tryLock(build).held) return undefined;
  try {
    if (touch(build.dir)) return { dir: build.dir, built: false };
    const result = await esbuild.build(buildOptions(build.root, build.staging, build.external));
    publish(build, finishBuild(result.metafile, build.root, build.staging));
  } finally {
    rmSync(build.staging, { recursive: true, force: true });
    rmSync(build.lock, { force: true });
  }
  prune(build.cacheDir, build.dir);
  return { dir: build.dir, built: true };
}

/** Removes all but the KEEP_BUILDS most recently used builds, and abandoned staging folders, once idle. */
function prune(cacheDir: string, keep: string): void {
  const idle = Date.now() - IDLE_MS;
  const builds = readdirSync(cacheDir)
    .map((name) => ({ path: join(cacheDir, name), name }))
    .filter((b) => b.path !== keep)
    // Another process may prune at the same time: what is gone counts as long unused.
    .map((b) => ({ ...b, used: statSync(b.path, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.used - a.used);
  const recent = builds.filter((b) => !b.name.startsWith('.')).slice(0, KEEP_BUILDS - 1);
  for (const b of builds) {
    if (b.used < idle && !recent.includes(b)) rmSync(b.path, { recursive: true, force: true });
  }
}
