"""The crop and its channels, exactly as main/services/inference/prompt3d.ts builds them.

Volumes are torch tensors [1, 1, K, J, I] (grid_sample order D, H, W = k, j, i) with voxel spacing
(si, sj, sk) mm. A crop is G^3 voxels of side fov/G mm along the image's own i, j, k axes, centred
on a continuous voxel index c: crop voxel g (0..G-1) on axis a samples index
    c[a] + ((g + 0.5) - G/2) * (fov / G) / spacing[a]
trilinearly. The image is sampled with clamped indices ("border"); the inside channel is the
trilinear sample of an indicator that is 0 outside the image. Channels:
    0 image A   CT: clip((HU + 160) / 400, 0, 1)      MR/other: percentile 0.5 / 99.5 of the crop's inside voxels
    1 image B   CT: clip((HU + 1000) / 1400, 0, 1)    MR/other: = A
    2 inside    1 inside the image, 0 outside
    3 positive  max over positive clicks of exp(-|g - p|^2 / (2 sigma^2)), sigma = 2 crop voxels
    4 negative  the same for negative clicks
    5 prior     the current mask, trilinear (0..1)
    6 box       1 on the crop voxels of the box's rectangle on the crop slice nearest the box's slice
"""
import os

import torch
import torch.nn.functional as F

# The crop side in voxels. The U-Net is fully convolutional, so G is a property of the data and of the
# pack (cropSizeVox), not of the weights; LESION3D_G chooses it for a training run (a multiple of 8).
G = int(os.environ.get("LESION3D_G", "48"))
assert G % 8 == 0, "LESION3D_G must be a multiple of 8"
SIGMA = 2.0
CHANNELS = 7
CT_A = (-160.0, 240.0)
CT_B = (-1000.0, 400.0)
FOV_LADDER = (24.0, 48.0, 96.0, 192.0, 320.0)


def crop_coords(centre, fov, spacing, G=G):
    """Index coordinates [G] per axis (i, j, k) for a crop."""
    ar = (torch.arange(G, dtype=torch.float32) + 0.5 - G / 2.0) * (fov / G)
    return [centre[a] + ar / spacing[a] for a in range(3)]


def _grid(coords, shape_kji):
    ci, cj, ck = coords
    K, J, I = shape_kji
    gx = 2 * ci / max(I - 1, 1) - 1
    gy = 2 * cj / max(J - 1, 1) - 1
    gz = 2 * ck / max(K - 1, 1) - 1
    zz, yy, xx = torch.meshgrid(gz, gy, gx, indexing="ij")
    return torch.stack([xx, yy, zz], -1)[None]  # [1, G, G, G, 3]


def sample(vol5d, coords, border):
    grid = _grid(coords, vol5d.shape[-3:])
    return F.grid_sample(vol5d, grid, mode="bilinear", padding_mode="border" if border else "zeros", align_corners=True)[0]


def percentile_range(values, lo=0.5, hi=99.5):
    v = values.flatten().double()
    return float(torch.quantile(v, lo / 100)), float(torch.quantile(v, hi / 100))


def image_channels(raw, inside, modality):
    """raw, inside: [G, G, G] -> [2, G, G, G]."""
    if modality == "CT":
        a = ((raw - CT_A[0]) / (CT_A[1] - CT_A[0])).clamp(0, 1)
        b = ((raw - CT_B[0]) / (CT_B[1] - CT_B[0])).clamp(0, 1)
        return torch.stack([a, b])
    v = raw[inside > 0.5]
    if v.numel() < 16:
        v = raw.flatten()
    lo, hi = percentile_range(v)
    a = ((raw - lo) / (hi - lo + 1e-6)).clamp(0, 1)
    return torch.stack([a, a])


_AR = torch.arange(G, dtype=torch.float32)


def click_map(points, G=G):
    """points: list of crop-voxel coordinates (x=i, y=j, z=k) -> [G(k), G(j), G(i)]."""
    out = torch.zeros(G, G, G)
    for p in points:
        dx = (_AR - p[0]) ** 2
        dy = (_AR - p[1]) ** 2
        dz = (_AR - p[2]) ** 2
        d2 = dz[:, None, None] + dy[None, :, None] + dx[None, None, :]
        out = torch.maximum(out, torch.exp(-d2 / (2 * SIGMA * SIGMA)))
    return out


def to_crop_voxel(ijk, centre, fov, spacing, G=G):
    """Continuous crop-voxel coordinate (x=i, y=j, z=k) of an image index."""
    return [(ijk[a] - centre[a]) * spacing[a] / (fov / G) + G / 2.0 - 0.5 for a in range(3)]
