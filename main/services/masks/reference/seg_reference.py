"""Independent reference for DICOM SEG tests: per-segment voxel counts read with
pydicom (which unpacks 1-bit frames itself), and NRRD labelmap counts parsed
with numpy. Prints one JSON document.

usage: seg_reference.py seg FILE            -> {"segments": {num: count}, "frames": n, "sourceUids": [...]}
       seg_reference.py nrrd FILE           -> {"counts": {label: count}, "perSlice": [...], "shape": [...]}
"""
import gzip, json, sys
import numpy as np


def seg(path):
    import pydicom
    ds = pydicom.dcmread(path)
    px = ds.pixel_array
    if px.ndim == 2:
        px = px[np.newaxis]
    frac = ds.SegmentationType == 'FRACTIONAL'
    maxv = float(getattr(ds, 'MaximumFractionalValue', 1))
    counts = {}
    per_frame = []
    uids = []
    for f, g in enumerate(ds.PerFrameFunctionalGroupsSequence):
        num = int(g.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        frame = px[f]
        n = int(np.count_nonzero(frame >= maxv / 2)) if frac else int(np.count_nonzero(frame))
        counts[num] = counts.get(num, 0) + n
        per_frame.append(n)
        for d in g.get('DerivationImageSequence', []):
            for s in d.SourceImageSequence:
                uids.append(str(s.ReferencedSOPInstanceUID))
    return {"segments": counts, "frames": int(ds.NumberOfFrames), "perFrame": per_frame, "sourceUids": uids,
            "sopClass": str(ds.SOPClassUID), "segmentLabels": [str(s.SegmentLabel) for s in ds.SegmentSequence],
            "categories": [str(s.SegmentedPropertyCategoryCodeSequence[0].CodeValue) for s in ds.SegmentSequence],
            "types": [str(s.SegmentedPropertyTypeCodeSequence[0].CodeValue) for s in ds.SegmentSequence],
            "referencedSeries": [str(r.SeriesInstanceUID) for r in ds.get('ReferencedSeriesSequence', [])]}


def nrrd(path):
    raw = open(path, 'rb').read()
    end = raw.index(b'\n\n')
    header = {}
    for line in raw[:end].decode('latin1').splitlines()[1:]:
        if line.startswith('#') or ':' not in line:
            continue
        k, v = line.split(':', 1)
        header[k.strip()] = v.lstrip('=').strip()
    data = raw[end + 2:]
    if header.get('encoding') in ('gzip', 'gz'):
        data = gzip.decompress(data)
    types = {'short': '<i2', 'int16': '<i2', 'int': '<i4', 'unsigned char': 'u1', 'uchar': 'u1', 'ushort': '<u2', 'unsigned short': '<u2'}
    sizes = [int(s) for s in header['sizes'].split()]
    arr = np.frombuffer(data, dtype=types[header['type']], count=int(np.prod(sizes))).reshape(sizes[::-1])  # k, j, i
    labels = [int(v) for v in np.unique(arr) if v != 0]
    return {"shape": sizes, "counts": {l: int(np.count_nonzero(arr == l)) for l in labels},
            "perSlice": [int(np.count_nonzero(arr[k])) for k in range(arr.shape[0])]}


if __name__ == '__main__':
    mode, path = sys.argv[1], sys.argv[2]
    print(json.dumps(seg(path) if mode == 'seg' else nrrd(path)))
