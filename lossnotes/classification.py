r"""Classification losses, written from tensor primitives.

Every function here that PyTorch also has keeps ``torch.nn.functional``'s name, positional
order, defaults, output shape, dtype and broadcasting rules, including the deprecated
``size_average`` / ``reduce`` flags (mapped to ``reduction`` with PyTorch's warning). Where
PyTorch raises, these raise a ``ValueError`` or ``TypeError`` that names the argument.

float16 and bfloat16 inputs are computed in float32 and the result is cast back, so the
exponentials and logarithms do not lose their few mantissa bits.

Value checks read the device. In eager mode each loss synchronises with it at most once on the
way in (and once more only to word an error): ``nll_loss`` and ``cross_entropy`` to check the
class indices (``nll_loss``'s one read also decides whether any target can be ignored),
``binary_cross_entropy`` once per tensor (input and target lie in [0, 1]), ``multi_margin_loss``
for the class indices, ``multilabel_margin_loss`` for the indices together with the longest
target list (the length of its loop). Under ``torch.compile`` the checks are skipped
(:func:`lossnotes._checks.value_checks`) and the fused autograd Functions give way to their plain
expressions (:func:`lossnotes._numerics.fused_or_reference`), so every loss traces into one graph.
"""

from __future__ import annotations

import math
import warnings

import torch

from lossnotes._checks import (
    InputDtypeError,
    InputError,
    InputIndexError,
    check_class_indices,
    check_floating,
    check_in_range,
    check_tensor,
    value_checks,
)
from lossnotes._numerics import (
    autocast_like_torch,
    compute_dtype,
    fused_or_reference,
    needs_reference,
    recomputed_under_compile,
    reference_grads,
    result_dtype,
    upcast,
)
from lossnotes._reduction import EXTRA, KL_DIV, NOT_VALID, reduce_grad, resolve_reduction
from lossnotes._reduction import reduce as _reduce

__all__ = [
    "balanced_binary_cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "focal_loss",
    "hinge_loss",
    "kl_div",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "sigmoid_focal_loss",
    "soft_margin_loss",
    "squared_hinge_loss",
    "weighted_binary_cross_entropy",
]

# ----------------------------------------------------------------------------- helpers


def _up(x: torch.Tensor | None, dtype: torch.dtype) -> torch.Tensor | None:
    return None if x is None else x.to(dtype)


def _ratio_reduce(numerator: torch.Tensor, denominator: torch.Tensor, reduction: str) -> torch.Tensor:
    """'none' -> numerator, 'sum' -> its sum, 'mean' -> sum(numerator) / sum(denominator).

    ``numerator`` already carries the per-element weights ``denominator``; this is the weighted
    mean ``sum(w * l) / sum(w)`` of :func:`lossnotes._reduction.reduce`, for losses (label-smoothed
    cross entropy) whose numerator is not a single ``w * l`` product.
    """
    if reduction == "mean":
        return _reduce(numerator, "sum") / denominator.sum()
    return _reduce(numerator, reduction)


def _check_weight_vector(weight: torch.Tensor | None, num_classes: int, input: torch.Tensor) -> None:
    if weight is None:
        return
    check_tensor(weight, "weight")
    if weight.dim() != 1 or weight.numel() != num_classes:
        raise InputError(
            f"weight tensor should be defined either for all {num_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}"
        )
    if weight.dtype != input.dtype:
        raise TypeError(f"weight must have the input's dtype {input.dtype}, got {weight.dtype}")


