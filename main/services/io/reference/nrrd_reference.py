#!/usr/bin/python3
"""Independent NRRD reference for the tests: parses the header by hand, decodes
with numpy, prints JSON with the shape, the IJK->LPS affine, the voxel sum and
the values at a few voxels (given as i,j,k triples on the command line)."""
import gzip, json, sys
import numpy as np

TYPES = {'short': '<i2', 'int': '<i4', 'unsigned short': '<u2', 'unsigned char': 'u1',
         'uchar': 'u1', 'float': '<f4', 'double': '<f8', 'signed char': 'i1'}

path = sys.argv[1]
raw = open(path, 'rb').read()
head, _, body = raw.partition(b'\n\n')
fields = {}
for line in head.decode('latin1').split('\n')[1:]:
    if line.startswith('#') or ': ' not in line:
        continue
    k, v = line.split(': ', 1)
    fields[k.strip()] = v.strip()
sizes = [int(s) for s in fields['sizes'].split()]
dt = np.dtype(TYPES[fields['type']])
if fields.get('endian', 'little') == 'big':
    dt = dt.newbyteorder('>')
data = gzip.decompress(body) if fields['encoding'] == 'gzip' else body
arr = np.frombuffer(data, dtype=dt, count=int(np.prod(sizes))).reshape(sizes[::-1])  # [k][j][i]
dirs = [[float(x) for x in d.strip('()').split(',')] for d in fields['space directions'].split()]
origin = [float(x) for x in fields['space origin'].strip('()').split(',')]
space = fields['space']
flip = {'left-posterior-superior': [1, 1, 1], 'right-anterior-superior': [-1, -1, 1]}[space]
A = np.eye(4)
for c in range(3):
    A[:3, c] = np.array(dirs[c]) * flip
A[:3, 3] = np.array(origin) * flip
points = [[int(v) for v in p.split(',')] for p in sys.argv[2:]]
print(json.dumps({
    'shape': sizes,
    'affineLps': A.tolist(),
    'sum': float(arr.astype(np.float64).sum()),
    'values': [float(arr[k, j, i]) for i, j, k in points],
    'max': float(arr.max()),
}))
