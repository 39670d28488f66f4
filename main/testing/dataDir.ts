/**
 * The one place tests and benchmarks find the real sample data and the
 * independent reference interpreter: $VOXA_DATA_DIR, else ../shared/data beside
 * the checkout; Debian's /usr/bin/python3 with nibabel/numpy (pydicom where needed).
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DATA_DIR = path.resolve(process.env.VOXA_DATA_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'data'));
export const HAS_DATA = existsSync(DATA_DIR);

export function dataPath(...parts: string[]): string {
  return path.join(DATA_DIR, ...parts);
}

/** Debian's python3 (with nibabel/pydicom/numpy) for independent reference values; null when absent. */
export const REFERENCE_PYTHON = ['/usr/bin/python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import nibabel, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}) ?? null;

/** Runs a python snippet with the reference interpreter and parses its JSON output. */
export function pythonJson<T>(code: string, args: string[] = []): T {
  if (!REFERENCE_PYTHON) throw new Error('no reference python');
  return JSON.parse(execFileSync(REFERENCE_PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as T;
}

/** Runs a python script file (path relative to the repository root, or absolute) and parses its JSON output. */
export function pythonScriptJson<T>(script: string, args: string[] = []): T {
  if (!REFERENCE_PYTHON) throw new Error('no reference python');
  return JSON.parse(execFileSync(REFERENCE_PYTHON, [path.resolve(REPO_ROOT, script), ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as T;
}
