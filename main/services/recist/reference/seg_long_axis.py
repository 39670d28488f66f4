"""Independent reference for RECIST on a DICOM SEG: pydicom decodes the
frames, numpy takes every frame's edge pixels (a 4-neighbour outside) and
the largest centre-to-centre distance in mm between any two of them (brute
force), and counts the voxels. Prints JSON {voxels, longAxisMm, frame}."""
import json
import sys

import numpy as np
import pydicom

d = pydicom.dcmread(sys.argv[1])
arr = d.pixel_array
if arr.ndim == 2:
    arr = arr[None]
ps = [float(x) for x in d.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing]
best, best_frame = 0.0, -1
for n, f in enumerate(arr):
    m = f.astype(bool)
    p = np.pad(m, 1)
    inner = p[1:-1, 1:-1] & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    by, bx = np.nonzero(m & ~inner)
    pts = np.stack([by * ps[0], bx * ps[1]], 1)
    for i in range(0, len(pts), 500):
        dd = float(np.sqrt(((pts[i:i + 500, None, :] - pts[None, :, :]) ** 2).sum(-1)).max())
        if dd > best:
            best, best_frame = dd, n
print(json.dumps({'voxels': int(arr.astype(bool).sum()), 'longAxisMm': best, 'frame': best_frame}))
