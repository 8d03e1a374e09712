r"""Regression losses, written from tensor primitives.

The functions PyTorch also has (``mse_loss``, ``l1_loss``, ``huber_loss``, ``smooth_l1_loss``,
``poisson_nll_loss``, ``gaussian_nll_loss``) keep ``torch.nn.functional``'s name, positional
order, defaults, output shape, dtype, broadcasting and warnings, including the deprecated
``size_average`` / ``reduce`` flags. The extras (``rmse_loss``, ``mean_bias_error``,
``log_cosh_loss``, ``quantile_loss``) take two tensors of the same shape and keyword-only
options.

float16 and bfloat16 inputs are computed in float32 and the result is cast back.

Under ``torch.compile`` the fused Function of ``mse_loss``, ``huber_loss`` and ``smooth_l1_loss``
gives way to its plain expression (which inductor fuses), and the value checks are skipped
(:func:`lossnotes._checks.value_checks`). In eager mode they are the only reads of the device: one
synchronisation in ``gaussian_nll_loss`` where ``var`` is a tensor, and one in ``quantile_loss``
with several quantiles (their range; none when they are given as Python numbers on the CPU,
which is a host-side check).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import torch

from lossnotes._checks import InputDtypeError, InputError, check_same_shape, check_tensor, value_checks
from lossnotes._numerics import (
    as_dtype,
    autocast_like_torch,
    compute_dtype,
    fused_or_reference,
    needs_reference,
    reference_grads,
    result_dtype,
)
from lossnotes._reduction import (
    EXTRA,
    GET_ENUM,
    MEAN_ONLY,
    NOT_VALID,
    STRING_CHECK,
    WEIGHTED,
    reduce_grad,
    resolve_reduction,
)
from lossnotes._reduction import reduce as _reduce

__all__ = [
    "gaussian_nll_loss",
    "huber_loss",
    "l1_loss",
    "log_cosh_loss",
    "mean_bias_error",
    "mse_loss",
    "poisson_nll_loss",
    "quantile_loss",
    "rmse_loss",
    "smooth_l1_loss",
]

# ----------------------------------------------------------------------------- shared helpers


def _floating_pair(input: torch.Tensor, target: torch.Tensor) -> torch.dtype:
    """Check both are tensors and return the (floating) dtype they promote to."""
    check_tensor(input, "input")
    check_tensor(target, "target")
    dtype = result_dtype(input, target)
    if not dtype.is_floating_point:
        raise InputDtypeError(
            f"input and target must promote to a floating-point dtype, got {input.dtype} and {target.dtype}"
        )
    return dtype


def _warn_size_mismatch(input: torch.Tensor, target: torch.Tensor) -> None:
    """PyTorch's warning for the pointwise regression losses, which broadcast anyway."""
    check_tensor(input, "input")
    check_tensor(target, "target")
    if target.size() != input.size():
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
            "This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def _check_weight_like_input(weight: torch.Tensor | None, input: torch.Tensor) -> None:
    if weight is None:
        return
    check_tensor(weight, "weight")
    if weight.size() != input.size():
        raise ValueError(
            f"Weights and input must have the same size: got weight {tuple(weight.shape)} "
            f"and input {tuple(input.shape)}"
        )


def _difference(input: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.dtype]:
    """``input - target`` in the compute dtype, plus the dtype the result is returned in."""
    out_dtype = _floating_pair(input, target)
    dtype = compute_dtype(out_dtype)
    return input.to(dtype) - target.to(dtype), out_dtype


# ----------------------------------------------------------------------------- fused residual losses
#
# mse_loss, huber_loss and smooth_l1_loss (without weights) run through one autograd Function.
# Written as plain tensor expressions, autograd would keep every intermediate of
# ``f(input - target)`` alive for the backward pass; this Function saves only the two inputs,
# computes the element loss in place in one buffer (for 'mean' and 'sum' of same-shape inputs,
# block by block in the cache, without a full-size buffer at all), and recomputes
# ``input - target`` in the backward pass, whose derivative ``f'(d)`` is again computed in place.
# Values and gradients are those of the plain expressions (``_residual_reference``), up to the
# rounding of the summation order; those expressions also serve the double backward.

