"""Independent reference for the TID 1500 reader: pydicom walks every
Measurement Group (DCM 125007) of an SR and prints, as JSON, each group's
tracking identifier/UID, finding site and NUM items (concept code, value,
unit), plus SCOORD3D points under each NUM."""
import json
import sys

import pydicom


def concept(it):
    if 'ConceptNameCodeSequence' not in it:
        return None
    c = it.ConceptNameCodeSequence[0]
    return [str(c.CodeValue), str(c.CodingSchemeDesignator)]


def groups(items, out):
    for it in items:
        if it.get('ValueType') == 'CONTAINER' and concept(it) == ['125007', 'DCM']:
            out.append(it)
        elif it.get('ValueType') == 'CONTAINER' and 'ContentSequence' in it:
            groups(it.ContentSequence, out)


def main(path):
    d = pydicom.dcmread(path)
    found = []
    groups(d.ContentSequence, found)
    res = []
    for g in found:
        entry = {'trackingId': None, 'trackingUid': None, 'findingSite': None, 'nums': []}
        for it in g.ContentSequence:
            c = concept(it)
            vt = it.get('ValueType')
            if c == ['112039', 'DCM']:
                entry['trackingId'] = str(it.get('TextValue', it.get('UID', '')))
            elif c == ['112040', 'DCM']:
                entry['trackingUid'] = str(it.UID)
            elif c in (['363698007', 'SCT'], ['G-C0E3', 'SRT']) and vt == 'CODE':
                entry['findingSite'] = str(it.ConceptCodeSequence[0].CodeValue)
            elif vt == 'NUM':
                mv = it.MeasuredValueSequence[0] if len(it.get('MeasuredValueSequence', [])) else None
                pts = []
                for ch in it.get('ContentSequence', []):
                    if ch.get('ValueType') == 'SCOORD3D':
                        pts = [float(x) for x in ch.GraphicData]
                entry['nums'].append({
                    'code': c[0],
                    'value': float(mv.NumericValue) if mv is not None else None,
                    'unit': str(mv.MeasurementUnitsCodeSequence[0].CodeValue) if mv is not None else None,
                    'points': pts,
                })
        res.append(entry)
    print(json.dumps({'sopClass': str(d.SOPClassUID), 'groups': res}))


main(sys.argv[1])
