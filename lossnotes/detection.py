r"""Box regression losses: IoU, generalized IoU, distance IoU and complete IoU.

Boxes are ``(x1, y1, x2, y2)`` with ``x1 <= x2`` and ``y1 <= y2``, in the last dimension; the
losses pair ``boxes1[..., i, :]`` with ``boxes2[..., i, :]``. The three losses that
``torchvision.ops`` ships are drop-in twins of it: the same names, signatures (options may be
passed by position), ``eps`` placement and default ``reduction='none'``, and, as there, the
mean over no boxes is 0 rather than 0 / 0, and integer or half-precision boxes are computed
and returned in float32. :func:`iou_loss`, which torchvision does not ship, follows its
siblings. The sigmoid focal loss of one-stage detectors is
:func:`lossnotes.classification.sigmoid_focal_loss`.
"""

from __future__ import annotations

import math

import torch

from lossnotes._checks import InputError, check_tensor
from lossnotes._reduction import EXTRA, check_reduction

__all__ = [
    "box_area",
    "box_iou",
    "complete_box_iou_loss",
    "distance_box_iou_loss",
    "generalized_box_iou_loss",
    "iou_loss",
]


def _shape_4(boxes: torch.Tensor, name: str) -> torch.Tensor:
    check_tensor(boxes, name)
    if boxes.dim() == 0 or boxes.shape[-1] != 4:
        raise InputError(f"{name} must have shape (..., 4), boxes (x1, y1, x2, y2), got {tuple(boxes.shape)}")
    return boxes


def _float(boxes: torch.Tensor, name: str) -> torch.Tensor:
    """``boxes`` checked, in float32 unless float32 or float64 already (torchvision's
    ``_upcast_non_float``: integer and half-precision boxes are computed in float32)."""
    boxes = _shape_4(boxes, name)
    return boxes if boxes.dtype in (torch.float32, torch.float64) else boxes.float()


def _pairs(boxes1: torch.Tensor, boxes2: torch.Tensor, reduction: object) -> tuple[torch.Tensor, torch.Tensor]:
    check_reduction(reduction, EXTRA)
    b1, b2 = _float(boxes1, "boxes1"), _float(boxes2, "boxes2")
    if b1.shape != b2.shape:
        raise InputError(f"boxes1 and boxes2 must have the same shape, got {tuple(b1.shape)} and {tuple(b2.shape)}")
    return b1, b2


