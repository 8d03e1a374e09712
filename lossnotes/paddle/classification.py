r"""Classification losses for PaddlePaddle tensors: the twins of :mod:`lossnotes.classification`.

Each function has the name, arguments, defaults and results of its PyTorch twin (torch's
deprecated ``size_average`` / ``reduce`` are accepted and mapped, with torch's warning; the class
dimension is 1, as in torch), takes and returns ``paddle.Tensor``, and raises the torch twin's
exception types for the same bad input. They are built from paddle tensor operations only (a
log-sum-exp for the softmax, ``log_sigmoid`` for the logistic terms), never from
``paddle.nn.functional.*_loss``; ``tests/test_paddle_classification.py`` compares them with those
native ops, with torch's and with the torch twins.

Where paddle 3.3's own op differs from torch's (each pinned by the named test there):

* ``cross_entropy``: the class axis defaults to ``axis=-1`` (torch: dim 1); probability targets
  need ``soft_label=True`` (``test_paddle_cross_entropy_class_axis_is_last_by_default``).
* ``cross_entropy`` with a negative ``ignore_index`` (the default -100) and no ``weight``:
  ``'mean'`` divides by **all** N targets, ignored ones included; torch (and the twin) divide by
  the number of kept targets. With a non-negative ``ignore_index`` or with a ``weight`` paddle
  agrees with torch (``test_paddle_cross_entropy_ignore_index_mean_counts_ignored_targets``).
* ``cross_entropy`` with probability targets and a ``weight``: paddle weights each sample by
  :math:`\sum_c w_c q_{n,c}` times its unweighted cross entropy, and ``'mean'`` divides by the
  sum of those sample weights; torch weights inside the sum, :math:`-\sum_c w_c q_{n,c}\log
  p_{n,c}`, and divides by N (``test_paddle_soft_label_weight_rule_differs``).
* ``cross_entropy`` with ``label_smoothing`` and a ``weight``: paddle smooths the one-hot target
  and then applies its soft-label weight rule above, so the result differs from torch's
  (``test_paddle_label_smoothing_with_weight_differs``). Without a weight the formula agrees,
  but paddle builds the smoothed target in float32, so float64 results agree only to ~1e-8;
  and with probability targets or label smoothing, ``reduction='none'`` keeps the class axis
  as a size-1 dimension, ``(N, 1)`` where torch gives ``(N,)``
  (``test_paddle_label_smoothing_is_float32_accurate``).
* ``cross_entropy`` with probability targets refuses a non-negative ``ignore_index`` with a
  ``ValueError`` (torch: ``RuntimeError``; the twin's ``InputError`` is both)
  (``test_paddle_soft_label_refuses_ignore_index``).
* ``binary_cross_entropy``, ``binary_cross_entropy_with_logits``, ``kl_div`` and soft-label
  ``cross_entropy`` give the target no gradient; torch's kernels and the twins do
  (``test_paddle_natives_give_some_targets_no_gradient``).
* ``kl_div``: a target element :math:`\le 0` costs 0 (paddle masks it), where torch gives
  ``nan`` for a negative target; ``'mean'`` does not warn, where torch warns that it is not the
  divergence (``test_paddle_kl_div_masks_non_positive_targets_and_does_not_warn``).
* ``multi_margin_loss`` sums :math:`\max(0, m - x_y + x_i)^p` over **all** classes, the true
  one included, then subtracts :math:`m^p / C` computed in float32 (``C`` comes from the int32
  ``paddle.shape``): float64 results agree with torch only to ~1e-8, and for a margin
  :math:`m < 0` every sample costs :math:`-m/C` more than torch's loss
  (``test_paddle_multi_margin_counts_the_true_class_and_subtracts_a_float32_constant``).
* ``nll_loss`` with an ``ignore_index`` outside ``[0, C)`` that occurs in the target reads and
  writes out of bounds (paddle 3.3.1 aborts with a corrupted heap); torch and the twin ignore
  it. Not run by the tests, which only keep such cases away from paddle's op.
* ``multilabel_soft_margin_loss`` is called ``multi_label_soft_margin_loss`` and
  ``multilabel_margin_loss`` ``multi_label_margin_loss`` (same semantics: -1-terminated index
  targets); the losses take ``label`` where torch takes ``target`` and have no
  ``size_average`` / ``reduce``; the other extras (weighted, balanced and probability focal BCE,
  hinge, squared hinge) have no paddle op (``hinge_embedding_loss`` is a different loss)
  (``test_paddle_native_names``).
* ``sigmoid_focal_loss`` defaults to ``reduction='sum'`` and divides by an optional
  ``normalizer`` tensor; the twin follows the torch twin (``'mean'``, no normaliser)
  (``test_paddle_sigmoid_focal_default_sum_and_normalizer``).

Shared by both frameworks' ops, and not by the twins: ``soft_margin_loss`` computes
:math:`\log(1 + e^{-yx})` directly and overflows to ``inf`` in float32 at :math:`yx = -100`; the
twin (like the torch twin) gives 100
(``test_soft_margin_stays_finite_where_both_natives_overflow``).
"""

from __future__ import annotations

import math
import warnings

import paddle
import paddle.nn.functional as PF

from lossnotes._checks import InputDtypeError, InputError, InputIndexError
from lossnotes._numerics import is_low_precision
from lossnotes._reduction import EXTRA, KL_DIV, NOT_VALID, resolve_reduction
from lossnotes.paddle.regression import _check_tensor

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

# ------------------------------------------------------------ helpers


def _is_tensor(x: object, name: str) -> paddle.Tensor:
    if not isinstance(x, paddle.Tensor):
        raise TypeError(f"{name} must be a paddle.Tensor, got {type(x).__name__}")
    return x


def _compute_dtype(dtype):
    """float16/bfloat16 are computed in float32 (as the torch twins do)."""
    return paddle.float32 if is_low_precision(dtype) else dtype


def _result_dtype(a: paddle.Tensor, b: paddle.Tensor):
    """torch's promotion of two floating dtypes (float16 with bfloat16 gives float32)."""
    if a.dtype == b.dtype or not b.is_floating_point():
        return a.dtype
    if not a.is_floating_point():
        return b.dtype
    names = {str(a.dtype).rpartition(".")[2], str(b.dtype).rpartition(".")[2]}
    if "float64" in names:
        return paddle.float64
    return paddle.float32


