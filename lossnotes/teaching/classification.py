r"""Teaching forms of the classification losses.

``x`` are scores (logits), ``p`` probabilities, ``y`` targets: 0/1 (or in [0, 1])
for the binary losses, -1/+1 for the margin losses, class indices for the multi-class
ones (class dimension 1). Each function is the book's formula followed by the reduction.
``lossnotes.functional`` computes the same values (the tests check it) with PyTorch's
signatures, checks and memory behaviour.
"""

import torch

from lossnotes.teaching._reduce import reduce

__all__ = ["balanced_bce", "bce_with_logits", "binary_cross_entropy", "cross_entropy",
           "focal", "hinge", "kl_div", "log_sigmoid", "log_softmax", "multi_margin",
           "multilabel_margin", "multilabel_soft_margin", "nll", "sigmoid_focal",
           "soft_margin", "squared_hinge", "weighted_bce"]


def _log(p):
    """log p, clamped at -100 as PyTorch's BCE does (so log 0 costs 100, not inf)."""
    return torch.log(p).clamp(min=-100)


def binary_cross_entropy(p, y, weight=None, reduction="mean"):
    """-[y log p + (1 - y) log(1 - p)] on probabilities p."""
    loss = -(y * _log(p) + (1 - y) * _log(1 - p))
    return reduce(loss * (1 if weight is None else weight), reduction)


def log_sigmoid(x):
    """log sigma(x) = -log(1 + e^{-x}), written so that e^{...} never overflows."""
    return -(torch.clamp(-x, min=0) + torch.log1p(torch.exp(-x.abs())))


def bce_with_logits(x, y, pos_weight=None, weight=None, reduction="mean"):
    """BCE on logits: log p = log_sigmoid(x) and log(1 - p) = log_sigmoid(-x)."""
    pw = 1 if pos_weight is None else pos_weight
    loss = -(pw * y * log_sigmoid(x) + (1 - y) * log_sigmoid(-x))
    return reduce(loss * (1 if weight is None else weight), reduction)


def weighted_bce(p, y, pos_weight=1.0, reduction="mean"):
    """BCE with the positive term weighted by pos_weight (w > 1 favours recall)."""
    loss = -(pos_weight * y * _log(p) + (1 - y) * _log(1 - p))
    return reduce(loss, reduction)


def balanced_bce(p, y, beta=0.5, reduction="mean"):
    """BCE with weights beta on the positive term and 1 - beta on the negative one."""
    loss = -(beta * y * _log(p) + (1 - beta) * (1 - y) * _log(1 - p))
    return reduce(loss, reduction)


def focal(p, y, alpha=0.25, gamma=2.0, reduction="mean"):
    """BCE scaled by alpha_t (1 - p_t)^gamma, p_t the probability of the true label
    (for a 0/1 label the BCE is -log p_t)."""
    ce = -(y * _log(p) + (1 - y) * _log(1 - p))
    p_t = y * p + (1 - y) * (1 - p)
    alpha_t = 1 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    return reduce(alpha_t * (1 - p_t) ** gamma * ce, reduction)


def sigmoid_focal(x, y, alpha=0.25, gamma=2.0, reduction="mean"):
    """The focal loss on logits: log p_t and 1 - p_t from x without rounding."""
    ce = -(y * log_sigmoid(x) + (1 - y) * log_sigmoid(-x))
    one_minus_p_t = y * torch.sigmoid(-x) + (1 - y) * torch.sigmoid(x)
    alpha_t = 1 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    return reduce(alpha_t * one_minus_p_t**gamma * ce, reduction)


def hinge(x, y, margin=1.0, reduction="mean"):
    """max(0, margin - y x) for labels y = -1 / +1."""
    return reduce(torch.clamp(margin - y * x, min=0), reduction)


def squared_hinge(x, y, margin=1.0, reduction="mean"):
    """max(0, margin - y x)^2: a hinge whose gradient fades to 0 at the margin."""
    return reduce(torch.clamp(margin - y * x, min=0) ** 2, reduction)


def log_softmax(x, dim=1):
    """x - log sum_c e^{x_c}, with the max subtracted first so no e^{x} overflows."""
    m = x.amax(dim=dim, keepdim=True)
    return x - m - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))