_CHUNK = 1 << 16  # elements per block of the blockwise forward pass


def _residual_reference(x, y, kind, param, reduction):
    """The element loss of ``x - y`` as plain differentiable tensor expressions."""
    out_dtype = result_dtype(x, y)
    dtype = compute_dtype(out_dtype)
    d = x.to(dtype) - y.to(dtype)
    if kind == "mse":
        loss = d * d
    else:
        z = d.abs()
        m = z.clamp(max=param)
        loss = m * (z - 0.5 * m)  # 0.5 z^2 below param; param (z - param / 2) above
        if kind == "smooth_l1":
            loss = loss / param
    return _reduce(loss, reduction).to(out_dtype)


def _huber_(d: torch.Tensor, threshold: float) -> torch.Tensor:
    """Overwrite the residuals ``d`` with ``m (d - m / 2)``, ``m = clamp(d, -threshold, threshold)``.

    That is ``0.5 d^2`` where ``|d|`` is below the threshold and ``threshold * (|d| - threshold / 2)``
    beyond it: the Huber loss. A large ``d`` is done block by block (small enough to stay in the
    cache), so that ``m`` never needs a buffer of the full size.
    """
    n = d.numel()
    if n <= _CHUNK:
        m = d.clamp(-threshold, threshold)
        return d.sub_(m, alpha=0.5).mul_(m)
    d = d.contiguous()  # a difference of transposed inputs keeps their strides
    flat = d.view(-1)
    buffer = torch.empty(_CHUNK, dtype=d.dtype, device=d.device)
    for start in range(0, n, _CHUNK):
        block = flat[start:start + _CHUNK]
        m = torch.clamp(block, -threshold, threshold, out=buffer[:block.numel()])
        block.sub_(m, alpha=0.5).mul_(m)
    return d


def _blockwise(input: torch.Tensor, target: torch.Tensor, dtype: torch.dtype) -> bool:
    """Whether :func:`_residual_sum` applies: same shape, the compute dtype, contiguous, large."""
    return (input.shape == target.shape and input.dtype == target.dtype == dtype
            and input.is_contiguous() and target.is_contiguous() and input.numel() > _CHUNK)


def _residual_sum(input: torch.Tensor, target: torch.Tensor, threshold: float | None) -> torch.Tensor:
    """The sum of the squared errors (``threshold`` None) or of :func:`_huber_` over
    ``input - target``, block by block, so that no full-size buffer is allocated.

    Each block's residuals, their clamp and their losses stay in the cache; only the block sums
    are kept, and added up at the end.
    """
    x, y = input.view(-1), target.view(-1)
    buffers = torch.empty(2, _CHUNK, dtype=input.dtype, device=input.device)
    sums = []
    for start in range(0, x.numel(), _CHUNK):
        size = min(_CHUNK, x.numel() - start)
        d = torch.sub(x[start:start + size], y[start:start + size], out=buffers[0, :size])
        if threshold is None:
            sums.append(d.mul_(d).sum())
            continue
        m = torch.clamp(d, -threshold, threshold, out=buffers[1, :size])
        sums.append(d.sub_(m, alpha=0.5).mul_(m).sum())
    return torch.stack(sums).sum()