def _cast(x: paddle.Tensor, dtype) -> paddle.Tensor:
    return x if x.dtype == dtype else x.astype(dtype)


def _shape(x: paddle.Tensor) -> tuple:
    return tuple(x.shape)


def _broadcasts_to(shape, target_shape) -> bool:
    """Whether a tensor of ``shape`` broadcasts to exactly ``target_shape``."""
    shape, target_shape = list(shape), list(target_shape)
    if len(shape) > len(target_shape):
        return False
    for s, t in zip(reversed(shape), reversed(target_shape), strict=False):
        if s not in (1, t):
            return False
    return True


def _reduce(loss: paddle.Tensor, reduction: str) -> paddle.Tensor:
    """'none' | 'mean' (plain mean) | 'sum'."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean()


def _ratio_reduce(numerator: paddle.Tensor, denominator: paddle.Tensor, reduction: str):
    """'none' -> numerator, 'sum' -> its sum, 'mean' -> sum(numerator) / sum(denominator)."""
    if reduction == "mean":
        return numerator.sum() / denominator.sum()
    return _reduce(numerator, reduction)


def _zeros(x: paddle.Tensor) -> paddle.Tensor:
    return paddle.zeros_like(x)


def _relu_where(z: paddle.Tensor) -> paddle.Tensor:
    """``max(z, 0)`` with torch ``clamp``'s gradient: 1 where ``z >= 0`` (the tie included)."""
    return paddle.where(z >= 0, z, _zeros(z))


def _floor_log(log: paddle.Tensor) -> paddle.Tensor:
    """``max(log, -100)`` with torch ``clamp``'s gradient (it passes at the tie)."""
    return paddle.where(log >= -100.0, log, paddle.full_like(log, -100.0))


def _bce_terms(x: paddle.Tensor) -> tuple[paddle.Tensor, paddle.Tensor]:
    """``max(log x, -100)`` and ``max(log(1 - x), -100)``, with no ``log 0`` in the graph.

    The inner ``where`` keeps ``-inf`` (whose gradient would be ``0 * inf``) out of the graph:
    where ``x`` is 0 (or 1) the term is the constant -100 with a zero gradient.
    """
    pos, below_one = x > 0, x < 1
    hundred = paddle.full_like(x, -100.0)
    log_x = paddle.where(pos, paddle.log(paddle.where(pos, x, paddle.ones_like(x))), hundred)
    # log(1 - x) as log1p(-x): exact for small x, where 1 - x would round
    log_1mx = paddle.where(below_one, paddle.log1p(-paddle.where(below_one, x, _zeros(x))),
                           hundred)
    return _floor_log(log_x), _floor_log(log_1mx)


def _check_unit_interval(x: paddle.Tensor, name: str) -> None:
    """Raise :class:`InputError` unless every element of ``x`` lies in [0, 1] (nan fails)."""
    if x.numel() == 0:
        return
    bad = (x < 0) | (x > 1) | paddle.isnan(x)
    if bool(bad.any()):
        first = float(x[bad][0])
        raise InputError(f"all elements of {name} should be between 0 and 1, got {first}")


def _softplus(z: paddle.Tensor) -> paddle.Tensor:
    """``log(1 + e^z)`` as ``-log_sigmoid(-z)``: finite and exact for any z."""
    return -PF.log_sigmoid(-z)


def _gather_weight(weight: paddle.Tensor, index: paddle.Tensor) -> paddle.Tensor:
    """``weight[index]`` for a (C,) weight and an integer index tensor of any shape."""
    return paddle.gather(weight, index.reshape([-1])).reshape(list(index.shape))


def _weight_view(weight: paddle.Tensor, ndim: int, class_dim: int) -> paddle.Tensor:
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.reshape(shape)


def _check_weight_vector(weight, num_classes: int, input: paddle.Tensor) -> None:
    if weight is None:
        return
    _is_tensor(weight, "weight")
    if weight.ndim != 1 or weight.shape[0] != num_classes:
        raise InputError(
            f"weight tensor should be defined either for all {num_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}"
        )
    if weight.dtype != input.dtype:
        raise TypeError(f"weight must have the input's dtype {input.dtype}, got {weight.dtype}")


def _unbatched_target(input: paddle.Tensor, target: paddle.Tensor) -> paddle.Tensor:
    """torch accepts a (1,) class-index target for an unbatched (C,) input: make it 0-d."""
    if (input.ndim == 1 and target.ndim == 1 and target.shape[0] == 1
            and not target.is_floating_point()):
        return target.reshape([])
    return target


