"""A compact 3D U-Net: 7 input channels (crop.py), 4 levels, instance norm, one logit channel."""
import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTHS = (16, 32, 64, 128)


def block(i, o):
    return nn.Sequential(
        nn.Conv3d(i, o, 3, padding=1, bias=False), nn.InstanceNorm3d(o, affine=True), nn.LeakyReLU(0.1, inplace=True),
        nn.Conv3d(o, o, 3, padding=1, bias=False), nn.InstanceNorm3d(o, affine=True), nn.LeakyReLU(0.1, inplace=True),
    )


class Lesion3D(nn.Module):
    def __init__(self, cin=7, widths=WIDTHS):
        super().__init__()
        self.enc = nn.ModuleList()
        p = cin
        for w in widths:
            self.enc.append(block(p, w))
            p = w
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for a in range(len(widths) - 1, 0, -1):
            self.up.append(nn.ConvTranspose3d(widths[a], widths[a - 1], 2, stride=2))
            self.dec.append(block(2 * widths[a - 1], widths[a - 1]))
        self.head = nn.Conv3d(widths[0], 1, 1)

    def forward(self, x):
        feats = []
        for a, b in enumerate(self.enc):
            x = b(x if a == 0 else F.max_pool3d(x, 2))
            feats.append(x)
        for up, dec, skip in zip(self.up, self.dec, reversed(feats[:-1])):
            x = dec(torch.cat([up(x), skip], 1))
        return self.head(x)
