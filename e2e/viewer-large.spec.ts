/**
 * Large volumes and the viewer benchmark (printed, not asserted as timings).
 *
 * - A generated 512 × 512 × 1000 int16 CT opens and shows correct MPRs: with
 *   the crosshair on a sphere near the top of the volume, the sphere is at its
 *   computed pixel in axial, coronal and sagittal; a second sphere near the
 *   bottom is where it should be in coronal.
 * - The 512 × 512 × 400 CT streams: its first axial image is on screen before
 *   the last voxel chunk has arrived; mid-stream, coronal rows of slices not
 *   yet arrived are blank (the volume's minimum, black); once complete, every
 *   MPR image equals a reslice (computed here, in Node) of the same volume's
 *   voxels fetched whole from the service.
 * - Benchmark on a 512 × 512 × 400 CT: open → first image beside the Node-side
 *   floor, slice change while scrolling (reslice + render + GPU read-back;
 *   median, p95) during and after the stream, renderer memory.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { dot, lpsToIjk } from '../common/geometry/affine';
import type { Vec3 } from '../common/volume';
import { fetchVoxels, slicesPerChunk } from '../renderer/src/actions/fetchVoxels';
import { slicesUnderPlane } from '../renderer/src/actions/streamOrder';
import { initialCrosshairLps } from '../renderer/src/state/viewerStore';
import { sliceGrid } from '../renderer/src/geometry/mprGeometry';
import { resliceInto } from '../renderer/src/geometry/reslice';
import { waitForVoxels } from './helpers/viewerNav';
import { connectHostApi } from './helpers/hostApi';
import { REPO_ROOT, startHost, type HostProcess } from './helpers/hostProcess';
import { voxelLps, writeBigPhantom, type BigPhantom } from './helpers/bigCtPhantom';
import { expectedPixel, rgbAt, type GridInfo, type View } from './helpers/screenPixels';

type V3 = [number, number, number];
const artifacts = path.join(REPO_ROOT, 'e2e-artifacts');
const dataDir = path.join(artifacts, 'data-viewer-large');
let host: HostProcess;

const big: BigPhantom = {
  dims: [512, 512, 1000],
  spacing: [0.7, 0.7, 0.8],
  origin: [-179, -179, -400],
  spheres: [
    { centre: [60, -40, 340], radiusMm: 20, hu: 1000 }, // near the top (k ≈ 925), patient left
    { centre: [-70, 30, -330], radiusMm: 20, hu: 1000 }, // near the bottom (k ≈ 87), patient right
  ],
};
const bench: BigPhantom = { dims: [512, 512, 400], spacing: [0.7, 0.7, 1.25], origin: [-179, -179, -250], spheres: [{ centre: [50, 0, 0], radiusMm: 25, hu: 1000 }] };

test.setTimeout(240_000);
// Tracing would record the 0.5 GB voxel frame as a string and fail.
test.use({ trace: 'off' });

test.beforeAll(async () => {
  mkdirSync(dataDir, { recursive: true });
  writeBigPhantom(path.join(dataDir, 'ct-512x512x400.nii'), bench);
  host = await startHost(['--root', dataDir, '--data-dir', path.join(artifacts, 'userdata-viewer-large')]);
});

test.afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true }); // 0.7 GB of generated files
});

async function open(page: Page, name: string, dims: string, timeout = 120_000) {
  await page.getByTestId('open-button').click();
  await page.getByTestId('fb-entry-data-viewer-large').click();
  await page.getByTestId(`fb-entry-${name}`).click();
  await expect(page.getByTestId('study-info')).toContainText(dims, { timeout });
}

/** Renderer memory from the DevTools protocol: JS heap and ArrayBuffer backing stores (where Chromium reports them). */
async function rendererMemory(page: Page): Promise<{ text: string; heap: number; backing: number | undefined }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number; backingStorageSize?: number; embedderHeapUsedSize?: number };
  const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 ** 2).toFixed(0)} MB`);
  const text = `JS heap ${mb(h.usedSize)}, ArrayBuffer backing stores ${mb(h.backingStorageSize)}, embedder heap ${mb(h.embedderHeapUsedSize)}`;
  return { text, heap: h.usedSize, backing: h.backingStorageSize };
}

const gridOf = (p: BigPhantom): GridInfo => ({
  dims: p.dims,
  spacing: p.spacing,
  axes: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  centreLps: voxelLps(p, (p.dims[0] - 1) / 2, (p.dims[1] - 1) / 2, (p.dims[2] - 1) / 2),
});

// The voxels travel in 16 MB chunks (volume:voxels with a slice range) into one typed array.
test('a 512 × 512 × 1000 volume opens and shows correct MPRs', async ({ page }) => {
  // Under Playwright every voxel frame is also base64-encoded to the test process (DevTools Network domain): 0.5 GB takes minutes on a loaded machine.
  test.setTimeout(480_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const bigFile = path.join(dataDir, 'ct-512x512x1000.nii');
  writeBigPhantom(bigFile, big);
  const frames: number[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(typeof f.payload === 'string' ? f.payload.length : f.payload.byteLength)));
  await page.goto(host.url);
  await page.getByTestId('layout-1x3').click();
  await open(page, 'ct-512x512x1000.nii', '512 × 512 × 1000', 360_000);
  await waitForVoxels(page, 360_000);
  await expect(page.getByTestId('status-slice')).toHaveText(/Slice \d+\/1000/);
  const top = big.spheres[0]!.centre;
  await page.evaluate((p) => (window as unknown as { __voxaStore: { getState(): { setCrosshair(p: number[]): void; toggleCrosshairs(): void } } }).__voxaStore.getState().setCrosshair(p), top);
  await page.keyboard.press('c');
  await page.waitForTimeout(500);
  const g = gridOf(big);
  for (const v of ['axial', 'coronal', 'sagittal'] as View[]) {
    const box = await page.getByTestId(`${v}-viewport`).locator('.viewport-canvas').boundingBox();
    if (!box) throw new Error('no viewport');
    const pts = [expectedPixel(g, v, top, box), expectedPixel(g, v, [top[0], top[1] - 35, top[2] - 35] as V3, box)];
    if (v === 'coronal') pts.push(expectedPixel(g, v, [big.spheres[1]!.centre[0], top[1], big.spheres[1]!.centre[2]] as V3, box));
    const rgb = await rgbAt(page, await page.screenshot({ clip: box }), pts);
    expect(Math.min(...rgb[0]!), `${v}: sphere centre`).toBeGreaterThan(240);
    expect(rgb[1]![0], `${v}: body beside the sphere`).toBeLessThan(160);
    expect(rgb[1]![0], `${v}: body beside the sphere`).toBeGreaterThan(60);
    // The bottom sphere lies 70 mm posterior of the coronal plane through the top one: body there, not sphere.
    if (v === 'coronal') expect(rgb[2]![0]).toBeLessThan(160);
  }
  await page.screenshot({ path: path.join(artifacts, 'e2e-viewer-large.png') });
  const voxelBytes = 512 * 512 * 1000 * 2;
  const mem = await rendererMemory(page);
  const held = mem.backing ?? mem.heap;
  console.log(
    `viewer-large: 512×512×1000 int16 (${(voxelBytes / 1024 ** 2).toFixed(0)} MB of voxels) in ${frames.length} frames, largest ${(Math.max(...frames) / 1024 ** 2).toFixed(1)} MB: renderer ${mem.text} = ${(held / voxelBytes).toFixed(2)}× the voxel bytes`,
  );
  // One copy of the voxels plus the 3D view's subsampled texture source and slice buffers, not two copies;
  // and the segmentation store's labelmap (one byte per voxel), which is in by now: the test waits for the
  // end of the stream (the measurement used to come before the labelmap arrived).
  const labelBytes = 512 * 512 * 1000;
  expect(held).toBeLessThan(1.25 * voxelBytes + labelBytes);
  // No frame carries more than one chunk (16 MiB of slices plus its header).
  expect(Math.max(...frames)).toBeLessThan(17 * 1024 * 1024);
  expect(errors).toEqual([]);
  rmSync(bigFile, { force: true });
});

/** What the page exposes for benchmarks and e2e (main.tsx): the store, the live MPR views, the latest open's timings. */
interface PageHooks {
  __voxaStore: {
    getState(): {
      volume: { header: { volumeId: string; valueRange: [number, number] } } | null;
      streaming: { sliceLoaded: Uint8Array; slicesLoaded: number } | null;
      crosshairLps: Vec3;
      scroll(v: string, d: number): void;
      setSliceIndex(v: string, i: number): void;
    };
  };
  __voxaMprViews: Map<string, { imageRenderedAt: number; imageRenderMs: number; firstImageRenderedAt: number; firstImageVolumeKey: string; lastResliceMs: number; imageValues(): Float32Array; renderNowAndSync(): void; renders: number; canvasSize(): [number, number] }>;
  __voxaOpenTimings: { requested: number; headerMs: number; shownAt: number; firstSlices: number; voxelsMs: number; loadedAt: number; setVolumeMs: number; streamed: boolean };
}

/** Order-sensitive digest of an image's values (exact for integer values): count, sum, and position-weighted sum. */
function digest(values: ArrayLike<number>): [number, number, number] {
  let sum = 0;
  let weighted = 0;
  for (let n = 0; n < values.length; n++) {
    sum += values[n]!;
    weighted += ((n % 65521) + 1) * values[n]!;
  }
  return [values.length, sum, weighted];
}

test('the 512² CT streams: first axial image before the last chunk, unloaded slices blank, final MPRs equal the whole volume resliced', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await page.getByTestId('layout-2x2').click();
  await open(page, 'ct-512x512x400.nii', '512 × 512 × 400');
  // Mid-stream: the progress indicator shows on the views, and the coronal image is blank on every slice not yet arrived.
  await expect(page.getByTestId('axial-streaming')).toBeVisible();
  // Mid-stream the labelmap tools are refused, and look it: disabled, with a title that says why (the store and the
  // DOM read in one task, so a stream that ended meanwhile is told apart from an enabled button).
  const toolsMid = await page.evaluate(() => {
    const w = window as unknown as { __voxaStore: { getState(): { streaming: unknown } } };
    return {
      streaming: w.__voxaStore.getState().streaming !== null,
      tools: ['point', 'box', 'brush', 'eraser'].map((id) => {
        const b = document.querySelector<HTMLButtonElement>(`[data-testid="tool-${id}"]`);
        return { id, disabled: b?.disabled ?? null, title: b?.title ?? null };
      }),
    };
  });
  if (toolsMid.streaming) for (const t of toolsMid.tools) expect(t, t.id).toMatchObject({ disabled: true, title: expect.stringContaining('Wait until the volume has finished loading') });
  const mid = await page.evaluate(() => {
    const w = window as unknown as PageHooks;
    const st = w.__voxaStore.getState();
    const coronal = w.__voxaMprViews.get('coronal')!.imageValues();
    return st.streaming ? { sliceLoaded: Array.from(st.streaming.sliceLoaded), coronal: Array.from(coronal), outside: st.volume!.header.valueRange[0] } : null;
  });
  await page.screenshot({ path: path.join(artifacts, 'e2e-viewer-streaming-mid.png') });
  await waitForVoxels(page);
  await expect(page.getByTestId('axial-streaming')).toHaveCount(0);
  for (const id of ['point', 'box', 'brush', 'eraser']) await expect(page.getByTestId(`tool-${id}`)).toBeEnabled();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'e2e-viewer-streaming-done.png') });
  const done = await page.evaluate(() => {
    const w = window as unknown as PageHooks;
    const st = w.__voxaStore.getState();
    const t = w.__voxaOpenTimings;
    const axial = w.__voxaMprViews.get('axial')!;
    const views = Object.fromEntries(['axial', 'coronal', 'sagittal'].map((v) => [v, Array.from(w.__voxaMprViews.get(v)!.imageValues())]));
    return { volumeId: st.volume!.header.volumeId, crosshair: st.crosshairLps, firstKey: axial.firstImageVolumeKey, firstAt: axial.firstImageRenderedAt, loadedAt: t.loadedAt, streamed: t.streamed, views };
  });
  expect(done.streamed).toBe(true);
  expect(done.firstKey).toBe(done.volumeId);
  // The first axial image of this volume was on screen before its last voxel chunk had arrived.
  expect(done.firstAt).toBeGreaterThan(0);
  expect(done.firstAt).toBeLessThan(done.loadedAt);

  // The reference: the same file opened again from Node, its voxels fetched in plain slice order, resliced here.
  const api = await connectHostApi(host.url);
  const h = await api.invoke('volume:open', { path: path.join(dataDir, 'ct-512x512x400.nii') });
  const whole = await fetchVoxels(api, { volumeId: h.volumeId, dtype: h.dtype, dimensions: h.geometry.dimensions });
  await api.invoke('volume:close', { volumeId: h.volumeId });
  api.close();
  const g = h.geometry;
  for (const v of ['axial', 'coronal', 'sagittal'] as const) {
    const grid = sliceGrid(g, v);
    const ref = new Float32Array(grid.right.count * grid.up.count);
    resliceInto(g, whole, grid, dot(done.crosshair, grid.axes.normal), 'nearest', h.valueRange[0], ref);
    expect(digest(done.views[v]!), `${v}: final image = the whole volume resliced`).toEqual(digest(ref));
  }

  // Mid-stream blanking (when the check above caught the stream still running, as it does at this size).
  expect(mid, 'caught mid-stream').not.toBeNull();
  if (mid) {
    const grid = sliceGrid(g, 'coronal');
    const na = grid.right.count;
    let blankRows = 0;
    for (let b = 0; b < grid.up.count; b++) {
      const z = grid.up.start + b * grid.up.step;
      const k = Math.round(lpsToIjk(g, [0, 0, z])[2]);
      if (k < 0 || k >= g.dimensions[2] || mid.sliceLoaded[k]) continue;
      const row = mid.coronal.slice(b * na, (b + 1) * na);
      expect(row.every((x) => x === mid.outside), `coronal row ${b} (slice ${k}, not arrived) is blank`).toBe(true);
      blankRows++;
    }
    expect(blankRows, 'slices still missing mid-stream').toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
});

test('benchmark: open → first image, slice change while scrolling a 512² CT, renderer memory (printed)', async ({ page, context }) => {
  // The Node-side floor: the same open and transfers from Node, without the browser and its DevTools instrumentation.
  const api = await connectHostApi(host.url);
  const n0 = performance.now();
  const h = await api.invoke('volume:open', { path: path.join(dataDir, 'ct-512x512x400.nii') });
  const n1 = performance.now();
  const axialGrid = sliceGrid(h.geometry, 'axial');
  const [k0, kn] = slicesUnderPlane(h.geometry, axialGrid, dot(initialCrosshairLps(h.geometry), axialGrid.axes.normal), slicesPerChunk(h.geometry.dimensions, h.dtype));
  await api.invoke('volume:voxels', { volumeId: h.volumeId, firstSlice: k0, sliceCount: kn });
  const n2 = performance.now();
  await fetchVoxels(api, { volumeId: h.volumeId, dtype: h.dtype, dimensions: h.geometry.dimensions });
  const n3 = performance.now();
  await api.invoke('volume:close', { volumeId: h.volumeId });
  api.close();
  await page.goto(host.url);
  await page.getByTestId(process.env.VOXA_BENCH_LAYOUT === '1x3' ? 'layout-1x3' : 'layout-2x2').click();
  await open(page, 'ct-512x512x400.nii', '512 × 512 × 400');
  // One axial slice change per animation frame (so chunks land, and the other views redraw, in between), for at most
  // 60 frames: while the rest streams, and again after it (the same loop: its floor in this run).
  const perFrame = (whileStreaming: boolean) =>
    page.evaluate(async (streamingOnly) => {
      const w = window as unknown as PageHooks;
      const view = w.__voxaMprViews.get('axial')!;
      const s = w.__voxaStore.getState();
      const total: number[] = [];
      const frames: number[] = [];
      const update: number[] = [];
      const reslice: number[] = [];
      let last = performance.now();
      const loaded0 = w.__voxaStore.getState().streaming?.slicesLoaded ?? 0;
      const others = ['coronal', 'sagittal'].map((v) => w.__voxaMprViews.get(v)!);
      const renders0 = others.map((v) => v.renders);
      const start = performance.now();
      for (let n = 0; n < 60 && (!streamingOnly || w.__voxaStore.getState().streaming); n++) {
        await new Promise((r) => requestAnimationFrame(r));
        const t0 = performance.now();
        frames.push(t0 - last);
        last = t0;
        s.scroll('axial', n % 40 < 20 ? 1 : -1);
        // The store update: every view's draw (the axial reslice among them).
        update.push(performance.now() - t0);
        reslice.push(view.lastResliceMs);
        view.renderNowAndSync();
        total.push(performance.now() - t0);
      }
      const q = (a: number[], f: number) => (a.length ? [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(f * a.length))]! : NaN);
      const slicesIn = streamingOnly ? (w.__voxaStore.getState().streaming?.slicesLoaded ?? 400) - loaded0 : 0;
      // Frames the coronal and sagittal views drew meanwhile (their picture does not change when the axial view scrolls).
      const otherRenders = others.reduce((a, v, n) => a + v.renders - renders0[n]!, 0);
      return { n: total.length, seconds: (performance.now() - start) / 1000, slicesIn, otherRenders, median: q(total, 0.5), p95: q(total, 0.95), updateMedian: q(update, 0.5), resliceMedian: q(reslice, 0.5), frameMedian: q(frames, 0.5), frameP95: q(frames, 0.95) };
    }, whileStreaming);
  const during = await perFrame(true);
  await waitForVoxels(page);
  await page.waitForFunction(() => {
    const w = window as unknown as PageHooks;
    const t = w.__voxaOpenTimings;
    return t.loadedAt > t.requested && (w.__voxaMprViews.get('axial')?.imageRenderedAt ?? 0) > t.loadedAt;
  });
  const openT = await page.evaluate(() => {
    const w = window as unknown as PageHooks;
    const t = w.__voxaOpenTimings;
    const axial = w.__voxaMprViews.get('axial')!;
    return {
      headerMs: t.headerMs,
      firstSlicesMs: t.shownAt - t.requested - t.headerMs,
      firstSlices: t.firstSlices,
      setVolumeMs: t.setVolumeMs,
      shownToFirstMs: axial.firstImageRenderedAt - t.shownAt,
      firstMs: axial.firstImageRenderedAt - t.requested,
      voxelsMs: t.voxelsMs,
      allInMs: t.loadedAt - t.requested,
      finalMs: axial.imageRenderedAt - t.requested,
      streamed: t.streamed,
    };
  });
  const scroll = await page.evaluate(() => {
    const w = window as unknown as PageHooks;
    const view = w.__voxaMprViews.get('axial')!;
    const s = w.__voxaStore.getState();
    s.setSliceIndex('axial', 50);
    const total: number[] = [];
    const reslice: number[] = [];
    for (let n = 0; n < 150; n++) {
      const t0 = performance.now();
      s.scroll('axial', 1);
      view.renderNowAndSync();
      total.push(performance.now() - t0);
      reslice.push(view.lastResliceMs);
    }
    const q = (a: number[], f: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(f * a.length))]!;
    return { median: q(total, 0.5), p95: q(total, 0.95), resliceMedian: q(reslice, 0.5) };
  });
  const afterPerFrame = await perFrame(false);
  const mem = (await rendererMemory(page)).text;
  // This browser's own floor for one frame: a bare WebGL2 canvas of the axial view's size, cleared and read back once per
  // animation frame (no vtk.js, no page around it). Under a software rasteriser this alone is far above 16 ms.
  const axialSize = await page.evaluate(() => {
    const c = (window as unknown as PageHooks).__voxaMprViews.get('axial')!.canvasSize();
    return { width: c[0], height: c[1] };
  });
  const bare = await context.newPage();
  await bare.setContent('<canvas id="c"></canvas>');
  const floor = await bare.evaluate(async ({ width, height }) => {
    const canvas = document.getElementById('c') as HTMLCanvasElement;
    canvas.width = width;
    canvas.height = height;
    const gl = canvas.getContext('webgl2', { alpha: false, antialias: false })!;
    const total: number[] = [];
    const frames: number[] = [];
    let last = performance.now();
    for (let n = 0; n < 60; n++) {
      await new Promise((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      frames.push(t0 - last);
      last = t0;
      gl.clearColor((n % 2) * 0.5, 0, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      total.push(performance.now() - t0);
    }
    const q = (a: number[], f: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(f * a.length))]!;
    return { median: q(total.slice(10), 0.5), frameMedian: q(frames.slice(10), 0.5) };
  }, axialSize);
  await bare.close();
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    [
      'viewer benchmark (headless Chromium + SwiftShader, this machine):',
      `  open → first axial image ${ms(openT.firstMs)} (target ≤ 1000; ${openT.streamed ? 'streamed' : 'not streamed'}) = volume:open ${ms(openT.headerMs)} + first ${openT.firstSlices} slice(s) ${ms(openT.firstSlicesMs)} + setVolume and 3 MPR reslices ${ms(openT.setVolumeMs)} + commit, frame and axial render ${ms(openT.shownToFirstMs - openT.setVolumeMs)}`,
      `  Node-side floor (no browser): volume:open ${ms(n1 - n0)} + first ${kn} slice(s) ${ms(n2 - n1)} = ${ms(n2 - n0)} to the first image's bytes; whole chunked transfer ${ms(n3 - n2)}`,
      `  rest of the stream: all 200 MB of voxels in at ${ms(openT.allInMs)} (transfer ${ms(openT.voxelsMs)}), final axial image at ${ms(openT.finalMs)} after the open request`,
      `  axial slice change while streaming (one per frame, ${during.n} frames in ${during.seconds.toFixed(1)} s, ${during.slicesIn} slices arrived meanwhile): median ${during.median.toFixed(1)} ms, p95 ${during.p95.toFixed(1)} ms (store update and views' draw ${during.updateMedian.toFixed(1)} ms, of it the axial reslice ${during.resliceMedian.toFixed(1)} ms; the rest render + read-back); frame interval median ${during.frameMedian.toFixed(1)} ms, p95 ${during.frameP95.toFixed(1)} ms`,
      `  the same, one per frame after the stream (its floor): median ${afterPerFrame.median.toFixed(1)} ms, p95 ${afterPerFrame.p95.toFixed(1)} ms (store update and views' draw ${afterPerFrame.updateMedian.toFixed(1)} ms, axial reslice ${afterPerFrame.resliceMedian.toFixed(1)} ms); frame interval median ${afterPerFrame.frameMedian.toFixed(1)} ms; coronal + sagittal frames drawn meanwhile ${afterPerFrame.otherRenders} (during the stream ${during.otherRenders})`,
      `  this browser's floor, a bare ${axialSize.width}×${axialSize.height} WebGL2 canvas cleared and read back once per frame: median ${floor.median.toFixed(1)} ms, frame interval median ${floor.frameMedian.toFixed(1)} ms; the axial view's one-per-frame change after the stream = ${(afterPerFrame.median / floor.median).toFixed(2)}× it, its frame interval ${(afterPerFrame.frameMedian / floor.frameMedian).toFixed(2)}×`,
      `  axial slice change back to back (reslice + render + GPU read-back; the other views draw only after), 150 slices: median ${scroll.median.toFixed(1)} ms (target ≤ 16), p95 ${scroll.p95.toFixed(1)} ms (target ≤ 33); reslice alone median ${scroll.resliceMedian.toFixed(1)} ms`,
      `  renderer memory: ${mem} (voxels: 200 MB)`,
    ].join('\n'),
  );
  expect(scroll.median).toBeGreaterThan(0);
  // Scrolling the axial view changes nothing on coronal and sagittal (their crosshair lines are SVG): they draw no frame for it.
  expect(afterPerFrame.otherRenders).toBe(0);
});
