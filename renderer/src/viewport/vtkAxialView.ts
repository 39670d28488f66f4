/**
 * The vtk.js objects behind one axial viewport. Owns every vtk object it
 * creates and deletes them all in `dispose()`.
 */
import '@kitware/vtk.js/Rendering/Profiles/Volume';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import type { VolumeGeometry, VoxelArray } from '../../../common/volume';
import { SCREEN_RIGHT, SCREEN_UP, VIEW_DIRECTION, type ViewState } from './axialGeometry';

export interface AxialDrawState {
  slice: number;
  sliceAxis: 0 | 1 | 2;
  windowWidth: number;
  windowLevel: number;
  interpolation: 'nearest' | 'linear';
  view: ViewState;
}

export class VtkAxialView {
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly mapper = vtkImageMapper.newInstance();
  private readonly actor = vtkImageSlice.newInstance();
  private image: ReturnType<typeof vtkImageData.newInstance> | null = null;
  private frame = 0;

  constructor(container: HTMLElement) {
    this.renderWindow.addRenderer(this.renderer);
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(container);
    this.actor.setMapper(this.mapper);
    const camera = this.renderer.getActiveCamera();
    camera.setParallelProjection(true);
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
    if (!this.renderer.getActors().includes(this.actor)) this.renderer.addActor(this.actor);
  }

  resize(width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.glWindow.setSize(Math.max(1, Math.floor(width * dpr)), Math.max(1, Math.floor(height * dpr)));
  }

  draw(s: AxialDrawState): void {
    if (!this.image) return;
    this.mapper.setSlicingMode(s.sliceAxis);
    this.mapper.setSlice(s.slice);
    const property = this.actor.getProperty();
    property.setColorWindow(s.windowWidth);
    property.setColorLevel(s.windowLevel);
    if (s.interpolation === 'nearest') property.setInterpolationTypeToNearest();
    else property.setInterpolationTypeToLinear();

    const camera = this.renderer.getActiveCamera();
    const f = s.view.centreLps;
    const distance = 2000;
    camera.setFocalPoint(f[0], f[1], f[2]);
    camera.setPosition(f[0] - VIEW_DIRECTION[0] * distance, f[1] - VIEW_DIRECTION[1] * distance, f[2] - VIEW_DIRECTION[2] * distance);
    camera.setViewUp(...SCREEN_UP);
    camera.setParallelScale(s.view.parallelScale);
    camera.setClippingRange(1, distance * 2);
    void SCREEN_RIGHT;
    this.requestRender();
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderWindow.render();
    });
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.actor.delete();
    this.mapper.delete();
    this.image?.delete();
    this.renderer.delete();
    this.glWindow.delete();
    this.renderWindow.delete();
  }
}