def _check_index_target(input: paddle.Tensor, target: paddle.Tensor) -> int:
    """Shape and dtype checks of ``nll_loss`` and ``cross_entropy``; returns the class dim."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim}) for input")
    if target.dtype not in (paddle.int64, paddle.uint8):
        raise InputDtypeError(f"expected target dtype to be Long or Byte, but got {target.dtype}")
    if input.ndim == 1:
        if target.ndim != 0:
            raise ValueError(
                f"an unbatched input of shape {_shape(input)} needs a 0-dimensional target "
                f"or one of shape (1,), got target of shape {_shape(target)}"
            )
        return 0
    if target.ndim == 0 or input.shape[0] != target.shape[0]:
        got = target.shape[0] if target.ndim else "a 0-d target"
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({got})."
        )
    if list(target.shape[1:]) != list(input.shape[2:]):
        expected = [input.shape[0], *input.shape[2:]]
        raise ValueError(f"Expected target size {expected}, got {list(target.shape)}")
    return 1


def _check_class_indices(target: paddle.Tensor, num_classes: int, ignore_index=None) -> None:
    if target.numel() == 0:
        return
    t = target.astype(paddle.int64)
    bad = (t < 0) | (t >= num_classes)
    if ignore_index is not None:
        bad = bad & (t != ignore_index)
    if bool(bad.any()):
        first = int(t[bad][0])
        raise InputIndexError(
            f"target contains class index {first}, outside the valid range [0, {num_classes - 1}]"
            + (f" (ignore_index={ignore_index})" if ignore_index is not None else "")
        )


def _nll_terms(logp, target, weight, ignore_index, class_dim):
    """Per-element ``-w_y log p_y`` and weight ``w_y``, both 0 where ``target == ignore_index``."""
    target = target.astype(paddle.int64)
    valid = target != ignore_index
    safe = paddle.where(valid, target, paddle.zeros_like(target))
    picked = paddle.take_along_axis(logp, safe.unsqueeze(class_dim), axis=class_dim)
    picked = picked.squeeze(class_dim)
    zero = _zeros(picked)
    w = valid.astype(logp.dtype) if weight is None else paddle.where(
        valid, _gather_weight(weight, safe), zero)
    # `where`, not `w * picked`: an ignored position may hold -inf, and 0 * inf is nan
    numerator = paddle.where(valid, -picked * w, zero)
    return numerator, w


def _log_softmax(x: paddle.Tensor, axis: int) -> paddle.Tensor:
    """``x - logsumexp(x)`` along ``axis``: never forms ``softmax`` (no overflow, no log 0)."""
    return x - paddle.logsumexp(x, axis=axis, keepdim=True)


# ------------------------------------------------------------ negative log-likelihood


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
             reduction: str = "mean"):
    r"""Negative log-likelihood: the Paddle twin of ``torch.nn.functional.nll_loss``.

    .. math::
        l_n = -w_{y_n} x_{n, y_n}, \qquad
        \ell = \sum_n l_n / \sum_n w_{y_n}\ (\text{mean over the non-ignored elements})

    with :math:`l_n = 0` where :math:`y_n` is ``ignore_index``. ``input`` holds
    log-probabilities (class dimension 1).

    Args:
        input: log-probabilities, a floating ``paddle.Tensor``.
        target: int64 (or uint8) class indices in ``[0, C)``.
        weight: optional per-class weight of shape ``(C,)`` and the input's dtype.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        ignore_index: a target value that contributes neither loss nor weight. Default -100.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(C)``, ``(N, C)`` or ``(N, C, d_1, ..., d_K)``.
        Target: ``()``, ``(N)`` or ``(N, d_1, ..., d_K)``.
        Output: scalar, or the target's shape if ``reduction='none'``.

    Raises:
        ValueError: for a 0-d input, a target shape that does not fit, a bad ``weight`` shape
            (an :class:`~lossnotes._checks.InputError`) or a bad ``reduction``.
        InputIndexError: (an ``IndexError``) for a class index outside ``[0, C)``.
        TypeError: for a non-floating ``input``, a non-tensor ``target`` or ``weight``, a
            ``weight`` of another dtype, or a target that is not int64 or uint8.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([[-1.0, -2.0], [-3.0, -0.5]])
        >>> round(float(nll_loss(x, paddle.to_tensor([0, 1]))), 4)
        0.75

    See also:
        ``paddle.nn.functional.nll_loss`` (same semantics; the argument is ``label``).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    _check_tensor(input, "input")
    _is_tensor(target, "target")
    target = _unbatched_target(input, target)
    class_dim = _check_index_target(input, target)
    num_classes = input.shape[class_dim]
    _check_weight_vector(weight, num_classes, input)
    _check_class_indices(target, num_classes, ignore_index)
    dtype = _compute_dtype(input.dtype)
    w_all = None if weight is None else _cast(weight, dtype)
    numerator, w = _nll_terms(_cast(input, dtype), target, w_all, ignore_index, class_dim)
    return _cast(_ratio_reduce(numerator, w, reduction), input.dtype)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0):
    r"""Softmax cross entropy: the Paddle twin of ``torch.nn.functional.cross_entropy``.

    The class dimension is 1 (0 for an unbatched ``(C,)`` input), as in torch; paddle's own
    ``cross_entropy`` uses ``axis=-1`` unless told otherwise. With class indices and label
    smoothing :math:`\varepsilon`,

    .. math::
        l_n = (1 - \varepsilon) w_{y_n} (-\log p_{n, y_n})
              + \frac{\varepsilon}{C} \sum_c w_c (-\log p_{n, c}),
        \qquad \log p_n = x_n - \operatorname{logsumexp}(x_n),

    and ``'mean'`` divides by :math:`\sum_n w_{y_n}` over the non-ignored elements. With class
    probabilities (a float target of the input's shape), :math:`q = (1-\varepsilon) y +
    \varepsilon/C`, :math:`l_n = -\sum_c w_c q_{n,c} \log p_{n,c}` and ``'mean'`` divides by the
    number of samples.

    Args:
        input: logits, a floating ``paddle.Tensor``.
        target: int64 (or uint8) class indices, or class probabilities of the input's shape.
        weight: optional per-class weight of shape ``(C,)`` and the input's dtype.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        ignore_index: a class-index target value that is skipped. Default -100; must be
            negative with probability targets.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        label_smoothing: :math:`\varepsilon \in [0, 1]`. Default 0.

    Shape:
        Input: ``(C)``, ``(N, C)`` or ``(N, C, d_1, ..., d_K)``.
        Target: ``()``, ``(N)`` or ``(N, d_1, ..., d_K)`` indices, or the input's shape.
        Output: scalar, or the input's shape without the class dimension if ``'none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) for ``label_smoothing`` outside
            ``[0, 1]``, or a non-negative ``ignore_index`` with probability targets.
        InputIndexError: (an ``IndexError``) for a 0-d input or a class index out of range.
        ValueError: for a target shape that does not fit, a bad ``weight`` shape, or a bad
            ``reduction``.
        TypeError: for a non-floating ``input``, a non-tensor ``target`` or ``weight``, a
            ``weight`` of another dtype, an integer probability target, or an index target
            that is not int64 or uint8.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([[1.0, 2.0], [1.0, 3.0], [1.0, 3.0]])
        >>> round(float(cross_entropy(x, paddle.to_tensor([0, 1, 1]))), 4)
        0.5224

    See also:
        ``paddle.nn.functional.cross_entropy(..., axis=1)``; ``soft_label=True`` for
        probability targets (its weighted means differ: see the module docstring).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    _check_tensor(input, "input")
    _is_tensor(target, "target")
    if not isinstance(label_smoothing, int | float) or not 0.0 <= label_smoothing <= 1.0:
        raise InputError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim < 1:  # torch looks up the class dimension 1: IndexError
        raise InputIndexError(f"Expected 1 or more dimensions (got {input.ndim}) for input")
    class_dim = 0 if input.ndim == 1 else 1
    num_classes = input.shape[class_dim]
    dtype = _compute_dtype(input.dtype)

    if list(target.shape) == list(input.shape):  # class probabilities
        if not target.is_floating_point():
            raise InputDtypeError(
                "Expected floating point type for target with class probabilities, "
                f"got {target.dtype}"
            )
        if ignore_index >= 0:
            raise InputError("ignore_index is not supported for floating point target, "
                             f"got ignore_index={ignore_index}")
        _check_weight_vector(weight, num_classes, input)
        logp = _log_softmax(_cast(input, dtype), class_dim)
        q = _cast(target, dtype)
        if label_smoothing > 0:
            q = q * (1 - label_smoothing) + label_smoothing / num_classes
        if weight is not None:
            q = q * _weight_view(_cast(weight, dtype), input.ndim, class_dim)
        loss = -(logp * q).sum(axis=class_dim)
        return _cast(_reduce(loss, reduction), input.dtype)

    target = _unbatched_target(input, target)
    class_dim = _check_index_target(input, target)
    _check_weight_vector(weight, num_classes, input)
    _check_class_indices(target, num_classes, ignore_index)
    w_all = None if weight is None else _cast(weight, dtype)
    logp = _log_softmax(_cast(input, dtype), class_dim)
    numerator, w = _nll_terms(logp, target, w_all, ignore_index, class_dim)
    if label_smoothing > 0:
        wl = logp if w_all is None else logp * _weight_view(w_all, logp.ndim, class_dim)
        total = -wl.sum(axis=class_dim)
        smooth = paddle.where(target.astype(paddle.int64) != ignore_index, total, _zeros(total))
        numerator = (1 - label_smoothing) * numerator + (label_smoothing / num_classes) * smooth
    return _cast(_ratio_reduce(numerator, w, reduction), input.dtype)


# ------------------------------------------------------------ binary cross entropy


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean"):
    r"""Binary cross entropy: the Paddle twin of ``torch.nn.functional.binary_cross_entropy``.

    .. math::
        l_n = -w_n \left[ y_n \max(\log x_n, -100) + (1 - y_n) \max(\log(1 - x_n), -100) \right]

    then the plain mean (even with ``weight``) or the sum. The logarithms are clamped at -100
    as in torch, so a confident mistake costs at most 100 (with a zero gradient).

    Args:
        input: probabilities in [0, 1], a floating ``paddle.Tensor``.
        target: targets in [0, 1], the input's shape and dtype.
        weight: optional rescaling weight, broadcastable to the input's shape.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``, the input's shape. Output: scalar, or ``(*)`` if
        ``reduction='none'``.

    Raises:
        ValueError: for a target of another shape, a ``weight`` that does not broadcast, or a
            bad ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an element outside [0, 1].
        TypeError: for a non-floating ``input`` or ``target``, a target of another dtype, or a
            non-tensor ``weight``.

    Example:
        >>> import paddle
        >>> p = paddle.to_tensor([0.9, 0.1, 1.0])
        >>> round(float(binary_cross_entropy(p, paddle.to_tensor([1.0, 0.0, 1.0]))), 4)
        0.0702

    See also:
        ``paddle.nn.functional.binary_cross_entropy`` (same values; the argument is ``label``).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    if list(target.shape) != list(input.shape):
        raise ValueError(
            f"Using a target size ({_shape(target)}) that is different to the input size "
            f"({_shape(input)}) is deprecated. Please ensure they have the same size."
        )
    if target.dtype != input.dtype:
        raise TypeError(f"target must have the input's dtype {input.dtype}, got {target.dtype}")
    _check_broadcast_weight(weight, "weight", input)
    _check_unit_interval(input, "input")
    _check_unit_interval(target, "target")
    dtype = _compute_dtype(input.dtype)
    x, y = _cast(input, dtype), _cast(target, dtype)
    log_x, log_1mx = _bce_terms(x)
    loss = -(y * log_x + (1 - y) * log_1mx)
    return _finish(loss, weight, reduction, input.dtype)