def _unbatched_target(input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """PyTorch accepts a (1,) class-index target for an unbatched (C,) input: make it 0-d."""
    if input.dim() == 1 and target.dim() == 1 and target.shape[0] == 1 and not target.is_floating_point():
        return target.reshape(())
    return target


def _check_index_target(input: torch.Tensor, target: torch.Tensor) -> int:
    """Shape and dtype checks shared by ``nll_loss`` and ``cross_entropy``; returns the class dim."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()}) for input")
    if target.dtype not in (torch.int64, torch.uint8):
        raise InputDtypeError(f"expected target dtype to be Long or Byte, but got {target.dtype}")
    if input.dim() == 1:
        if target.dim() != 0:
            raise ValueError(
                f"an unbatched input of shape {tuple(input.shape)} needs a 0-dimensional target "
                f"or one of shape (1,), got target of shape {tuple(target.shape)}"
            )
        return 0
    if target.dim() == 0 or input.shape[0] != target.shape[0]:
        got = target.shape[0] if target.dim() else "a 0-d target"
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({got}).")
    if target.shape[1:] != input.shape[2:]:
        expected = [input.shape[0], *input.shape[2:]]
        raise ValueError(f"Expected target size {expected}, got {list(target.shape)}")
    if input.dim() > 2 and target.dtype == torch.uint8:  # torch's K-dimensional kernels take int64 only
        raise InputDtypeError("a K-dimensional input (N, C, d_1, ..., d_K) needs an int64 target: "
                              "expected scalar type Long but found Byte")
    return 1


def _broadcasts_to(shape: torch.Size, target_shape: torch.Size) -> bool:
    """Whether a tensor of ``shape`` broadcasts to exactly ``target_shape``."""
    try:
        return torch.broadcast_shapes(shape, target_shape) == target_shape
    except RuntimeError:
        return False


def _weight_view(weight: torch.Tensor, ndim: int, class_dim: int) -> torch.Tensor:
    """Reshape a (C,) class weight so that it broadcasts along ``class_dim`` of an ``ndim`` tensor."""
    shape = [1] * ndim
    shape[class_dim] = weight.numel()
    return weight.view(shape)


def _all_classes_valid(target: torch.Tensor, num_classes: int, ignore_index: int) -> bool:
    """True if every entry of ``target`` is a class in ``[0, C)`` and none can be ``ignore_index``.

    One pass and one read of the device; False sends the caller to the full check and masks
    (always, under ``torch.compile``, where the device is not read).
    """
    if target.numel() == 0 or 0 <= ignore_index < num_classes or not value_checks(target):
        return False
    low, high = torch.stack(torch.aminmax(target)).tolist()
    return low >= 0 and high < num_classes


def _picked_nll_reference(input, target, weight, class_dim, reduction):
    """:func:`nll_loss` without ignored targets, as plain differentiable expressions."""
    dtype = compute_dtype(input.dtype)
    numerator, w = _nll_terms(input.to(dtype), target, _up(weight, dtype), -100, class_dim)
    return _ratio_reduce(numerator, w, reduction).to(input.dtype)


class _PickedNLL(torch.autograd.Function):
    """``-w_y x_y`` read off by ``gather``, when no target is ignored: one graph node, whose
    backward scatters ``-w_y`` times the incoming gradient into a zero tensor."""

    @staticmethod
    def forward(ctx, input, target, weight, class_dim, reduction):
        ctx.save_for_backward(input, target, weight)
        ctx.class_dim, ctx.reduction = class_dim, reduction
        dtype = compute_dtype(input.dtype)
        x = input if input.dtype == dtype else input.to(dtype)
        target = target.long()
        loss = x.gather(class_dim, target.unsqueeze(class_dim)).squeeze(class_dim).neg_()
        w = None if weight is None else weight.to(dtype)[target]
        if w is not None:
            loss.mul_(w)
        if reduction == "mean":
            loss = loss.sum() / (loss.numel() if w is None else w.sum())
        elif reduction == "sum":
            loss = loss.sum()
        return loss.to(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight = ctx.saved_tensors
        class_dim, reduction = ctx.class_dim, ctx.reduction
        if needs_reference(ctx):
            return reference_grads(ctx, grad, _picked_nll_reference, (input, target, weight),
                                    (class_dim, reduction))
        dtype = compute_dtype(input.dtype)
        target = target.long()
        w = None if weight is None else weight.to(dtype)[target]
        g = reduce_grad(grad.to(dtype), reduction, target.numel() if w is None else w.sum())
        picked = (g.expand(target.shape) if w is None else g * w).neg()
        out = torch.zeros(input.shape, dtype=dtype, device=input.device)
        out.scatter_(class_dim, target.unsqueeze(class_dim), picked.unsqueeze(class_dim))
        return out.to(input.dtype), None, None, None, None


def _nll_terms(logp, target, weight, ignore_index, class_dim):
    """Per-element ``-w_y log p_y`` and weight ``w_y``, both zero where ``target == ignore_index``."""
    valid = target != ignore_index
    safe = torch.where(valid, target, 0).long()
    picked = logp.gather(class_dim, safe.unsqueeze(class_dim)).squeeze(class_dim)
    w = valid.to(logp.dtype) if weight is None else torch.where(valid, weight[safe], 0)
    # `where`, not `w * picked`: an ignored position may hold -inf, and 0 * inf is nan.
    numerator = torch.where(valid, -picked * w, 0)
    return numerator, w


# ----------------------------------------------------------------------------- negative log-likelihood


@autocast_like_torch
def nll_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Negative log-likelihood of class indices, given log-probabilities.

    The loss reads off the log-probability the model gave to the true class and negates it. It
    does not take a softmax itself: feed it ``log_softmax`` outputs (raw scores give meaningless,
    possibly negative, numbers), or use :func:`cross_entropy`.

    .. math::

        l_n = -w_{y_n} x_{n, y_n}, \qquad w_c = \text{weight}[c] \ (1 \text{ if None}),

    with :math:`l_n = 0` where :math:`y_n` is ``ignore_index``. ``'mean'`` is the weighted mean
    :math:`\sum_n l_n / \sum_n w_{y_n}` over the non-ignored elements (``nan`` when there are
    none); ``'sum'`` is :math:`\sum_n l_n`.

    Args:
        input: log-probabilities, shape ``(N, C)``, ``(N, C, d_1, ..., d_K)`` or ``(C,)``.
        target: class indices in ``[0, C)``, shape ``(N)``, ``(N, d_1, ..., d_K)`` or ``()``;
            int64, or uint8 unless the input is K-dimensional (as in PyTorch).
        weight: optional per-class weight of shape ``(C,)`` and the input's dtype.
        size_average: deprecated, use ``reduction``.
        ignore_index: a target value that contributes neither loss nor weight. Default -100.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(C)``, ``(N, C)`` or ``(N, C, d_1, ..., d_K)`` with ``K >= 1``.
        Target: ``()``, ``(N)`` or ``(N, d_1, ..., d_K)``, class indices in ``[0, C)``.
        Output: scalar, or the target's shape if ``reduction='none'``.

    Raises:
        ValueError: for a 0-d input, a target whose shape does not fit the input, a ``weight``
            not of shape ``(C,)``, or a bad ``reduction``.
        InputIndexError: (an ``IndexError``, ``ValueError`` and ``RuntimeError``) for a class
            index outside ``[0, C)`` other than ``ignore_index``.
        TypeError: for a non-floating ``input``, a non-tensor ``target`` or ``weight``, or a
            ``weight`` of another dtype.
        InputDtypeError: (a ``TypeError`` and a ``RuntimeError``) for a target that is not int64
            or uint8, or a uint8 target of a K-dimensional input.

    Example:
        >>> x = torch.tensor([[-1.0, -2.0], [-3.0, -0.5]])
        >>> round(nll_loss(x, torch.tensor([0, 1])).item(), 4)
        0.75

    References:
        Bishop, "Pattern Recognition and Machine Learning", Springer, 2006 (multiclass
        logistic regression).

    See also:
        ``torch.nn.functional.nll_loss``; ``paddle.nn.functional.nll_loss`` (the same semantics,
        except that paddle 3.3 reads out of bounds for an ``ignore_index`` outside ``[0, C)``
        that occurs in the target).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    check_floating(input, "input")
    check_tensor(target, "target")
    target = _unbatched_target(input, target)
    class_dim = _check_index_target(input, target)
    num_classes = input.shape[class_dim]
    _check_weight_vector(weight, num_classes, input)
    dtype = compute_dtype(input.dtype)
    if _all_classes_valid(target, num_classes, ignore_index):  # nothing to ignore: no masks needed
        return fused_or_reference(_PickedNLL, _picked_nll_reference, (input, target, weight), (class_dim, reduction))
    check_class_indices(target, num_classes, "target", ignore_index)
    numerator, w = _nll_terms(input.to(dtype), target, _up(weight, dtype), ignore_index, class_dim)
    return _ratio_reduce(numerator, w, reduction).to(input.dtype)


@autocast_like_torch
def cross_entropy(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    r"""Softmax cross entropy between logits and class indices or class probabilities.

    The logits become log-probabilities through a log-softmax over the class dimension (dim 1,
    or dim 0 for an unbatched ``(C,)`` input); the loss is the negative log-probability of the
    target, or its expectation under a target distribution. This equals
    ``nll_loss(log_softmax(input, class_dim), target)`` but never forms ``softmax`` itself.

    With class-index targets and label smoothing :math:`\varepsilon`,

    .. math::

        l_n = (1 - \varepsilon)\, w_{y_n} (-\log p_{n, y_n})
              + \frac{\varepsilon}{C} \sum_{c} w_c (-\log p_{n, c}),
        \qquad p_n = \operatorname{softmax}(x_n),

    zero where :math:`y_n` is ``ignore_index``; ``'mean'`` divides :math:`\sum_n l_n` by
    :math:`\sum_n w_{y_n}` over the non-ignored elements. With class-probability targets
    (a float target of the input's shape), :math:`q = (1-\varepsilon) y + \varepsilon / C` and

    .. math::

        l_n = -\sum_c w_c\, q_{n, c} \log p_{n, c},

    and ``'mean'`` divides by the number of samples :math:`N \cdot d_1 \cdots d_K`, not by the
    weights.

    Args:
        input: logits, shape ``(N, C)``, ``(N, C, d_1, ..., d_K)`` or ``(C,)``.
        target: class indices of shape ``(N)``, ``(N, d_1, ..., d_K)`` or ``()`` (int64, or uint8
            unless the input is K-dimensional); or class probabilities (floating, the input's shape).
        weight: optional per-class weight of shape ``(C,)`` and the input's dtype.
        size_average: deprecated, use ``reduction``.
        ignore_index: a class-index target value that is skipped. Default -100. Not allowed
            (non-negative) with probability targets.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        label_smoothing: :math:`\varepsilon \in [0, 1]`. Default 0.

    Shape:
        Input: ``(C)``, ``(N, C)`` or ``(N, C, d_1, ..., d_K)`` with ``K >= 1``.
        Target: class indices in ``[0, C)`` of shape ``()``, ``(N)`` or ``(N, d_1, ..., d_K)``;
        or class probabilities of the input's shape.
        Output: scalar, or ``(N)``, ``(N, d_1, ..., d_K)``, ``()`` if ``reduction='none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) for ``label_smoothing`` outside
            ``[0, 1]``, or a non-negative ``ignore_index`` with probability targets.
        InputIndexError: (an ``IndexError``) for a 0-d input, or a class index outside
            ``[0, C)`` other than ``ignore_index``.
        ValueError: for a target whose shape does not fit the input, a ``weight`` not of
            shape ``(C,)``, or a bad ``reduction``.
        TypeError: for a non-floating ``input``, a non-tensor ``target`` or ``weight``, or a
            ``weight`` of another dtype.
        InputDtypeError: (a ``TypeError`` and a ``RuntimeError``) for an integer probability
            target, a class-index target that is not int64 or uint8, or a uint8 target of a
            K-dimensional input.

    Example:
        >>> x = torch.tensor([[1.0, 2.0], [1.0, 3.0], [1.0, 3.0]])
        >>> round(cross_entropy(x, torch.tensor([0, 1, 1])).item(), 4)
        0.5224

    References:
        Szegedy, Vanhoucke, Ioffe, Shlens, Wojna, "Rethinking the Inception Architecture for
        Computer Vision", CVPR 2016 (label smoothing).

    See also:
        ``torch.nn.functional.cross_entropy``; ``paddle.nn.functional.cross_entropy`` (its class
        axis defaults to -1, not 1, and probability targets need ``soft_label=True``).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    check_floating(input, "input")
    check_tensor(target, "target")
    if not isinstance(label_smoothing, int | float) or not 0.0 <= label_smoothing <= 1.0:
        raise InputError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.dim() < 1:  # torch's cross_entropy looks up the class dimension 1: IndexError
        raise InputIndexError(f"Expected 1 or more dimensions (got {input.dim()}) for input")
    class_dim = 0 if input.dim() == 1 else 1
    num_classes = input.shape[class_dim]
    dtype = compute_dtype(input.dtype)

    if target.shape == input.shape:  # class probabilities
        if not target.is_floating_point():
            raise InputDtypeError(
                f"Expected floating point type for target with class probabilities, got {target.dtype}"
            )
        if ignore_index >= 0:
            raise InputError(
                f"ignore_index is not supported for floating point target, got ignore_index={ignore_index}"
            )
        _check_weight_vector(weight, num_classes, input)
        logp = torch.log_softmax(input.to(dtype), dim=class_dim)
        q = target.to(dtype)
        if label_smoothing > 0:
            q = q * (1 - label_smoothing) + label_smoothing / num_classes
        if weight is not None:
            q = q * _weight_view(weight.to(dtype), input.dim(), class_dim)
        loss = -(logp * q).sum(dim=class_dim)
        return _reduce(loss, reduction).to(input.dtype)

    target = _unbatched_target(input, target)
    class_dim = _check_index_target(input, target)
    _check_weight_vector(weight, num_classes, input)
    check_class_indices(target, num_classes, "target", ignore_index)
    w_all = _up(weight, dtype)
    logp = torch.log_softmax(input.to(dtype), dim=class_dim)
    numerator, w = _nll_terms(logp, target, w_all, ignore_index, class_dim)
    if label_smoothing > 0:
        wl = logp if w_all is None else logp * _weight_view(w_all, logp.dim(), class_dim)
        smooth = torch.where(target != ignore_index, -wl.sum(dim=class_dim), 0)
        numerator = (1 - label_smoothing) * numerator + (label_smoothing / num_classes) * smooth
    return _ratio_reduce(numerator, w, reduction).to(input.dtype)


# ----------------------------------------------------------------------------- binary cross entropy


def _safe_log(x: torch.Tensor, positive: torch.Tensor, log_fn) -> torch.Tensor:
    """``max(log_fn(x), -100)``, with -100 (and a zero gradient) where ``positive`` is False.

    PyTorch clamps BCE's logarithms at -100 so that one element costs at most 100. The inner
    ``where`` keeps ``log(0) = -inf`` out of the graph, where its gradient would be ``0 * inf``.
    """
    fill = 1.0 if log_fn is torch.log else 0.0
    return torch.where(positive, log_fn(torch.where(positive, x, fill)), -100.0).clamp(min=-100.0)


def _check_unit_interval(x: torch.Tensor, name: str) -> None:
    """:func:`check_in_range` to [0, 1], with one pass and no full-size temporaries when it passes."""
    if x.numel() == 0:
        return
    if not value_checks(x):
        return
    low, high = torch.aminmax(x.detach())  # a nan anywhere makes both nan, and fails below
    if not bool((low >= 0) & (high <= 1)):
        check_in_range(x, name, 0, 1)


def _bce_reference(input, target, weight, reduction):
    """Binary cross entropy as plain differentiable expressions (values and gradients)."""
    dtype = compute_dtype(input.dtype)
    x, y = input.to(dtype), target.to(dtype)
    log_x = _safe_log(x, x > 0, torch.log)
    # log(1 - x) as log1p(-x): exact for small x, where 1 - x would round.
    log_1mx = _safe_log(-x, x < 1, torch.log1p)
    loss = -(y * log_x + (1 - y) * log_1mx)
    if weight is not None:
        loss = loss * weight.to(dtype)
    return _reduce(loss, reduction).to(input.dtype)


# log(x) >= -100 exactly where x >= e^-100: below it the clamp holds the log and its gradient is 0
_LOG_FLOOR_X = math.exp(-100.0)


class _BinaryCrossEntropy(torch.autograd.Function):
    """:func:`_bce_reference` with only the inputs saved: two full-size buffers at most."""

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        ctx.save_for_backward(input, target, weight)
        ctx.reduction = reduction
        dtype = compute_dtype(input.dtype)
        x, y = input.to(dtype), target.to(dtype)
        log_x = torch.log(x).clamp_(min=-100.0)
        # log(1 - x) as log1p(-x): exact for small x, where 1 - x would round.
        loss = torch.neg(x).log1p_().clamp_(min=-100.0)
        # y log x + (1 - y) log(1 - x); lerp is exact at y = 0 and y = 1
        loss.lerp_(log_x, y).neg_()
        del log_x
        if weight is not None:
            loss.mul_(weight.to(dtype))
        return _reduce(loss, reduction).to(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight = ctx.saved_tensors
        if needs_reference(ctx):
            return reference_grads(ctx, grad, _bce_reference, (input, target, weight), (ctx.reduction,))
        dtype = compute_dtype(input.dtype)
        x, y = input.to(dtype), target.to(dtype)
        # d/dx -[y log x + (1 - y) log(1 - x)] = (1 - y) / (1 - x) - y / x, each term 0 where its log is clamped
        g = torch.rsub(y, 1).div_(torch.rsub(x, 1)).masked_fill_(x >= 1, 0)
        g.sub_(torch.div(y, x).masked_fill_(x < _LOG_FLOOR_X, 0))
        if weight is not None:
            g.mul_(weight.to(dtype))
        g.mul_(reduce_grad(grad.to(dtype), ctx.reduction, g.numel()))
        return g.to(input.dtype), None, None, None


@autocast_like_torch
def binary_cross_entropy(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Binary cross entropy between probabilities and targets in [0, 1].

    The negative log-likelihood of a Bernoulli target under predicted probability ``input``.
    Each logarithm is clamped at -100, as in PyTorch, so a confident mistake costs at most 100
    (and then has no gradient: prefer :func:`binary_cross_entropy_with_logits` on logits).

    .. math::

        l_n = -w_n \left[ y_n \max(\log x_n, -100) + (1 - y_n) \max(\log(1 - x_n), -100) \right].

    ``'mean'`` is :math:`\frac{1}{N} \sum_n l_n` (the plain mean, even with ``weight``);
    ``'sum'`` is :math:`\sum_n l_n`.

    Args:
        input: probabilities in [0, 1], any shape.
        target: targets in [0, 1], the input's shape and dtype.
        weight: optional rescaling weight, broadcastable to the input's shape.
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape and dtype.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: if the target's shape differs from the input's, ``weight`` does not
            broadcast to it, or for a bad ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an ``input`` or ``target``
            element outside ``[0, 1]``.
        TypeError: for a non-floating ``input`` or ``target``, a target of another dtype, or
            a non-tensor ``weight``.

    Note:
        Where an element sits exactly at 0 or 1 and the clamped log is the one used, this
        function's gradient for that term is 0, while PyTorch's kernel returns
        :math:`(x - y) / 10^{-12}`. Everywhere inside (0, 1) the two agree.

    Example:
        >>> p = torch.tensor([0.9, 0.1, 1.0])
        >>> round(binary_cross_entropy(p, torch.tensor([1.0, 0.0, 1.0])).item(), 4)
        0.0702

    References:
        Hastie, Tibshirani, Friedman, "The Elements of Statistical Learning", 2nd ed., Springer,
        2009 (logistic regression and the binomial deviance).

    See also:
        ``torch.nn.functional.binary_cross_entropy``; ``paddle.nn.functional.binary_cross_entropy``.
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    check_floating(input, "input")
    check_floating(target, "target")
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
            "is deprecated. Please ensure they have the same size."
        )
    if target.dtype != input.dtype:
        raise TypeError(f"target must have the input's dtype {input.dtype}, got {target.dtype}")
    if weight is not None:
        check_tensor(weight, "weight")
        if not _broadcasts_to(weight.shape, input.shape):
            raise ValueError(
                f"weight of shape {tuple(weight.shape)} must broadcast to the input's shape "
                f"{tuple(input.shape)}"
            )
    _check_unit_interval(input, "input")
    _check_unit_interval(target, "target")
    return fused_or_reference(_BinaryCrossEntropy, _bce_reference, (input, target, weight), (reduction,))


def _bce_logits_reference(input, target, weight, pos_weight, reduction):
    """Binary cross entropy on logits as plain differentiable expressions."""
    dtype = compute_dtype(input.dtype)
    x, y = input.to(dtype), target.to(dtype)
    log_weight = 1.0 if pos_weight is None else 1 + (pos_weight.to(dtype) - 1) * y
    # -(1 - y) log sigmoid(-x) = (1 - y)(x - log sigmoid(x)); logsigmoid never overflows.
    loss = (1 - y) * x - log_weight * torch.nn.functional.logsigmoid(x)
    if weight is not None:
        loss = loss * weight.to(dtype)
    return _reduce(loss, reduction).to(input.dtype)


class _BinaryCrossEntropyWithLogits(torch.autograd.Function):
    """:func:`_bce_logits_reference` with only the inputs saved."""

    @staticmethod
    def forward(ctx, input, target, weight, pos_weight, reduction):
        ctx.save_for_backward(input, target, weight, pos_weight)
        ctx.reduction = reduction
        dtype = compute_dtype(input.dtype)
        x, y = input.to(dtype), target.to(dtype)
        log_sigmoid = torch.nn.functional.logsigmoid(x)
        if pos_weight is not None:
            log_sigmoid.mul_((pos_weight.to(dtype) - 1) * y + 1)
        loss = torch.rsub(y, 1).mul_(x).sub_(log_sigmoid)
        del log_sigmoid
        if weight is not None:
            loss.mul_(weight.to(dtype))
        return _reduce(loss, reduction).to(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight, pos_weight = ctx.saved_tensors
        if needs_reference(ctx):
            return reference_grads(ctx, grad, _bce_logits_reference, (input, target, weight, pos_weight),
                                    (ctx.reduction,))
        dtype = compute_dtype(input.dtype)
        x, y = input.to(dtype), target.to(dtype)
        # d/dx [(1 - y) x - w_p log sigmoid(x)] = (1 - y) - w_p sigmoid(-x)
        sigmoid_neg = torch.neg(x).sigmoid_()
        if pos_weight is not None:
            sigmoid_neg.mul_((pos_weight.to(dtype) - 1) * y + 1)
        g = torch.rsub(y, 1).sub_(sigmoid_neg)
        del sigmoid_neg
        if weight is not None:
            g.mul_(weight.to(dtype))
        g.mul_(reduce_grad(grad.to(dtype), ctx.reduction, g.numel()))
        return g.to(input.dtype), None, None, None, None


@autocast_like_torch
def binary_cross_entropy_with_logits(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Binary cross entropy on logits: a sigmoid and BCE in one numerically stable step.

    Writing :math:`\log \sigma(x)` and :math:`\log(1 - \sigma(x)) = \log \sigma(x) - x` through
    ``logsigmoid`` keeps the loss finite and exact for logits of any size, where
    ``binary_cross_entropy(sigmoid(x), y)`` saturates at 100 with a zero gradient.
    ``pos_weight`` multiplies the positive term, trading recall against precision per class.

    .. math::

        l_n = -w_n \left[ p_c\, y_n \log \sigma(x_n) + (1 - y_n) \log \sigma(-x_n) \right]
            = w_n \left[ (1 - y_n) x_n - (1 + (p_c - 1) y_n) \log \sigma(x_n) \right].

    ``'mean'`` is :math:`\frac{1}{N} \sum_n l_n` (the plain mean, even with ``weight``);
    ``'sum'`` is :math:`\sum_n l_n`.

    Args:
        input: logits, any shape.
        target: targets in [0, 1] (floating), the input's shape.
        weight: optional rescaling weight, broadcastable to the input's shape.
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        pos_weight: optional weight :math:`p_c` of the positive term, a tensor broadcastable to
            the input's shape; a ``(C,)`` tensor weights the classes along the last dimension.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: if the target's shape differs from the input's, ``weight`` or
            ``pos_weight`` does not broadcast to it, or for a bad ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-tensor ``weight`` or
            ``pos_weight``.

    Example:
        >>> x = torch.tensor([[1.0, 2.0], [2.0, 2.0], [3.0, 4.0], [4.0, 5.0]])
        >>> y = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
        >>> round(binary_cross_entropy_with_logits(x, y, reduction="sum").item(), 4)
        11.7856

    References:
        Hastie, Tibshirani, Friedman, "The Elements of Statistical Learning", 2nd ed., Springer,
        2009 (logistic regression and the binomial deviance).

    See also:
        ``torch.nn.functional.binary_cross_entropy_with_logits``;
        ``paddle.nn.functional.binary_cross_entropy_with_logits``.
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    check_floating(input, "input")
    check_floating(target, "target")
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    for name, extra in (("weight", weight), ("pos_weight", pos_weight)):
        if extra is None:
            continue
        check_tensor(extra, name)
        if not _broadcasts_to(extra.shape, input.shape):
            raise ValueError(
                f"{name} of shape {tuple(extra.shape)} must broadcast to the input's shape "
                f"{tuple(input.shape)}"
            )
    # torch returns the target's dtype when the two differ (float64 logits, float32 target: float32)
    return fused_or_reference(_BinaryCrossEntropyWithLogits, _bce_logits_reference,
                              (input, target, weight, pos_weight), (reduction,)).to(target.dtype)



# ----------------------------------------------------------------------------- divergences


_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


@autocast_like_torch
def kl_div(
    input: torch.Tensor,
    target: torch.Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> torch.Tensor:
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(P \,\|\, Q)` with ``input`` = log Q, ``target`` = P.

    The argument order is the reverse of the notation: the first argument is the model's
    **log**-probabilities, the second the reference distribution (probabilities, or
    log-probabilities with ``log_target=True``). Only ``reduction='batchmean'`` gives the
    divergence itself; ``'mean'`` also divides by the number of classes and warns, as in
    PyTorch.

    .. math::

        l_n = y_n (\log y_n - x_n) \quad (0 \log 0 = 0), \qquad
        l_n = e^{y_n} (y_n - x_n) \text{ if log\_target},

    then ``'batchmean'`` (:math:`\sum l / N`, :math:`N` the size of dim 0), ``'mean'``
    (:math:`\sum l` over the number of elements) or ``'sum'``. The two tensors broadcast
    silently, as in PyTorch.

    Args:
        input: log-probabilities :math:`\log Q`, shape ``(*)``.
        target: probabilities :math:`P` (or :math:`\log P` with ``log_target``).
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'batchmean'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        log_target: whether ``target`` holds log-probabilities. Default False.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape (or one that broadcasts with it).
        Output: scalar, or the broadcast shape if ``reduction='none'``.

    Raises:
        ValueError: for a bad ``reduction``.
        TypeError: for a non-floating ``input`` or a non-tensor ``target``.

    Example:
        >>> q = torch.tensor([[0.5, 0.5]])
        >>> p = torch.tensor([[0.9, 0.1]])
        >>> round(kl_div(q.log(), p, reduction="batchmean").item(), 4)
        0.3681

    References:
        Kullback, Leibler, "On Information and Sufficiency", Annals of Mathematical Statistics, 1951.

    See also:
        ``torch.nn.functional.kl_div``; ``paddle.nn.functional.kl_div`` (same argument order).
    """
    if size_average is None and reduce is None and reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
    reduction = resolve_reduction(reduction, size_average, reduce, rule=KL_DIV)
    out_dtype = result_dtype(check_floating(input, "input"), check_tensor(target, "target"))
    dtype = compute_dtype(out_dtype)
    x, y = input.to(dtype), target.to(dtype)
    if log_target:
        loss = torch.exp(y) * (y - x)
    else:
        loss = torch.xlogy(y, y) - y * x  # xlogy(0, 0) = 0: absent classes cost nothing
    if reduction == "batchmean":
        total = _reduce(loss, "sum")
        return (total / input.shape[0] if input.dim() else total).to(out_dtype)
    return _reduce(loss, reduction).to(out_dtype)


# ----------------------------------------------------------------------------- margin losses


@autocast_like_torch
def soft_margin_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Two-class logistic loss on scores ``input`` and labels ``target`` in {-1, +1}.

    A smooth hinge: :math:`\log(1 + e^{-y x})` is near 0 once the score has the label's sign
    by a few units and grows linearly the other way. Targets must be -1/+1: with a 0 label the
    element costs a constant :math:`\log 2` and teaches nothing. Computed as
    :math:`\operatorname{softplus}(-y x)`, which stays finite where PyTorch's float32 kernel
    overflows (for example :math:`x = -100, y = 1` gives 100, not ``inf``).

    .. math::

        l_n = \log(1 + e^{-y_n x_n}),

    then ``'mean'`` over all elements (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``.

    Args:
        input: scores, any shape.
        target: labels in {-1, 1}, the input's shape (or one that broadcasts to it).
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape (or one that broadcasts to it).
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if the target does not broadcast
            to the input's shape.
        ValueError: for a bad ``reduction``.
        TypeError: for a non-floating ``input`` or a non-tensor ``target``.

    Example:
        >>> round(soft_margin_loss(torch.tensor([2.0, -1.0]), torch.tensor([1.0, 1.0])).item(), 4)
        0.7201

    References:
        Hastie, Tibshirani, Friedman, "The Elements of Statistical Learning", 2nd ed., Springer,
        2009 (logistic regression and the binomial deviance).

    See also:
        ``torch.nn.functional.soft_margin_loss``; ``paddle.nn.functional.soft_margin_loss``.
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    out_dtype = result_dtype(check_floating(input, "input"), check_tensor(target, "target"))
    if not _broadcasts_to(target.shape, input.shape):
        raise InputError(
            f"target of shape {tuple(target.shape)} must have (or broadcast to) the input's shape "
            f"{tuple(input.shape)}"
        )
    dtype = compute_dtype(out_dtype)
    loss = torch.nn.functional.softplus(-target.to(dtype) * input.to(dtype))
    return _reduce(loss, reduction).to(input.dtype)  # torch keeps the input's dtype


def multilabel_soft_margin_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Multi-label one-versus-all logistic loss: BCE-with-logits averaged over the classes.

    Each of the :math:`C` labels is an independent yes/no question with a {0, 1} target; the
    per-sample loss is the mean over the labels (the last dimension).

    .. math::

        l_n = -\frac{1}{C} \sum_c w_c \left[ y_{n,c} \log \sigma(x_{n,c})
              + (1 - y_{n,c}) \log \sigma(-x_{n,c}) \right],

    then ``'mean'`` over the samples (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``. Input, target
    and weight broadcast silently, as in PyTorch: an ``(N, 1)`` input with an ``(N,)`` target
    becomes an ``(N, N)`` problem.

    Args:
        input: logits, shape ``(N, C)`` or ``(C,)``.
        target: {0, 1} labels, the input's shape.
        weight: optional per-class weight, broadcastable to the input (typically ``(C,)``).
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, C)`` or ``(C)``.
        Target: the input's shape.
        Output: scalar, or ``(N)`` if ``reduction='none'``.

    Raises:
        ValueError: for a 0-d input, or a bad ``reduction`` string.
        TypeError: for a non-floating ``input``, a non-tensor ``target`` or ``weight``, or a
            ``reduction`` that is not a string.

    Example:
        >>> x = torch.tensor([[2.0, -1.0]])
        >>> round(multilabel_soft_margin_loss(x, torch.tensor([[1.0, 1.0]])).item(), 4)
        0.7201

    References:
        Zhang, Zhou, "A Review on Multi-Label Learning Algorithms", IEEE Transactions on
        Knowledge and Data Engineering, 2014 (binary relevance). Hastie, Tibshirani, Friedman,
        "The Elements of Statistical Learning", 2nd ed., Springer, 2009 (logistic loss).

    See also:
        ``torch.nn.functional.multilabel_soft_margin_loss``;
        ``paddle.nn.functional.multi_label_soft_margin_loss``.
    """
    reduction = resolve_reduction(reduction, size_average, reduce, rule=NOT_VALID)
    out_dtype = result_dtype(check_floating(input, "input"), check_tensor(target, "target"))
    if input.dim() == 0:
        raise ValueError("input must have a class dimension (shape (N, C) or (C,)), got a 0-d tensor")
    if weight is not None:
        check_tensor(weight, "weight")
    dtype = compute_dtype(out_dtype)
    x, y = input.to(dtype), target.to(dtype)
    logsigmoid = torch.nn.functional.logsigmoid
    loss = -(y * logsigmoid(x) + (1 - y) * logsigmoid(-x))
    if weight is not None:
        loss = loss * weight.to(dtype)
    num_classes = input.shape[-1]
    loss = loss.sum(dim=-1) / num_classes
    return _reduce(loss, reduction).to(out_dtype)


def _check_margin_input(input: torch.Tensor, name: str) -> None:
    if input.dim() not in (1, 2) or input.shape[-1] == 0:
        raise InputError(
            f"{name}: expected non-empty vector or matrix with optional 0-dim batch size, "
            f"but got input of shape {list(input.shape)}"
        )
    if input.dim() == 1 and input.numel() == 0:
        raise InputError(f"{name}: input must not be empty")


def _multi_margin_reference(input, target, weight, p, margin, reduction):
    """Multi-class hinge loss as plain differentiable expressions."""
    num_classes = input.shape[-1]
    dtype = compute_dtype(input.dtype)
    x = input.to(dtype).reshape(-1, num_classes)
    w = None if weight is None else weight.to(dtype)
    loss = recomputed_under_compile(_multi_margin_rows, x, target.reshape(-1), w, p, margin)
    loss = loss.reshape(target.shape if input.dim() == 2 else input.shape[:-1])
    return _reduce(loss, reduction).to(input.dtype)


def _multi_margin_rows(x, y, weight, p, margin):
    """The (N) per-sample multi-class hinge losses of the scores ``x`` (N, C), classes ``y`` (N)."""
    num_classes = x.shape[-1]
    x_true = x.gather(1, y.unsqueeze(1))
    # relu, not clamp: its gradient is 0 at exactly 0, as in PyTorch's kernel (z > 0).
    z = torch.relu(margin - x_true + x)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[y].unsqueeze(1)
    is_true = torch.arange(num_classes, device=x.device) == y.unsqueeze(1)
    return torch.where(is_true, 0.0, z).sum(dim=1) / num_classes


class _MultiMargin(torch.autograd.Function):
    """:func:`_multi_margin_reference` with one (N, C) buffer in each pass."""

    @staticmethod
    def _margins(input, target, margin):
        """(N, C) buffer of ``margin - x_true + x`` in the compute dtype, the (N, 1) true classes."""
        x = input.to(compute_dtype(input.dtype)).reshape(-1, input.shape[-1])
        y = target.reshape(-1, 1)
        return torch.add(torch.rsub(x.gather(1, y), margin), x), y

    @staticmethod
    def forward(ctx, input, target, weight, p, margin, reduction):
        ctx.save_for_backward(input, target, weight)
        ctx.options = (p, margin, reduction)
        z, y = _MultiMargin._margins(input, target, margin)
        z.relu_()
        if p == 2:
            z.mul_(z)
        if weight is not None:
            z.mul_(weight.to(z.dtype)[y])
        loss = z.scatter_(1, y, 0).sum(dim=1).div_(input.shape[-1])  # the true class costs nothing
        loss = loss.reshape(target.shape if input.dim() == 2 else input.shape[:-1])
        return _reduce(loss, reduction).to(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        input, target, weight = ctx.saved_tensors
        p, margin, reduction = ctx.options
        if needs_reference(ctx):
            return reference_grads(ctx, grad, _multi_margin_reference, (input, target, weight),
                                    (p, margin, reduction))
        g, y = _MultiMargin._margins(input, target, margin)
        # d/dz relu(z)^p: [z > 0] for p = 1, 2 relu(z) for p = 2
        if p == 1:
            g.gt_(0)
        else:
            g.relu_().mul_(2)
        scale = reduce_grad(grad.to(g.dtype) / input.shape[-1], reduction, g.shape[0])
        scale = scale.reshape(-1, 1) if reduction == "none" else scale
        if weight is not None:
            scale = scale * weight.to(g.dtype)[y]
        g.mul_(scale).scatter_(1, y, 0)
        # x_true enters every other class's margin with the opposite sign
        g.scatter_(1, y, g.sum(dim=1, keepdim=True).neg_())
        return g.reshape(input.shape).to(input.dtype), None, None, None, None, None


@autocast_like_torch
def multi_margin_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: torch.Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Multi-class hinge loss: every wrong class should score ``margin`` below the true one.

    .. math::

        l_n = \frac{1}{C} \sum_{i \ne y_n} w_{y_n} \max(0, \text{margin} - x_{n, y_n} + x_{n, i})^p,

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``.

    Args:
        input: scores, shape ``(N, C)`` or ``(C,)``.
        target: class indices (int64) in ``[0, C)``, shape ``(N,)`` or ``()``.
        p: 1 or 2. Default 1.
        margin: the margin. Default 1.0.
        weight: optional per-class weight of shape ``(C,)``, applied by the true class.
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, C)`` or ``(C)``.
        Target: ``(N)`` or ``()``, class indices in ``[0, C)``.
        Output: scalar, or ``(N)`` (``()`` for unbatched input) if ``reduction='none'``.

    Raises:
        ValueError: if ``p`` is not 1 or 2, or for a bad ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an empty input or one not
            1-D or 2-D, a target whose shape does not fit, or a ``weight`` not of shape ``(C,)``.
        InputIndexError: (an ``IndexError``) for a class index outside ``[0, C)``.
        TypeError: for a non-floating ``input`` or a non-tensor ``target`` or ``weight``.
        InputDtypeError: (a ``TypeError``) for a target that is not int64.

    Example:
        >>> x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> round(multi_margin_loss(x, torch.tensor([3])).item(), 4)
        0.325

    References:
        Weston, Watkins, "Support Vector Machines for Multi-Class Pattern Recognition", ESANN 1999.

    See also:
        ``torch.nn.functional.multi_margin_loss``; ``paddle.nn.functional.multi_margin_loss``.
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    if p not in (1, 2) or isinstance(p, bool):
        raise ValueError(f"only p == 1 and p == 2 supported, got p={p}")
    check_floating(input, "input")
    check_tensor(target, "target")
    _check_margin_input(input, "multi_margin_loss")
    if target.dtype != torch.int64:
        raise InputDtypeError(f"target must be an int64 tensor of class indices, got dtype {target.dtype}")
    num_classes = input.shape[-1]
    batch_shape = input.shape[:-1]
    if target.shape != batch_shape and not (input.dim() == 1 and target.shape == (1,)):
        raise InputError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
            f"samples (batch size). Expected target size {list(batch_shape)}, but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}."
        )
    if weight is not None:
        check_tensor(weight, "weight")
        if weight.dim() != 1:
            raise InputError(f"weight must be one-dimensional, got shape {tuple(weight.shape)}")
        if weight.numel() != num_classes:
            raise InputError(f"inconsistent weight size, expected {num_classes} but got {list(weight.shape)}")
    check_class_indices(target, num_classes, "target")
    return fused_or_reference(_MultiMargin, _multi_margin_reference, (input, target, weight), (p, margin, reduction))


def _multilabel_margin_reference(input, target, reduction):
    """Multi-label hinge loss as plain differentiable expressions, in O(N C) memory.

    For a listed class with score ``x_y`` the hinges ``max(0, a + x_i)``, ``a = 1 - x_y``, over
    the other classes ``i`` add up to ``cnt * a + (sum of the cnt largest x_i)``, where ``cnt``
    counts the ``x_i > -a``: the non-target scores sorted once per sample, their running sums and
    a binary search replace the (N, K, C) table of every pair.
    """
    num_classes = input.shape[-1]
    dtype = compute_dtype(input.dtype)
    x = input.to(dtype).reshape(-1, num_classes)
    t = target.reshape(-1, num_classes)
    listed = torch.cumprod((t >= 0).long(), dim=1).bool()  # positions before the first -1
    safe = torch.where(listed, t, 0)
    counts = torch.zeros_like(t).scatter_add_(1, safe, listed.long())
    is_target = counts > 0  # (N, C): multi-hot view of the listed classes
    # the non-target scores, largest first; the targets sort last as -inf
    others = torch.where(is_target, float("-inf"), x).sort(dim=1, descending=True).values
    n_others = num_classes - is_target.sum(dim=1, keepdim=True)
    finite = torch.arange(num_classes, device=x.device) < n_others
    largest = torch.where(finite, others, 0.0).cumsum(dim=1)  # sum of the k + 1 largest
    largest = torch.cat([torch.zeros_like(largest[:, :1]), largest], dim=1)  # sum of the k largest
    a = 1 - x.gather(1, safe)  # (N, K)
    above = num_classes - torch.searchsorted(others.flip(1).contiguous(), (-a).contiguous(), right=True)
    per_listed = above.to(dtype) * a + largest.gather(1, above)
    loss = torch.where(listed, per_listed, 0.0).sum(dim=1) / num_classes
    loss = loss.reshape(input.shape[:-1])
    return _reduce(loss, reduction).to(input.dtype)


def _count_true(mask: torch.Tensor) -> torch.Tensor:
    """Number of True entries in each row of a 2-D bool tensor, as float32.

    Summed as uint8 over blocks of at most 255 columns, so the count never overflows and no
    int64 copy of the mask is made (which a plain ``mask.sum(dim=1)`` makes).
    """
    total = None
    for block in mask.view(torch.uint8).split(255, dim=1):
        part = block.sum(dim=1, dtype=torch.uint8)
        total = part.to(torch.float32) if total is None else total.add_(part)
    return total


class _MultiLabelMargin(torch.autograd.Function):
    """:func:`_multilabel_margin_reference` one target slot at a time, with (N, C) buffers only.

    Slot ``k`` holds the ``k``-th listed class of every row; the loop runs over the slots (at
    most C, and only as many as the longest row lists), each step vectorised over the batch.
    """

    @staticmethod
    def _slots(input, target, lengths, longest):
        """Scores x (N, C); the class index, 1 - score and listed flag of every slot (N, K each).

        An unlisted slot repeats its row's first class (a row listing nothing: class 0) and has
        1 - score = -inf, so it never makes a hinge positive.
        """
        num_classes = input.shape[-1]
        x = input.to(compute_dtype(input.dtype)).reshape(-1, num_classes)
        t = target.reshape(-1, num_classes)
        listed = torch.arange(longest, device=x.device) < lengths.unsqueeze(1)
        index = torch.where(listed, t[:, :longest], t[:, :1]).clamp_(min=0)
        one_minus_score = torch.rsub(x.gather(1, index), 1).masked_fill_(~listed, -math.inf)
        return x, index, one_minus_score, listed

    @staticmethod
    def forward(ctx, input, target, lengths, longest, reduction):
        ctx.save_for_backward(input, target, lengths)
        ctx.longest, ctx.reduction = longest, reduction
        x, index, one_minus_score, listed = _MultiLabelMargin._slots(input, target, lengths, longest)
        # flat positions of the (row, listed class) pairs, whose hinges are zeroed: the pairs j, i
        # run over i not in the targets. (A row listing nothing points at its class 0, but all its
        # slots are unlisted and dropped.)
        rows = torch.arange(x.shape[0], device=x.device).unsqueeze(1) * x.shape[1]
        targets_flat = index.add_(rows).reshape(-1)
        total = x.new_zeros(x.shape[0])
        hinge = x.new_empty(x.shape)  # row-major, whatever the strides of x
        for k in range(longest):
            # max(0, 1 - (x_j - x_i)) over the classes i that are not targets
            torch.add(one_minus_score[:, k:k + 1], x, out=hinge).relu_()
            hinge.view(-1).index_fill_(0, targets_flat, 0)
            total.add_(torch.where(listed[:, k], hinge.sum(dim=1), 0))
        loss = total.div_(input.shape[-1]).reshape(input.shape[:-1])
        return _reduce(loss, reduction).to(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        input, target, lengths = ctx.saved_tensors
        if needs_reference(ctx):
            return reference_grads(ctx, grad, _multilabel_margin_reference, (input, target), (ctx.reduction,))
        longest = ctx.longest
        x, index, one_minus_score, listed = _MultiLabelMargin._slots(input, target, lengths, longest)
        # multi-hot (N, C) of the listed classes; a row that lists nothing writes False
        is_target = torch.zeros(x.shape, dtype=torch.bool, device=x.device)
        is_target.scatter_(1, index, (lengths > 0).unsqueeze(1).expand_as(index))
        del index
        # 1 - x_j + x_i > 0 exactly where x_i > -(1 - x_j): compared without rounding, in a bool buffer
        threshold = one_minus_score.neg_()  # +inf for an unlisted slot: never active
        not_target = is_target.logical_not_()
        active = torch.empty(x.shape, dtype=torch.bool, device=x.device)
        times = torch.zeros(x.shape, dtype=torch.uint8, device=x.device)  # per class i: slots it is active for
        counts = x.new_empty(threshold.shape)  # per slot j: classes i it is active for
        g = None
        for k in range(longest):
            torch.gt(x, threshold[:, k:k + 1], out=active).logical_and_(not_target)
            times.add_(active.view(torch.uint8))
            counts[:, k] = _count_true(active)
            if k % 255 == 254 and k + 1 < longest:  # before the uint8 counter can overflow
                g = times.to(x.dtype) if g is None else g.add_(times)
                times.zero_()
        del active, not_target
        g = times.to(x.dtype) if g is None else g.add_(times)
        del times
        t = target.reshape(-1, target.shape[-1])
        index = torch.where(listed, t[:, :longest], t[:, :1]).clamp_(min=0)
        g.scatter_add_(1, index, counts.neg_())
        scale = reduce_grad(grad.to(g.dtype) / input.shape[-1], ctx.reduction, g.shape[0])
        g.mul_(scale.reshape(-1, 1) if ctx.reduction == "none" else scale)
        return g.reshape(input.shape).to(input.dtype), None, None, None, None


@autocast_like_torch
def multilabel_margin_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Multi-label hinge loss: every true label should score 1 above every other label.

    The target is **not** multi-hot: each row lists the true class indices and ends at the first
    -1 (``[3, 0, -1, 1]`` means {3, 0}; the trailing 1 is ignored). With :math:`Y_n` that set,

    .. math::

        l_n = \frac{1}{C} \sum_{j \in Y_n} \sum_{i \notin Y_n} \max(0, 1 - (x_{n, j} - x_{n, i})),

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``. A class listed twice counts
    twice, as in PyTorch. It is computed one target slot at a time (as many steps as the longest
    row lists classes, each vectorised over the batch), so no ``(N, C, C)`` tensor is formed.

    Args:
        input: scores, shape ``(N, C)`` or ``(C,)``.
        target: int64 class indices in ``[-1, C)``, the input's shape, each row ended by -1
            unless it lists C classes.
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, C)`` or ``(C)``.
        Target: the input's shape, class indices in ``[-1, C)``.
        Output: scalar, or ``(N)`` (``()`` for unbatched input) if ``reduction='none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an empty input or one not
            1-D or 2-D, or a target not of the input's shape.
        InputIndexError: (an ``IndexError``) for a target entry outside ``[-1, C)``.
        ValueError: for a bad ``reduction``.
        TypeError: for a non-floating ``input`` or a non-tensor ``target``.
        InputDtypeError: (a ``TypeError``) for a target that is not int64.

    Example:
        >>> x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> round(multilabel_margin_loss(x, torch.tensor([[3, 0, -1, 1]])).item(), 4)
        0.85

    References:
        Elisseeff, Weston, "A kernel method for multi-labelled classification", NIPS 2001.

    See also:
        ``torch.nn.functional.multilabel_margin_loss``; ``paddle.nn.functional.multi_label_margin_loss``.
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    check_floating(input, "input")
    check_tensor(target, "target")
    _check_margin_input(input, "multilabel_margin_loss")
    if target.dtype != torch.int64:
        raise InputDtypeError(f"target must be an int64 tensor of class indices, got dtype {target.dtype}")
    if target.shape != input.shape:
        raise InputError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    num_classes = input.shape[-1]
    if not value_checks(target):  # compiled or meta: no read of the device, no loop of data-dependent length
        return _multilabel_margin_reference(input, target, reduction)
    t = target.reshape(-1, num_classes)
    # the number of listed classes of each row: the position of its first -1, else C
    ended = t < 0
    lengths = torch.where(ended.any(dim=1), ended.to(torch.uint8).argmax(dim=1), num_classes)
    longest, bad = 0, 0
    if t.numel():  # one read of the device: the range check and the loop length together
        bad_any = ((t < -1) | (t >= num_classes)).any()
        longest, bad = torch.stack([lengths.max(), bad_any.long()]).tolist()
    if bad:
        bad = target[(target < -1) | (target >= num_classes)][0].item()
        raise InputIndexError(f"target contains {bad}, outside the valid range [-1, {num_classes - 1}]")
    return _MultiLabelMargin.apply(input, target, lengths, longest, reduction)


# ----------------------------------------------------------------------------- extras (not in torch)
#
# Weighted, balanced and focal binary cross entropy, and the hinge losses: losses the book teaches
# that torch.nn.functional does not ship. They follow the torch twins' conventions (the tensors
# first, every option keyword-only, ``reduction='mean'``) and are plain expressions, so autograd
# and ``torch.compile`` see through them.


def _check_binary(input: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None,
                  probabilities: bool) -> torch.dtype:
    """Check a binary loss's tensors; return the result dtype (torch's promotion of the two)."""
    check_floating(input, "input")
    check_floating(target, "target")
    if target.shape != input.shape:
        raise ValueError(f"target of shape {tuple(target.shape)} must have the input's shape "
                         f"{tuple(input.shape)}")
    if weight is not None:
        check_tensor(weight, "weight")
        if not _broadcasts_to(weight.shape, input.shape):
            raise ValueError(f"weight of shape {tuple(weight.shape)} must broadcast to the input's "
                             f"shape {tuple(input.shape)}")
    if probabilities:
        _check_unit_interval(input, "input")
        _check_unit_interval(target, "target")
    return result_dtype(input, target)


def _check_number(value: object, name: str, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not low <= value <= high:
        interval = f"[{low}, {high}]" if high != math.inf else f">= {low}"
        raise ValueError(f"{name} must be {interval}, got {value}")
    return float(value)


def _bce_terms(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``max(log x, -100)`` and ``max(log(1 - x), -100)``, as in :func:`binary_cross_entropy`."""
    return _safe_log(x, x > 0, torch.log), _safe_log(-x, x < 1, torch.log1p)


def _finish(loss: torch.Tensor, weight: torch.Tensor | None, reduction: str,
            dtype: torch.dtype) -> torch.Tensor:
    if weight is not None:
        loss = loss * weight.to(loss.dtype)
    return _reduce(loss, reduction).to(dtype)


def weighted_binary_cross_entropy(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    pos_weight: float | torch.Tensor = 1.0,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Weighted binary cross entropy (加权二元交叉熵) on probabilities.

    The positive term is multiplied by :math:`w^{+}` (``pos_weight``): a missed positive then
    costs as much as :math:`w^{+}` missed negatives, which rebalances a data set with
    :math:`w^{+}` times more negatives than positives (:math:`w^{+} = N_{neg} / N_{pos}`).
    It is :func:`binary_cross_entropy_with_logits`'s ``pos_weight`` for probabilities; at
    :math:`w^{+} = 1` it is :func:`binary_cross_entropy`.

    .. math::

        l_n = -w_n \left[ w^{+} y_n \log x_n + (1 - y_n) \log (1 - x_n) \right],

    each logarithm clamped at -100 as in :func:`binary_cross_entropy`; ``'mean'`` is the plain
    mean :math:`\frac{1}{N} \sum_n l_n`, ``'sum'`` the sum.

    Args:
        input: probabilities in [0, 1], any shape.
        target: targets in [0, 1], the input's shape.
        pos_weight: :math:`w^{+} \ge 0`, a number or a tensor broadcastable to the input's shape
            (a ``(C,)`` tensor weights the classes along the last dimension). Default 1.
        weight: optional per-element weight :math:`w_n`, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, a negative ``pos_weight`` number, or a bad
            ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an ``input`` or ``target``
            element outside ``[0, 1]``.
        TypeError: for a non-floating ``input`` or ``target``, or a ``pos_weight`` that is
            neither a number nor a tensor.

    Example:
        >>> p, y = torch.tensor([0.9, 0.1, 1.0]), torch.tensor([1.0, 0.0, 1.0])
        >>> round(weighted_binary_cross_entropy(p, y, pos_weight=2.0).item(), 4)
        0.1054

    References:
        King, Zeng, "Logistic Regression in Rare Events Data", Political Analysis 9(2), 2001
        (weighting the classes of a rare-events sample).

    See also:
        :func:`binary_cross_entropy_with_logits` (``pos_weight`` on logits).
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, weight, probabilities=True)
    if isinstance(pos_weight, torch.Tensor):
        if not _broadcasts_to(pos_weight.shape, input.shape):
            raise ValueError(f"pos_weight of shape {tuple(pos_weight.shape)} must broadcast to the "
                             f"input's shape {tuple(input.shape)}")
    else:
        pos_weight = _check_number(pos_weight, "pos_weight", 0.0)
    x, y = upcast(input), upcast(target)
    log_x, log_1mx = _bce_terms(x)
    w_pos = pos_weight.to(x.dtype) if isinstance(pos_weight, torch.Tensor) else pos_weight
    loss = -(w_pos * y * log_x + (1 - y) * log_1mx)
    return _finish(loss, weight, reduction, dtype)


def balanced_binary_cross_entropy(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    beta: float = 0.5,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Balanced binary cross entropy (平衡交叉熵) on probabilities.

    The positive term is weighted by :math:`\beta` and the negative term by :math:`1 - \beta`.
    Setting :math:`\beta` to the fraction of negatives in the data gives both classes the same
    total weight. At :math:`\beta = 0.5` it is exactly half of :func:`binary_cross_entropy`.

    .. math::

        l_n = -w_n \left[ \beta\, y_n \log x_n + (1 - \beta) (1 - y_n) \log (1 - x_n) \right],

    each logarithm clamped at -100; ``'mean'`` is the plain mean, ``'sum'`` the sum.

    Args:
        input: probabilities in [0, 1], any shape.
        target: targets in [0, 1], the input's shape.
        beta: the weight :math:`\beta \in [0, 1]` of the positive class. Default 0.5.
        weight: optional per-element weight :math:`w_n`, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, ``beta`` outside ``[0, 1]``, or a bad
            ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an ``input`` or ``target``
            element outside ``[0, 1]``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number ``beta``.

    Example:
        >>> p, y = torch.tensor([0.9, 0.1, 1.0]), torch.tensor([1.0, 0.0, 1.0])
        >>> round(balanced_binary_cross_entropy(p, y, beta=0.5).item(), 4)
        0.0351

    References:
        Xie, Tu, "Holistically-Nested Edge Detection", ICCV 2015 (the class-balanced
        cross entropy with :math:`\beta` the fraction of negatives).

    See also:
        :func:`weighted_binary_cross_entropy`.
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, weight, probabilities=True)
    beta = _check_number(beta, "beta", 0.0, 1.0)
    x, y = upcast(input), upcast(target)
    log_x, log_1mx = _bce_terms(x)
    loss = -(beta * y * log_x + (1 - beta) * (1 - y) * log_1mx)
    return _finish(loss, weight, reduction, dtype)


def _focal_options(alpha: float | None, gamma: float) -> tuple[float | None, float]:
    gamma = _check_number(gamma, "gamma", 0.0)
    if alpha is not None:
        alpha = _check_number(alpha, "alpha", -math.inf, 1.0)
        if alpha < 0:  # torchvision's convention: a negative alpha switches the weighting off
            alpha = None
    return alpha, gamma


def _focal_weights(loss, y, one_minus_pt, alpha, gamma):
    """``loss * (1 - p_t)^gamma * alpha_t``: the focal modulation of a cross-entropy term."""
    if gamma != 0:
        loss = loss * one_minus_pt**gamma
    if alpha is not None:
        loss = loss * (alpha * y + (1 - alpha) * (1 - y))
    return loss


def focal_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Focal loss (焦点损失) on probabilities: cross entropy scaled down on easy examples.

    With :math:`p_t` the probability given to the true label, the factor
    :math:`(1 - p_t)^\gamma` makes a well-classified example (:math:`p_t \to 1`) cost almost
    nothing, so the many easy negatives of a detector no longer swamp the few hard examples.
    :math:`\alpha_t` weights the classes. With :math:`\gamma = 0` and no :math:`\alpha` it is
    :func:`binary_cross_entropy`. Prefer :func:`sigmoid_focal_loss` on logits.

    .. math::

        l_n = -\alpha_t (1 - p_t)^\gamma \log p_t, \qquad
        p_t = y_n x_n + (1 - y_n)(1 - x_n), \quad \alpha_t = \alpha y_n + (1 - \alpha)(1 - y_n).

    For soft targets :math:`-\log p_t` is the binary cross entropy of :math:`x_n` against
    :math:`y_n` (logarithms clamped at -100); ``'mean'`` is the plain mean, ``'sum'`` the sum.

    Args:
        input: probabilities in [0, 1], any shape.
        target: targets in [0, 1], the input's shape.
        alpha: the weight :math:`\alpha \le 1` of the positive class, or ``None`` (or a
            negative number, as in ``torchvision``) for no class weighting. Default 0.25.
        gamma: the focusing parameter :math:`\gamma \ge 0`. Default 2.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, ``alpha > 1``, ``gamma < 0``, or a bad
            ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an ``input`` or ``target``
            element outside ``[0, 1]``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number option.

    Example:
        >>> p, y = torch.tensor([0.9, 0.1, 0.5]), torch.tensor([1.0, 0.0, 1.0])
        >>> round(focal_loss(p, y, alpha=None, gamma=0.0).item(), 4)  # = BCE
        0.3013
        >>> round(focal_loss(p, y).item(), 4)
        0.0148

    References:
        Lin, Goyal, Girshick, He, Dollár, "Focal Loss for Dense Object Detection", ICCV 2017.

    See also:
        :func:`sigmoid_focal_loss`; ``torchvision.ops.sigmoid_focal_loss``.
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, None, probabilities=True)
    alpha, gamma = _focal_options(alpha, gamma)
    x, y = upcast(input), upcast(target)
    log_x, log_1mx = _bce_terms(x)
    ce = -(y * log_x + (1 - y) * log_1mx)
    one_minus_pt = y * (1 - x) + (1 - y) * x
    return _finish(_focal_weights(ce, y, one_minus_pt, alpha, gamma), None, reduction, dtype)


def sigmoid_focal_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Focal loss (焦点损失) on logits, stable for logits of any size.

    :func:`focal_loss` with :math:`x_n = \sigma(z_n)` for logits :math:`z_n`, written so that
    nothing saturates: the cross entropy is :math:`(1 - y) z - \log \sigma(z)` and
    :math:`1 - p_t = y\,\sigma(-z) + (1 - y)\,\sigma(z)` is computed directly rather than as
    :math:`1 - p_t`, which would round to 0 for a confident correct logit. This is RetinaNet's
    classification loss, ``torchvision.ops.sigmoid_focal_loss`` (whose default reduction is
    ``'none'``) and Paddle's ``sigmoid_focal_loss`` (default ``'sum'``, with a normaliser).

    .. math::

        l_n = \alpha_t (1 - p_t)^\gamma \left[ (1 - y_n) z_n - \log \sigma(z_n) \right],
        \qquad p_t = y_n \sigma(z_n) + (1 - y_n) \sigma(-z_n).

    ``'mean'`` is the plain mean, ``'sum'`` the sum. With :math:`\gamma = 0` and no
    :math:`\alpha` it is :func:`binary_cross_entropy_with_logits`.

    Args:
        input: logits :math:`z`, any shape.
        target: targets in [0, 1] (floating), the input's shape.
        alpha: the weight :math:`\alpha \le 1` of the positive class, or ``None`` (or a
            negative number, as in ``torchvision``) for no class weighting. Default 0.25.
        gamma: the focusing parameter :math:`\gamma \ge 0`. Default 2.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, ``alpha > 1``, ``gamma < 0``, or a bad
            ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number option.

    Example:
        >>> z, y = torch.tensor([2.0, -2.0, 0.0]), torch.tensor([1.0, 0.0, 1.0])
        >>> round(sigmoid_focal_loss(z, y, alpha=None, gamma=0.0).item(), 4)  # = BCE with logits
        0.3157
        >>> round(sigmoid_focal_loss(z, y).item(), 4)
        0.015

    References:
        Lin, Goyal, Girshick, He, Dollár, "Focal Loss for Dense Object Detection", ICCV 2017.

    See also:
        ``torchvision.ops.sigmoid_focal_loss``; ``paddle.nn.functional.sigmoid_focal_loss``.
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, None, probabilities=False)
    alpha, gamma = _focal_options(alpha, gamma)
    z, y = upcast(input), upcast(target)
    ce = (1 - y) * z - torch.nn.functional.logsigmoid(z)
    one_minus_pt = y * torch.sigmoid(-z) + (1 - y) * torch.sigmoid(z)
    return _finish(_focal_weights(ce, y, one_minus_pt, alpha, gamma), None, reduction, dtype)


def _hinge(input, target, margin, weight, reduction, power):
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, weight, probabilities=False)
    margin = _check_number(margin, "margin", -math.inf)
    x, y = upcast(input), upcast(target)
    loss = torch.clamp(margin - y * x, min=0)
    if power == 2:
        loss = loss * loss
    return _finish(loss, weight, reduction, dtype)


def hinge_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    margin: float = 1.0,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Hinge loss (合页损失) of a binary classifier with targets -1 / +1: the SVM's loss.

    A score on the right side of the margin (:math:`y x \ge m`) costs nothing and gets no
    gradient; inside it or on the wrong side the cost grows linearly with slope 1.

    .. math::

        l_n = w_n \max(0,\ m - y_n x_n),

    then ``'mean'`` (the plain mean) or ``'sum'``. Targets must be -1 or +1: a 0 target
    gives the constant :math:`\max(0, m)` with no gradient.

    Args:
        input: scores (logits), any shape.
        target: -1 / +1 labels (floating), the input's shape.
        margin: the margin :math:`m`. Default 1.
        weight: optional per-element weight :math:`w_n`, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit or a bad ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number ``margin``.

    Example:
        >>> x, y = torch.tensor([0.9, -0.1, 1.0]), torch.tensor([1.0, -1.0, 1.0])
        >>> hinge_loss(x, y, reduction="sum")  # 0.1 + 0.9 + 0
        tensor(1.)

    References:
        Cortes, Vapnik, "Support-Vector Networks", Machine Learning 20(3), 1995.

    See also:
        :func:`squared_hinge_loss`; :func:`multi_margin_loss` (the multi-class hinge);
        ``torch.nn.functional.hinge_embedding_loss`` is a different loss (on distances).
    """
    return _hinge(input, target, margin, weight, reduction, power=1)


def squared_hinge_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    margin: float = 1.0,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Squared hinge loss (平方合页损失) with targets -1 / +1: a hinge with a continuous gradient.

    .. math::

        l_n = w_n \max(0,\ m - y_n x_n)^2,

    then ``'mean'`` (the plain mean) or ``'sum'``. Its gradient :math:`-2 y_n \max(0, m - y_n
    x_n)` falls to 0 at the margin instead of jumping, and large violations cost quadratically.

    Args:
        input: scores (logits), any shape.
        target: -1 / +1 labels (floating), the input's shape.
        margin: the margin :math:`m`. Default 1.
        weight: optional per-element weight :math:`w_n`, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit or a bad ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number ``margin``.

    Example:
        >>> x, y = torch.tensor([0.9, -0.1, 1.0]), torch.tensor([1.0, -1.0, 1.0])
        >>> round(squared_hinge_loss(x, y, reduction="sum").item(), 4)  # 0.1^2 + 0.9^2 + 0
        0.82

    References:
        Cortes, Vapnik, "Support-Vector Networks", Machine Learning 20(3), 1995 (the squared
        slack of the soft-margin SVM).

    See also:
        :func:`hinge_loss`; :func:`multi_margin_loss` with ``p=2``.
    """
    return _hinge(input, target, margin, weight, reduction, power=2)
