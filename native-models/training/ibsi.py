"""The IBSI soft-tissue-sarcoma files (image + tumour mask per patient and modality), read the same
way by every training package (radsam/data.py, lesion3d/data.py)."""
import os

import nibabel as nib
import numpy as np

MODALITIES = (("CT", "CT"), ("MR", "MR_T1"))


def load_nifti(path):
    """(float32 array in the file's i, j, k order, voxel spacing)."""
    im = nib.load(path)
    return np.asanyarray(im.dataobj).astype(np.float32), im.header.get_zooms()


def ibsi_cases(patients, roots):
    """Yields (name "STS_xxx/CT", modality, image, mask int16 {0,1}, spacing) for each patient's CT and
    MR T1 that exist. A patient is read from the first root that has its folder (else the last root)."""
    for p in patients:
        root = next((r for r in roots if os.path.isdir(os.path.join(r, p))), roots[-1])
        for mod, stem in MODALITIES:
            ip = os.path.join(root, p, f"{stem}_image.nii.gz")
            if not os.path.exists(ip):
                continue
            img, sp = load_nifti(ip)
            m, _ = load_nifti(os.path.join(root, p, f"{stem}_mask.nii.gz"))
            yield f"{p}/{mod}", mod, img, (m > 0.5).astype(np.int16), sp
