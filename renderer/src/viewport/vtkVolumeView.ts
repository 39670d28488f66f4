/**
 * The vtk.js objects behind the 3D view: GPU ray-cast volume rendering with
 * transfer-function presets, box clipping (six planes along the volume's
 * axes), segment surfaces (built from worker results), trackball camera
 * (rotate, zoom, pan), and an orientation cube (R/L, A/P, S/I; with a volume) in the
 * lower-right corner. Owns every vtk object and deletes them in `dispose()`.
 *
 * Segment surfaces are drawn twice (surfacePasses.ts): in the volume's scene,
 * depth-tested with the ray caster (anatomy in front covers them), and in a
 * second renderer layer over the volume, sharing its camera, translucent: a
 * lesion inside the body stays visible under any preset, as a tint, and a
 * large segment no longer hides the anatomy in front of it. Both follow the
 * segment's opacity. Surfaces still hide one another by depth among themselves.
 */
import '@kitware/vtk.js/Rendering/Profiles/Volume';
import '@kitware/vtk.js/Rendering/Profiles/Geometry';
import vtkCellArray from '@kitware/vtk.js/Common/Core/CellArray';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPoints from '@kitware/vtk.js/Common/Core/Points';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkPlane from '@kitware/vtk.js/Common/DataModel/Plane';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkOrientationMarkerWidget from '@kitware/vtk.js/Interaction/Widgets/OrientationMarkerWidget';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkAnnotatedCubeActor from '@kitware/vtk.js/Rendering/Core/AnnotatedCubeActor';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkVolume from '@kitware/vtk.js/Rendering/Core/Volume';
import vtkVolumeMapper from '@kitware/vtk.js/Rendering/Core/VolumeMapper';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { ijkToLps } from '../../../common/geometry/affine';
import type { Vec3, VolumeGeometry, VoxelArray } from '../../../common/volume';
import type { ClipBox } from '../state/viewerStore';
import type { VrPreset } from '../state/volumePresets';
import { ORIENTATION_CUBE_STYLE, ORIENTATION_FACES } from '../geometry/orientationCube';
import type { SurfaceResult } from './surfaceMessages';
import { surfaceOpacities } from './surfacePasses';
import { reduced3d, SOFTWARE_3D_SCALE } from './softwareGl';

type Actor = ReturnType<typeof vtkActor.newInstance>;
type Mapper = ReturnType<typeof vtkMapper.newInstance>;
type Poly = ReturnType<typeof vtkPolyData.newInstance>;

export class VtkVolumeView {
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly renderer = vtkRenderer.newInstance({ background: [0.05, 0.06, 0.08] });
  /** Layer 1: the segment surfaces' translucent pass, over the volume rendering, with the volume's camera. */
  private readonly surfaceRenderer = vtkRenderer.newInstance();
  private readonly cube = vtkAnnotatedCubeActor.newInstance();
  private readonly marker = vtkOrientationMarkerWidget.newInstance();
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly interactor = vtkRenderWindowInteractor.newInstance();
  private readonly style = vtkInteractorStyleTrackballCamera.newInstance();
  private readonly mapper = vtkVolumeMapper.newInstance();
  private readonly volume = vtkVolume.newInstance();
  private readonly ctf = vtkColorTransferFunction.newInstance();
  private readonly otf = vtkPiecewiseFunction.newInstance();
  private readonly planes = Array.from({ length: 6 }, () => vtkPlane.newInstance());
  /** Per label: `actor` in the volume's scene (depth-tested), `onTop` in layer 1; one mapper and polydata for both. */
  private readonly surfaces = new Map<number, { actor: Actor; onTop: Actor; mapper: Mapper; poly: Poly }>();
  private image: ReturnType<typeof vtkImageData.newInstance> | null = null;
  private geometry: VolumeGeometry | null = null;
  private frame = 0;
  private visible = false;