class _ResidualLoss(torch.autograd.Function):
    """``reduce(f(input - target))`` for ``f`` the squared error, Huber or smooth L1 loss."""

    @staticmethod
    def forward(ctx, input, target, kind, param, reduction):
        ctx.save_for_backward(input, target)
        ctx.kind, ctx.param, ctx.reduction = kind, param, reduction
        out_dtype = input.dtype if input.dtype == target.dtype else result_dtype(input, target)
        dtype = compute_dtype(out_dtype)
        if reduction != "none" and _blockwise(input, target, dtype):
            loss = _residual_sum(input, target, None if kind == "mse" else param)
            loss = loss / input.numel() if reduction == "mean" else loss
        else:
            d = as_dtype(input, dtype) - as_dtype(target, dtype)  # a fresh buffer, overwritten in place below
            loss = d.mul_(d) if kind == "mse" else _huber_(d, param)
            if reduction != "none":
                loss = loss.mean() if reduction == "mean" else loss.sum()
        if kind == "smooth_l1":  # the Huber loss over beta; after the reduction, that is one pass less
            loss = loss.div_(param)
        return as_dtype(loss, out_dtype)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        kind, param, reduction = ctx.kind, ctx.param, ctx.reduction
        if needs_reference(ctx, fused=2):  # create_graph=True: differentiate the plain expressions
            return reference_grads(ctx, grad, _residual_reference, (x, y), (kind, param, reduction))
        dtype = compute_dtype(x.dtype if x.dtype == y.dtype else result_dtype(x, y))
        d = as_dtype(x, dtype) - as_dtype(y, dtype)
        # f'(d) = factor * d for mse (2 d); factor * clamp(d, -t, t) for Huber (1) and smooth L1 (1 / beta)
        factor = 2.0 if kind == "mse" else 1.0 if kind == "huber" else 1.0 / param
        if kind != "mse":
            d.clamp_(-param, param)
        if reduction == "none" and factor != 1.0:
            d.mul_(factor)  # per element: the incoming gradient has the loss's shape
        d.mul_(reduce_grad(as_dtype(grad, dtype), reduction, d.numel(), None if reduction == "none" else factor))
        need_x, need_y = ctx.needs_input_grad[:2]
        grad_x = grad_y = None
        if need_x:
            grad_x = as_dtype(d if d.shape == x.shape else d.sum_to_size(x.shape), x.dtype)
        if need_y:
            grad_y = as_dtype(d.sum_to_size(y.shape).neg(), y.dtype)
        return grad_x, grad_y, None, None, None


# ----------------------------------------------------------------------------- L1, L2


@autocast_like_torch
def mse_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Mean squared error (L2 loss).

    Squaring makes large residuals count quadratically: the minimiser of the mean is the
    conditional mean, and one outlier can dominate. The loss is convex in the prediction.

    .. math::

        l_n = w_n (x_n - y_n)^2,

    ``'mean'`` is :math:`\sum_n l_n / \sum_n w_n` (the plain mean when ``weight`` is None);
    ``'sum'`` is :math:`\sum_n l_n`.

    Args:
        input: predictions, any shape.
        target: targets; a different shape broadcasts with a ``UserWarning``, as in PyTorch.
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        weight: optional per-element weight of exactly the input's shape.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape (another shape broadcasts, with a ``UserWarning``).
        Output: scalar, or the broadcast shape if ``reduction='none'``.

    Raises:
        ValueError: for a bad ``reduction``, or a ``weight`` not of the input's shape.
        TypeError: if ``input`` or ``target`` (or ``weight``) is not a tensor.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> round(mse_loss(torch.tensor([3.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])).item(), 4)
        2.6667

    References:
        Gauss, "Theoria motus corporum coelestium", 1809 (least squares).

    See also:
        ``torch.nn.functional.mse_loss``; ``paddle.nn.functional.mse_loss`` (no ``weight``).
    """
    _warn_size_mismatch(input, target)
    reduction = resolve_reduction(reduction, size_average, reduce, rule=GET_ENUM if weight is None else WEIGHTED)
    _check_weight_like_input(weight, input)
    if weight is None:
        _floating_pair(input, target)
        return fused_or_reference(_ResidualLoss, _residual_reference, (input, target), ("mse", None, reduction))
    diff, out_dtype = _difference(input, target)
    return _reduce(diff * diff, reduction, weight.to(diff.dtype)).to(out_dtype)


@autocast_like_torch
def l1_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Mean absolute error (L1 loss).

    Every unit of residual costs the same, so outliers pull less than under
    :func:`mse_loss`; the minimiser of the mean is the conditional median.

    .. math::

        l_n = w_n |x_n - y_n|,

    ``'mean'`` is :math:`\sum_n l_n / \sum_n w_n` (the plain mean when ``weight`` is None);
    ``'sum'`` is :math:`\sum_n l_n`.

    Args:
        input: predictions, any shape.
        target: targets; a different shape broadcasts with a ``UserWarning``, as in PyTorch.
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        weight: optional per-element weight of exactly the input's shape.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape (another shape broadcasts, with a ``UserWarning``).
        Output: scalar, or the broadcast shape if ``reduction='none'``.

    Raises:
        ValueError: for a bad ``reduction``, or a ``weight`` not of the input's shape.
        TypeError: if ``input`` or ``target`` (or ``weight``) is not a tensor.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> round(l1_loss(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 3.0, 6.0])).item(), 4)
        1.3333

    References:
        Laplace, "Mémoire sur la probabilité des causes par les événements", 1774 (least
        absolute deviations).

    See also:
        ``torch.nn.functional.l1_loss``; ``paddle.nn.functional.l1_loss`` (no ``weight``).
    """
    _warn_size_mismatch(input, target)
    reduction = resolve_reduction(reduction, size_average, reduce, rule=GET_ENUM if weight is None else WEIGHTED)
    _check_weight_like_input(weight, input)
    diff, out_dtype = _difference(input, target)
    w = None if weight is None else weight.to(diff.dtype)
    return _reduce(diff.abs(), reduction, w).to(out_dtype)


