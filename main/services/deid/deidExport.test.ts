/**
 * A de-identified DICOM SEG export: free-text labels that name the patient are
 * blanked (and flagged), and with the installation's key the SEG references
 * the new UIDs that `voxa anonymize` (same user data) gave the study, so the
 * de-identified SEG lands on the de-identified images.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Volume } from '../../../common/volume';
import type { CallContext } from '../../ipc/router';
import { cli } from '../../cli/testing/captureCli';
import { PathGrants } from '../access/pathGrants';
import { createHandlers } from '../../ipc/handlers';
import { listFiles } from '../io/dicom/listFiles';
import { writeDicomSeries } from '../io/dicom/seriesWriter';
import { VolumeStore } from '../volumeStore';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'voxa-deidseg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ctx = (): CallContext => ({ sender: { kind: 'internal' } as CallContext['sender'], emit: () => {}, signal: new AbortController().signal });

type Nat = Record<string, unknown>;
const read = (file: string): Nat => {
  const b = readFileSync(file);
  const { dict } = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict) as Nat;
};

describe('de-identified SEG export', () => {
  it('blanks labels naming the patient and references the anonymised study by the installation key', async () => {
    const n = 16;
    const voxels = new Int16Array(n * n * n);
    for (let k = 5; k < 11; k++) for (let j = 5; j < 11; j++) for (let i = 5; i < 11; i++) voxels[i + n * (j + n * k)] = 300;
    const volume: Volume = {
      geometry: { dimensions: [n, n, n], spacingMm: [1, 1, 2], originLps: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
      dtype: 'int16',
      voxels,
      meta: { modality: 'CT', sourceFormat: 'dicom', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
    };
    const studyDir = path.join(tmp, 'study');
    await writeDicomSeries(volume, studyDir, { uidSeed: 'deid', patientName: 'Doe^Jane', patientId: 'MRN-4711', accessionNumber: 'ACC-99' });
    const dataDir = path.join(tmp, 'user-data');
    const grants = new PathGrants();
    grants.grant(tmp);
    const h = createHandlers({ grants, volumes: new VolumeStore(), shell: { info: () => ({}) as never }, dataDir });
    const { volumeId } = await h['volume:open']({ path: studyDir }, ctx());
    const r = await h['segment:prompt']({ volumeId, target: { kind: 'new' }, modelId: 'classical', plane: 'axial', points: [{ ijk: [8, 8, 8], positive: true }] }, ctx());
    await h['segment:update']({ volumeId, label: r.label, patch: { name: 'Jane DOE liver lesion (MRN-4711)' } }, ctx());
    const segFile = path.join(tmp, 'lesion.seg.dcm');
    await h['segment:export']({ volumeId, format: 'dicom-seg', path: segFile, deidentify: true }, ctx());
    const seg = read(segFile);
    const text = JSON.stringify(seg);
    for (const w of ['Jane', 'DOE', 'Doe', 'MRN-4711', 'ACC-99']) expect(text, w).not.toContain(w);
    const label = (seg.SegmentSequence as Nat[])[0]?.SegmentLabel;
    expect(label).toMatch(/REMOVED liver lesion/);

    // The study anonymised by the CLI with the same user data: the SEG points at its new UIDs.
    const anonDir = path.join(tmp, 'anon');
    const a = await cli(['anonymize', studyDir, anonDir, '--user-data', dataDir]);
    expect(a.code, a.err).toBe(0);
    const images = (await listFiles(anonDir)).files.map(read);
    const sops = new Set(images.map((d) => d.SOPInstanceUID));
    expect(seg.StudyInstanceUID).toBe(images[0]?.StudyInstanceUID);
    const refSeries = (seg.ReferencedSeriesSequence as Nat[] | Nat) as Nat[];
    const series = Array.isArray(refSeries) ? refSeries[0] : (refSeries as unknown as Nat);
    expect(series?.SeriesInstanceUID).toBe(images[0]?.SeriesInstanceUID);
    const refs = (Array.isArray(series?.ReferencedInstanceSequence) ? series?.ReferencedInstanceSequence : [series?.ReferencedInstanceSequence]) as Nat[];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(sops.has(ref.ReferencedSOPInstanceUID)).toBe(true);
    expect(seg.FrameOfReferenceUID).toBe(images[0]?.FrameOfReferenceUID);
  }, 60_000);
});