  constructor(container: HTMLElement) {
    this.renderWindow.setNumberOfLayers(2);
    this.renderWindow.addRenderer(this.renderer);
    this.surfaceRenderer.setLayer(1);
    // Not interactive: the trackball style acts on (and resets the clipping range of) the volume's renderer.
    this.surfaceRenderer.setInteractive(false);
    this.surfaceRenderer.setActiveCamera(this.renderer.getActiveCamera());
    this.renderWindow.addRenderer(this.surfaceRenderer);
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(container);
    this.interactor.setView(this.glWindow);
    this.interactor.initialize();
    this.interactor.bindEvents(container);
    this.interactor.setInteractorStyle(this.style);
    this.volume.setMapper(this.mapper);
    this.volume.getProperty().setRGBTransferFunction(0, this.ctf);
    this.volume.getProperty().setScalarOpacity(0, this.otf);
    this.volume.getProperty().setInterpolationTypeToLinear();
    this.mapper.setSampleDistance(1.0);
    this.mapper.setAutoAdjustSampleDistances(true);
    for (const p of this.planes) this.mapper.addClippingPlane(p);
    this.cube.setDefaultStyle(ORIENTATION_CUBE_STYLE);
    for (const [face, { text, faceRotation, faceColor }] of Object.entries(ORIENTATION_FACES)) this.cube.set({ [face]: { text, faceRotation, faceColor } });
    this.marker.setActor(this.cube);
    this.marker.setInteractor(this.interactor);
    this.marker.setParentRenderer(this.renderer);
    this.marker.setViewportCorner(vtkOrientationMarkerWidget.Corners.BOTTOM_RIGHT);
    this.marker.setViewportSize(0.14);
    this.marker.setMinPixelSize(56);
    this.marker.setMaxPixelSize(96);
  }

  setVolume(geometry: VolumeGeometry, voxels: VoxelArray): void {
    const image = vtkImageData.newInstance();
    image.setDimensions(...geometry.dimensions);
    image.setSpacing([...geometry.spacingMm]);
    image.setOrigin([...geometry.originLps]);
    image.setDirection(geometry.direction);
    image.getPointData().setScalars(vtkDataArray.newInstance({ name: 'voxels', numberOfComponents: 1, values: voxels }));
    this.mapper.setInputData(image);
    this.image?.delete();
    this.image = image;
    this.geometry = geometry;
    if (!this.renderer.getVolumes().includes(this.volume)) this.renderer.addVolume(this.volume);
    // The orientation cube only with a volume to orient (none while one streams in).
    this.marker.setEnabled(true);
    this.resetCamera();
  }

  /** Removes the volume rendering (a new volume is still streaming); surfaces stay. */
  clearVolume(): void {
    if (!this.image) return;
    this.renderer.removeVolume(this.volume);
    this.marker.setEnabled(false);
    this.mapper.setInputData(null);
    this.image.delete();
    this.image = null;
    this.geometry = null;
    this.requestRender();
  }

  /** Anterior view, patient's left on the screen's right, superior up. */
  resetCamera(): void {
    const g = this.geometry;
    if (!g) return;
    const c = ijkToLps(g, [(g.dimensions[0] - 1) / 2, (g.dimensions[1] - 1) / 2, (g.dimensions[2] - 1) / 2]);
    const cam = this.renderer.getActiveCamera();
    cam.setFocalPoint(...c);
    cam.setPosition(c[0], c[1] - 1000, c[2]);
    cam.setViewUp(0, 0, 1);
    this.renderer.resetCamera();
    this.requestRender();
  }

  setPreset(preset: VrPreset, autoRange: [number, number]): void {
    const map = (v: number) => (preset.units === 'hu' ? v : autoRange[0] + v * (autoRange[1] - autoRange[0]));
    this.ctf.removeAllPoints();
    for (const [v, r, g, b] of preset.colour) this.ctf.addRGBPoint(map(v), r, g, b);
    this.otf.removeAllPoints();
    for (const [v, a] of preset.opacity) this.otf.addPoint(map(v), a);
    const p = this.volume.getProperty();
    p.setShade(preset.shade);
    p.setAmbient(0.2);
    p.setDiffuse(0.7);
    p.setSpecular(0.3);
    p.setSpecularPower(8);
    this.requestRender();
  }