def _check_broadcast_weight(weight, name: str, input: paddle.Tensor) -> None:
    if weight is None:
        return
    _is_tensor(weight, name)
    if not _broadcasts_to(weight.shape, input.shape):
        raise ValueError(f"{name} of shape {_shape(weight)} must broadcast to the input's shape "
                         f"{_shape(input)}")


def _finish(loss: paddle.Tensor, weight, reduction: str, dtype) -> paddle.Tensor:
    if weight is not None:
        loss = loss * _cast(weight, loss.dtype)
    return _cast(_reduce(loss, reduction), dtype)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None):
    r"""Binary cross entropy on logits: the Paddle twin of ``F.binary_cross_entropy_with_logits``.

    .. math::
        l_n = w_n \left[ (1 - y_n) x_n - (1 + (p_c - 1) y_n) \log \sigma(x_n) \right]

    through ``log_sigmoid``, finite and exact for logits of any size; then the plain mean or
    the sum.

    Args:
        input: logits, a floating ``paddle.Tensor``.
        target: targets in [0, 1] (floating), the input's shape.
        weight: optional rescaling weight, broadcastable to the input's shape.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        pos_weight: optional weight :math:`p_c` of the positive term, broadcastable to the
            input's shape (a ``(C,)`` tensor weights the classes along the last dimension).

    Shape:
        Input: ``(*)``. Target: ``(*)``, the input's shape. Output: scalar, or ``(*)`` if
        ``reduction='none'``; in the target's dtype, as in torch.

    Raises:
        ValueError: for a target of another shape, a ``weight`` or ``pos_weight`` that does
            not broadcast, or a bad ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-tensor ``weight`` or
            ``pos_weight``.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([[1.0, 2.0], [2.0, 2.0], [3.0, 4.0], [4.0, 5.0]])
        >>> y = paddle.to_tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
        >>> round(float(binary_cross_entropy_with_logits(x, y, reduction="sum")), 4)
        11.7856

    See also:
        ``paddle.nn.functional.binary_cross_entropy_with_logits`` (same values; ``logit``,
        ``label``).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    if list(target.shape) != list(input.shape):
        raise ValueError(
            f"Target size ({_shape(target)}) must be the same as input size ({_shape(input)})"
        )
    _check_broadcast_weight(weight, "weight", input)
    _check_broadcast_weight(pos_weight, "pos_weight", input)
    dtype = _compute_dtype(input.dtype)
    x, y = _cast(input, dtype), _cast(target, dtype)
    log_weight = 1.0 if pos_weight is None else 1 + (_cast(pos_weight, dtype) - 1) * y
    # -(1 - y) log sigmoid(-x) = (1 - y)(x - log sigmoid(x)); log_sigmoid never overflows
    loss = (1 - y) * x - log_weight * PF.log_sigmoid(x)
    # torch returns the target's dtype when the two differ
    return _finish(loss, weight, reduction, target.dtype)


# ------------------------------------------------------------ divergences


_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False):
    r"""KL divergence :math:`\mathrm{KL}(P \| Q)`: the Paddle twin of ``F.kl_div``.

    ``input`` is :math:`\log Q`, ``target`` is :math:`P` (or :math:`\log P` with
    ``log_target``):

    .. math::
        l_n = y_n (\log y_n - x_n)\ (0 \log 0 = 0), \qquad
        l_n = e^{y_n} (y_n - x_n) \text{ if log\_target},

    then ``'batchmean'`` (sum over the size of dim 0: the divergence), ``'mean'`` (over every
    element, with torch's warning), or ``'sum'``. The tensors broadcast, as in torch.

    Args:
        input: log-probabilities :math:`\log Q`, a floating ``paddle.Tensor``.
        target: probabilities :math:`P` (or :math:`\log P`).
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'batchmean'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        log_target: whether ``target`` holds log-probabilities. Default False.

    Shape:
        Input: ``(*)``. Target: ``(*)``, broadcastable with the input. Output: scalar, or the
        broadcast shape if ``reduction='none'``.

    Raises:
        ValueError: for a bad ``reduction``.
        TypeError: for a non-floating ``input`` or a non-tensor ``target``.

    Example:
        >>> import paddle
        >>> q = paddle.to_tensor([[0.5, 0.5]]); p = paddle.to_tensor([[0.9, 0.1]])
        >>> round(float(kl_div(paddle.log(q), p, reduction="batchmean")), 4)
        0.3681

    See also:
        ``paddle.nn.functional.kl_div`` (zero for a target <= 0; no warning for ``'mean'``).
    """
    if size_average is None and reduce is None and reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
    reduction = resolve_reduction(reduction, size_average, reduce, rule=KL_DIV)
    _check_tensor(input, "input")
    _is_tensor(target, "target")
    out_dtype = _result_dtype(input, target)
    dtype = _compute_dtype(out_dtype)
    x, y = _cast(input, dtype), _cast(target, dtype)
    if log_target:
        loss = paddle.exp(y) * (y - x)
    else:
        # xlogy(y, y): 0 at y = 0 (absent classes cost nothing), nan below 0 as in torch
        zero = y == 0
        ylogy = paddle.where(zero, _zeros(y), y * paddle.log(paddle.where(zero, paddle.ones_like(y),
                                                                          y)))
        loss = ylogy - y * x
    if reduction == "batchmean":
        total = loss.sum()
        return _cast(total / input.shape[0] if input.ndim else total, out_dtype)
    return _cast(_reduce(loss, reduction), out_dtype)


# ------------------------------------------------------------ margin losses


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean"):
    r"""Two-class logistic loss: the twin of ``torch.nn.functional.soft_margin_loss``.

    .. math::
        l_n = \log(1 + e^{-y_n x_n}) = \operatorname{softplus}(-y_n x_n),

    computed as ``-log_sigmoid(y x)``, which stays finite where torch's float32 kernel (and
    paddle's) overflow; then the mean over all elements or the sum.

    Args:
        input: scores, a floating ``paddle.Tensor``.
        target: labels in {-1, 1}, the input's shape (or one that broadcasts to it).
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``. Output: scalar, or ``(*)`` if ``reduction='none'``,
        in the input's dtype.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if the target does not broadcast
            to the input's shape.
        ValueError: for a bad ``reduction``.
        TypeError: for a non-floating ``input`` or a non-tensor ``target``.

    Example:
        >>> import paddle
        >>> x, y = paddle.to_tensor([2.0, -1.0]), paddle.to_tensor([1.0, 1.0])
        >>> round(float(soft_margin_loss(x, y)), 4)
        0.7201

    See also:
        ``paddle.nn.functional.soft_margin_loss`` (overflows to ``inf`` for large margins).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    _check_tensor(input, "input")
    _is_tensor(target, "target")
    if not _broadcasts_to(target.shape, input.shape):
        raise InputError(
            f"target of shape {_shape(target)} must have (or broadcast to) the input's shape "
            f"{_shape(input)}"
        )
    dtype = _compute_dtype(_result_dtype(input, target))
    loss = _softplus(-_cast(target, dtype) * _cast(input, dtype))
    return _cast(_reduce(loss, reduction), input.dtype)  # torch keeps the input's dtype


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction: str = "mean"):
    r"""Multi-label one-versus-all logistic loss: the twin of ``F.multilabel_soft_margin_loss``.

    .. math::
        l_n = -\frac{1}{C} \sum_c w_c \left[ y_{n,c} \log \sigma(x_{n,c})
              + (1 - y_{n,c}) \log \sigma(-x_{n,c}) \right],

    then the mean over the samples or the sum. The tensors broadcast silently, as in torch.

    Args:
        input: logits, a floating ``paddle.Tensor``.
        target: {0, 1} labels, the input's shape.
        weight: optional per-class weight, broadcastable to the input (typically ``(C,)``).
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, C)`` or ``(C)``. Target: the input's shape. Output: scalar, or ``(N)``
        if ``reduction='none'``.

    Raises:
        ValueError: for a 0-d input or a bad ``reduction`` string.
        TypeError: for a non-floating ``input``, a non-tensor ``target`` or ``weight``, or a
            ``reduction`` that is not a string.

    Example:
        >>> import paddle
        >>> x, y = paddle.to_tensor([[2.0, -1.0]]), paddle.to_tensor([[1.0, 1.0]])
        >>> round(float(multilabel_soft_margin_loss(x, y)), 4)
        0.7201

    See also:
        ``paddle.nn.functional.multi_label_soft_margin_loss`` (the same loss, another name).
    """
    reduction = resolve_reduction(reduction, size_average, reduce, rule=NOT_VALID)
    _check_tensor(input, "input")
    _is_tensor(target, "target")
    out_dtype = _result_dtype(input, target)
    if input.ndim == 0:
        raise ValueError(
            "input must have a class dimension (shape (N, C) or (C,)), got a 0-d tensor"
        )
    if weight is not None:
        _is_tensor(weight, "weight")
    dtype = _compute_dtype(out_dtype)
    x, y = _cast(input, dtype), _cast(target, dtype)
    loss = -(y * PF.log_sigmoid(x) + (1 - y) * PF.log_sigmoid(-x))
    if weight is not None:
        loss = loss * _cast(weight, dtype)
    loss = loss.sum(axis=-1) / input.shape[-1]
    return _cast(_reduce(loss, reduction), out_dtype)


