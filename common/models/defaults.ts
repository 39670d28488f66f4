/**
 * The built-in segmentation model the workstation and `voxa segment` start with: the one with the best one-click
 * Dice over all validation cases (native-models/lesion3d/MODEL_CARD.md: Lesion3D 1.4.0 0.635, 1.3.0 0.579,
 * RadSAM-lite 0.576; on a box 0.769 against 0.652). Where it is not installed the classical tool is used.
 */
export const DEFAULT_SEGMENT_MODEL_ID = 'lesion3d';