  /** Clipping box as fractions of the i, j, k extents. */
  setClip(clip: ClipBox): void {
    const g = this.geometry;
    if (!g) return;
    const [ni, nj, nk] = g.dimensions.map((d) => d - 1) as Vec3;
    for (let a = 0; a < 3; a++) {
      const dir: Vec3 = [g.direction[a * 3]!, g.direction[a * 3 + 1]!, g.direction[a * 3 + 2]!];
      const span = [ni, nj, nk][a]!;
      const lo: Vec3 = [ni / 2, nj / 2, nk / 2];
      const hi: Vec3 = [ni / 2, nj / 2, nk / 2];
      lo[a] = clip[a * 2]! * span - 0.5;
      hi[a] = clip[a * 2 + 1]! * span + 0.5;
      this.planes[a * 2]!.setOrigin(...ijkToLps(g, lo));
      this.planes[a * 2]!.setNormal(...dir);
      this.planes[a * 2 + 1]!.setOrigin(...ijkToLps(g, hi));
      this.planes[a * 2 + 1]!.setNormal(-dir[0], -dir[1], -dir[2]);
    }
    this.mapper.modified();
    this.requestRender();
  }

  setSurface(result: SurfaceResult, colour: [number, number, number], visible: boolean, opacity?: number): void {
    let s = this.surfaces.get(result.label);
    if (!s) {
      const poly = vtkPolyData.newInstance();
      const mapper = vtkMapper.newInstance();
      const actor = vtkActor.newInstance();
      const onTop = vtkActor.newInstance();
      mapper.setInputData(poly);
      actor.setMapper(mapper);
      onTop.setMapper(mapper);
      this.renderer.addActor(actor);
      this.surfaceRenderer.addActor(onTop);
      s = { actor, onTop, mapper, poly };
      this.surfaces.set(result.label, s);
    }
    const pts = vtkPoints.newInstance();
    pts.setData(result.points, 3);
    s.poly.setPoints(pts);
    s.poly.setPolys(vtkCellArray.newInstance({ values: result.polys }));
    s.poly.modified();
    this.style3d(s, colour, visible, opacity);
    this.requestRender();
  }

  setSurfaceVisibility(label: number, colour: [number, number, number], visible: boolean, opacity?: number): void {
    const s = this.surfaces.get(label);
    if (!s) return;
    this.style3d(s, colour, visible, opacity);
    this.requestRender();
  }

  /** Colour, visibility and the two passes' opacities (surfacePasses.ts) of one surface; a pass at opacity 0 is not drawn. */
  private style3d(s: { actor: Actor; onTop: Actor }, colour: [number, number, number], visible: boolean, opacity: number | undefined): void {
    const o = surfaceOpacities(opacity);
    for (const [actor, alpha] of [
      [s.actor, o.inScene],
      [s.onTop, o.onTop],
    ] as const) {
      actor.getProperty().setColor(colour[0] / 255, colour[1] / 255, colour[2] / 255);
      actor.getProperty().setOpacity(alpha);
      actor.setVisibility(visible && alpha > 0);
    }
  }

  removeSurfacesExcept(labels: Set<number>): void {
    for (const [label, s] of this.surfaces) {
      if (labels.has(label)) continue;
      this.renderer.removeActor(s.actor);
      this.surfaceRenderer.removeActor(s.onTop);
      s.actor.delete();
      s.onTop.delete();
      s.mapper.delete();
      s.poly.delete();
      this.surfaces.delete(label);
    }
    this.requestRender();
  }

  /** Pixels rendered per CSS pixel and axis: the device's ratio, halved under software WebGL (softwareGl.ts). */
  readonly pixelScale = (window.devicePixelRatio || 1) * (reduced3d() ? SOFTWARE_3D_SCALE : 1);

  resize(width: number, height: number): void {
    const s = this.pixelScale;
    this.glWindow.setSize(Math.max(1, Math.floor(width * s)), Math.max(1, Math.floor(height * s)));
    // A hidden 3D view (layouts without it) renders nothing, so it uploads no 3D texture.
    this.visible = width > 1 && height > 1;
    this.requestRender();
  }

  requestRender(): void {
    if (this.frame || !this.visible) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderWindow.render();
    });
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.removeSurfacesExcept(new Set());
    this.marker.setEnabled(false);
    this.marker.delete();
    this.cube.delete();
    this.interactor.unbindEvents();
    this.interactor.delete();
    this.style.delete();
    this.volume.delete();
    this.mapper.delete();
    this.ctf.delete();
    this.otf.delete();
    for (const p of this.planes) p.delete();
    this.image?.delete();
    this.surfaceRenderer.delete();
    this.renderer.delete();
    this.glWindow.delete();
    this.renderWindow.delete();
  }
}