# ----------------------------------------------------------------------------- robust losses


@autocast_like_torch
def smooth_l1_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> torch.Tensor:
    r"""Smooth L1 loss: quadratic below ``beta``, linear above, scaled so the slope is at most 1.

    .. math::

        l_n = \begin{cases} 0.5 (x_n - y_n)^2 / \beta & |x_n - y_n| < \beta \\
              |x_n - y_n| - 0.5 \beta & \text{otherwise,} \end{cases}

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``. ``beta = 0`` is exactly
    :func:`l1_loss`. Compared with :func:`huber_loss`, ``huber_loss(delta=d)`` equals
    ``d * smooth_l1_loss(beta=d)``: the two agree only at 1.

    Args:
        input: predictions, any shape.
        target: targets; a different shape broadcasts with a ``UserWarning``, as in PyTorch.
        size_average: deprecated, use ``reduction``.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        beta: the threshold :math:`\beta \ge 0`. Default 1.0.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape (another shape broadcasts, with a ``UserWarning``).
        Output: scalar, or the broadcast shape if ``reduction='none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if ``beta < 0``.
        ValueError: for a bad ``reduction``.
        TypeError: if ``input`` or ``target`` is not a tensor.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> round(smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.tensor([0.0, 0.0])).item(), 4)
        1.3125

    References:
        Girshick, "Fast R-CNN", ICCV 2015.

    See also:
        ``torch.nn.functional.smooth_l1_loss``; ``paddle.nn.functional.smooth_l1_loss`` (its
        ``delta`` is a Huber delta, not this ``beta``).
    """
    _warn_size_mismatch(input, target)
    reduction = resolve_reduction(reduction, size_average, reduce)
    if beta < 0:
        raise InputError(f"smooth_l1_loss does not support negative values for beta, got beta={beta}")
    if beta == 0:
        diff, out_dtype = _difference(input, target)
        return _reduce(diff.abs(), reduction).to(out_dtype)
    _floating_pair(input, target)
    return fused_or_reference(_ResidualLoss, _residual_reference, (input, target),
                              ("smooth_l1", float(beta), reduction))


