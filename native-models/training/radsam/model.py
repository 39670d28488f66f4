"""RadSAM-lite: a compact promptable 2D U-Net with the SAM-compatible prompt interface.

The five input channels are built INSIDE the graph from the prompt inputs of
docs/model-packs.md, so the exported ONNX file takes exactly
  image [1,1,S,S], point_coords [1,N,2], point_labels [1,N], mask_input [1,1,S/4,S/4],
  has_mask_input [1]
and returns masks [1,1,S,S] (logits) and iou_predictions [1,1].

Channels: image, positive-point heatmap, negative-point heatmap, box mask, mask prompt
(sigmoid of the upsampled mask logits, times has_mask_input).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

CROP = 128
POINT_SIGMA_PX = 4.0


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(x)))


def encode_prompts(point_coords, point_labels, mask_input, has_mask_input, size: int):
    """Prompt channels [B,4,S,S] from SAM-style prompts (differentiable-free, export friendly)."""
    b = point_coords.shape[0]
    dev = point_coords.device
    ar = torch.arange(size, dtype=torch.float32, device=dev) + 0.5  # pixel centres
    gx = ar.view(1, 1, 1, size)
    gy = ar.view(1, 1, size, 1)
    px = point_coords[:, :, 0].reshape(b, -1, 1, 1)
    py = point_coords[:, :, 1].reshape(b, -1, 1, 1)
    lab = point_labels.reshape(b, -1, 1, 1)
    d2 = (gx - px) ** 2 + (gy - py) ** 2
    g = torch.exp(d2 * (-0.5 / (POINT_SIGMA_PX * POINT_SIGMA_PX)))  # [B,N,S,S]
    pos = (lab == 1.0).float()
    neg = (lab == 0.0).float()
    pos_map = (g * pos).amax(dim=1, keepdim=True)
    neg_map = (g * neg).amax(dim=1, keepdim=True)
    # box from corners (labels 2 and 3); absent box -> zero channel
    is_tl = (point_labels == 2.0).float()
    is_br = (point_labels == 3.0).float()
    has_box = torch.clamp(is_tl.sum(dim=1), max=1.0) * torch.clamp(is_br.sum(dim=1), max=1.0)  # [B]
    n_tl = torch.clamp(is_tl.sum(dim=1), min=1.0)
    n_br = torch.clamp(is_br.sum(dim=1), min=1.0)
    x1 = (point_coords[:, :, 0] * is_tl).sum(dim=1) / n_tl
    y1 = (point_coords[:, :, 1] * is_tl).sum(dim=1) / n_tl
    x2 = (point_coords[:, :, 0] * is_br).sum(dim=1) / n_br
    y2 = (point_coords[:, :, 1] * is_br).sum(dim=1) / n_br
    inx = (gx >= x1.view(b, 1, 1, 1)).float() * (gx <= x2.view(b, 1, 1, 1)).float()
    iny = (gy >= y1.view(b, 1, 1, 1)).float() * (gy <= y2.view(b, 1, 1, 1)).float()
    box_map = inx * iny * has_box.view(b, 1, 1, 1)
    m = F.interpolate(mask_input, size=(size, size), mode="bilinear", align_corners=False)
    m = torch.sigmoid(m) * has_mask_input.reshape(-1, 1, 1, 1)
    return torch.cat([pos_map, neg_map, box_map, m], dim=1)


class RadSamLite(nn.Module):
    """Encoder-decoder at half resolution (S/2), a thin full-resolution refinement, an IoU head."""

    def __init__(self, widths=(16, 32, 64, 96, 128)):
        super().__init__()
        w0, w1, w2, w3, w4 = widths
        self.stem = nn.Sequential(nn.Conv2d(5, w0, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(w0), nn.ReLU())
        self.s1 = ConvBlock(w0, w0)               # S/2
        self.e1 = ConvBlock(w0, w1, stride=2)     # S/4
        self.e2 = ConvBlock(w1, w2, stride=2)     # S/8
        self.e3 = ConvBlock(w2, w3, stride=2)     # S/16
        self.e4 = ConvBlock(w3, w4, stride=2)     # S/32
        self.d3 = ConvBlock(w4 + w3, w3)
        self.d2 = ConvBlock(w3 + w2, w2)
        self.d1 = ConvBlock(w2 + w1, w1)
        self.d0 = ConvBlock(w1 + w0, w0)
        self.head = nn.Conv2d(w0, 1, 1)
        self.refine = nn.Sequential(nn.Conv2d(6, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 1, 3, padding=1))
        self.iou = nn.Sequential(nn.Linear(w4 + w1 + 2, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward_channels(self, x):
        s = self.s1(self.stem(x))
        e1 = self.e1(s)
        e2 = self.e2(e1)
        e3 = self.e3(e2)
        e4 = self.e4(e3)
        up = lambda t, ref: F.interpolate(t, size=ref.shape[-2:], mode="bilinear", align_corners=False)
        d3 = self.d3(torch.cat([up(e4, e3), e3], 1))
        d2 = self.d2(torch.cat([up(d3, e2), e2], 1))
        d1 = self.d1(torch.cat([up(d2, e1), e1], 1))
        d0 = self.d0(torch.cat([up(d1, s), s], 1))
        low = up(self.head(d0), x)
        logits = low + self.refine(torch.cat([low, x], 1))
        # IoU head: global context + mask-weighted decoder features + mask statistics
        prob = torch.sigmoid(logits)
        p1 = F.avg_pool2d(prob, 4)  # S -> S/4, the grid of d1
        area = p1.mean(dim=(2, 3))
        feat_in = (d1 * p1).sum(dim=(2, 3)) / (p1.sum(dim=(2, 3)) + 1.0)
        conf = (torch.abs(prob - 0.5) * 2.0).mean(dim=(2, 3))
        g = e4.mean(dim=(2, 3))
        iou = torch.sigmoid(self.iou(torch.cat([g, feat_in, area, conf], 1)))
        return logits, iou

    def forward(self, image, point_coords, point_labels, mask_input, has_mask_input):
        size = image.shape[-1]
        p = encode_prompts(point_coords, point_labels, mask_input, has_mask_input, size)
        return self.forward_channels(torch.cat([image, p], 1))


def load_weights(path):
    """State dict from final.pt or from a training checkpoint.pt."""
    st = torch.load(path, map_location="cpu")
    return st["model"] if "model" in st and "step" in st else st
