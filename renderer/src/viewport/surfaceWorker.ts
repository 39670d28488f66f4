/**
 * Web Worker: extracts one segment's surface with vtk.js marching cubes
 * (threshold 0.5 on a binary mask) and returns LPS points and triangles as
 * transferable arrays. Runs off the UI thread (DESIGN.md §3).
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes';
import type { SurfaceRequest, SurfaceResult } from './surfaceMessages';

interface WorkerScope {
  onmessage: ((e: MessageEvent<SurfaceRequest>) => void) | null;
  postMessage(message: SurfaceResult, transfer: Transferable[]): void;
}

export function extractSurface(req: SurfaceRequest): SurfaceResult {
  const image = vtkImageData.newInstance();
  image.setDimensions(...req.dims);
  image.getPointData().setScalars(vtkDataArray.newInstance({ name: 'mask', numberOfComponents: 1, values: req.mask }));
  const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: false, mergePoints: true });
  mc.setInputData(image);
  const poly = mc.getOutputData();
  const ijk = poly.getPoints().getData() as Float32Array;
  const m = req.affine;
  const points = new Float32Array(ijk.length);
  for (let n = 0; n < ijk.length; n += 3) {
    const i = ijk[n]! + req.offset[0];
    const j = ijk[n + 1]! + req.offset[1];
    const k = ijk[n + 2]! + req.offset[2];
    points[n] = m[0]! * i + m[1]! * j + m[2]! * k + m[3]!;
    points[n + 1] = m[4]! * i + m[5]! * j + m[6]! * k + m[7]!;
    points[n + 2] = m[8]! * i + m[9]! * j + m[10]! * k + m[11]!;
  }
  const polys = Uint32Array.from(poly.getPolys().getData() as ArrayLike<number>);
  mc.delete();
  image.delete();
  poly.delete();
  return { id: req.id, label: req.label, points, polys };
}

const scope = globalThis as unknown as WorkerScope;
if (typeof (globalThis as { document?: unknown }).document === 'undefined') {
  scope.onmessage = (e) => {
    const r = extractSurface(e.data);
    scope.postMessage(r, [r.points.buffer, r.polys.buffer]);
  };
}
