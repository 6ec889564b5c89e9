// The floor plan (docs/architecture.md), read from the code's own imports: folders under functions/ import one
// way, the domain imports no presentation, handler, adapter or AWS SDK, and no room grows too big.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '#test/support/rehearsal.ts';

const aliases = Object.entries(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, string> })
    .imports,
).map(([alias, target]) => [alias.replace('*', ''), resolve(ROOT, target.replace('*', ''))] as const);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every module a file imports (type imports included): project files as paths from the root, packages as named. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)]
    .concat([...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)])
    .map((m) => m[1] as string);
  return specs.map((spec) => {
    const alias = aliases.find(([a]) => spec.startsWith(a));
    if (alias) return relative(ROOT, join(alias[1], spec.slice(alias[0].length)));
    if (spec.startsWith('.')) return relative(ROOT, resolve(dirname(join(ROOT, file)), spec));
    return spec;
  });
}

/** The folder a file belongs to: `functions/<floor>` (one level, so subfolders count with their floor). */
const floorOf = (path: string) => /^functions\/([^/]+)\//.exec(path)?.[1];

const FUNCTIONS = sourceFiles('functions');

describe('functions/ imports one way', () => {
  const edges = new Map<string, Set<string>>();
  for (const file of FUNCTIONS) {
    const from = floorOf(file) as string;
    for (const target of importsOf(file)) {
      const to = floorOf(target);
      if (!to || to === from) continue;
      const set = edges.get(from) ?? new Set();
      set.add(to);
      edges.set(from, set);
    }
  }

  test('no folder imports a folder that imports it back, directly or round a circle', () => {
    const circles: string[] = [];
    const visit = (start: string, at: string, path: string[]) => {
      for (const next of edges.get(at) ?? []) {
        if (next === start) circles.push([...path, next].join(' → '));
        else if (!path.includes(next)) visit(start, next, [...path, next]);
      }
    };
    for (const floor of edges.keys()) visit(floor, floor, [floor]);
    expect(circles).toEqual([]);
  });

  test('the domain imports no presentation, handler, adapter or AWS SDK module', () => {
    const wrong = FUNCTIONS.filter((f) => floorOf(f) === 'domain').flatMap((file) =>
      importsOf(file)
        .filter((t) => /^(@aws-sdk\/|functions\/(presentation|handlers|adapters)\/)/.test(t))
        .map((t) => `${file} → ${t}`),
    );
    expect(wrong).toEqual([]);
  });

  test('the ground floors (plan, lib) import nothing above them', () => {
    const wrong = FUNCTIONS.filter((f) => ['plan', 'lib'].includes(floorOf(f) as string)).flatMap((file) =>
      importsOf(file)
        .filter((t) => floorOf(t) && !['plan', 'lib'].includes(floorOf(t) as string))
        .map((t) => `${file} → ${t}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('rooms of one purpose', () => {
  const lines = (file: string) => readFileSync(join(ROOT, file), 'utf8').split('\n').length;

  test('no source file is over 700 lines', () => {
    const big = ['functions', 'local', 'infra', 'workflows', 'cli']
      .flatMap(sourceFiles)
      .filter((f) => lines(f) > 700)
      .map((f) => `${f}: ${lines(f)}`);
    expect(big).toEqual([]);
  });

  test('no handler is over 150 lines', () => {
    const big = sourceFiles('functions/handlers')
      .filter((f) => lines(f) > 150)
      .map((f) => `${f}: ${lines(f)}`);
    expect(big).toEqual([]);
  });
});
