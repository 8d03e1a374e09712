r"""Segmentation losses on soft masks: Dice, Jaccard, Tversky, focal Tversky and Lovász.

The input is logits ``(N, C, d_1, ..., d_K)`` (an image is K = 2), turned into probabilities
by a softmax over the classes; the target holds a class index per position ``(N, d_1, ...,
d_K)`` or, for the overlap losses, one-hot or soft targets ``(N, C, d_1, ..., d_K)``. Each
loss is computed **per image**: ``reduction='none'`` returns ``(N)``, ``'mean'`` averages the
images, ``'sum'`` adds them.

The overlap losses count soft true positives, false positives and false negatives,

.. math::
    TP = \sum_i p_i g_i, \qquad FP = \sum_i p_i (1 - g_i), \qquad FN = \sum_i (1 - p_i) g_i,

over the positions :math:`i` of an image, and either pool the classes into one count
(``average='micro'``) or score each class and take the weighted mean over the classes the
target holds (``average='macro'``). Positions whose target is ``ignore_index`` count nowhere.
With their defaults, ``dice_loss`` equals ``kornia.losses.dice_loss``; ``tversky_loss`` with
``average='macro'`` equals ``kornia.losses.tversky_loss``, and ``lovasz_softmax_loss`` with
``classes='all'`` equals ``kornia.losses.lovasz_softmax_loss`` (the tests check it).
"""

from __future__ import annotations

import math

import torch

from lossnotes._checks import InputError, InputIndexError, check_floating, check_tensor, value_checks
from lossnotes._numerics import recomputed_under_compile, upcast
from lossnotes._reduction import EXTRA, check_reduction
from lossnotes._reduction import reduce as _reduce

__all__ = [
    "dice_loss",
    "focal_tversky_loss",
    "jaccard_loss",
    "lovasz_hinge_loss",
    "lovasz_softmax_loss",
    "tversky_loss",
]

_AVERAGES = ("micro", "macro")


def _probabilities_and_targets(input, target, ignore_index, soft_targets: bool = True):
    """Softmax probabilities ``p`` and targets ``g``, both ``(N, C, M)`` in the compute dtype,
    zeroed where the target is ``ignore_index``; and the dtype to return."""
    _check_logits_and_target(input, target, ignore_index, soft_targets)
    p, g = _masked_pair(_softmax_over_classes(upcast(input)), target, ignore_index)
    return p, g, input.dtype


def _check_logits_and_target(input, target, ignore_index, soft_targets: bool) -> None:
    """The checks of :func:`_probabilities_and_targets`: logits (N, C, ...) and a target of class
    indices (N, ...) in ``[0, C)`` or ``ignore_index``, or, with ``soft_targets``, of the input's shape."""
    check_floating(input, "input")
    check_tensor(target, "target")
    if input.dim() < 2:
        raise InputError(f"input must be logits (N, C, d_1, ..., d_K), got shape {tuple(input.shape)}")
    n, c = input.shape[:2]
    if target.is_floating_point():
        if not soft_targets:
            raise TypeError(f"target must hold class indices (an integer tensor), got dtype {target.dtype}")
        if target.shape != input.shape:
            raise InputError(f"a floating target must be one-hot or soft (N, C, ...), the input's shape "
                             f"{tuple(input.shape)}, got {tuple(target.shape)}")
        return
    if target.shape != (n, *input.shape[2:]):
        raise InputError(f"target must have shape {(n, *input.shape[2:])} (the input's without C), "
                         f"got {tuple(target.shape)}")
    if value_checks(target) and target.numel() > 0:
        bad = (target != ignore_index) & ((target < 0) | (target >= c))
        if bool(bad.any()):
            raise InputIndexError(f"target contains class index {int(target[bad][0])}, outside [0, {c - 1}] "
                                  f"(ignore_index={ignore_index})")


def _softmax_over_classes(x):
    """Softmax over dim 1 of logits (N, C, ...), as (N, C, M) probabilities, M positions."""
    n, c = x.shape[:2]
    m = math.prod(x.shape[2:])  # positions per image (explicit: reshape cannot infer it for N = 0)
    return torch.softmax(x.reshape(n, c, m), dim=1)