def _check_margin_input(input: paddle.Tensor, name: str) -> None:
    if input.ndim not in (1, 2) or input.shape[-1] == 0:
        raise InputError(
            f"{name}: expected non-empty vector or matrix with optional 0-dim batch size, "
            f"but got input of shape {list(input.shape)}"
        )


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None,
                      size_average=None, reduce=None, reduction: str = "mean"):
    r"""Multi-class hinge loss: the Paddle twin of ``torch.nn.functional.multi_margin_loss``.

    .. math::
        l_n = \frac{1}{C} \sum_{i \ne y_n} w_{y_n}
              \max(0, \text{margin} - x_{n, y_n} + x_{n, i})^p,

    then the mean over the samples or the sum.

    Args:
        input: scores, a floating ``paddle.Tensor``.
        target: int64 class indices in ``[0, C)``.
        p: 1 or 2. Default 1.
        margin: the margin. Default 1.0.
        weight: optional per-class weight of shape ``(C,)``, applied by the true class.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, C)`` or ``(C)``. Target: ``(N)`` or ``()``. Output: scalar, or ``(N)``
        (``()`` unbatched) if ``reduction='none'``.

    Raises:
        ValueError: if ``p`` is not 1 or 2, or for a bad ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an input not 1-D or 2-D or
            empty, a target shape that does not fit, or a ``weight`` not of shape ``(C,)``.
        InputIndexError: (an ``IndexError``) for a class index outside ``[0, C)``.
        TypeError: for a non-floating ``input``, a non-tensor ``target`` or ``weight``, or a
            target that is not int64.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> round(float(multi_margin_loss(x, paddle.to_tensor([3]))), 4)
        0.325

    See also:
        ``paddle.nn.functional.multi_margin_loss`` (uses the margin as a float32 number).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    if isinstance(p, bool) or p not in (1, 2):
        raise ValueError(f"only p == 1 and p == 2 supported, got p={p}")
    _check_tensor(input, "input")
    _is_tensor(target, "target")
    _check_margin_input(input, "multi_margin_loss")
    if target.dtype != paddle.int64:
        raise InputDtypeError(
            f"target must be an int64 tensor of class indices, got dtype {target.dtype}")
    num_classes = input.shape[-1]
    batch_shape = list(input.shape[:-1])
    if list(target.shape) != batch_shape and not (input.ndim == 1 and list(target.shape) == [1]):
        raise InputError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size {batch_shape}, but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}."
        )
    if weight is not None:
        _is_tensor(weight, "weight")
        if weight.ndim != 1:
            raise InputError(f"weight must be one-dimensional, got shape {_shape(weight)}")
        if weight.shape[0] != num_classes:
            raise InputError(
                f"inconsistent weight size, expected {num_classes} but got {list(weight.shape)}")
    _check_class_indices(target, num_classes)
    dtype = _compute_dtype(input.dtype)
    x = _cast(input, dtype).reshape([-1, num_classes])
    y = target.reshape([-1, 1])
    x_true = paddle.take_along_axis(x, y, axis=1)
    z = PF.relu(margin - x_true + x)  # gradient 0 at exactly 0, as torch's kernel (z > 0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * _gather_weight(_cast(weight, dtype), y)
    is_true = paddle.arange(num_classes, dtype=paddle.int64).unsqueeze(0) == y
    loss = paddle.where(is_true, _zeros(z), z).sum(axis=1) / num_classes
    loss = loss.reshape(list(target.shape) if input.ndim == 2 else [])
    return _cast(_reduce(loss, reduction), input.dtype)


def multilabel_margin_loss(input, target, size_average=None, reduce=None,
                           reduction: str = "mean"):
    r"""Multi-label hinge loss: the Paddle twin of ``torch.nn.functional.multilabel_margin_loss``.

    Each target row lists the true class indices and ends at the first -1. With :math:`Y_n`
    that set,

    .. math::
        l_n = \frac{1}{C} \sum_{j \in Y_n} \sum_{i \notin Y_n} \max(0, 1 - (x_{n, j} - x_{n, i})),

    then the mean over the samples or the sum. A class listed twice counts twice, as in torch.

    Args:
        input: scores, a floating ``paddle.Tensor``.
        target: int64 class indices in ``[-1, C)``, the input's shape, each row ended by -1
            unless it lists C classes.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, C)`` or ``(C)``. Target: the input's shape. Output: scalar, or ``(N)``
        (``()`` unbatched) if ``reduction='none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an input not 1-D or 2-D or
            empty, or a target not of the input's shape.
        InputIndexError: (an ``IndexError``) for a target entry outside ``[-1, C)``.
        ValueError: for a bad ``reduction``.
        TypeError: for a non-floating ``input``, a non-tensor ``target``, or a target that is
            not int64.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> round(float(multilabel_margin_loss(x, paddle.to_tensor([[3, 0, -1, 1]]))), 4)
        0.85

    See also:
        ``paddle.nn.functional.multi_label_margin_loss`` (the same loss, another name).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    _check_tensor(input, "input")
    _is_tensor(target, "target")
    _check_margin_input(input, "multilabel_margin_loss")
    if target.dtype != paddle.int64:
        raise InputDtypeError(
            f"target must be an int64 tensor of class indices, got dtype {target.dtype}")
    if list(target.shape) != list(input.shape):
        raise InputError(f"inconsistent target size: {list(target.shape)} for input of size: "
                         f"{list(input.shape)}")
    num_classes = input.shape[-1]
    bad = (target < -1) | (target >= num_classes)
    if bool(bad.any()):
        raise InputIndexError(f"target contains {int(target[bad][0])}, outside the valid range "
                              f"[-1, {num_classes - 1}]")
    dtype = _compute_dtype(input.dtype)
    x = _cast(input, dtype).reshape([-1, num_classes])
    t = target.reshape([-1, num_classes])
    # the positions before the first -1 are the listed ones
    listed = paddle.cumprod((t >= 0).astype(paddle.int64), dim=1).astype(paddle.bool)
    safe = paddle.where(listed, t, paddle.zeros_like(t))
    hot = PF.one_hot(safe, num_classes) * listed.unsqueeze(2).astype(paddle.float32)
    is_target = hot.sum(axis=1) > 0  # (N, C): multi-hot view of the listed classes
    x_listed = paddle.take_along_axis(x, safe, axis=1)  # (N, K) scores of the listed classes
    hinge = PF.relu(1 - x_listed.unsqueeze(2) + x.unsqueeze(1))  # (N, K, C)
    keep = listed.unsqueeze(2) & ~is_target.unsqueeze(1)
    loss = paddle.where(keep, hinge, _zeros(hinge)).sum(axis=[1, 2]) / num_classes
    loss = loss.reshape(list(input.shape[:-1]))
    return _cast(_reduce(loss, reduction), input.dtype)


