/**
 * Host-mode transfer of a volume's voxels: one binary frame (wireCodec) vs the
 * naive JSON array of numbers, for a 512×512×200 int16 CT volume.
 */
import { decodeWire, encodeWire } from '../../common/contract/wireCodec';
import { medianMs } from './timing';

const time = medianMs;

const voxels = new Int16Array(512 * 512 * 200);
for (let n = 0; n < voxels.length; n++) voxels[n] = ((n * 2654435761) >>> 20) - 1024;
const msg = { t: 'result', id: 1, envelope: { ok: true, value: { volumeId: 'x', dtype: 'int16', data: voxels.buffer } } };

const binary = time(() => {
  const frame = encodeWire(msg);
  decodeWire(frame as Uint8Array);
}, 5);
const sample = voxels.subarray(0, voxels.length / 20);
const jsonPart = time(() => {
  const s = JSON.stringify({ ...msg, envelope: { ok: true, value: { data: Array.from(sample) } } });
  JSON.parse(s);
}, 3);
const json = jsonPart * 20; // extrapolated from 1/20 of the voxels
const mb = voxels.byteLength / 1024 / 1024;
console.table([
  { method: 'binary frame (Voxa)', 'median ms': binary.toFixed(1), 'MB/s': (mb / (binary / 1000)).toFixed(0), 'ratio vs JSON': (binary / json).toFixed(3) },
  { method: 'JSON number array (baseline, extrapolated ×20)', 'median ms': json.toFixed(1), 'MB/s': (mb / (json / 1000)).toFixed(0), 'ratio vs JSON': '1.000' },
]);
