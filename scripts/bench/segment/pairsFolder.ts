/**
 * The image + reference-mask pairs of a folder (`npm run bench:segment -- --pairs DIR`):
 * `X_image.<ext>` + `X_mask.<ext>`, `X.<ext>` + `X_mask.<ext>`, or a subfolder
 * holding `image.<ext>` + `mask.<ext>` (named after the subfolder). Extensions
 * may differ within a pair; an entry may be a DICOM folder (no extension).
 * Only names are looked at here: whether loadVolume reads a file is found out
 * when the case is loaded.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export interface ImageMaskPair {
  name: string;
  image: string;
  mask: string;
}

export interface PairListing {
  pairs: ImageMaskPair[];
  /** One line per entry that could not be paired, naming the file. */
  problems: string[];
  /** Documentation and other non-image files passed over (README.md, *.json...). */
  ignored: string[];
}

const NOT_IMAGES = new Set(['.md', '.txt', '.json', '.jsonl', '.csv', '.tsv', '.py', '.html', '.pdf', '.png', '.jpg', '.jpeg', '.yaml', '.yml', '.log']);

/** `name` without its extension (`.nii.gz` counts as one), and the extension. */
export function splitExtension(name: string): { stem: string; ext: string } {
  const m = /(\.nii\.gz|\.[^.]+)$/i.exec(name);
  return m ? { stem: name.slice(0, m.index), ext: m[0].toLowerCase() } : { stem: name, ext: '' };
}

/** The pair a name belongs to and its role in it. */
function roleOf(stem: string): { key: string; role: 'image' | 'mask' } {
  if (stem.endsWith('_mask')) return { key: stem.slice(0, -'_mask'.length), role: 'mask' };
  if (stem.endsWith('_image')) return { key: stem.slice(0, -'_image'.length), role: 'image' };
  return { key: stem, role: 'image' };
}

export function findPairs(dir: string): PairListing {
  const problems: string[] = [];
  const ignored: string[] = [];
  const pairs: ImageMaskPair[] = [];
  const byKey = new Map<string, { image: string[]; mask: string[] }>();
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = readdirSync(full).filter((n) => !n.startsWith('.'));
      const named = (role: string) => inner.filter((n) => splitExtension(n).stem === role && !NOT_IMAGES.has(splitExtension(n).ext)).map((n) => path.join(full, n));
      const image = named('image');
      const mask = named('mask');
      if (image.length || mask.length) {
        if (image.length === 1 && mask.length === 1) pairs.push({ name: entry.name, image: image[0]!, mask: mask[0]! });
        else problems.push(`${entry.name}/: needs one image.* and one mask.* (found ${image.length} image, ${mask.length} mask)`);
        continue;
      }
      // No image.*/mask.* inside: the folder itself is an image or mask (a DICOM series), paired by its name.
    } else if (!entry.isFile()) {
      continue;
    }
    const { stem, ext } = entry.isDirectory() ? { stem: entry.name, ext: '' } : splitExtension(entry.name);
    if (NOT_IMAGES.has(ext)) {
      ignored.push(entry.name);
      continue;
    }
    const { key, role } = roleOf(stem);
    const slot = byKey.get(key) ?? { image: [], mask: [] };
    slot[role].push(entry.name);
    byKey.set(key, slot);
  }
  for (const [key, { image, mask }] of byKey) {
    if (image.length === 1 && mask.length === 1) pairs.push({ name: key, image: path.join(dir, image[0]!), mask: path.join(dir, mask[0]!) });
    else if (!mask.length) problems.push(`${image.join(', ')}: no mask beside it (expected ${key}_mask.<ext>)`);
    else if (!image.length) problems.push(`${mask.join(', ')}: no image beside it (expected ${key}_image.<ext> or ${key}.<ext>)`);
    else problems.push(`${[...image, ...mask].join(', ')}: more than one image or mask for "${key}"`);
  }
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { pairs, problems, ignored };
}
