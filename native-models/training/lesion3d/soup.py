"""Weight average ("model soup") of lesion3d fp16 checkpoints of the same architecture.

    python3 -m lesion3d.soup --out runs/lesion3d/soup8-10.fp16.pt \
        runs/lesion3d/stage8-step2146.fp16.pt runs/lesion3d/stage10-step1586.fp16.pt

Floating-point tensors are averaged in float32 and stored back in their own dtype; other tensors are taken from the
first checkpoint. The output has the input format ({'model', 'G', 'widths', 'step'}), so `lesion3d.export --ckpt`
takes it.
"""
import argparse

import torch


def soup(paths):
    cks = [torch.load(p, map_location='cpu', weights_only=False) for p in paths]
    first = cks[0]
    for p, c in zip(paths[1:], cks[1:]):
        if c['G'] != first['G'] or list(c['widths']) != list(first['widths']) or c['model'].keys() != first['model'].keys():
            raise SystemExit(f'{p}: not the same architecture as {paths[0]}')
    model = {}
    for k, v in first['model'].items():
        model[k] = (sum(c['model'][k].float() for c in cks) / len(cks)).to(v.dtype) if torch.is_floating_point(v) else v
    return {**first, 'model': model}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('ckpts', nargs='+')
    a = ap.parse_args()
    if len(a.ckpts) < 2:
        raise SystemExit('give at least two checkpoints')
    torch.save(soup(a.ckpts), a.out)
    print(f'wrote {a.out} (mean of {len(a.ckpts)})')


if __name__ == '__main__':
    main()
