// The cloud assembly: synthesises a CDK app with its functions bundled, as `cdk synth` does (the app runs with
// CDK_OUTDIR and CDK_CONTEXT_JSON set), and reads the stacks' templates, asset directories and marks (what a
// resource is for, infra/marks.ts) from it. The local cloud runs only what this assembly contains. An
// assembly whose inputs (the app's folders, the lockfile, the context) have not changed is reused, so a
// restart does not bundle again.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARK, type Marks, ROLES } from '#infra/marks.ts';
import { processAlive } from '#infra/process.ts';
import type { CfnTemplate } from './intrinsics.ts';

/** The repository root (where cdk.json lives). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Node.js's compile cache of the local cloud: the function sandboxes' (lambda.ts) and the synth's CDK app's; the
 * CLI names the same folder itself (bin/pilotflow.js, which loads nothing before it).
 */
export const COMPILE_CACHE = join(PROJECT_ROOT, 'node_modules/.cache/pilotflow/compile');

export class SynthError extends Error {
  override name = 'SynthError';
}

export interface SynthOptions {
  /** The CDK app's entry file, run with this Node.js (default: the `app` of cdk.json). */
  app?: string;
  /** The folder that holds assemblies; each is a subfolder named by the hash of its inputs. */
  outdir: string;
  /** Context on top of cdk.json's and cdk.context.json's. */
  context?: Record<string, unknown>;
  /** Folder of cdk.json and the lockfile (default: the repository root). */
  projectRoot?: string;
  /** Files and folders whose content decides whether an assembly can be reused (default: see inputsOf). */
  inputs?: string[];
  /** Reuse an assembly whose inputs are unchanged (default true). */
  reuse?: boolean;
  /** Remove other assemblies from `outdir` after a new one is made (default false). */
  prune?: boolean;
  onProgress?: (line: string) => void;
}

export interface SynthResult {
  dir: string;
  reused: boolean;
}

export interface CloudStack {
  stackName: string;
  template: CfnTemplate;
  /** The assembly folder, against which asset paths are relative. */
  assemblyDir: string;
}