# ------------------------------------------------------------ extras (not in torch)


def _check_binary(input, target, weight, probabilities: bool):
    """Check a binary loss's tensors; return the result dtype (torch's promotion of the two)."""
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    if list(target.shape) != list(input.shape):
        raise ValueError(f"target of shape {_shape(target)} must have the input's shape "
                         f"{_shape(input)}")
    _check_broadcast_weight(weight, "weight", input)
    if probabilities:
        _check_unit_interval(input, "input")
        _check_unit_interval(target, "target")
    return _result_dtype(input, target)


def _check_number(value: object, name: str, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not low <= value <= high:
        interval = f"[{low}, {high}]" if high != math.inf else f">= {low}"
        raise ValueError(f"{name} must be {interval}, got {value}")
    return float(value)


def _both(input, target, dtype):
    c = _compute_dtype(dtype)
    return _cast(input, c), _cast(target, c)


def weighted_binary_cross_entropy(input, target, *, pos_weight=1.0, weight=None,
                                  reduction: str = "mean"):
    r"""Weighted binary cross entropy (加权二元交叉熵) on probabilities: the Paddle twin.

    .. math::
        l_n = -w_n \left[ w^{+} y_n \log x_n + (1 - y_n) \log (1 - x_n) \right],

    each logarithm clamped at -100; then the plain mean or the sum. At :math:`w^{+} = 1` it
    is :func:`binary_cross_entropy`.

    Args:
        input: probabilities in [0, 1], a floating ``paddle.Tensor``.
        target: targets in [0, 1], the input's shape.
        pos_weight: :math:`w^{+} \ge 0`, a number or a tensor broadcastable to the input.
            Default 1.
        weight: optional per-element weight, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``. Output: scalar, or ``(*)`` if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, a negative ``pos_weight`` number, or a bad
            ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an element outside [0, 1].
        TypeError: for a non-floating ``input`` or ``target``, or a ``pos_weight`` that is
            neither a number nor a tensor.

    Example:
        >>> import paddle
        >>> p, y = paddle.to_tensor([0.9, 0.1, 1.0]), paddle.to_tensor([1.0, 0.0, 1.0])
        >>> round(float(weighted_binary_cross_entropy(p, y, pos_weight=2.0)), 4)
        0.1054
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, weight, probabilities=True)
    if isinstance(pos_weight, paddle.Tensor):
        if not _broadcasts_to(pos_weight.shape, input.shape):
            raise ValueError(f"pos_weight of shape {_shape(pos_weight)} must broadcast to the "
                             f"input's shape {_shape(input)}")
    else:
        pos_weight = _check_number(pos_weight, "pos_weight", 0.0)
    x, y = _both(input, target, dtype)
    log_x, log_1mx = _bce_terms(x)
    w_pos = _cast(pos_weight, x.dtype) if isinstance(pos_weight, paddle.Tensor) else pos_weight
    loss = -(w_pos * y * log_x + (1 - y) * log_1mx)
    return _finish(loss, weight, reduction, dtype)


def balanced_binary_cross_entropy(input, target, *, beta: float = 0.5, weight=None,
                                  reduction: str = "mean"):
    r"""Balanced binary cross entropy (平衡交叉熵) on probabilities: the Paddle twin.

    .. math::
        l_n = -w_n \left[ \beta\, y_n \log x_n + (1 - \beta) (1 - y_n) \log (1 - x_n) \right],

    each logarithm clamped at -100; then the plain mean or the sum. At :math:`\beta = 0.5` it
    is half of :func:`binary_cross_entropy`.

    Args:
        input: probabilities in [0, 1], a floating ``paddle.Tensor``.
        target: targets in [0, 1], the input's shape.
        beta: the weight :math:`\beta \in [0, 1]` of the positive class. Default 0.5.
        weight: optional per-element weight, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``. Output: scalar, or ``(*)`` if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, ``beta`` outside [0, 1], or a bad
            ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an element outside [0, 1].
        TypeError: for a non-floating ``input`` or ``target``, or a non-number ``beta``.

    Example:
        >>> import paddle
        >>> p, y = paddle.to_tensor([0.9, 0.1, 1.0]), paddle.to_tensor([1.0, 0.0, 1.0])
        >>> round(float(balanced_binary_cross_entropy(p, y, beta=0.5)), 4)
        0.0351
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, weight, probabilities=True)
    beta = _check_number(beta, "beta", 0.0, 1.0)
    x, y = _both(input, target, dtype)
    log_x, log_1mx = _bce_terms(x)
    loss = -(beta * y * log_x + (1 - beta) * (1 - y) * log_1mx)
    return _finish(loss, weight, reduction, dtype)


