import { describe, expect, it } from 'vitest';
import { exportAsking } from './exportAsking';

const exists = Object.assign(new Error('lesion.nii.gz already exists in exports; confirm to replace it'), { code: 'EXISTS' });

describe('exportAsking', () => {
  it('writes without asking when nothing is in the way', async () => {
    const calls: boolean[] = [];
    expect(await exportAsking(async (o) => (calls.push(o), 'ok'), { confirm: () => { throw new Error('asked'); } })).toBe('ok');
    expect(calls).toEqual([false]);
  });

  it('asks with the services\' message on EXISTS and overwrites only on yes', async () => {
    const calls: boolean[] = [];
    const asked: string[] = [];
    const run = async (o: boolean) => {
      calls.push(o);
      if (!o) throw exists;
      return 'replaced';
    };
    expect(await exportAsking(run, { confirm: (m) => (asked.push(m), true) })).toBe('replaced');
    expect(calls).toEqual([false, true]);
    expect(asked).toEqual([`${exists.message}?`]);
    await expect(exportAsking(run, { confirm: () => false })).rejects.toBe(exists);
  });

  it('passes other errors through without asking', async () => {
    const other = Object.assign(new Error('no such folder'), { code: 'NOT_FOUND' });
    await expect(exportAsking(async () => { throw other; }, { confirm: () => { throw new Error('asked'); } })).rejects.toBe(other);
  });

  it('a path the native Save dialog confirmed is written over at once: no second question', async () => {
    const calls: boolean[] = [];
    const run = async (o: boolean) => {
      calls.push(o);
      if (!o) throw exists;
      return 'replaced';
    };
    expect(await exportAsking(run, { confirmed: true, confirm: () => { throw new Error('asked a second time'); } })).toBe('replaced');
    expect(calls).toEqual([true]);
  });
});