@autocast_like_torch
def huber_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Huber loss: squared error near zero, absolute error (slope ``delta``) beyond ``delta``.

    .. math::

        l_n = w_n \begin{cases} 0.5 (x_n - y_n)^2 & |x_n - y_n| \le \delta \\
              \delta (|x_n - y_n| - 0.5 \delta) & \text{otherwise.} \end{cases}

    ``'mean'`` is :math:`\frac{1}{N} \sum_n l_n`: unlike :func:`mse_loss` and :func:`l1_loss`,
    PyTorch's weighted Huber mean divides by the number of elements, not by the weights, and so
    does this one. ``'sum'`` is :math:`\sum_n l_n`.

    Args:
        input: predictions, any shape.
        target: targets; a different shape broadcasts with a ``UserWarning``, as in PyTorch.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        delta: the threshold :math:`\delta > 0`. Default 1.0.
        weight: optional per-element weight of exactly the input's shape.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape (another shape broadcasts, with a ``UserWarning``).
        Output: scalar, or the broadcast shape if ``reduction='none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if ``delta <= 0``.
        ValueError: for a bad ``reduction``, or a ``weight`` not of the input's shape.
        TypeError: if ``input`` or ``target`` (or ``weight``) is not a tensor.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> x, y = torch.tensor([4.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])
        >>> round(huber_loss(x, y, delta=2.0).item(), 4)
        2.0

    References:
        Huber, "Robust Estimation of a Location Parameter", Annals of Mathematical Statistics, 1964.

    See also:
        ``torch.nn.functional.huber_loss``; ``paddle.nn.functional.smooth_l1_loss`` (with
        ``is_huber=True``).
    """
    _warn_size_mismatch(input, target)
    reduction = resolve_reduction(reduction, rule=GET_ENUM if weight is None else WEIGHTED)
    if delta <= 0:
        raise InputError(f"huber_loss does not support non-positive values for delta, got delta={delta}")
    _check_weight_like_input(weight, input)
    if weight is None:
        _floating_pair(input, target)
        # torch's huber_loss returns the input's dtype even when the target's is wider
        return fused_or_reference(_ResidualLoss, _residual_reference, (input, target),
                                  ("huber", float(delta), reduction)).to(input.dtype)
    diff, _ = _difference(input, target)
    z = diff.abs()
    m = z.clamp(max=delta)
    loss = m * (z - 0.5 * m) * weight.to(z.dtype)  # 0.5 z^2 below delta; delta (z - delta / 2) above
    return _reduce(loss, reduction).to(input.dtype)


# ----------------------------------------------------------------------------- likelihoods


@autocast_like_torch
def poisson_nll_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Negative log-likelihood of a Poisson target with predicted rate :math:`\lambda`.

    By default ``input`` is the log-rate, which keeps :math:`\lambda = e^x` positive. The
    :math:`\log(y!)` term does not depend on the prediction; ``full=True`` adds its Stirling
    approximation, but only where :math:`y > 1` (for 0 and 1 it is 0).

    .. math::

        l_n = \begin{cases} e^{x_n} - y_n x_n & \text{log\_input} \\
              x_n - y_n \log(x_n + \text{eps}) & \text{otherwise,} \end{cases}
        \quad + \ [y_n > 1] \left( y_n \log y_n - y_n + \tfrac12 \log(2 \pi y_n) \right)
        \text{ if full,}

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``. ``input`` and ``target``
    broadcast silently, as in PyTorch.

    Args:
        input: log-rates (``log_input=True``) or rates, any shape.
        target: counts :math:`y \ge 0`.
        log_input: whether ``input`` is :math:`\log \lambda`. Default True.
        full: add the Stirling term. Default False.
        size_average: deprecated, use ``reduction``.
        eps: added to the rate before its log when ``log_input=False``. Default 1e-8.
        reduce: deprecated, use ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape (or one that broadcasts with it, silently).
        Output: scalar, or the broadcast shape if ``reduction='none'``.

    Raises:
        ValueError: for a bad ``reduction`` string.
        TypeError: for a ``reduction`` that is not a string, or a non-tensor ``input`` or ``target``.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> round(poisson_nll_loss(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0])).item(), 4)
        0.8591

    References:
        Nelder, Wedderburn, "Generalized Linear Models", JRSS-A, 1972.

    See also:
        ``torch.nn.functional.poisson_nll_loss``; paddle has ``paddle.nn.functional.poisson_nll_loss``
        with ``epsilon`` for ``eps``.
    """
    reduction = resolve_reduction(reduction, size_average, reduce, rule=STRING_CHECK)
    out_dtype = _floating_pair(input, target)
    dtype = compute_dtype(out_dtype)
    x, y = input.to(dtype), target.to(dtype)
    loss = torch.exp(x) - y * x if log_input else x - y * torch.log(x + eps)
    if full:
        big = y > 1
        safe_y = torch.where(big, y, 1.0)
        stirling = safe_y * torch.log(safe_y) - safe_y + 0.5 * torch.log(2 * math.pi * safe_y)
        loss = loss + torch.where(big, stirling, 0.0)
    return _reduce(loss, reduction).to(out_dtype)