def _masked_pair(p, target, ignore_index):
    """Probabilities ``p`` (N, C, M) and the targets ``g`` as (N, C, M), both zeroed where the
    target is ``ignore_index`` (a soft target is taken as it is)."""
    n, c, m = p.shape
    if target.is_floating_point():
        return p, target.to(p.dtype).reshape(n, c, m)
    t = target.reshape(n, 1, m)
    classes = torch.arange(c, device=p.device).reshape(1, c, 1)
    g = (t == classes).to(p.dtype)
    mask = (t != ignore_index).to(p.dtype)
    return p * mask, g * mask


def _class_sums(p, target, ignore_index):
    """Per image and class (N, C), for probabilities ``p`` (N, C, M): the soft true positives
    ``sum p g``, ``sum p`` and ``sum g``.

    In eager mode class-index targets form no one-hot ``g``: ``sum_m p g`` for class ``c`` adds
    up the probability each position gives its own class over the positions of class ``c`` (a
    ``gather`` and a ``scatter_add``), and ``sum_m g`` counts those positions. Under
    ``torch.compile`` the one-hot products are cheaper: they fuse into one kernel.
    """
    if target.is_floating_point() or torch.compiler.is_compiling():
        p, g = _masked_pair(p, target, ignore_index)
        return (p * g).sum(-1), p.sum(-1), g.sum(-1)
    n, c, m = p.shape
    t = target.reshape(n, m)
    valid = t != ignore_index
    kept = valid.to(p.dtype)  # (N, M)
    safe = torch.where(valid, t, 0).long()
    p_own = p.gather(1, safe.unsqueeze(1)).squeeze(1) * kept  # (N, M)
    zeros = p.new_zeros(n, c)
    tp = zeros.scatter_add(1, safe, p_own)
    g_sum = zeros.scatter_add(1, safe, kept)
    p_sum = (p * kept.unsqueeze(1)).sum(-1)  # sum of p over the kept positions
    return tp, p_sum, g_sum


def _overlap(input, target, *, scale, alpha, beta, gamma, weight, ignore_index, smooth, eps, average, reduction):
    """Per-image ``(1 - score) ** gamma`` of score = (scale TP + s) / (scale (TP + a FP + b FN) + s + eps)."""
    reduction = check_reduction(reduction, EXTRA)
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")
    if alpha < 0 or beta < 0:
        raise ValueError(f"alpha and beta must be at least 0, got alpha={alpha}, beta={beta}")
    _check_logits_and_target(input, target, ignore_index, soft_targets=True)
    x = upcast(input)
    c = x.shape[1]
    w = torch.ones(c, dtype=x.dtype, device=x.device) if weight is None else weight.to(x.dtype)
    if w.shape != (c,):
        raise InputError(f"weight must hold one value per class, shape ({c},), got {tuple(w.shape)}")
    # the softmax stays outside the recomputed part: under compile its output is saved for the
    # backward, and only the masks and products are recomputed
    p = _softmax_over_classes(x)
    tp, p_sum, g_sum = recomputed_under_compile(_class_sums, p, target, ignore_index)  # (N, C) each
    fp = p_sum - tp  # sum p (1 - g)
    fn = g_sum - tp  # sum (1 - p) g
    if average == "micro":
        tp, fp, fn = ((v * w).sum(-1) for v in (tp, fp, fn))
    num = scale * tp + smooth
    den = scale * (tp + alpha * fp + beta * fn) + smooth
    empty = den == 0
    score = torch.where(empty, torch.zeros_like(num), num / torch.where(empty, torch.ones_like(den), den + eps))
    loss = (1 - score) ** gamma if gamma != 1 else 1 - score
    if average == "macro":
        present = w * (g_sum > 0).to(w.dtype)  # the classes the target holds, weighted
        total = present.sum(-1)
        loss = torch.where(total > 0, (loss * present).sum(-1) / torch.where(total > 0, total, 1),
                           torch.ones_like(total))
    return _reduce(loss, reduction).to(input.dtype)


