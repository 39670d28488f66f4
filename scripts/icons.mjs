// `node scripts/icons.mjs`: the app icons electron-builder needs, from assets/icon.svg
// (rendered with resvg): assets/build/icon.png (1024), icon.icns (macOS), icon.ico (Windows)
// and assets/build/icons/<n>x<n>.png (Linux). The outputs are committed; run again after
// changing the SVG.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(path.join(root, 'assets', 'icon.svg'));
const out = path.join(root, 'assets', 'build');
mkdirSync(path.join(out, 'icons'), { recursive: true });
const render = (size) => new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
const big = render(1024);
writeFileSync(path.join(out, 'icon.png'), big);
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) writeFileSync(path.join(out, 'icons', `${size}x${size}.png`), render(size));
writeFileSync(path.join(out, 'icon.icns'), png2icons.createICNS(big, png2icons.BICUBIC, 0));
writeFileSync(path.join(out, 'icon.ico'), png2icons.createICO(big, png2icons.BICUBIC, 0, false, true));
console.log(`icons written to ${path.relative(root, out)}`);
