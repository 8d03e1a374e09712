r"""Teaching forms of the box losses.

``b`` and ``g`` are paired boxes ``(x1, y1, x2, y2)`` in the last dimension,
predicted and target. The forms have no ``eps`` (``lossnotes.detection`` adds
torchvision's), so they equal the fast functions called with ``eps=0``; they return
one loss per box pair.
"""

import math

import torch

__all__ = ["area", "ciou", "diou", "giou", "iou"]


def area(b):
    return (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])


def _overlap(b, g):
    """IoU and union: the intersection is the box between the inner edges, if any."""
    lo = torch.maximum(b[..., :2], g[..., :2])
    hi = torch.minimum(b[..., 2:], g[..., 2:])
    inter = (hi - lo).clamp(min=0).prod(dim=-1)
    union = area(b) + area(g) - inter
    return inter / union, union


def _enclosing(b, g):
    """The smallest box holding both."""
    lo = torch.minimum(b[..., :2], g[..., :2])
    hi = torch.maximum(b[..., 2:], g[..., 2:])
    return torch.cat([lo, hi], dim=-1)


def iou(b, g):
    """1 - |B ∩ G| / |B ∪ G|."""
    return 1 - _overlap(b, g)[0]


def giou(b, g):
    """IoU loss plus the share of the enclosing box C that neither box covers."""
    overlap, union = _overlap(b, g)
    c = area(_enclosing(b, g))
    return 1 - overlap + (c - union) / c


def diou(b, g):
    """IoU loss plus (centre distance / enclosing diagonal) squared."""
    centres = ((b[..., :2] + b[..., 2:]) / 2 - (g[..., :2] + g[..., 2:]) / 2) ** 2
    c = _enclosing(b, g)
    diagonal = (c[..., 2] - c[..., 0]) ** 2 + (c[..., 3] - c[..., 1]) ** 2
    return iou(b, g) + centres.sum(-1) / diagonal


def ciou(b, g):
    """DIoU plus alpha * v, v the squared difference of the aspect-ratio angles."""
    def angle(x):
        return torch.atan((x[..., 2] - x[..., 0]) / (x[..., 3] - x[..., 1]))

    v = 4 / math.pi**2 * (angle(g) - angle(b)) ** 2
    alpha = (v / (iou(b, g) + v)).detach()  # a weight: no gradient flows through it
    return diou(b, g) + alpha * v
