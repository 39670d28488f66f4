/**
 * The vtk.js objects behind one MPR viewport: a grey-level slice image and an
 * RGBA labelmap overlay, both 2D images resliced on the CPU (reslice.ts) and
 * drawn by vtkImageMapper in the view's own plane coordinates
 * (x = mm along screen right, y = mm along screen up). Owns every vtk object
 * it creates and deletes them all in `dispose()`.
 */
import '@kitware/vtk.js/Rendering/Profiles/Volume';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { dot } from '../../../common/geometry/affine';
import type { VolumeGeometry } from '../../../common/volume';
import { colourLabels, type LabelColourTable, type OverlayMode } from './labelmapOverlay';
import type { SliceGrid, ViewState } from '../geometry/mprGeometry';
import { resliceInto, type Interpolation } from '../geometry/reslice';
import { blankUnloadedSlices } from './unloadedSlices';

type Image = ReturnType<typeof vtkImageData.newInstance>;

export interface ImageInput {
  /** The volume (its id): a new key is a new volume. */
  key: string;
  /** Changes whenever more voxels of a streaming volume have arrived (the slice is resliced again). */
  revision: string;
  geometry: VolumeGeometry;
  voxels: ArrayLike<number>;
  outside: number;
  /** While the volume streams: 1 per k slice that has arrived; the others are drawn as `outside`. Null once complete. */
  sliceLoaded: Uint8Array | null;
}

export interface OverlayInput {
  key: string;
  labels: Uint8Array;
  table: LabelColourTable;
  mode: OverlayMode;
  opacity: number;
}

export class VtkMprView {
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly mapper = vtkImageMapper.newInstance();
  private readonly actor = vtkImageSlice.newInstance();
  private readonly overlayMapper = vtkImageMapper.newInstance();
  private readonly overlayActor = vtkImageSlice.newInstance();
  private readonly invertLut = vtkColorTransferFunction.newInstance();
  private grid: SliceGrid | null = null;
  private image: Image | null = null;
  private overlay: Image | null = null;
  private pixels: Float32Array = new Float32Array(0);
  private labelPixels: Uint8Array = new Uint8Array(0);
  private rgba: Uint8Array = new Uint8Array(0);
  private imageKey = '';
  private overlayKey = '';
  private frame = 0;
  /** Duration (ms) of the latest reslice, for the benchmark. */
  lastResliceMs = 0;
  /** performance.now() after the latest render that showed a new slice image (benchmark: open → first image). */
  imageRenderedAt = 0;
  /** Duration (ms) of the render call that showed that image (texture upload, first-use shader compilation). */
  imageRenderMs = 0;
  private renderedKey = '';
  /** The camera and display last set: a store change that alters neither (a scroll of another view, the cursor readout) draws no frame. */
  private cameraKey = '';
  private displayKey = '';
  /** Frames drawn (e2e: a view whose picture did not change draws none). */
  renders = 0;
  /** performance.now() after the first render that showed an image of the latest volume (benchmark: open → first image), and that volume's key. */
  firstImageRenderedAt = 0;
  firstImageVolumeKey = '';
  private volumeKey = '';

  constructor(container: HTMLElement) {
    opaqueContextWithoutMsaa(this.glWindow);
    this.renderWindow.addRenderer(this.renderer);
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(container);
    this.actor.setMapper(this.mapper);
    this.overlayActor.setMapper(this.overlayMapper);
    this.overlayActor.setForceTranslucent(true);
    this.overlayActor.setPosition(0, 0, 1);
    this.mapper.setSlicingMode(2);
    this.overlayMapper.setSlicingMode(2);
    this.invertLut.addRGBPoint(0, 1, 1, 1);
    this.invertLut.addRGBPoint(1, 0, 0, 0);
    this.renderer.getActiveCamera().setParallelProjection(true);
  }

  /** Sets the sampling grid (once per volume and view). */
  setGrid(grid: SliceGrid): void {
    if (this.grid === grid) return;
    this.grid = grid;
    const n = grid.right.count * grid.up.count;
    this.pixels = new Float32Array(n);
    this.labelPixels = new Uint8Array(n);
    this.rgba = new Uint8Array(n * 4);
    const make = (values: Float32Array | Uint8Array, comps: number) => {
      const img = vtkImageData.newInstance();
      img.setDimensions(grid.right.count, grid.up.count, 1);
      img.setSpacing([grid.right.step, grid.up.step, 1]);
      img.setOrigin([grid.right.start, grid.up.start, 0]);
      img.getPointData().setScalars(vtkDataArray.newInstance({ name: 'values', numberOfComponents: comps, values }));
      return img;
    };
    this.image?.delete();
    this.overlay?.delete();
    this.image = make(this.pixels, 1);
    this.overlay = make(this.rgba, 4);
    this.mapper.setInputData(this.image);
    this.overlayMapper.setInputData(this.overlay);
    this.imageKey = '';
    this.overlayKey = '';
    if (!this.renderer.getActors().includes(this.actor)) this.renderer.addActor(this.actor);
  }

  /** Reslices the grey-level image at `normalMm` unless the same slice is already shown. */
  updateImage(input: ImageInput, normalMm: number, interpolation: Interpolation): void {
    const grid = this.grid;
    const image = this.image;
    if (!grid || !image) return;
    const key = `${input.key}|${input.revision}|${normalMm}|${interpolation}`;
    if (key === this.imageKey) return;
    this.imageKey = key;
    this.volumeKey = input.key;
    const t0 = performance.now();
    resliceInto(input.geometry, input.voxels, grid, normalMm, interpolation, input.outside, this.pixels);
    if (input.sliceLoaded) blankUnloadedSlices(input.geometry, grid, normalMm, interpolation, input.sliceLoaded, input.outside, this.pixels);
    this.lastResliceMs = performance.now() - t0;
    image.getPointData().getScalars().modified();
    image.modified();
    this.requestRender();
  }