def gaussian_nll_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    var: torch.Tensor | float,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Negative log-likelihood of a Gaussian target with predicted mean and variance.

    The network predicts a mean ``input`` and a variance ``var``; a large variance discounts the
    squared error but pays :math:`\tfrac12 \log \sigma^2`. ``var`` is a variance, not a standard
    deviation. For stability it is clamped at ``eps``; as in PyTorch the clamp is invisible to
    autograd (the gradient is that of the unclamped formula, taken at the clamped value).

    .. math::

        l_n = \tfrac12 \left( \log \max(\sigma^2_n, \text{eps})
              + \frac{(x_n - y_n)^2}{\max(\sigma^2_n, \text{eps})} \right)
              \ (+ \tfrac12 \log 2\pi \text{ if full}),

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``.

    Args:
        input: predicted means, shape ``(N, *)`` or ``(*)``.
        target: targets, the input's shape (or one that broadcasts to it, silently, as in PyTorch).
        var: variances :math:`\ge 0`: a float, a tensor of the input's shape, the input's shape
            without its last dimension, or the input's shape with exactly one dimension of size 1
            (one variance shared along it).
        full: add the constant :math:`\tfrac12 \log 2\pi`. Default False.
        eps: the lower clamp of ``var``. Default 1e-6.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, *)`` or ``(*)``.
        Target: the input's shape, or one that broadcasts to it.
        Var: the input's shape, without its last dimension, or with one dimension of size 1.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: if ``var`` has a negative entry or a shape that does not fit the input, or
            for a bad ``reduction`` string.
        TypeError: for a non-tensor ``input``, ``target`` or (non-number) ``var``, or a
            ``reduction`` that is not a string.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Notes:
        A tensor ``var`` is checked for negative entries, as in PyTorch: one read of the device
        (a host synchronisation) in eager mode; under ``torch.compile`` the check is skipped.

    Example:
        >>> x, y = torch.tensor([0.0, 1.0]), torch.tensor([1.0, 1.0])
        >>> round(gaussian_nll_loss(x, y, torch.tensor([1.0, 2.0])).item(), 4)
        0.4233

    References:
        Nix, Weigend, "Estimating the mean and variance of the target probability distribution",
        ICNN 1994.

    See also:
        ``torch.nn.functional.gaussian_nll_loss``; ``paddle.nn.functional.gaussian_nll_loss``
        (``variance`` and ``epsilon``).
    """
    out_dtype = _floating_pair(input, target)
    if isinstance(var, int | float) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"var has negative entry/entries: got var={var}")
        var = torch.full_like(input, float(var))
    else:
        check_tensor(var, "var")
        if var.numel() and value_checks(var) and bool((var < 0).any()):  # the one read of the device
            raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif not (
            input.dim() == var.dim()
            and sum(v for i, v in zip(input.size(), var.size(), strict=True) if i != v) == 1
        ):
            raise ValueError(
                f"var is of incorrect size: got {tuple(var.shape)} for input of shape {tuple(input.shape)}; "
                "expected the input's shape, the input's shape without its last dimension, or the "
                "input's shape with one dimension of size 1"
            )
    reduction = resolve_reduction(reduction, rule=NOT_VALID)
    dtype = compute_dtype(out_dtype)
    x, y, v = input.to(dtype), target.to(dtype), var.to(dtype)
    # Clamp the value but let the gradient through unchanged, as PyTorch's in-place no_grad clamp does.
    v = v + (v.clamp(min=eps) - v).detach()
    loss = 0.5 * (torch.log(v) + (x - y) ** 2 / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction).to(out_dtype)


# ----------------------------------------------------------------------------- extras (no torch twin)


def _same_shape_difference(input, target) -> tuple[torch.Tensor, torch.dtype]:
    check_tensor(input, "input")
    check_tensor(target, "target")
    check_same_shape(input, target, "input", "target")
    return _difference(input, target)


def rmse_loss(
    input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean", eps: float = 0.0
) -> torch.Tensor:
    r"""Root mean squared error: the square root of :func:`mse_loss`, in the target's units.

    The square root makes the number readable (same units as :math:`y`) but does not change the
    minimiser. Its gradient, :math:`(x - y) / (N \cdot \text{RMSE})`, is undefined at a perfect
    fit; ``eps > 0`` moves the root away from zero so the gradient stays finite there.

    .. math::

        \text{RMSE} = \sqrt{\frac{1}{N} \sum_n (x_n - y_n)^2 + \text{eps}}.

    Only ``reduction='mean'`` is defined: the root of a sum, or of single elements (which would
    be :math:`|x_n - y_n|`, i.e. :func:`l1_loss`), is not an RMSE, so ``'none'`` and ``'sum'``
    raise a ``ValueError``.

    Args:
        input: predictions, any shape.
        target: targets, the input's shape.
        reduction: must be ``'mean'`` (the default).
        eps: a non-negative number added under the root. Default 0.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar (``nan`` for empty input).

    Raises:
        ValueError: if ``reduction`` is not ``'mean'``, ``eps < 0``, or the shapes differ.
        TypeError: if ``input`` or ``target`` is not a tensor.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> round(rmse_loss(torch.tensor([3.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])).item(), 4)
        1.633

    References:
        Willmott, "Some Comments on the Evaluation of Model Performance", Bulletin of the American
        Meteorological Society, 1982.
        Hyndman, Koehler, "Another look at measures of forecast accuracy", International Journal
        of Forecasting, 2006.

    See also:
        ``torch.nn.functional.mse_loss`` (no RMSE in torch or paddle).
    """
    resolve_reduction(reduction, rule=MEAN_ONLY)
    if not eps >= 0:
        raise ValueError(f"eps must be non-negative, got {eps}")
    diff, out_dtype = _same_shape_difference(input, target)
    return torch.sqrt(_reduce(diff * diff, "mean") + eps).to(out_dtype)


def mean_bias_error(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""Mean bias error: the signed mean of ``input - target``.

    A diagnostic, not a training loss by itself: positive and negative errors cancel (a model
    that is off by +10 and -10 scores 0), and it is unbounded below, so minimising it drives the
    predictions to minus infinity. It tells whether a model over- (positive) or under-
    (negative) predicts on average.

    .. math::

        l_n = x_n - y_n,

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``.

    Args:
        input: predictions, any shape.
        target: targets, the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for a bad ``reduction``, or if the shapes differ.
        TypeError: if ``input`` or ``target`` is not a tensor.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> round(mean_bias_error(torch.tensor([3.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])).item(), 4)
        0.0

    References:
        Willmott, "Some Comments on the Evaluation of Model Performance", Bulletin of the American
        Meteorological Society, 1982.

    See also:
        :func:`l1_loss`, which takes the absolute value first.
    """
    resolve_reduction(reduction, rule=EXTRA)
    diff, out_dtype = _same_shape_difference(input, target)
    return _reduce(diff, reduction).to(out_dtype)