def dice_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    smooth: float = 0.0,
    eps: float = 1e-8,
    average: str = "micro",
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Soft Dice loss (Dice 损失): one minus the F1 score of the soft mask.

    The Dice coefficient :math:`2|A \cap B| / (|A| + |B|)` is the F1 score
    :math:`2TP / (2TP + FP + FN)`; on probabilities it becomes

    .. math::
        l_n = 1 - \frac{2 \sum_i p_{ni} g_{ni} + s}{\sum_i p_{ni} + \sum_i g_{ni} + s + \epsilon},

    with the sums over the positions and, for ``average='micro'``, the classes of image
    :math:`n` (class :math:`c` weighted by ``weight[c]``). ``'macro'`` scores each class alone
    and takes the ``weight``-weighted mean over the classes present in the image's target (1
    when none is). A class with empty prediction and target scores 0.

    Args:
        input: logits, shape ``(N, C, d_1, ..., d_K)``.
        target: class indices ``(N, d_1, ..., d_K)``, or one-hot / soft targets of the input's shape.
        weight: a weight per class, shape ``(C)``. Default ``None`` (all 1).
        ignore_index: a target index whose positions count nowhere (index targets). Default ``-100``.
        smooth: added to numerator and denominator (Laplace smoothing). Default ``0.0``.
        eps: added to the denominator. Default ``1e-8``.
        average: ``'micro'`` | ``'macro'``. Default ``'micro'``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the images. Default ``'mean'``.

    Shape:
        Input: ``(N, C, d_1, ..., d_K)``.
        Target: ``(N, d_1, ..., d_K)`` integer, or ``(N, C, d_1, ..., d_K)`` floating.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if the shapes disagree.
        InputIndexError: if a class index is out of range.
        TypeError: if ``input`` is not floating point.
        ValueError: if ``average`` or ``reduction`` is not one of its values.

    Example:
        >>> import torch
        >>> logits = torch.tensor([[[[4.0, -4.0]], [[-4.0, 4.0]]]])  # (1, 2, 1, 2)
        >>> round(dice_loss(logits, torch.tensor([[[0, 1]]])).item(), 4)
        0.0003

    References:
        Milletari, Navab and Ahmadi, "V-Net: Fully Convolutional Neural Networks for Volumetric
        Medical Image Segmentation", 3DV 2016; Sudre et al., "Generalised Dice Overlap as a Deep
        Learning Loss Function for Highly Unbalanced Segmentations", DLMIA 2017.

    See also:
        ``kornia.losses.dice_loss`` (the same, with the defaults); Paddle's ``dice_loss`` takes
        probabilities with the classes last and one score for the batch.
    """
    return _overlap(input, target, scale=2.0, alpha=0.5, beta=0.5, gamma=1.0, weight=weight,
                    ignore_index=ignore_index, smooth=smooth, eps=eps, average=average, reduction=reduction)


def tversky_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    alpha: float = 0.5,
    beta: float = 0.5,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    smooth: float = 0.0,
    eps: float = 1e-8,
    average: str = "micro",
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Tversky loss (Tversky 损失): Dice with separate prices for false positives and negatives.

    .. math::
        l_n = 1 - \frac{TP_n + s}{TP_n + \alpha FP_n + \beta FN_n + s + \epsilon} .

    :math:`\alpha = \beta = 1/2` is the Dice loss, :math:`\alpha = \beta = 1` the Jaccard loss.
    A :math:`\beta > \alpha` makes a missed pixel cost more than a false alarm, trading
    precision for recall on small structures. Averaging as :func:`dice_loss`.

    Args:
        input: logits, shape ``(N, C, d_1, ..., d_K)``.
        target: class indices ``(N, d_1, ..., d_K)``, or one-hot / soft targets of the input's shape.
        alpha: the weight of the false positives. Default ``0.5``.
        beta: the weight of the false negatives. Default ``0.5``.
        weight: a weight per class, shape ``(C)``. Default ``None``.
        ignore_index: a target index whose positions count nowhere. Default ``-100``.
        smooth: added to numerator and denominator. Default ``0.0``.
        eps: added to the denominator. Default ``1e-8``.
        average: ``'micro'`` | ``'macro'``. Default ``'micro'``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the images. Default ``'mean'``.

    Shape:
        Input: ``(N, C, d_1, ..., d_K)``.
        Target: ``(N, d_1, ..., d_K)`` integer, or ``(N, C, d_1, ..., d_K)`` floating.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if the shapes disagree.
        InputIndexError: if a class index is out of range.
        TypeError: if ``input`` is not floating point.
        ValueError: if an option is out of its range.

    Example:
        >>> import torch
        >>> logits = torch.zeros(1, 2, 1, 2)  # p = 1/2 everywhere
        >>> round(tversky_loss(logits, torch.tensor([[[0, 1]]]), alpha=0.3, beta=0.7).item(), 4)
        0.5

    References:
        Salehi, Erdogmus and Gholipour, "Tversky Loss Function for Image Segmentation Using 3D
        Fully Convolutional Deep Networks", MLMI 2017.

    See also:
        ``kornia.losses.tversky_loss`` (equal with ``average='macro'``); no native op in torch or paddle.
    """
    return _overlap(input, target, scale=1.0, alpha=alpha, beta=beta, gamma=1.0, weight=weight,
                    ignore_index=ignore_index, smooth=smooth, eps=eps, average=average, reduction=reduction)


