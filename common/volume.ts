/**
 * The in-memory image volume shared by every layer.
 *
 * Geometry follows the DICOM convention: voxel index (i, j, k) maps to patient
 * LPS millimetres by `lps = originLps + direction · diag(spacingMm) · ijk`.
 * `direction` is stored axis-major: elements 0..2 are the unit vector of the
 * i axis in LPS, 3..5 the j axis, 6..8 the k axis (the same layout vtk.js's
 * `vtkImageData.setDirection` expects).
 *
 * Voxels are stored i-fastest (i + j·ni + k·ni·nj) in real units (HU for CT,
 * after rescale slope/intercept).
 */
export type Vec3 = [number, number, number];
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export const VOXEL_DTYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'] as const;
export type VoxelDType = (typeof VOXEL_DTYPES)[number];

export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

export interface VolumeGeometry {
  /** Number of voxels along i, j, k. */
  dimensions: Vec3;
  /** Voxel size along i, j, k in millimetres. */
  spacingMm: Vec3;
  /** LPS position (mm) of the centre of voxel (0, 0, 0). */
  originLps: Vec3;
  /** Axis-major 3×3 direction cosines (see file comment). */
  direction: Mat3;
}

export type Modality = 'CT' | 'MR' | 'PT' | 'US' | 'OT';

export interface VolumeMeta {
  modality: Modality;
  sourceFormat: 'nifti' | 'dicom' | 'nrrd';
  /** Free-text description (SeriesDescription, NIfTI descrip). */
  description: string;
  /** Patient identifiers; never logged. Empty when unknown. */
  patientName: string;
  patientId: string;
  studyDate: string;
  seriesInstanceUid: string;
  /** DICOM only, when the header has them: Body Part Examined, Contrast/Bolus Agent, Slice Thickness (mm). */
  bodyPart?: string;
  contrastAgent?: string;
  sliceThicknessMm?: number;
  /** Non-fatal problems met while loading (non-uniform spacing, 4D input...). */
  warnings: string[];
}

export interface Volume {
  geometry: VolumeGeometry;
  dtype: VoxelDType;
  voxels: VoxelArray;
  meta: VolumeMeta;
}

export function bytesPerVoxel(dtype: VoxelDType): number {
  switch (dtype) {
    case 'uint8':
    case 'int8':
      return 1;
    case 'uint16':
    case 'int16':
      return 2;
    case 'uint32':
    case 'int32':
    case 'float32':
      return 4;
    case 'float64':
      return 8;
  }
}

/** Wraps raw bytes as the typed array for `dtype` without copying. */
export function voxelArrayFromBuffer(dtype: VoxelDType, buffer: ArrayBuffer, byteOffset = 0, length?: number): VoxelArray {
  const n = length ?? (buffer.byteLength - byteOffset) / bytesPerVoxel(dtype);
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(buffer, byteOffset, n);
    case 'int8':
      return new Int8Array(buffer, byteOffset, n);
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, n);
    case 'int16':
      return new Int16Array(buffer, byteOffset, n);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, n);
    case 'int32':
      return new Int32Array(buffer, byteOffset, n);
    case 'float32':
      return new Float32Array(buffer, byteOffset, n);
    case 'float64':
      return new Float64Array(buffer, byteOffset, n);
  }
}

export function voxelCount(dimensions: Vec3): number {
  return dimensions[0] * dimensions[1] * dimensions[2];
}

/** Minimum and maximum of the finite voxel values; [0, 0] for an all-NaN volume. */
export function valueRange(voxels: VoxelArray): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = Infinity;
    max = -Infinity;
    for (let n = 0; n < voxels.length; n++) {
      const v = voxels[n] as number;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === Infinity) return [0, 0];
  }
  return [min, max];
}