  updateOverlay(input: OverlayInput | null, geometry: VolumeGeometry, normalMm: number): void {
    const grid = this.grid;
    const overlay = this.overlay;
    if (!grid || !overlay) return;
    if (!input) {
      if (this.renderer.getActors().includes(this.overlayActor)) {
        this.renderer.removeActor(this.overlayActor);
        this.overlayKey = '';
        this.requestRender();
      }
      return;
    }
    const key = `${input.key}|${normalMm}|${input.mode}`;
    let changed = false;
    if (key !== this.overlayKey) {
      this.overlayKey = key;
      resliceInto(geometry, input.labels, grid, normalMm, 'nearest', 0, this.labelPixels);
      colourLabels(this.labelPixels, grid.right.count, grid.up.count, input.table, input.mode, this.rgba);
      overlay.getPointData().getScalars().modified();
      overlay.modified();
      changed = true;
    }
    const property = this.overlayActor.getProperty();
    if (property.getOpacity() !== input.opacity) {
      property.setOpacity(input.opacity);
      changed = true;
    }
    property.setInterpolationTypeToNearest();
    if (!this.renderer.getActors().includes(this.overlayActor)) {
      this.renderer.addActor(this.overlayActor);
      changed = true;
    }
    if (changed) this.requestRender();
  }

  setDisplay(windowWidth: number, windowLevel: number, invert: boolean, interpolation: Interpolation): void {
    const key = `${windowWidth}|${windowLevel}|${invert}|${interpolation}`;
    if (key === this.displayKey) return;
    this.displayKey = key;
    const p = this.actor.getProperty();
    p.setColorWindow(windowWidth);
    p.setColorLevel(windowLevel);
    p.setRGBTransferFunction(0, invert ? this.invertLut : null);
    p.setUseLookupTableScalarRange(false);
    if (interpolation === 'nearest') p.setInterpolationTypeToNearest();
    else p.setInterpolationTypeToLinear();
    this.requestRender();
  }

  setCamera(view: ViewState): void {
    const camera = this.renderer.getActiveCamera();
    const x = dot(view.centreLps, view.axes.right);
    const y = dot(view.centreLps, view.axes.up);
    // Unchanged (the axial view scrolled: coronal and sagittal keep their camera): no new frame.
    const key = `${x}|${y}|${view.parallelScale}`;
    if (key === this.cameraKey) return;
    this.cameraKey = key;
    camera.setFocalPoint(x, y, 0);
    camera.setPosition(x, y, 1000);
    camera.setViewUp(0, 1, 0);
    camera.setParallelScale(view.parallelScale);
    camera.setClippingRange(1, 2000);
    this.requestRender();
  }

  resize(width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.glWindow.setSize(Math.max(1, Math.floor(width * dpr)), Math.max(1, Math.floor(height * dpr)));
    this.requestRender();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const t0 = performance.now();
    this.renderWindow.render();
    this.renders++;
    if (this.imageKey && this.imageKey !== this.renderedKey) {
      this.renderedKey = this.imageKey;
      this.imageRenderedAt = performance.now();
      this.imageRenderMs = this.imageRenderedAt - t0;
      if (this.volumeKey !== this.firstImageVolumeKey) {
        this.firstImageVolumeKey = this.volumeKey;
        this.firstImageRenderedAt = this.imageRenderedAt;
      }
    }
  }

  /** For e2e checks: the grey-level values of the image on screen (a copy; row 0 at the bottom). */
  imageValues(): Float32Array {
    return this.pixels.slice();
  }

  /** The canvas's size in device pixels (benchmark: a bare canvas of the same size is its floor). */
  canvasSize(): [number, number] {
    const [w, h] = this.glWindow.getSize();
    return [w, h];
  }

  /** Renders now and waits for the GPU (reads one pixel back): benchmarks time the whole slice change. */
  renderNowAndSync(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.render();
    const gl = (this.glWindow as unknown as { getContext(): WebGL2RenderingContext | null }).getContext();
    gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.actor.delete();
    this.mapper.delete();
    this.overlayActor.delete();
    this.overlayMapper.delete();
    this.invertLut.delete();
    this.image?.delete();
    this.overlay?.delete();
    this.renderer.delete();
    this.glWindow.delete();
    this.renderWindow.delete();
  }
}

/**
 * An MPR view draws two textured quads: multisampling smooths no edge of its picture, and its canvas is
 * opaque (a black background). vtk.js asks for an antialiased canvas with alpha; under a software
 * rasteriser (SwiftShader, llvmpipe) the multisample resolve and the compositor's blend of every
 * canvas are a large part of a frame. A canvas keeps the first context made on it, whatever later
 * calls ask for, so this creates it (before the window's container is set, which initialises vtk.js).
 */
function opaqueContextWithoutMsaa(glWindow: ReturnType<typeof vtkOpenGLRenderWindow.newInstance>): void {
  const canvas = (glWindow as unknown as { getCanvas(): HTMLCanvasElement }).getCanvas();
  canvas.getContext('webgl2', { alpha: false, antialias: false, depth: true, preserveDrawingBuffer: false, powerPreference: 'high-performance' });
}
