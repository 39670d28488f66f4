/**
 * The project's own import-cycle check (issue 19: "no circles"): the graph of
 * relative imports (`import`, `import type`, `export … from`, `import()`)
 * between the TypeScript files of main/, common/, preload/ and renderer/, and
 * its strongly connected components. A component of more than one file (or a
 * file importing itself) is a cycle.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SPEC = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

/** Relative module specifiers a source text imports. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPEC)) {
    const s = m[1] ?? m[2] ?? m[3];
    if (s && s.startsWith('.')) out.push(s);
  }
  return out;
}

function resolve(fromFile: string, spec: string): string | null {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (existsSync(c) && statSync(c).isFile() && /\.tsx?$/.test(c)) return c;
  }
  return null;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** file → files it imports, for every source file under `roots`. */
export function importGraph(root: string, roots = ['main', 'common', 'preload', 'renderer']): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const r of roots) {
    const dir = path.join(root, r);
    if (!existsSync(dir)) continue;
    for (const f of sourceFiles(dir)) {
      const deps = importSpecifiers(readFileSync(f, 'utf8'))
        .map((s) => resolve(f, s))
        .filter((d): d is string => d !== null);
      graph.set(path.relative(root, f), [...new Set(deps.map((d) => path.relative(root, d)))]);
    }
  }
  return graph;
}

/** The import cycles of a graph: its strongly connected components with more than one file, or a self-import (Tarjan). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}
