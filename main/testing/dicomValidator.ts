/**
 * Test support: runs dciodvfy (dicom3tools, Debian package `dicom3tools`),
 * David Clunie's IOD validator, on a file and returns its error lines, so
 * tests can assert that what Voxa writes conforms. Absent tool → undefined.
 */
import { spawnSync } from 'node:child_process';

export const hasDciodvfy = spawnSync('dciodvfy', ['-help'], { stdio: 'ignore' }).error === undefined;

export function dciodvfyErrors(file: string): string[] {
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => l.startsWith('Error'))
    // The summary line repeats the others.
    .filter((l) => !l.startsWith('Error - Dicom dataset contains invalid data values'));
}