def _focal_options(alpha, gamma):
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


def focal_loss(input, target, *, alpha: float | None = 0.25, gamma: float = 2.0,
               reduction: str = "mean"):
    r"""Focal loss (焦点损失) on probabilities: the Paddle twin.

    .. math::
        l_n = -\alpha_t (1 - p_t)^\gamma \log p_t, \qquad
        p_t = y_n x_n + (1 - y_n)(1 - x_n), \quad \alpha_t = \alpha y_n + (1 - \alpha)(1 - y_n),

    with :math:`-\log p_t` the (clamped) binary cross entropy; then the plain mean or the sum.
    With :math:`\gamma = 0` and ``alpha=None`` it is :func:`binary_cross_entropy`.

    Args:
        input: probabilities in [0, 1], a floating ``paddle.Tensor``.
        target: targets in [0, 1], the input's shape.
        alpha: :math:`\alpha \le 1`, or ``None`` (or a negative number) for no class weighting.
            Default 0.25.
        gamma: the focusing parameter :math:`\gamma \ge 0`. Default 2.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``. Output: scalar, or ``(*)`` if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, ``alpha > 1``, ``gamma < 0``, or a bad
            ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an element outside [0, 1].
        TypeError: for a non-floating ``input`` or ``target``, or a non-number option.

    Example:
        >>> import paddle
        >>> p, y = paddle.to_tensor([0.9, 0.1, 0.5]), paddle.to_tensor([1.0, 0.0, 1.0])
        >>> round(float(focal_loss(p, y, alpha=None, gamma=0.0)), 4)  # = BCE
        0.3013
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, None, probabilities=True)
    alpha, gamma = _focal_options(alpha, gamma)
    x, y = _both(input, target, dtype)
    log_x, log_1mx = _bce_terms(x)
    ce = -(y * log_x + (1 - y) * log_1mx)
    one_minus_pt = y * (1 - x) + (1 - y) * x
    return _finish(_focal_weights(ce, y, one_minus_pt, alpha, gamma), None, reduction, dtype)


def sigmoid_focal_loss(input, target, *, alpha: float | None = 0.25, gamma: float = 2.0,
                       reduction: str = "mean"):
    r"""Focal loss (焦点损失) on logits: the Paddle twin, stable for logits of any size.

    .. math::
        l_n = \alpha_t (1 - p_t)^\gamma \left[ (1 - y_n) z_n - \log \sigma(z_n) \right],
        \qquad 1 - p_t = y_n \sigma(-z_n) + (1 - y_n) \sigma(z_n),

    then the plain mean or the sum. Paddle's own ``sigmoid_focal_loss`` computes the same
    elements but defaults to ``reduction='sum'`` and divides by an optional ``normalizer``.

    Args:
        input: logits :math:`z`, a floating ``paddle.Tensor``.
        target: targets in [0, 1] (floating), the input's shape.
        alpha: :math:`\alpha \le 1`, or ``None`` (or a negative number) for no class weighting.
            Default 0.25.
        gamma: the focusing parameter :math:`\gamma \ge 0`. Default 2.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``. Output: scalar, or ``(*)`` if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit, ``alpha > 1``, ``gamma < 0``, or a bad
            ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number option.

    Example:
        >>> import paddle
        >>> z, y = paddle.to_tensor([2.0, -2.0, 0.0]), paddle.to_tensor([1.0, 0.0, 1.0])
        >>> round(float(sigmoid_focal_loss(z, y, alpha=None, gamma=0.0)), 4)  # = BCE on logits
        0.3157
    """
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, None, probabilities=False)
    alpha, gamma = _focal_options(alpha, gamma)
    z, y = _both(input, target, dtype)
    ce = (1 - y) * z - PF.log_sigmoid(z)
    one_minus_pt = y * PF.sigmoid(-z) + (1 - y) * PF.sigmoid(z)
    return _finish(_focal_weights(ce, y, one_minus_pt, alpha, gamma), None, reduction, dtype)


def _hinge(input, target, margin, weight, reduction, power):
    resolve_reduction(reduction, rule=EXTRA)
    dtype = _check_binary(input, target, weight, probabilities=False)
    margin = _check_number(margin, "margin", -math.inf)
    x, y = _both(input, target, dtype)
    loss = _relu_where(margin - y * x)  # torch clamp's gradient: it passes at the margin itself
    if power == 2:
        loss = loss * loss
    return _finish(loss, weight, reduction, dtype)


def hinge_loss(input, target, *, margin: float = 1.0, weight=None, reduction: str = "mean"):
    r"""Hinge loss (合页损失) with targets -1 / +1: the Paddle twin.

    .. math::
        l_n = w_n \max(0,\ m - y_n x_n),

    then the plain mean or the sum.

    Args:
        input: scores, a floating ``paddle.Tensor``.
        target: -1 / +1 labels (floating), the input's shape.
        margin: the margin :math:`m`. Default 1.
        weight: optional per-element weight, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``. Output: scalar, or ``(*)`` if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit or a bad ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number ``margin``.

    Example:
        >>> import paddle
        >>> x, y = paddle.to_tensor([0.9, -0.1, 1.0]), paddle.to_tensor([1.0, -1.0, 1.0])
        >>> round(float(hinge_loss(x, y, reduction="sum")), 4)  # 0.1 + 0.9 + 0
        1.0
    """
    return _hinge(input, target, margin, weight, reduction, power=1)


def squared_hinge_loss(input, target, *, margin: float = 1.0, weight=None,
                       reduction: str = "mean"):
    r"""Squared hinge loss (平方合页损失) with targets -1 / +1: the Paddle twin.

    .. math::
        l_n = w_n \max(0,\ m - y_n x_n)^2,

    then the plain mean or the sum.

    Args:
        input: scores, a floating ``paddle.Tensor``.
        target: -1 / +1 labels (floating), the input's shape.
        margin: the margin :math:`m`. Default 1.
        weight: optional per-element weight, broadcastable to the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``. Output: scalar, or ``(*)`` if ``reduction='none'``.

    Raises:
        ValueError: for shapes that do not fit or a bad ``reduction``.
        TypeError: for a non-floating ``input`` or ``target``, or a non-number ``margin``.

    Example:
        >>> import paddle
        >>> x, y = paddle.to_tensor([0.9, -0.1, 1.0]), paddle.to_tensor([1.0, -1.0, 1.0])
        >>> round(float(squared_hinge_loss(x, y, reduction="sum")), 4)  # 0.1^2 + 0.9^2 + 0
        0.82
    """
    return _hinge(input, target, margin, weight, reduction, power=2)