def nll(logp, y, weight=None, ignore_index=-100, reduction="mean"):
    """-w[y] logp[y] per sample; 'mean' divides by the weights of the kept targets."""
    keep = y != ignore_index
    y_safe = torch.where(keep, y, 0)
    picked = logp.gather(1, y_safe.unsqueeze(1)).squeeze(1)
    w = torch.ones_like(picked) if weight is None else weight[y_safe]
    w = w * keep
    return reduce(-picked, reduction, weight=w)


def cross_entropy(x, y, weight=None, ignore_index=-100, label_smoothing=0.0,
                  reduction="mean"):
    """Softmax cross entropy: class indices y, or class probabilities (float y)."""
    logp = log_softmax(x, dim=1)
    if y.is_floating_point():  # probability targets, optionally smoothed
        num_classes = x.shape[1]
        q = (1 - label_smoothing) * y + label_smoothing / num_classes
        w = 1 if weight is None else weight.view(1, -1, *([1] * (x.dim() - 2)))
        return reduce(-(w * q * logp).sum(dim=1), reduction)
    loss = nll(logp, y, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return loss
    # the smoothing term: -eps/C sum_c w_c log p_c over the kept samples
    keep = y != ignore_index
    w = torch.ones(x.shape[1]) if weight is None else weight
    w = w.to(x).view(1, -1, *([1] * (x.dim() - 2)))
    smooth = -(w * logp).sum(dim=1) * keep / x.shape[1]
    if reduction == "mean":
        y_safe = torch.where(keep, y, 0)
        norm = (w.flatten()[y_safe] * keep).sum()
        smooth = smooth.sum() / norm
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + label_smoothing * smooth


def kl_div(log_q, p, reduction="mean", log_target=False):
    """p (log p - log q) per element; 'batchmean' divides the sum by the batch size."""
    log_p = p if log_target else torch.log(p)
    p = log_p.exp() if log_target else p
    loss = torch.where(p > 0, p * (log_p - log_q), 0.0)
    if reduction == "batchmean":
        return loss.sum() / log_q.shape[0]
    return reduce(loss, reduction)


def soft_margin(x, y, reduction="mean"):
    """log(1 + e^{-y x}) for labels y = -1 / +1: the logistic loss on the margin y x."""
    return reduce(-log_sigmoid(y * x), reduction)


def multilabel_soft_margin(x, y, weight=None, reduction="mean"):
    """Per sample, the mean over the C labels of BCE on logits (0/1 multi-hot y)."""
    loss = -(y * log_sigmoid(x) + (1 - y) * log_sigmoid(-x))
    if weight is not None:
        loss = loss * weight
    return reduce(loss.mean(dim=-1), reduction)


def multi_margin(x, y, p=1, margin=1.0, weight=None, reduction="mean"):
    """Per sample: the sum over the wrong classes i of
    w[y] max(0, margin - x[y] + x[i])^p, divided by C."""
    x_true = x.gather(1, y.unsqueeze(1))
    hinge = torch.clamp(margin - x_true + x, min=0) ** p
    if weight is not None:
        hinge = weight[y].unsqueeze(1) * hinge
    wrong = torch.ones_like(x, dtype=torch.bool).scatter(1, y.unsqueeze(1), False)
    return reduce((hinge * wrong).sum(dim=1) / x.shape[1], reduction)


def multilabel_margin(x, y, reduction="mean"):
    """y lists each sample's labels, ended by -1; every (listed label, other class)
    pair pays max(0, 1 - (x[label] - x[other])), and the sum is divided by C.
    A label listed twice is counted twice, as PyTorch does."""
    losses = []
    for scores, row in zip(x, y, strict=True):
        labels = []
        for j in row.tolist():  # the labels are read up to the first -1
            if j < 0:
                break
            labels.append(j)
        other = torch.ones_like(scores, dtype=torch.bool)
        other[labels] = False
        gaps = scores[labels].unsqueeze(1) - scores[other].unsqueeze(0)
        losses.append(torch.clamp(1 - gaps, min=0).sum() / scores.numel())
    return reduce(torch.stack(losses), reduction)