def _reduce_boxes(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    """torchvision's reduction of its box losses: the mean of no boxes is ``0.0 * sum``."""
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    return loss.sum() if reduction == "sum" else loss


def _inter_union(b1: torch.Tensor, b2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Intersection and union areas of paired boxes. The intersection is 0 (with a zero
    gradient) unless the boxes overlap with positive width and height."""
    x1, y1, x2, y2 = b1.unbind(-1)
    x1g, y1g, x2g, y2g = b2.unbind(-1)
    w = torch.minimum(x2, x2g) - torch.maximum(x1, x1g)
    h = torch.minimum(y2, y2g) - torch.maximum(y1, y1g)
    inter = torch.where((w > 0) & (h > 0), w * h, torch.zeros_like(w))
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    return inter, union


def _enclosing(b1: torch.Tensor, b2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Width and height of the smallest box enclosing both boxes of a pair."""
    x1, y1, x2, y2 = b1.unbind(-1)
    x1g, y1g, x2g, y2g = b2.unbind(-1)
    return torch.maximum(x2, x2g) - torch.minimum(x1, x1g), torch.maximum(y2, y2g) - torch.minimum(y1, y1g)


def _diou(b1: torch.Tensor, b2: torch.Tensor, eps: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The DIoU loss and the IoU of paired boxes."""
    inter, union = _inter_union(b1, b2)
    iou = inter / (union + eps)
    cw, ch = _enclosing(b1, b2)
    diagonal_sq = cw**2 + ch**2 + eps
    centre = (b1[..., :2] + b1[..., 2:]) / 2 - (b2[..., :2] + b2[..., 2:]) / 2
    return 1 - iou + (centre**2).sum(-1) / diagonal_sq, iou


_FORMATS = ("xyxy", "xywh", "cxcywh")


def _check_fmt(fmt: object) -> None:
    if fmt not in _FORMATS:
        raise ValueError(f"fmt must be one of {_FORMATS} (axis-aligned boxes), got {fmt!r}")


def _widen(t: torch.Tensor) -> torch.Tensor:
    """torchvision's ``_upcast`` for areas: float16/bfloat16 to float32, small integers to int32;
    float32, float64, int32 and int64 as they are (integer boxes keep integer areas)."""
    if t.is_floating_point():
        return t if t.dtype in (torch.float32, torch.float64) else t.float()
    return t if t.dtype in (torch.int32, torch.int64) else t.int()


def _corners(boxes: torch.Tensor, fmt: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The low and high corners ``(..., 2)`` of boxes given in ``fmt``."""
    if fmt == "xyxy":
        return boxes[..., :2], boxes[..., 2:]
    if fmt == "xywh":
        return boxes[..., :2], boxes[..., :2] + boxes[..., 2:]
    return boxes[..., :2] - boxes[..., 2:] / 2, boxes[..., :2] + boxes[..., 2:] / 2


def box_area(boxes: torch.Tensor, fmt: str = "xyxy") -> torch.Tensor:
    r"""Area of each box, :math:`(x_2 - x_1)(y_2 - y_1)`, or :math:`w h`.

    The signature and dtypes of ``torchvision.ops.box_area``: float16 and bfloat16 boxes give
    float32 areas, integer boxes integer areas (int32 or int64).

    Args:
        boxes: boxes, shape ``(..., 4)``.
        fmt: ``'xyxy'`` (corners ``x1, y1, x2, y2``) | ``'xywh'`` (corner, width, height) |
            ``'cxcywh'`` (centre, width, height). Default ``'xyxy'``.

    Returns:
        the areas, shape ``(...)``.

    Raises:
        InputError: if ``boxes`` is not ``(..., 4)``.
        ValueError: for another ``fmt``.

    Example:
        >>> import torch
        >>> box_area(torch.tensor([[0.0, 0.0, 2.0, 3.0]])).tolist()
        [6.0]
    """
    _check_fmt(fmt)
    b = _widen(_shape_4(boxes, "boxes"))
    if fmt == "xyxy":
        return (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    return b[..., 2] * b[..., 3]


def box_iou(boxes1: torch.Tensor, boxes2: torch.Tensor, fmt: str = "xyxy") -> torch.Tensor:
    r"""Intersection over union of every box of ``boxes1`` with every box of ``boxes2``.

    .. math::
        \mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|}

    No ``eps``: two boxes of zero area give 0 / 0 = nan, as in ``torchvision.ops.box_iou``,
    whose signature this is (the axis-aligned formats; rotated boxes are not supported).

    Args:
        boxes1: ``(..., N, 4)`` boxes.
        boxes2: ``(..., M, 4)`` boxes, leading dimensions broadcastable with ``boxes1``'s.
        fmt: ``'xyxy'`` | ``'xywh'`` | ``'cxcywh'``, as in :func:`box_area`. Default ``'xyxy'``.

    Returns:
        the ``(..., N, M)`` matrix of IoUs; float32 for integer or half-precision boxes.

    Raises:
        InputError: if a box argument is not ``(..., 4)``.
        ValueError: for another ``fmt``.

    Example:
        >>> import torch
        >>> a = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
        >>> b = torch.tensor([[1.0, 1.0, 3.0, 3.0], [2.0, 2.0, 3.0, 3.0]])
        >>> [round(v, 4) for v in box_iou(a, b)[0].tolist()]  # 1 / (4 + 4 - 1), then disjoint
        [0.1429, 0.0]
    """
    _check_fmt(fmt)
    b1, b2 = _shape_4(boxes1, "boxes1"), _shape_4(boxes2, "boxes2")
    lo1, hi1 = _corners(b1[..., :, None, :], fmt)
    lo2, hi2 = _corners(b2[..., None, :, :], fmt)
    # the overlap's sides in the boxes' own dtype, then widened, as torchvision does
    wh = _widen(torch.minimum(hi1, hi2) - torch.maximum(lo1, lo2)).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(b1, fmt)[..., :, None] + box_area(b2, fmt)[..., None, :] - inter
    return inter / union


def iou_loss(boxes1: torch.Tensor, boxes2: torch.Tensor, reduction: str = "none", eps: float = 1e-7) -> torch.Tensor:
    r"""IoU loss (交并比损失): one minus the overlap of paired boxes.

    .. math::
        l_n = 1 - \frac{|B_n \cap \hat B_n|}{|B_n \cup \hat B_n| + \epsilon} .

    Scale-invariant, unlike an :math:`L_1` loss on the coordinates, but blind beyond the overlap:
    for boxes that do not overlap the loss is 1 whatever their distance, and its gradient is 0.

    Args:
        boxes1: predicted boxes ``(x1, y1, x2, y2)``, shape ``(..., 4)``.
        boxes2: target boxes, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'none'``, as the
            ``torchvision.ops`` box losses; the ``'mean'`` of no boxes is 0, as there.
        eps: added to the union. Default ``1e-7``.

    Shape:
        Input: ``boxes1`` and ``boxes2``, ``(..., 4)``, the same.
        Output: ``(...)`` for ``reduction='none'``, else scalar.

    Raises:
        InputError: if the boxes are not ``(..., 4)`` or differ in shape.
        TypeError: if a box argument is not a tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> b1, b2 = torch.tensor([[0.0, 0.0, 2.0, 2.0]]), torch.tensor([[1.0, 1.0, 3.0, 3.0]])
        >>> round(iou_loss(b1, b2).item(), 4)  # 1 - 1 / 7
        0.8571

    References:
        Yu et al., "UnitBox: An Advanced Object Detection Network", ACM Multimedia 2016.

    See also:
        :func:`generalized_box_iou_loss`; ``torchvision.ops`` has no plain IoU loss, Paddle none.
    """
    b1, b2 = _pairs(boxes1, boxes2, reduction)
    inter, union = _inter_union(b1, b2)
    return _reduce_boxes(1 - inter / (union + eps), reduction)


def generalized_box_iou_loss(
    boxes1: torch.Tensor, boxes2: torch.Tensor, reduction: str = "none", eps: float = 1e-7
) -> torch.Tensor:
    r"""Generalized IoU loss (广义交并比损失): IoU, minus the empty part of the enclosing box.

    With :math:`C_n` the smallest box enclosing both,

    .. math::
        l_n = 1 - \mathrm{IoU}_n + \frac{|C_n| - |B_n \cup \hat B_n|}{|C_n| + \epsilon},
        \qquad \mathrm{IoU}_n = \frac{|B_n \cap \hat B_n|}{|B_n \cup \hat B_n| + \epsilon} .

    The loss lies in [0, 2). For disjoint boxes the enclosing term still shrinks as they move
    together, so the gradient is not zero where the IoU loss's is.

    Args:
        boxes1: predicted boxes ``(x1, y1, x2, y2)``, shape ``(..., 4)``.
        boxes2: target boxes, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'none'``. The ``'mean'`` of no
            boxes is ``0.0 * loss.sum()`` (0, with a graph), as in torchvision, not nan.
        eps: added to the union and to the enclosing area. Default ``1e-7``.

    Shape:
        Input: ``boxes1`` and ``boxes2``, ``(..., 4)``, the same.
        Output: ``(...)`` for ``reduction='none'``, else scalar.

    Raises:
        InputError: if the boxes are not ``(..., 4)`` or differ in shape.
        TypeError: if a box argument is not a tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> b1, b2 = torch.tensor([[0.0, 0.0, 1.0, 1.0]]), torch.tensor([[2.0, 0.0, 3.0, 1.0]])
        >>> round(generalized_box_iou_loss(b1, b2).item(), 4)  # 1 - 0 + (3 - 2) / 3
        1.3333

    References:
        Rezatofighi et al., "Generalized Intersection over Union: A Metric and a Loss for
        Bounding Box Regression", CVPR 2019.

    See also:
        ``torchvision.ops.generalized_box_iou_loss`` (the same); Paddle has none.
    """
    b1, b2 = _pairs(boxes1, boxes2, reduction)
    inter, union = _inter_union(b1, b2)
    iou = inter / (union + eps)
    cw, ch = _enclosing(b1, b2)
    area_c = cw * ch
    return _reduce_boxes(1 - (iou - (area_c - union) / (area_c + eps)), reduction)


def distance_box_iou_loss(
    boxes1: torch.Tensor, boxes2: torch.Tensor, reduction: str = "none", eps: float = 1e-7
) -> torch.Tensor:
    r"""Distance IoU loss (距离交并比损失): IoU plus the distance of the centres.

    With :math:`\rho_n` the distance between the two centres and :math:`d_n` the diagonal of
    the smallest enclosing box,

    .. math::
        l_n = 1 - \mathrm{IoU}_n + \frac{\rho_n^2}{d_n^2 + \epsilon} .

    The centre term pulls the boxes together directly, whether they overlap or not, and
    converges faster than GIoU's area term.

    Args:
        boxes1: predicted boxes ``(x1, y1, x2, y2)``, shape ``(..., 4)``.
        boxes2: target boxes, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'none'``. The ``'mean'`` of no
            boxes is ``0.0 * loss.sum()`` (0, with a graph), as in torchvision, not nan.
        eps: added to the union and to the squared diagonal. Default ``1e-7``.

    Shape:
        Input: ``boxes1`` and ``boxes2``, ``(..., 4)``, the same.
        Output: ``(...)`` for ``reduction='none'``, else scalar.

    Raises:
        InputError: if the boxes are not ``(..., 4)`` or differ in shape.
        TypeError: if a box argument is not a tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> b1, b2 = torch.tensor([[0.0, 0.0, 1.0, 1.0]]), torch.tensor([[2.0, 0.0, 3.0, 1.0]])
        >>> round(distance_box_iou_loss(b1, b2).item(), 4)  # 1 - 0 + 2**2 / (3**2 + 1**2)
        1.4

    References:
        Zheng et al., "Distance-IoU Loss: Faster and Better Learning for Bounding Box
        Regression", AAAI 2020.

    See also:
        ``torchvision.ops.distance_box_iou_loss`` (the same); Paddle has none.
    """
    b1, b2 = _pairs(boxes1, boxes2, reduction)
    return _reduce_boxes(_diou(b1, b2, eps)[0], reduction)


def complete_box_iou_loss(
    boxes1: torch.Tensor, boxes2: torch.Tensor, reduction: str = "none", eps: float = 1e-7
) -> torch.Tensor:
    r"""Complete IoU loss (完全交并比损失): DIoU plus a term for the aspect ratio.

    .. math::
        l_n = 1 - \mathrm{IoU}_n + \frac{\rho_n^2}{d_n^2 + \epsilon} + \alpha_n v_n,
        \qquad
        v_n = \frac{4}{\pi^2}\Bigl(\arctan\frac{\hat w_n}{\hat h_n} - \arctan\frac{w_n}{h_n}\Bigr)^2,
        \qquad
        \alpha_n = \frac{v_n}{1 - \mathrm{IoU}_n + v_n + \epsilon},

    with :math:`w, h` the predicted box's width and height and :math:`\hat w, \hat h` the
    target's. As in the paper and in torchvision, :math:`\alpha_n` is a weight, not a function
    to differentiate: it is computed without gradient. A box of zero height has an undefined
    aspect ratio (``atan`` of ``w / 0``), as in torchvision.

    Args:
        boxes1: predicted boxes ``(x1, y1, x2, y2)``, shape ``(..., 4)``.
        boxes2: target boxes, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'none'``. The ``'mean'`` of no
            boxes is ``0.0 * loss.sum()`` (0, with a graph), as in torchvision, not nan.
        eps: added to the denominator of :math:`\alpha`. Default ``1e-7``. (The IoU and the
            centre term take ``1e-7`` whatever ``eps`` is, as in torchvision.)

    Shape:
        Input: ``boxes1`` and ``boxes2``, ``(..., 4)``, the same.
        Output: ``(...)`` for ``reduction='none'``, else scalar.

    Raises:
        InputError: if the boxes are not ``(..., 4)`` or differ in shape.
        TypeError: if a box argument is not a tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> b1, b2 = torch.tensor([[0.0, 0.0, 2.0, 2.0]]), torch.tensor([[0.0, 0.0, 2.0, 2.0]])
        >>> round(complete_box_iou_loss(b1, b2).item(), 4)
        0.0

    References:
        Zheng et al., "Distance-IoU Loss: Faster and Better Learning for Bounding Box
        Regression", AAAI 2020.

    See also:
        ``torchvision.ops.complete_box_iou_loss`` (the same); Paddle has none.
    """
    b1, b2 = _pairs(boxes1, boxes2, reduction)
    # torchvision computes the DIoU part with its default eps whatever ``eps`` is: the same here
    diou, iou = _diou(b1, b2, 1e-7)
    w, h = b1[..., 2] - b1[..., 0], b1[..., 3] - b1[..., 1]
    wg, hg = b2[..., 2] - b2[..., 0], b2[..., 3] - b2[..., 1]
    v = (4 / math.pi**2) * (torch.atan(wg / hg) - torch.atan(w / h)) ** 2
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce_boxes(diou + alpha * v, reduction)
