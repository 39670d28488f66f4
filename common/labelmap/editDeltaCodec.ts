/**
 * The byte form of an edit delta (segment:* changes on the wire, and the
 * journal's steps on disk): a fixed header of 13 little-endian u32 (magic
 * 'VXED', version 1, grid, box min and max, changed count, number of run
 * values), then the runs as LEB128 varints. Journals on disk hold these
 * bytes, so the layout does not change without a reader for version 1.
 */
import { VoxaError } from '../contract/errors';
import type { Vec3 } from '../volume';
import { validateEditDelta, type EditDelta } from './editDelta';
import { VarintReader, VarintWriter } from './varint';
import { emptyBox, type VoxelBox } from './voxelBox';

const MAGIC = 0x44455856; // 'VXED' little-endian
const VERSION = 1;
const HEADER_BYTES = 4 * 13;

/** Compact bytes: a fixed header, then the runs as LEB128 varints. */
export function encodeEditDelta(d: EditDelta): Uint8Array {
  const body = new VarintWriter(d.runs.length * 2 + 16);
  for (let r = 0; r < d.runs.length; r++) body.put(d.runs[r] as number);
  const runBytes = body.bytes();
  const out = new Uint8Array(HEADER_BYTES + runBytes.length);
  const v = new DataView(out.buffer);
  const fields = [MAGIC, VERSION, ...d.dimensions, ...d.box.min.map((x) => x >>> 0), ...d.box.max.map((x) => x >>> 0), d.changed, d.runs.length];
  fields.forEach((x, n) => v.setUint32(n * 4, x, true));
  out.set(runBytes, HEADER_BYTES);
  return out;
}

/** Parses `encodeEditDelta` output; anything malformed is CORRUPT_INPUT. */
export function decodeEditDelta(bytes: Uint8Array): EditDelta {
  if (bytes.length < HEADER_BYTES) throw new VoxaError('CORRUPT_INPUT', 'edit delta is truncated');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u = (n: number) => v.getUint32(n * 4, true);
  if (u(0) !== MAGIC) throw new VoxaError('CORRUPT_INPUT', 'not an edit delta');
  if (u(1) !== VERSION) throw new VoxaError('UNSUPPORTED', `edit delta version ${u(1)}`);
  const dims: Vec3 = [u(2), u(3), u(4)];
  const s = (x: number) => x | 0;
  const box: VoxelBox = { min: [s(u(5)), s(u(6)), s(u(7))], max: [s(u(8)), s(u(9)), s(u(10))] };
  const changed = u(11);
  const nRuns = u(12);
  if (nRuns > bytes.length - HEADER_BYTES) throw new VoxaError('CORRUPT_INPUT', 'edit delta claims more runs than it holds');
  const runs = new Uint32Array(nRuns);
  const reader = new VarintReader(bytes, HEADER_BYTES, 'edit delta');
  for (let r = 0; r < nRuns; r++) {
    const value = reader.next();
    if (value > 0xffffffff) throw new VoxaError('CORRUPT_INPUT', 'edit delta has an oversized number');
    runs[r] = value;
  }
  if (!reader.done) throw new VoxaError('CORRUPT_INPUT', 'edit delta has trailing bytes');
  const d: EditDelta = { dimensions: dims, box: changed === 0 ? emptyBox() : box, runs, changed };
  const problem = validateEditDelta(d, dims);
  if (problem) throw new VoxaError('CORRUPT_INPUT', `edit delta: ${problem}`);
  return d;
}
