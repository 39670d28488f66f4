/** Compressed (encapsulated) pixel data split into one byte array per frame. */
import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { VoxaError } from '../../../../common/contract';
import type { DicomImage } from './dicomFile';

/** The encapsulated frames' bytes (one Uint8Array per frame), from a fully parsed data set. */
export function encapsulatedFrames(ds: DataSet, image: DicomImage, name: string): Uint8Array[] {
  const el = ds.elements.x7fe00010;
  if (!el || !el.encapsulatedPixelData || !el.fragments) throw new VoxaError('CORRUPT_INPUT', `${name}: compressed pixel data has no fragments`);
  const fragments = el.fragments;
  const n = image.numberOfFrames;
  try {
    if (n === 1) return [dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length)];
    if (fragments.length === n) return fragments.map((_f, k) => dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, k, 1));
    const table = el.basicOffsetTable && el.basicOffsetTable.length === n ? el.basicOffsetTable : dicomParser.createJPEGBasicOffsetTable(ds, el);
    if (table.length !== n) throw new Error(`${table.length} frames found in the fragments`);
    return table.map((_t, k) => dicomParser.readEncapsulatedImageFrame(ds, el, k, table));
  } catch (e) {
    if (e instanceof VoxaError) throw e;
    throw new VoxaError('CORRUPT_INPUT', `${name}: cannot split compressed pixel data into ${n} frames (${e instanceof Error ? e.message.slice(0, 80) : String(e).slice(0, 80)})`);
  }
}
