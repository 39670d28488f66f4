/**
 * Test support: runs a Python snippet with Debian's python3 (pydicom, numpy,
 * nibabel) to compute independent reference values, and reports whether that
 * interpreter is available so tests can skip cleanly where it is not.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const PYTHON = process.env.VOXA_PYTHON ?? '/usr/bin/python3';

export function hasPythonModules(modules: string[]): boolean {
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
  return r.status === 0;
}

/** Runs `script` (which must print one JSON document on stdout) with `args` as sys.argv[1:]. */
export function runPythonJson<T>(script: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as T;
}
