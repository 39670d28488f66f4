"""Voxa Lesion3D: a promptable native-3D lesion model (segment.prompt3d).

One forward pass on a cubic crop around the prompt gives the 3D mask; the crop's field of view is
chosen from a ladder (the engine enlarges it while the mask reaches the crop border). See crop.py for
the exact crop and channel definitions that the TypeScript engine (main/services/inference/prompt3d.ts)
reproduces.
"""
