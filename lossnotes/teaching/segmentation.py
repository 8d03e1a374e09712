r"""Teaching forms of the segmentation losses.

``p`` are probabilities and ``g`` one-hot targets, both ``(N, C, H, W)``; ``x`` and
``y`` are a binary mask's logits and 0/1 targets, ``(N, H, W)``. Each form returns
the mean over the images and pools the classes (``average='micro'`` in
``lossnotes.segmentation``, with ``eps=0``).
"""

import torch

__all__ = ["dice", "lovasz_hinge", "tversky"]


def dice(p, g):
    """1 - 2 |P ∩ G| / (|P| + |G|), the sums over classes and pixels of each image."""
    inter = (p * g).sum(dim=(1, 2, 3))
    return (1 - 2 * inter / (p.sum(dim=(1, 2, 3)) + g.sum(dim=(1, 2, 3)))).mean()


def tversky(p, g, alpha, beta):
    """1 - TP / (TP + alpha FP + beta FN): alpha prices false alarms, beta misses."""
    tp = (p * g).sum(dim=(1, 2, 3))
    fp = (p * (1 - g)).sum(dim=(1, 2, 3))
    fn = ((1 - p) * g).sum(dim=(1, 2, 3))
    return (1 - tp / (tp + alpha * fp + beta * fn)).mean()


def lovasz_hinge(x, y):
    """Hinge errors sorted high to low, each weighted by how much the Jaccard loss grows
    when that pixel joins the set of wrong ones."""
    losses = []
    for xi, yi in zip(x.flatten(1), y.flatten(1).double(), strict=True):
        errors, order = torch.sort(1 - (2 * yi - 1) * xi, descending=True)
        g = yi[order]
        jaccard = 1 - (g.sum() - g.cumsum(0)) / (g.sum() + (1 - g).cumsum(0))
        weights = torch.cat([jaccard[:1], jaccard[1:] - jaccard[:-1]])
        losses.append((torch.relu(errors) * weights).sum())
    return torch.stack(losses).mean()