export interface CloudAssembly {
  dir: string;
  stacks: CloudStack[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

interface CdkJson {
  app?: string;
  context?: Record<string, unknown>;
  watch?: { include?: string[] };
}

function cdkJson(projectRoot: string): CdkJson {
  const file = join(projectRoot, 'cdk.json');
  return existsSync(file) ? readJson<CdkJson>(file) : {};
}

/** The app entry named by cdk.json's `app` (`node <file>`). */
export function defaultApp(projectRoot = PROJECT_ROOT): string {
  const command = cdkJson(projectRoot).app ?? '';
  const match = /^(?:npx\s+)?node\s+(\S+)$/.exec(command.trim());
  if (!match?.[1]) {
    throw new SynthError(
      `cdk.json's app must be \`node <file>\` for the local cloud to run it, got '${command}'`,
    );
  }
  return resolve(projectRoot, match[1]);
}

/** The context `cdk synth` would pass: cdk.json's, cdk.context.json's, the CLI's defaults, then `extra`. */
function synthContext(projectRoot: string, extra: Record<string, unknown>): Record<string, unknown> {
  const saved = join(projectRoot, 'cdk.context.json');
  return {
    ...cdkJson(projectRoot).context,
    ...(existsSync(saved) ? readJson<Record<string, unknown>>(saved) : {}),
    // The CLI's defaults: asset and path metadata on (the local cloud finds asset folders through them),
    // no version reporting.
    'aws:cdk:enable-asset-metadata': true,
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:version-reporting': false,
    ...extra,
  };
}

/** What can change an assembly: the app's folder, cdk.json's watch folders, cdk.json and the lockfile. */
function inputsOf(app: string, projectRoot: string): string[] {
  const watch = (cdkJson(projectRoot).watch?.include ?? []).map((glob) =>
    join(projectRoot, glob.replace(/\/?\*\*.*$/, '')),
  );
  return [dirname(app), ...watch, join(projectRoot, 'cdk.json'), join(projectRoot, 'package-lock.json')];
}

const SKIP = new Set(['node_modules', '.git', 'cdk.out', '.pilotflow']);

function hashInputs(paths: string[], projectRoot: string, seed: string): string {
  const hash = createHash('sha256').update(seed);
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (!SKIP.has(entry)) visit(join(path, entry));
    } else if (stat.isFile()) {
      hash.update(relative(projectRoot, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const path of [...new Set(paths)].sort()) visit(path);
  return hash.digest('hex').slice(0, 20);
}

/** Synthesises the app into `<outdir>/<inputs hash>`, or reuses that folder when it is already there. */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const app = resolve(options.app ?? defaultApp(projectRoot));
  if (!existsSync(app)) throw new SynthError(`the CDK app ${app} does not exist`);
  const context = synthContext(projectRoot, options.context ?? {});
  const key = hashInputs(
    options.inputs ?? inputsOf(app, projectRoot),
    projectRoot,
    JSON.stringify({ app: relative(projectRoot, app), context, node: process.version }),
  );
  const dir = join(options.outdir, key);
  const progress = options.onProgress ?? (() => {});
  if (options.reuse !== false && existsSync(join(dir, 'manifest.json'))) {
    progress('synth: assembly unchanged, reusing it');
    return { dir, reused: true };
  }
  mkdirSync(options.outdir, { recursive: true });
  // Two processes that need the same assembly (parallel test files) synthesise it once.
  const release = await lockKey(join(options.outdir, `.synth-${key}.lock`));
  try {
    if (options.reuse !== false && existsSync(join(dir, 'manifest.json'))) {
      progress('synth: assembly made by another process, reusing it');
      return { dir, reused: true };
    }
    return await synthesizeInto(dir, key, app, context, projectRoot, options, progress);
  } finally {
    release();
  }
}

async function synthesizeInto(
  dir: string,
  key: string,
  app: string,
  context: Record<string, unknown>,
  projectRoot: string,
  options: SynthOptions,
  progress: (line: string) => void,
): Promise<SynthResult> {
  const started = performance.now();
  const staging = join(options.outdir, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  progress(`synth: ${relative(projectRoot, app) || app}`);
  const bundling = prebundle(app, projectRoot, context);
  try {
    await runApp(app, staging, context, projectRoot, progress);
    if (!existsSync(join(staging, 'manifest.json'))) {
      throw new SynthError(`the CDK app ${app} wrote no cloud assembly (does it call app.synth()?)`);
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished the same assembly first: theirs is as good as ours.
      if (!existsSync(join(dir, 'manifest.json'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    await bundling;
  }
  progress(`synth: done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  if (options.prune) {
    for (const entry of readdirSync(options.outdir)) {
      if (entry !== key && !entry.startsWith('.'))
        rmSync(join(options.outdir, entry), { recursive: true, force: true });
    }
  }
  return { dir, reused: false };
}

/**
 * The project's own app bundles every function in one esbuild pass (infra/bundle.ts): started here, beside the
 * app, it runs while the app loads the CDK, and the app's first function waits for it instead of bundling. Other
 * apps (tests' fixtures, `--app`) bundle nothing of it. A failed build is the app's to report: it builds again.
 */
async function prebundle(app: string, projectRoot: string, context: Record<string, unknown>): Promise<void> {
  if (projectRoot !== PROJECT_ROOT || app !== defaultApp(PROJECT_ROOT)) return;
  const { externalsFor, prepareFunctionBundles } = await import('#infra/bundle.ts');
  await prepareFunctionBundles({ root: projectRoot, external: externalsFor(context.mailTransport) }).catch(
    () => undefined,
  );
}

/** Takes an exclusive lock file, waiting while a live process holds it. */
async function lockKey(file: string): Promise<() => void> {
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: number;
      try {
        owner = Number(readFileSync(file, 'utf8').trim());
      } catch (error) {
        // Released between the two calls: try again (as infra/bundle.ts's tryLock does).
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      if (!(owner > 0) || !processAlive(owner)) rmSync(file, { force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function runApp(
  app: string,
  outdir: string,
  context: Record<string, unknown>,
  projectRoot: string,
  progress: (line: string) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [app], {
      cwd: projectRoot,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        // CDK's built-in CloudFormation validation (schema and lint rules in a WebAssembly engine) is most of a
        // synth's CPU (about 5.5 of 7 s) and changes nothing in the assembly: like `cdk synth --no-validation`,
        // the local cloud leaves it to `cdk synth`, `cdk deploy` and test/infra/stack.test.ts, which run it. cdk-nag,
        // a plugin of the app's own, still runs. CDK_VALIDATION=true in the environment turns it back on.
        CDK_VALIDATION: process.env.CDK_VALIDATION ?? 'false',
        // Node.js's compile cache (the CLI's own, bin/pilotflow.js): loading aws-cdk-lib and the app is about 0.8 s
        // of CPU less with it (2.5-2.8 s against 1.7-1.9 s for a synth, docs/benchmarks.md).
        NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE,
        // Let bundling find this project's esbuild and this Node.js.
        PATH: [join(projectRoot, 'node_modules', '.bin'), dirname(process.execPath), process.env.PATH].join(
          ':',
        ),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      for (const line of text.split('\n')) {
        const bundling = /^Bundling asset (\S+?)(?:\/Code\/Stage)?\.\.\.$/.exec(line.trim());
        if (bundling) progress(`bundling: ${bundling[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new SynthError(`the CDK app ${app} failed (${signal ?? `exit code ${code}`}):\n${output.trim()}`),
        );
    });
  });
}

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
}

/** The stacks of a synthesised assembly, with their templates. */
export function readAssembly(dir: string): CloudAssembly {
  const manifest = readJson<Manifest>(join(dir, 'manifest.json'));
  const stacks: CloudStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = readJson<CfnTemplate>(join(dir, artifact.properties.templateFile));
    stacks.push({ stackName: artifact.properties.stackName ?? id, template, assemblyDir: dir });
  }
  return { dir, stacks };
}

/** The folder of a resource's bundled asset (`Metadata['aws:asset:path']`), if it has one. */
export function assetDir(
  stack: CloudStack,
  metadata: Record<string, unknown> | undefined,
): string | undefined {
  const path = metadata?.['aws:asset:path'];
  if (typeof path !== 'string') return undefined;
  return isAbsolute(path) ? path : join(stack.assemblyDir, path);
}

/** The marks the CDK app put in a resource's Metadata (infra/marks.ts); anything else there is ignored. */
export function marksOf(metadata: Record<string, unknown> | undefined): Marks {
  const role = ROLES.find((r) => r === metadata?.[MARK.role]);
  const adminCookie = metadata?.[MARK.adminCookie];
  return {
    ...(role ? { role } : {}),
    ...(typeof adminCookie === 'string' && adminCookie ? { adminCookie } : {}),
  };
}
