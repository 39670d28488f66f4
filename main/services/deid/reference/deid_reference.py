"""Independent check of de-identified DICOM files with pydicom.

usage: deid_reference.py PAIRS.json   (a list of [input, output] file pairs)
prints JSON: {"pairs": n, "phiLeaks": [...], "privateTags": [...], "forbidden": [...],
              "oldUidsInOutput": [...], "uidMapConflicts": [...], "pixelsChanged": [...], "pixelsCompared": n}
"""
import json, sys
import pydicom
from pydicom.dataelem import DataElement

PHI_KEYWORDS = ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientAddress', 'OtherPatientIDs', 'OtherPatientNames',
                'InstitutionName', 'InstitutionAddress', 'ReferringPhysicianName', 'PerformingPhysicianName', 'OperatorsName',
                'StationName', 'AccessionNumber', 'StudyID', 'DeviceSerialNumber', 'PhysiciansOfRecord', 'NameOfPhysiciansReadingStudy',
                'RequestingPhysician', 'PatientTelephoneNumbers', 'StudyDescription', 'SeriesDescription', 'ProtocolName']
MUST_BE_GONE = ['PatientBirthTime', 'PatientAge', 'PatientWeight', 'PatientSize', 'PatientAddress', 'OtherPatientIDs', 'InstitutionAddress',
                'PerformingPhysicianName', 'RequestingPhysician', 'StudyDescription', 'SeriesDescription', 'IconImageSequence', 'ImageComments',
                'AdditionalPatientHistory', 'MedicalRecordLocator', 'IssuerOfPatientID', 'ProtocolName']
MUST_BE_EMPTY = ['PatientName', 'PatientID', 'PatientBirthDate', 'AccessionNumber', 'ReferringPhysicianName', 'StudyID', 'StudyDate', 'StudyTime']
UID_KEYWORDS = ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'FrameOfReferenceUID', 'ReferencedSOPInstanceUID',
                'MediaStorageSOPInstanceUID', 'ReferencedFrameOfReferenceUID', 'DimensionOrganizationUID', 'IrradiationEventUID']


def walk(ds):
    for el in ds:
        yield el
        if el.VR == 'SQ':
            for item in el.value:
                yield from walk(item)


def uids_of(ds, keywords):
    out = []
    for el in walk(ds):
        if el.keyword in keywords and el.value:
            vals = el.value if isinstance(el.value, (list, pydicom.multival.MultiValue)) else [el.value]
            out += [str(v) for v in vals]
    return out


def main():
    pairs = json.load(open(sys.argv[1]))
    res = {"pairs": len(pairs), "phiLeaks": [], "privateTags": [], "forbidden": [], "notEmpty": [], "oldUidsInOutput": [],
           "uidMapConflicts": [], "pixelsChanged": [], "pixelsCompared": 0, "mappedUids": 0}
    mapping = {}
    for src, dst in pairs:
        a = pydicom.dcmread(src)
        b = pydicom.dcmread(dst)
        raw = open(dst, 'rb').read()
        # Equipment names are kept by the profile; a PHI value that is part of one (an institution
        # named after the scanner vendor) is not a leak.
        kept = ' '.join(str(b.get(k, '')) for k in ('Manufacturer', 'ManufacturerModelName', 'SoftwareVersions')).upper()
        for kw in PHI_KEYWORDS:
            v = a.get(kw)
            if v is None:
                continue
            for s in (v if isinstance(v, (list, pydicom.multival.MultiValue)) else [v]):
                s = str(s).strip()
                if len(s) >= 4 and s.encode('latin1', 'ignore') in raw and s.upper() not in kept:
                    res["phiLeaks"].append([dst, kw, s])
        for el in walk(b):
            if el.tag.is_private:
                res["privateTags"].append([dst, str(el.tag)])
            if el.tag.group & 0xFF00 == 0x6000 and el.tag.element in (0x3000, 0x4000):
                res["forbidden"].append([dst, str(el.tag)])
        for kw in MUST_BE_GONE:
            if kw in b:
                res["forbidden"].append([dst, kw])
        for kw in MUST_BE_EMPTY:
            if kw in b and str(b.get(kw)).strip() not in ('', '19000101', '000000', 'ANONYMOUS'):
                res["notEmpty"].append([dst, kw, str(b.get(kw))])
        old = set(uids_of(a, UID_KEYWORDS)) | {str(a.file_meta.MediaStorageSOPInstanceUID)}
        new_all = set(str(el.value) for el in walk(b) if el.VR == 'UI' and el.value) | set(uids_of(b, UID_KEYWORDS))
        leaked = old & new_all
        if leaked:
            res["oldUidsInOutput"].append([dst, sorted(leaked)[:3]])
        for kw in ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'FrameOfReferenceUID']:
            if kw in a and kw in b:
                o, n = str(a.get(kw)), str(b.get(kw))
                if mapping.setdefault(o, n) != n:
                    res["uidMapConflicts"].append([kw, o, n])
        if 'PixelData' in a:
            same = None
            try:
                same = bool((a.pixel_array == b.pixel_array).all())
            except Exception:
                same = a.PixelData == b.PixelData
            res["pixelsCompared"] += 1
            if not same:
                res["pixelsChanged"].append(dst)
    inverse = {}
    for o, n in mapping.items():
        if inverse.setdefault(n, o) != o:
            res["uidMapConflicts"].append(['not injective', o, n])
    res["mappedUids"] = len(mapping)
    print(json.dumps(res))


main()