def focal_tversky_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    alpha: float = 0.3,
    beta: float = 0.7,
    gamma: float = 0.75,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    smooth: float = 0.0,
    eps: float = 1e-8,
    average: str = "micro",
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Focal Tversky loss (焦点 Tversky 损失): the Tversky loss raised to a power.

    .. math::
        l_n = \left(1 - \frac{TP_n + s}{TP_n + \alpha FP_n + \beta FN_n + s + \epsilon}\right)^{\gamma} .

    With :math:`\gamma < 1` a class that is already well segmented (small loss) keeps a larger
    share of the gradient than in the plain Tversky loss, which helps small, hard classes.
    Abraham and Khan write the exponent as :math:`1/\gamma` with :math:`\gamma = 4/3`; here
    ``gamma`` is the exponent itself, so their setting is ``gamma=0.75``. With ``'macro'`` the
    power is taken per class, before the mean.

    Args:
        input: logits, shape ``(N, C, d_1, ..., d_K)``.
        target: class indices ``(N, d_1, ..., d_K)``, or one-hot / soft targets of the input's shape.
        alpha: the weight of the false positives. Default ``0.3``.
        beta: the weight of the false negatives. Default ``0.7``.
        gamma: the exponent, positive. Default ``0.75``.
        weight: a weight per class, shape ``(C)``. Default ``None``.
        ignore_index: a target index whose positions count nowhere. Default ``-100``.
        smooth: added to numerator and denominator. Default ``0.0``.
        eps: added to the denominator. Default ``1e-8``.
        average: ``'micro'`` | ``'macro'``. Default ``'micro'``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the images. Default ``'mean'``.

    Shape:
        Input: ``(N, C, d_1, ..., d_K)``.
        Target: ``(N, d_1, ..., d_K)`` integer, or ``(N, C, d_1, ..., d_K)`` floating.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if the shapes disagree.
        InputIndexError: if a class index is out of range.
        TypeError: if ``input`` is not floating point.
        ValueError: if an option is out of its range.

    Example:
        >>> import torch
        >>> logits = torch.zeros(1, 2, 1, 2)  # p = 1/2 everywhere: Tversky loss 1/2
        >>> round(focal_tversky_loss(logits, torch.tensor([[[0, 1]]]), gamma=2.0).item(), 4)
        0.25

    References:
        Abraham and Khan, "A Novel Focal Tversky Loss Function with Improved Attention U-Net
        for Lesion Segmentation", ISBI 2019.

    See also:
        :func:`tversky_loss`; no native op in torch or paddle.
    """
    if gamma <= 0:
        raise ValueError(f"gamma must be positive, got {gamma}")
    return _overlap(input, target, scale=1.0, alpha=alpha, beta=beta, gamma=gamma, weight=weight,
                    ignore_index=ignore_index, smooth=smooth, eps=eps, average=average, reduction=reduction)


def jaccard_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    smooth: float = 0.0,
    eps: float = 1e-8,
    average: str = "micro",
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Jaccard loss (Jaccard 损失): one minus the soft intersection over union.

    .. math::
        l_n = 1 - \frac{\sum_i p_{ni} g_{ni} + s}
                       {\sum_i p_{ni} + \sum_i g_{ni} - \sum_i p_{ni} g_{ni} + s + \epsilon},

    :func:`tversky_loss` with :math:`\alpha = \beta = 1`. On hard masks it is one minus the IoU;
    for the same overlap it is never below the Dice loss (:math:`J = D / (2 - D)`).

    Args:
        input: logits, shape ``(N, C, d_1, ..., d_K)``.
        target: class indices ``(N, d_1, ..., d_K)``, or one-hot / soft targets of the input's shape.
        weight: a weight per class, shape ``(C)``. Default ``None``.
        ignore_index: a target index whose positions count nowhere. Default ``-100``.
        smooth: added to numerator and denominator. Default ``0.0``.
        eps: added to the denominator. Default ``1e-8``.
        average: ``'micro'`` | ``'macro'``. Default ``'micro'``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the images. Default ``'mean'``.

    Shape:
        Input: ``(N, C, d_1, ..., d_K)``.
        Target: ``(N, d_1, ..., d_K)`` integer, or ``(N, C, d_1, ..., d_K)`` floating.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if the shapes disagree.
        InputIndexError: if a class index is out of range.
        TypeError: if ``input`` is not floating point.
        ValueError: if ``average`` or ``reduction`` is not one of its values.

    Example:
        >>> import torch
        >>> logits = torch.zeros(1, 2, 1, 2)  # p = 1/2 everywhere: I = 1, union = 2 + 2 - 1
        >>> round(jaccard_loss(logits, torch.tensor([[[0, 1]]])).item(), 4)
        0.6667

    References:
        Rahman and Wang, "Optimizing Intersection-over-Union in Deep Neural Networks for Image
        Segmentation", ISVC 2016.

    See also:
        :func:`lovasz_softmax_loss`, a surrogate of the same IoU; no native op in torch or paddle.
    """
    return _overlap(input, target, scale=1.0, alpha=1.0, beta=1.0, gamma=1.0, weight=weight,
                    ignore_index=ignore_index, smooth=smooth, eps=eps, average=average, reduction=reduction)


