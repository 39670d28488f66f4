/** Test studies for the PACS tests: a synthetic two-series study written by Voxa's DICOM writer, with known voxels. */
import type { Volume } from '../../../../common/volume';
import { mulberry32 } from '../../../../common/random';
import { writeDicomSeries, type WrittenSeries } from '../../io/dicom/seriesWriter';

export function testVolume(ni: number, nj: number, nk: number, seed: number): Volume {
  const rand = mulberry32(seed);
  const voxels = new Int16Array(ni * nj * nk);
  for (let n = 0; n < voxels.length; n++) voxels[n] = Math.round(rand() * 3000 - 1000);
  return {
    geometry: { dimensions: [ni, nj, nk], spacingMm: [0.8, 0.8, 2], originLps: [-20, -30, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    dtype: 'int16',
    voxels,
    meta: { modality: 'CT', sourceFormat: 'dicom', description: '', patientName: '', patientId: '', studyDate: '', seriesInstanceUid: '', warnings: [] },
  };
}

/** One study (PACS^TEST, ID PACS-001, 2024-03-05, accession ACC123) of `series.length` CT series with `series[n]` slices each. */
export async function writeTestStudy(dir: string, series: number[], o: { size?: number; seed?: string; patientId?: string; patientName?: string; studyDate?: string } = {}): Promise<WrittenSeries[]> {
  const out: WrittenSeries[] = [];
  let studyInstanceUid: string | undefined;
  for (const [n, slices] of series.entries()) {
    const v = testVolume(o.size ?? 32, o.size ?? 32, slices, 1000 + n);
    const w = await writeDicomSeries(v, `${dir}/series${n + 1}`, {
      uidSeed: `${o.seed ?? 'pacs-test'}-${n}`,
      ...(studyInstanceUid ? { studyInstanceUid } : {}),
      seriesDescription: `test series ${n + 1}`,
      seriesNumber: n + 1,
      patientName: o.patientName ?? 'PACS^TEST',
      patientId: o.patientId ?? 'PACS-001',
      studyDate: o.studyDate ?? '20240305',
      accessionNumber: 'ACC123',
    });
    studyInstanceUid = w.studyInstanceUid;
    out.push(w);
  }
  return out;
}
