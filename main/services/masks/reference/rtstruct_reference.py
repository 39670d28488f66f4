"""Independent reference for RTSTRUCT rasterisation tests: for every ROI and
slice, the even-odd area of its CLOSED_PLANAR contours (shoelace formula per
polygon; a polygon nested inside k others counts with sign (-1)^k) and their
total perimeter in the image plane, in mm² and mm. Slices whose contours
cross each other are left out.

usage: rtstruct_reference.py RTSTRUCT ROW_DIR(x,y,z) COL_DIR(x,y,z)
prints JSON [{"roi": n, "name": s, "height": h, "area": a, "perimeter": p}]
"""
import json, sys
from collections import defaultdict
import numpy as np
import pydicom

ds = pydicom.dcmread(sys.argv[1], force=True)
row = np.array([float(v) for v in sys.argv[2].split(',')])
col = np.array([float(v) for v in sys.argv[3].split(',')])
normal = np.cross(row, col)


def shoelace(p):
    u, v = p[:, 0], p[:, 1]
    return 0.5 * abs(np.dot(u, np.roll(v, -1)) - np.dot(v, np.roll(u, -1)))


def inside(points, poly):
    """Even-odd ray casting: which of `points` lie inside polygon `poly`."""
    x, y = points[:, 0][:, None], points[:, 1][:, None]
    xa, ya = poly[:, 0][None, :], poly[:, 1][None, :]
    xb, yb = np.roll(poly[:, 0], -1)[None, :], np.roll(poly[:, 1], -1)[None, :]
    with np.errstate(divide='ignore', invalid='ignore'):
        cross = ((ya > y) != (yb > y)) & (x < (xb - xa) * (y - ya) / (yb - ya) + xa)
    return (cross.sum(axis=1) % 2) == 1


names = {int(r.ROINumber): str(r.ROIName) for r in ds.StructureSetROISequence}
out = []
for rc in ds.ROIContourSequence:
    per_slice = defaultdict(list)
    for c in rc.get('ContourSequence', []):
        if c.ContourGeometricType != 'CLOSED_PLANAR':
            continue
        p = np.array([float(v) for v in c.ContourData]).reshape(-1, 3)
        per_slice[round(float(np.mean(p @ normal)), 2)].append(p)
    for h, contours in per_slice.items():
        polys = [np.stack([p @ row, p @ col], axis=1) for p in contours]
        depth = []
        ok = True
        for a, pa in enumerate(polys):
            d = 0
            for b, pb in enumerate(polys):
                if a == b:
                    continue
                ins = inside(pa, pb)
                if ins.all():
                    d += 1
                elif ins.any():
                    ok = False
            depth.append(d)
        if not ok:
            continue
        area = sum((-1) ** d * shoelace(p) for p, d in zip(polys, depth))
        perim = sum(float(np.sum(np.hypot(*np.diff(np.vstack([p, p[:1]]), axis=0).T))) for p in polys)
        out.append({"roi": int(rc.ReferencedROINumber), "name": names.get(int(rc.ReferencedROINumber), ''), "height": h,
                    "area": float(area), "perimeter": perim, "contours": len(polys)})
print(json.dumps(out))