def _lovasz_weights(g_sorted: torch.Tensor) -> torch.Tensor:
    """The gradient of the Lovász extension of the Jaccard loss at errors sorted in decreasing
    order, for the sorted ground truth ``g_sorted`` (last dimension)."""
    total = g_sorted.sum(-1, keepdim=True)
    intersection = total - g_sorted.cumsum(-1)
    union = total + (1 - g_sorted).cumsum(-1)
    jaccard = 1 - intersection / union
    return torch.cat([jaccard[..., :1], jaccard[..., 1:] - jaccard[..., :-1]], dim=-1)


def lovasz_softmax_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    ignore_index: int = -100,
    classes: str = "present",
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Lovász-Softmax loss (Lovász-Softmax 损失): a convex surrogate of the Jaccard loss.

    For class :math:`c` of image :math:`n` the errors :math:`m_i = |g_{ic} - p_{ic}|` are
    sorted in decreasing order, and the loss is the Lovász extension of the Jaccard loss
    :math:`\Delta_{J_c}` at those errors: the errors weighted by how much the Jaccard loss
    grows as each pixel, in that order, is counted wrong,

    .. math::
        l_n = \frac{1}{|\mathcal{C}_n|} \sum_{c \in \mathcal{C}_n}
              \sum_{k} m_{\pi(k)} \bigl(\Delta_{J_c}(\{\pi(1), \ldots, \pi(k)\})
              - \Delta_{J_c}(\{\pi(1), \ldots, \pi(k-1)\})\bigr).

    On a hard prediction it equals the Jaccard loss; on soft ones it is its tightest convex
    extension. :math:`\mathcal{C}_n` is the classes present in the image's target
    (``classes='present'``, Berman et al.'s default) or all classes (``'all'``, as kornia).
    An image with no class present costs 0.

    Args:
        input: logits, shape ``(N, C, d_1, ..., d_K)``.
        target: class indices, shape ``(N, d_1, ..., d_K)``.
        ignore_index: a target index whose positions count nowhere. Default ``-100``.
        classes: ``'present'`` | ``'all'``. Default ``'present'``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the images. Default ``'mean'``.

    Shape:
        Input: ``(N, C, d_1, ..., d_K)``.
        Target: ``(N, d_1, ..., d_K)`` integer.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if the shapes disagree.
        InputIndexError: if a class index is out of range.
        TypeError: if ``input`` is not floating point or ``target`` not integer.
        ValueError: if ``classes`` or ``reduction`` is not one of its values.

    Example:
        >>> import torch
        >>> logits = torch.zeros(1, 2, 1, 2)  # errors 1/2 everywhere
        >>> round(lovasz_softmax_loss(logits, torch.tensor([[[0, 1]]])).item(), 4)
        0.5

    References:
        Berman, Rannen Triki and Blaschko, "The Lovász-Softmax Loss: A Tractable Surrogate for
        the Optimization of the Intersection-over-Union Measure in Neural Networks", CVPR 2018.

    See also:
        ``kornia.losses.lovasz_softmax_loss`` (equal with ``classes='all'``); no native op in
        torch or paddle.
    """
    reduction = check_reduction(reduction, EXTRA)
    if classes not in ("present", "all"):
        raise ValueError(f"classes must be 'present' or 'all', got {classes!r}")
    p, g, out_dtype = _probabilities_and_targets(input, target, ignore_index, soft_targets=False)
    # ignored positions have p = g = 0: error 0, sorted last, where they weigh nothing
    errors, order = torch.sort((g - p).abs(), dim=-1, descending=True)
    per_class = (errors * _lovasz_weights(g.gather(-1, order))).sum(-1)  # (N, C)
    if classes == "all":
        loss = per_class.mean(-1)
    else:
        present = (g.sum(-1) > 0).to(per_class.dtype)
        loss = (per_class * present).sum(-1) / present.sum(-1).clamp_min(1)
    return _reduce(loss, reduction).to(out_dtype)


def lovasz_hinge_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Lovász hinge loss (Lovász 合页损失): the Jaccard surrogate for binary masks.

    With signs :math:`s_i = 2 g_i - 1` and hinge errors :math:`m_i = \max(0, 1 - s_i x_i)` on the
    logits, sorted in decreasing order, the loss of image :math:`n` is the Lovász extension of
    the foreground's Jaccard loss at those errors,

    .. math::
        l_n = \sum_k m_{\pi(k)} \bigl(\Delta_J(\{\pi(1), \ldots, \pi(k)\})
              - \Delta_J(\{\pi(1), \ldots, \pi(k-1)\})\bigr).

    Args:
        input: logits of the foreground, shape ``(N, d_1, ..., d_K)``.
        target: 0 (background) or 1 (foreground), the input's shape, or ``ignore_index``.
        ignore_index: a target value whose positions count nowhere. Default ``-100``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the images. Default ``'mean'``.

    Shape:
        Input: ``(N, d_1, ..., d_K)``.
        Target: ``(N, d_1, ..., d_K)``, 0/1.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if the shapes disagree or ``input`` has no batch dimension.
        InputIndexError: if ``target`` holds a value other than 0, 1 and ``ignore_index``.
        TypeError: if ``input`` is not floating point.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> round(lovasz_hinge_loss(torch.zeros(1, 2), torch.tensor([[0, 1]])).item(), 4)
        1.0

    References:
        Berman, Rannen Triki and Blaschko, "The Lovász-Softmax Loss: A Tractable Surrogate for
        the Optimization of the Intersection-over-Union Measure in Neural Networks", CVPR 2018.

    See also:
        ``kornia.losses.lovasz_hinge_loss`` (the same, on ``(N, 1, H, W)`` logits); no native op
        in torch or paddle.
    """
    reduction = check_reduction(reduction, EXTRA)
    check_floating(input, "input")
    check_tensor(target, "target")
    if input.dim() < 1 or target.shape != input.shape:
        raise InputError(f"target shape {tuple(target.shape)} must be the input's, {tuple(input.shape)}, "
                         "with a batch dimension")
    n = input.shape[0]
    m = math.prod(input.shape[1:])
    x = upcast(input).reshape(n, m)
    t = target.reshape(n, m)
    valid = t != ignore_index
    if value_checks(t) and t.numel() > 0:
        bad = valid & (t != 0) & (t != 1)
        if bool(bad.any()):
            raise InputIndexError(f"target must hold 0 (background) or 1 (foreground), got {t[bad][0].item()} "
                                  f"(ignore_index={ignore_index})")
    errors = recomputed_under_compile(_hinge_errors, x, t, ignore_index)
    errors, order = torch.sort(errors, dim=-1, descending=True)
    g_sorted = (t == 1).to(x.dtype).gather(-1, order)
    loss = recomputed_under_compile(_lovasz_hinge_sorted, errors, g_sorted)
    return _reduce(loss, reduction).to(input.dtype)


def _hinge_errors(x, t, ignore_index):
    """The hinge errors ``1 - x (2 g - 1)`` of logits ``x`` for 0/1 targets ``t``, (N, M); an
    ignored position gets the lowest error, so it sorts last, where its hinge is 0."""
    g = (t == 1).to(x.dtype)
    errors = 1 - (2 * g - 1) * x
    return torch.where(t != ignore_index, errors, torch.full_like(errors, torch.finfo(x.dtype).min))


def _lovasz_hinge_sorted(errors, g_sorted):
    """Per image (N): the hinges of the errors, sorted in decreasing order, dotted with the
    Lovász weights of the ground truth in the same order."""
    return (torch.relu(errors) * _lovasz_weights(g_sorted)).sum(-1)
