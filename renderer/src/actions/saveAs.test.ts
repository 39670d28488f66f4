import { describe, expect, it } from 'vitest';
import type { VoxaClient } from '../client/voxaClient';
import { createSaveAs, exportFilters } from './saveAs';

function fakeClient(answer: string | null) {
  const calls: { channel: string; request: unknown }[] = [];
  const client = {
    invoke: async (channel: string, request: unknown) => {
      calls.push({ channel, request });
      return { path: answer };
    },
  } as unknown as Pick<VoxaClient, 'invoke'>;
  return { client, calls };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Save as…', () => {
  it('Electron: asks the native Save dialog with the suggested name and filters, never the file browser; its path is final', async () => {
    const { client, calls } = fakeClient('/home/r/reports/PACS TEST seg.dcm');
    const picked: [string, boolean][] = [];
    const saveAs = createSaveAs(client, true, () => {
      throw new Error('file browser opened');
    });
    saveAs('PACS TEST – CT seg.dcm', exportFilters('dicom-seg'), (p, native) => picked.push([p, native]));
    await flush();
    expect(calls).toEqual([{ channel: 'dialog:save', request: { suggestedName: 'PACS TEST – CT seg.dcm', filters: [{ name: 'DICOM SEG', extensions: ['dcm'] }] } }]);
    expect(picked).toEqual([['/home/r/reports/PACS TEST seg.dcm', true]]);
  });
  it('Electron: a cancelled dialog picks nothing', async () => {
    const { client } = fakeClient(null);
    const picked: string[] = [];
    createSaveAs(client, true, () => undefined)('a.nii.gz', exportFilters('nifti'), (p) => picked.push(p));
    await flush();
    expect(picked).toEqual([]);
  });
  it('host mode: the file browser in save-name mode, no dialog:save call; its path only fills the field', async () => {
    const { client, calls } = fakeClient('/never');
    const picked: [string, boolean][] = [];
    createSaveAs(client, false, (name, onPicked) => onPicked(`/data/exports/${name}`))('seg.nii.gz', [], (p, native) => picked.push([p, native]));
    await flush();
    expect(calls).toEqual([]);
    expect(picked).toEqual([['/data/exports/seg.nii.gz', false]]);
  });
});
