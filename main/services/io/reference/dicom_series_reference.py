"""Independent reference for a single-frame DICOM series folder: pydicom + numpy.

Reads every file with pixels, sorts by position along the slice normal, applies
RescaleSlope/Intercept, and prints the stored bit depth and per-slice statistics
of the rescaled values (min, max, sum, sum of squares) as JSON.
Usage: dicom_series_reference.py <folder>
"""
import json
import os
import sys

import numpy as np
import pydicom

folder = sys.argv[1]
frames = []
for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        continue
    try:
        ds = pydicom.dcmread(path)
    except Exception:
        continue
    if "PixelData" not in ds:
        continue
    iop = np.array(ds.ImageOrientationPatient, dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    pos = float(np.dot(normal, np.array(ds.ImagePositionPatient, dtype=float)))
    arr = ds.pixel_array.astype(np.float64)
    arr = arr * float(getattr(ds, "RescaleSlope", 1)) + float(getattr(ds, "RescaleIntercept", 0))
    frames.append((pos, arr, int(ds.BitsAllocated), int(ds.BitsStored), int(ds.PixelRepresentation)))
frames.sort(key=lambda f: f[0])
print(json.dumps({
    "bitsAllocated": frames[0][2],
    "bitsStored": frames[0][3],
    "pixelRepresentation": frames[0][4],
    "slices": [{"min": float(a.min()), "max": float(a.max()), "sum": float(a.sum()), "sumSq": float((a * a).sum())} for _, a, *_ in frames],
}))
