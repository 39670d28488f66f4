/** Where the shared sample data lives for tests and benchmarks (env VOXA_DATA_DIR, default ../shared/data). */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
export const dataDir = path.resolve(process.env.VOXA_DATA_DIR ?? path.join(repoRoot, '..', 'shared', 'data'));
export const hasData = existsSync(dataDir);
export const dataPath = (...parts: string[]): string => path.join(dataDir, ...parts);

export const PYTHON = '/usr/bin/python3';
/** True when Debian's python3 with numpy is present (the independent reference). */
export const hasPythonNumpy = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs a reference script from ../reference and parses its JSON output. */
export function pythonReference<T>(script: string, args: string[]): T {
  const out = execFileSync(PYTHON, [path.join(__dirname, '..', 'reference', script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as T;
}
