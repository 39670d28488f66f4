import { describe, expect, it } from 'vitest';
import { exportAsking } from './exportAsking';

const exists = Object.assign(new Error('lesion.nii.gz already exists in exports; confirm to replace it'), { code: 'EXISTS' });

describe('exportAsking', () => {
  it('writes without asking when nothing is in the way', async () => {
    const calls: boolean[] = [];
    expect(await exportAsking(async (o) => (calls.push(o), 'ok'), () => { throw new Error('asked'); })).toBe('ok');
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
    expect(await exportAsking(run, (m) => (asked.push(m), true))).toBe('replaced');
    expect(calls).toEqual([false, true]);
    expect(asked).toEqual([`${exists.message}?`]);
    await expect(exportAsking(run, () => false)).rejects.toBe(exists);
  });

  it('passes other errors through without asking', async () => {
    const other = Object.assign(new Error('no such folder'), { code: 'NOT_FOUND' });
    await expect(exportAsking(async () => { throw other; }, () => { throw new Error('asked'); })).rejects.toBe(other);
  });
});
