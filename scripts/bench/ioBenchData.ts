/**
 * Writes the generated inputs of the IO benchmark into <dir> (bundled and run
 * by io.bench.ts): a 512×512×400 torso phantom as an uncompressed CT series
 * (the project's DICOM series writer), its first 200 slices re-encoded as JPEG
 * 2000 lossless (OpenJPEG's encoder from @cornerstonejs/codec-openjpeg, frames
 * wrapped as encapsulated pixel data), and the phantom as .nii.gz.
 * Prints a JSON manifest (paths, voxel bytes, voxel sum of the J2K part).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';
import { writeNifti } from '../../main/services/io/niftiWriter';
import { writeDicomSeries } from '../../main/services/io/dicom/seriesWriter';
import { generateTorsoPhantom } from '../../main/services/phantom/torsoPhantom';

const J2K_LOSSLESS = '1.2.840.10008.1.2.4.90';

interface J2KEncoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean }): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setQuality(lossless: boolean, quality: number): void;
  encode(): void;
  delete(): void;
}

function element(group: number, elem: number, vr: string, value: Uint8Array): Buffer {
  const padded = value.length % 2 ? Buffer.concat([Buffer.from(value), Buffer.from([vr === 'UI' ? 0 : 0x20])]) : Buffer.from(value);
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(padded.length, 8);
  else head.writeUInt16LE(padded.length, 6);
  return Buffer.concat([head, padded]);
}

/** An uncompressed single-frame Part-10 file → the same data set with its frame as encapsulated JPEG 2000. */
function toJ2k(file: Buffer, encoder: J2KEncoder): Buffer {
  const meta = dicomParser.readPart10Header(file);
  const ds = dicomParser.parseDicom(file);
  const pixel = ds.elements.x7fe00010;
  if (!pixel) throw new Error('no pixel data');
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bodyStart = Math.max(...Object.values(meta.elements).map((e) => e.dataOffset + e.length));
  const input = encoder.getDecodedBuffer({ width: columns, height: rows, bitsPerSample: 16, componentCount: 1, isSigned: true });
  input.set(file.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length));
  encoder.setQuality(true, 0);
  encoder.encode();
  const encoded = Buffer.from(encoder.getEncodedBuffer());
  const ui = (s: string) => Buffer.from(s, 'latin1');
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', ui(meta.string('x00020002') ?? '')),
    element(0x0002, 0x0003, 'UI', ui(meta.string('x00020003') ?? '')),
    element(0x0002, 0x0010, 'UI', ui(J2K_LOSSLESS)),
    element(0x0002, 0x0012, 'UI', ui(meta.string('x00020012') ?? '2.25.1')),
  ]);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(metaBody.length, 8);
  const item = (data: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt16LE(0xfffe, 0);
    h.writeUInt16LE(0xe000, 2);
    h.writeUInt32LE(data.length, 4);
    return Buffer.concat([h, data]);
  };
  const pixelHead = Buffer.alloc(12);
  pixelHead.writeUInt16LE(0x7fe0, 0);
  pixelHead.writeUInt16LE(0x0010, 2);
  pixelHead.write('OB', 4, 'latin1');
  pixelHead.writeUInt32LE(0xffffffff, 8);
  const delimiter = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  const frame = encoded.length % 2 ? Buffer.concat([encoded, Buffer.from([0])]) : encoded;
  return Buffer.concat([file.subarray(0, 132), groupLength, metaBody, file.subarray(bodyStart, pixel.dataOffset - 12), pixelHead, item(Buffer.alloc(0)), item(frame), delimiter]);
}

/**
 * A 133-slice CT with real headers: the 3 slices of the dcmqi liver CT (16-bit unsigned, intercept
 * −1024, implicit VR, a GE header with private groups) repeated with new positions and UIDs, as the
 * real chest CT of issue 17. Every element of the real files is kept.
 */
