#!/usr/bin/python3
"""Independent NIfTI reference (nibabel): prints the IJK->LPS affine, the shape
and the voxels (first volume, Fortran order = i fastest) as JSON."""
import json, sys
import nibabel as nib
import numpy as np

img = nib.load(sys.argv[1])
A = img.affine.copy()
A[:2, :] *= -1  # RAS -> LPS
data = np.asanyarray(img.dataobj)
while data.ndim > 3:
    data = data[..., 0]
print(json.dumps({'shape': list(data.shape), 'affineLps': A.tolist(), 'voxels': data.ravel(order='F').astype(float).tolist()}))