def log_cosh_loss(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""Log-cosh loss: about :math:`d^2/2` for small residuals and :math:`|d| - \log 2` for large.

    Like Huber's loss it is quadratic near zero and linear in the tails, but it is smooth
    everywhere (its gradient is :math:`\tanh d`). :math:`\cosh d` overflows float32 beyond
    :math:`|d| \approx 89`, so it is computed as
    :math:`|d| + \operatorname{softplus}(-2|d|) - \log 2`, which is exact and finite everywhere.

    .. math::

        l_n = \log \cosh (x_n - y_n),

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``.

    Args:
        input: predictions, any shape.
        target: targets, the input's shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, the input's shape.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for a bad ``reduction``, or if the shapes differ.
        TypeError: if ``input`` or ``target`` is not a tensor.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> round(log_cosh_loss(torch.tensor([4.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])).item(), 4)
        1.2114

    References:
        Saleh, Saleh, "Statistical Properties of the log-cosh Loss Function Used in Machine
        Learning", arXiv:2208.04564, 2022.

    See also:
        ``keras.losses.log_cosh``, ``optax.losses.log_cosh`` (neither torch nor paddle has it).
    """
    resolve_reduction(reduction, rule=EXTRA)
    diff, out_dtype = _same_shape_difference(input, target)
    a = diff.abs()
    # log cosh d = log((e^d + e^-d) / 2) = |d| + log(1 + e^{-2|d|}) - log 2
    loss = a + torch.nn.functional.softplus(-2 * a) - math.log(2.0)
    return _reduce(loss, reduction).to(out_dtype)


def quantile_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    quantile: float | Sequence[float] | torch.Tensor = 0.5,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Quantile (pinball) loss: its minimiser is the :math:`\gamma`-quantile of the target.

    Under-prediction costs :math:`\gamma` per unit and over-prediction :math:`1 - \gamma`, so
    :math:`\gamma = 0.9` pushes the prediction up until only 10% of targets lie above it. At
    :math:`\gamma = 0.5` it is half the absolute error.

    .. math::

        l_n = \max(\gamma d_n, (\gamma - 1) d_n), \qquad d_n = y_n - x_n,

    then ``'mean'`` (:math:`\frac{1}{N}\sum_n l_n`) or ``'sum'``. At a tie (:math:`d_n = 0`)
    the loss has no derivative: its subgradients with respect to :math:`x_n` fill
    :math:`[-\gamma, 1 - \gamma]`, and this function returns :math:`-\gamma` (the
    :math:`\gamma d_n` branch).

    Args:
        input: predictions. With a scalar ``quantile``, any shape. With ``Q`` quantiles, shape
            ``(*, Q)``: one prediction per quantile in the last dimension.
        target: targets, the input's shape for a scalar ``quantile``, else ``(*)`` (the input's
            shape without its last dimension; each target is compared with all Q predictions).
        quantile: :math:`\gamma \in (0, 1)`, or a sequence / 1-D tensor of ``Q`` such values.
            Default 0.5.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``; ``'mean'`` averages
            over all elements, the quantile dimension included.

    Shape:
        Input: ``(*)`` with a scalar ``quantile``; ``(*, Q)`` with ``Q`` quantiles.
        Target: ``(*)``: the input's shape, or without its last dimension for ``Q`` quantiles.
        Output: scalar, or the input's shape if ``reduction='none'``.

    Raises:
        ValueError: for a quantile outside ``(0, 1)``, an empty or non-1-D sequence of
            quantiles, shapes that do not fit, or a bad ``reduction``.
        TypeError: for a ``bool`` ``quantile``, or a non-tensor ``input`` or ``target``.
        InputDtypeError: (a ``TypeError``) if ``input`` and ``target`` do not promote to a
            floating-point dtype.

    Example:
        >>> x, y = torch.tensor([4.0, 2.0, 1.0, 3.0]), torch.tensor([1.0, 2.0, 3.0, 4.0])
        >>> round(quantile_loss(x, y, quantile=0.5).item(), 4)
        0.75

    References:
        Koenker, Bassett, "Regression Quantiles", Econometrica, 1978.

    See also:
        ``sklearn.metrics.mean_pinball_loss`` (``alpha``); neither torch nor paddle has it.
    """
    resolve_reduction(reduction, rule=EXTRA)
    check_tensor(input, "input")
    check_tensor(target, "target")
    if isinstance(quantile, bool):
        raise TypeError("quantile must be a number, a sequence of numbers or a 1-D tensor, got bool")
    if isinstance(quantile, int | float):
        gammas = None
        if not 0 < quantile < 1:
            raise ValueError(f"quantile must lie strictly between 0 and 1, got {quantile}")
        check_same_shape(input, target, "input", "target")
    else:
        gammas = torch.as_tensor(quantile, dtype=torch.float64)
        if gammas.dim() != 1 or gammas.numel() == 0:
            raise ValueError(
                f"a tensor or sequence of quantiles must be 1-D and non-empty, got shape {tuple(gammas.shape)}"
            )
        if value_checks(gammas) and not bool(((gammas > 0) & (gammas < 1)).all()):
            raise ValueError(f"every quantile must lie strictly between 0 and 1, got {gammas.tolist()}")
        if input.dim() == 0 or input.shape[-1] != gammas.numel() or input.shape[:-1] != target.shape:
            raise ValueError(
                f"with {gammas.numel()} quantiles, input must have shape (*, {gammas.numel()}) and target "
                f"shape (*), got input {tuple(input.shape)} and target {tuple(target.shape)}"
            )
        target = target.unsqueeze(-1)
    out_dtype = _floating_pair(input, target)
    dtype = compute_dtype(out_dtype)
    d = target.to(dtype) - input.to(dtype)
    g = quantile if gammas is None else gammas.to(device=d.device, dtype=dtype)
    loss = torch.where(d >= 0, g * d, (g - 1) * d)
    return _reduce(loss, reduction).to(out_dtype)