async function realHeaderCt(liverDir: string, out: string): Promise<void> {
  const { DicomMessage } = (await import('dcmjs')).default.data as unknown as { DicomMessage: { readFile(b: ArrayBuffer): { meta: Record<string, { Value?: unknown[] }>; dict: Record<string, { vr: string; Value?: unknown[] }> } } };
  const { encodeDict, hashedUid } = await import('../../main/services/io/dicom/part10');
  mkdirSync(out, { recursive: true });
  const sources = readdirSync(liverDir).sort().map((f) => readFileSync(path.join(liverDir, f)));
  for (let k = 0; k < 133; k++) {
    const b = sources[k % sources.length]!;
    const { meta, dict } = DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    const sop = hashedUid(`real-ct-133|${k}`);
    dict['00080018'] = { vr: 'UI', Value: [sop] };
    dict['0020000E'] = { vr: 'UI', Value: [hashedUid('real-ct-133|series')] };
    dict['00200013'] = { vr: 'IS', Value: [k + 1] };
    const pos = (dict['00200032']?.Value ?? [0, 0, 0]) as number[];
    dict['00200032'] = { vr: 'DS', Value: [pos[0], pos[1], -k * 1.25] };
    meta['00020003'] = { ...meta['00020003'], Value: [sop] };
    writeFileSync(path.join(out, `${String(k).padStart(4, '0')}.dcm`), encodeDict(meta as never, dict as never));
  }
}

void (async () => {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: ioBenchData <dir> [--real-ct <dcmqi liver ct folder>]');
  if (process.argv[3] === '--real-ct') {
    const out = path.join(dir, 'realct512x512x133');
    await realHeaderCt(process.argv[4]!, out);
    console.log(JSON.stringify({ realCtDir: out }));
    return;
  }
  const t0 = performance.now();
  const { volume } = generateTorsoPhantom({ dimensions: [512, 512, 400], spacingMm: [0.75, 0.75, 1], seed: 3 });
  const ctDir = path.join(dir, 'ct512x512x400');
  await writeDicomSeries(volume, ctDir, { uidSeed: 'bench-io', seriesDescription: 'bench phantom 512x512x400' });
  const tDicom = performance.now();
  const nii = path.join(dir, 'ct512x512x400.nii.gz');
  await writeNifti(volume, nii);
  const tNifti = performance.now();

  const j2kDir = path.join(dir, 'ct512x512x200_j2k');
  mkdirSync(j2kDir, { recursive: true });
  const req = createRequire(__filename);
  const factory = req('@cornerstonejs/codec-openjpeg/wasmjs') as (o: object) => Promise<{ J2KEncoder: new () => J2KEncoder }>;
  const codec = await factory({ print: () => undefined, printErr: () => undefined });
  const files = readdirSync(ctDir).filter((f) => f.endsWith('.dcm')).sort().slice(0, 200);
  let j2kBytes = 0;
  for (const f of files) {
    const encoder = new codec.J2KEncoder();
    try {
      const out = toJ2k(readFileSync(path.join(ctDir, f)), encoder);
      j2kBytes += out.length;
      writeFileSync(path.join(j2kDir, f), out);
    } finally {
      encoder.delete();
    }
  }
  // Voxel sum of the slices written as J2K (first 200 in file order = k 0..199), to check the lossless decode.
  const sliceVoxels = 512 * 512;
  let j2kSum = 0;
  for (let n = 0; n < 200 * sliceVoxels; n++) j2kSum += volume.voxels[n] as number;
  const tJ2k = performance.now();
  console.log(
    JSON.stringify({
      ctDir,
      nii,
      j2kDir,
      voxelBytes400: volume.voxels.byteLength,
      voxelBytes200: 200 * sliceVoxels * 2,
      j2kSum,
      j2kBytes,
      seconds: { dicom: (tDicom - t0) / 1000, nifti: (tNifti - tDicom) / 1000, j2k: (tJ2k - tNifti) / 1000 },
    }),
  );
})().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
