/** No import circles in main/, common/, preload/ or renderer/ (issue 19), by the project's own check. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importSpecifiers } from './importCycles';

describe('import cycles', () => {
  it('reads every kind of relative import, and nothing else', () => {
    const src = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export { c } from './c/index';",
      "export type { D } from './d';",
      "const e = await import('./e');",
      "import './side-effect';",
      "import path from 'node:path';",
      "import {\n  f,\n  g,\n} from './fg';",
    ].join('\n');
    expect(importSpecifiers(src).sort()).toEqual(['../b', './a', './c/index', './d', './e', './fg', './side-effect']);
  });

  it('finds a circle of three, a self-import, and not a diamond', () => {
    const g = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['s', ['s']],
      ['x', ['y', 'z']],
      ['y', ['w']],
      ['z', ['w']],
      ['w', []],
    ]);
    expect(importCycles(g)).toEqual([['a', 'b', 'c'], ['s']]);
  });

  it('the tree has none', () => {
    const graph = importGraph(path.resolve(__dirname, '..', '..'));
    expect(graph.size).toBeGreaterThan(300);
    expect(importCycles(graph)).toEqual([]);
  });
});
