/**
 * The faces of the 3D view's orientation cube in patient LPS terms: world x
 * points to the patient's left, y posterior, z superior (as the MPR views'
 * edge letters, mprGeometry orientationLabel). Rotations (degrees) keep each
 * letter upright in the anterior start view, as vtk.js's own 'lps' preset.
 * Pure data, so the sign convention is checked without WebGL.
 */
import type { Vec3 } from '../../../common/volume';

export interface CubeFace {
  /** The world direction the face's outward normal points along. */
  normal: Vec3;
  text: string;
  faceRotation: number;
  faceColor: string;
}

/** Muted colours per patient axis: left/right, anterior/posterior, superior/inferior. */
const AXIS_COLOURS = ['#8a5a5a', '#5a7a5a', '#5a6a8a'] as const;

export const ORIENTATION_FACES = {
  xPlusFaceProperty: { normal: [1, 0, 0], text: 'L', faceRotation: 90, faceColor: AXIS_COLOURS[0] },
  xMinusFaceProperty: { normal: [-1, 0, 0], text: 'R', faceRotation: -90, faceColor: AXIS_COLOURS[0] },
  yPlusFaceProperty: { normal: [0, 1, 0], text: 'P', faceRotation: 180, faceColor: AXIS_COLOURS[1] },
  yMinusFaceProperty: { normal: [0, -1, 0], text: 'A', faceRotation: 0, faceColor: AXIS_COLOURS[1] },
  zPlusFaceProperty: { normal: [0, 0, 1], text: 'S', faceRotation: 0, faceColor: AXIS_COLOURS[2] },
  zMinusFaceProperty: { normal: [0, 0, -1], text: 'I', faceRotation: 180, faceColor: AXIS_COLOURS[2] },
} as const satisfies Record<string, CubeFace>;

export const ORIENTATION_CUBE_STYLE = {
  fontStyle: 'bold',
  fontFamily: 'Arial',
  fontColor: '#f2f2f2',
  fontSizeScale: (resolution: number) => resolution / 2,
  faceColor: '#4a4a4a',
  edgeThickness: 0.08,
  edgeColor: '#1a1a1a',
  resolution: 200,
};
