/** `voxa report`: RECIST report files (CSV, JSON, SVG plots, PDF) from a timepoints JSON file. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VoxaError } from '../../../common/contract';
import { measureMaskFile } from '../../services/recist/maskMeasurement';
import { buildReportData, keyImageOf, writeReport, type KeyImage } from '../../services/recist/recistReport';
import { parseFlags, UsageError, type CliCommand } from '../command';

/** Reads and parses a JSON file with specific errors. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.resolve(file), 'utf8');
  } catch {
    throw new VoxaError('NOT_FOUND', `no such file: ${path.basename(file)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VoxaError('CORRUPT_INPUT', `${path.basename(file)} is not valid JSON: ${(e as Error).message}`);
  }
}

/** `--key "title=image,mask[,label]"` → the measured slice with its calipers. */
async function keyImage(spec: string): Promise<KeyImage> {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--key needs "title=image,mask[,label]", got "${spec}"`);
  const [image, mask, labelText] = spec.slice(eq + 1).split(',');
  if (!image || !mask) throw new UsageError(`--key needs "title=image,mask[,label]", got "${spec}"`);
  const label = labelText === undefined ? undefined : Number(labelText);
  if (label !== undefined && !Number.isInteger(label)) throw new UsageError(`--key label must be an integer, got "${labelText}"`);
  const m = await measureMaskFile(path.resolve(image), path.resolve(mask), label);
  return keyImageOf(m.image, m.measurement, spec.slice(0, eq));
}

export const reportCommand: CliCommand = {
  name: 'report',
  usage: [
    'report <timepoints.json> --out <dir> [--pdf] [--title T] [--key "title=image,mask[,label]"]...   RECIST report: lesions.csv, response.csv, report.json, spider.svg, sum.svg (and report.pdf with key images and calipers)',
  ],
  async run(args, io) {
    const { positional, flags, has } = parseFlags(args, ['pdf', 'json']);
    const file = positional[0];
    const out = flags.get('out')?.[0];
    if (!file) throw new UsageError('missing <timepoints.json>');
    if (!out) throw new UsageError('missing --out <dir>');
    const doc = await readJsonFile(file);
    let data;
    try {
      data = buildReportData(doc);
    } catch (e) {
      // Show every problem, not only the summary line.
      if (e instanceof VoxaError && e.details?.length) throw new VoxaError(e.code, `${e.message}:\n  - ${e.details.join('\n  - ')}`, e.details);
      throw e;
    }
    const keys = flags.get('key') ?? [];
    if (keys.length && !has('pdf')) throw new UsageError('--key images go in the PDF: add --pdf');
    const keyImages: KeyImage[] = [];
    for (const k of keys) keyImages.push(await keyImage(k));
    const title = flags.get('title')?.[0];
    const files = await writeReport(path.resolve(out), data, { pdf: has('pdf'), keyImages, ...(title ? { title } : {}) });
    if (has('json')) io.out(`${JSON.stringify({ files }, null, 2)}\n`);
    else io.out(`${files.map((f) => `wrote ${f}`).join('\n')}\n`);
    return 0;
  },
};
