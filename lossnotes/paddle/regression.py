r"""Regression losses for PaddlePaddle tensors: the Paddle twins of :mod:`lossnotes.regression`.

Each function has the name, arguments, defaults and results of its PyTorch twin (so torch's
deprecated ``size_average`` / ``reduce`` are accepted and mapped, with torch's warning), but takes
and returns ``paddle.Tensor``. They are built from paddle tensor operations only, never from
``paddle.nn.functional.*_loss``; the tests compare them with those native ops and with the torch
twins.

Where paddle's own op differs from torch's (checked in ``tests/test_paddle_regression.py``):

* ``paddle.nn.functional.smooth_l1_loss(delta=d)`` is the **Huber** loss (``is_huber=True`` by
  default), i.e. ``huber_loss(delta=d)`` here, which is ``d * smooth_l1_loss(beta=d)``; with
  ``is_huber=False`` it is torch's Smooth L1. There is no ``paddle.nn.functional.huber_loss``.
* paddle's ``l1_loss`` / ``mse_loss`` have no ``weight`` and broadcast mismatched shapes silently;
  torch (and these twins) warn.
* paddle's ``gaussian_nll_loss`` calls the variance ``variance`` and needs a tensor, accepts a
  size-1 dimension of the variance only in last place, and (paddle 3.3) gives the variance **no
  gradient**: it rebinds the clamped copy inside ``paddle.no_grad()``. The twin clamps the value
  and passes the gradient through, as torch does.
* paddle's ``poisson_nll_loss`` calls ``eps`` ``epsilon`` and needs equal shapes.
"""

from __future__ import annotations

import math
import warnings

import paddle

from lossnotes._numerics import is_low_precision
from lossnotes._reduction import (
    EXTRA,
    GET_ENUM,
    MEAN_ONLY,
    NOT_VALID,
    STRING_CHECK,
    WEIGHTED,
    resolve_reduction,
)

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

# ----------------------------------------------------------------------------- helpers
def _check_tensor(x: object, name: str) -> paddle.Tensor:
    if not isinstance(x, paddle.Tensor):
        raise TypeError(f"{name} must be a paddle.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
    return x


def _check_same_shape(input: paddle.Tensor, target: paddle.Tensor) -> None:
    if list(input.shape) != list(target.shape):
        raise ValueError(
            f"target size ({tuple(target.shape)}) must be the same as input size ({tuple(input.shape)})"
        )


def _warn_if_broadcast(input: paddle.Tensor, target: paddle.Tensor) -> None:
    # torch warns (and broadcasts) when the shapes differ; paddle's own ops broadcast silently
    if list(input.shape) != list(target.shape):
        warnings.warn(
            f"Using a target size ({tuple(target.shape)}) that is different to the input size "
            f"({tuple(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def _broadcast(input: paddle.Tensor, target: paddle.Tensor):
    if list(input.shape) == list(target.shape):
        return input, target
    return tuple(paddle.broadcast_tensors([input, target]))


def _check_weight(weight, input: paddle.Tensor) -> None:
    if weight is None:
        return
    _check_tensor(weight, "weight")
    if list(weight.shape) != list(input.shape):
        raise ValueError(
            f"weight must have the input's shape {tuple(input.shape)}, got {tuple(weight.shape)}"
        )


def _reduce(loss: paddle.Tensor, reduction: str, weight: paddle.Tensor | None = None,
            weighted_mean_over_weights: bool = True) -> paddle.Tensor:
    """'none' | 'mean' | 'sum' for paddle; a weighted mean is ``sum(w*l) / sum(w)`` (torch's l1/mse)
    or ``mean(w*l)`` (torch's huber) depending on ``weighted_mean_over_weights``."""
    if weight is not None:
        loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if weight is None or not weighted_mean_over_weights:
        return loss.mean()
    return loss.sum() / weight.sum()


def _upcast(x: paddle.Tensor) -> paddle.Tensor:
    """float16/bfloat16 as float32 (:func:`lossnotes._numerics.is_low_precision`), else unchanged."""
    return x.astype(paddle.float32) if is_low_precision(x.dtype) else x


# ----------------------------------------------------------------------------- losses
def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    r"""Mean absolute error (平均绝对误差, MAE, L1): the Paddle twin of ``torch.nn.functional.l1_loss``.

    .. math::
        l_n = w_n\,|x_n - y_n|, \qquad
        \ell = \begin{cases} \sum_n l_n / \sum_n w_n & \text{mean} \\ \sum_n l_n & \text{sum} \end{cases}

    Args:
        input: predictions :math:`x`, a floating ``paddle.Tensor`` of any shape.
        target: targets :math:`y`, same shape (a different shape broadcasts, with a warning).
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        weight: optional per-element weights of the input's shape.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([1.0, 2.0, 3.0]); y = paddle.to_tensor([1.0, 3.0, 6.0])
        >>> round(float(l1_loss(x, y)), 4)
        1.3333

    See also:
        ``paddle.nn.functional.l1_loss`` (no ``weight``, silent broadcast).
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    _warn_if_broadcast(input, target)
    reduction = resolve_reduction(reduction, size_average, reduce, rule=GET_ENUM if weight is None else WEIGHTED)
    x, y = _broadcast(input, target)
    _check_weight(weight, input)
    return _reduce(paddle.abs(x - y), reduction, weight)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    r"""Mean squared error (均方误差, MSE, L2): the Paddle twin of ``torch.nn.functional.mse_loss``.

    .. math::
        l_n = w_n\,(x_n - y_n)^2, \qquad
        \ell = \begin{cases} \sum_n l_n / \sum_n w_n & \text{mean} \\ \sum_n l_n & \text{sum} \end{cases}

    Args:
        input: predictions :math:`x`, a floating ``paddle.Tensor`` of any shape.
        target: targets :math:`y`, same shape (a different shape broadcasts, with a warning).
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        weight: optional per-element weights of the input's shape.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([3.0, 2.0, 1.0]); y = paddle.to_tensor([1.0, 2.0, 3.0])
        >>> round(float(mse_loss(x, y)), 4)
        2.6667

    See also:
        ``paddle.nn.functional.mse_loss`` and ``square_error_cost`` (no reduction).
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    _warn_if_broadcast(input, target)
    reduction = resolve_reduction(reduction, size_average, reduce, rule=GET_ENUM if weight is None else WEIGHTED)
    x, y = _broadcast(input, target)
    _check_weight(weight, input)
    r = x - y
    return _reduce(r * r, reduction, weight)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    r"""Huber loss: the Paddle twin of ``torch.nn.functional.huber_loss``.

    Quadratic for small residuals, linear (slope :math:`\delta`) for large ones.

    .. math::
        l_n = \begin{cases} \tfrac12 (x_n - y_n)^2 & |x_n - y_n| < \delta \\
              \delta\,(|x_n - y_n| - \tfrac12\delta) & \text{otherwise} \end{cases}

    then ``'mean'`` (``mean(w * l)``: divided by the number of elements even with ``weight``, as
    in torch) or ``'sum'``.

    Args:
        input: predictions, floating ``paddle.Tensor``.
        target: targets, same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        delta: the threshold :math:`\delta > 0`. Default 1.0.
        weight: optional per-element weights of the input's shape.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([4.0, 2.0, 1.0]); y = paddle.to_tensor([1.0, 2.0, 3.0])
        >>> round(float(huber_loss(x, y, delta=2.0)), 4)
        2.0

    References:
        Huber, "Robust Estimation of a Location Parameter", Ann. Math. Statist. 35(1), 1964.

    See also:
        ``paddle.nn.functional.smooth_l1_loss(delta=d)`` (default ``is_huber=True``) is this loss.
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    _warn_if_broadcast(input, target)
    reduction = resolve_reduction(reduction, rule=GET_ENUM if weight is None else WEIGHTED)
    if not delta > 0:
        raise ValueError(f"huber_loss does not support non-positive values for delta, got delta={delta}")
    x, y = _broadcast(input, target)
    _check_weight(weight, input)
    z = paddle.abs(x - y)
    loss = paddle.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
    return _reduce(loss, reduction, weight, weighted_mean_over_weights=False)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0):
    r"""Smooth L1 loss: the Paddle twin of ``torch.nn.functional.smooth_l1_loss``.

    .. math::
        l_n = \begin{cases} \tfrac12 (x_n - y_n)^2 / \beta & |x_n - y_n| < \beta \\
              |x_n - y_n| - \tfrac12\beta & \text{otherwise} \end{cases}

    Slope 1 far away (like L1) whatever :math:`\beta`; ``beta=0`` is exactly the L1 loss, and
    ``huber_loss(delta=d) = d * smooth_l1_loss(beta=d)``.

    Args:
        input: predictions, floating ``paddle.Tensor``.
        target: targets, same shape.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        beta: the threshold :math:`\beta \ge 0`. Default 1.0.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([4.0, 2.0, 1.0]); y = paddle.to_tensor([1.0, 2.0, 3.0])
        >>> round(float(smooth_l1_loss(x, y, beta=2.0)), 4)
        1.0

    References:
        Girshick, "Fast R-CNN", ICCV 2015.

    See also:
        ``paddle.nn.functional.smooth_l1_loss(delta=beta, is_huber=False)``.
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    _warn_if_broadcast(input, target)
    reduction = resolve_reduction(reduction, size_average, reduce)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss does not support negative values for beta, got beta={beta}")
    x, y = _broadcast(input, target)
    z = paddle.abs(x - y)
    if beta == 0:  # the quadratic piece vanishes: exactly L1 (and no 0/0 in the unused branch)
        return _reduce(z, reduction)
    loss = paddle.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)
    return _reduce(loss, reduction)


def rmse_loss(input, target, *, reduction: str = "mean", eps: float = 0.0):
    r"""Root mean squared error (均方根误差, RMSE): the square root of the MSE, in the target's units.

    .. math::
        \text{RMSE} = \sqrt{\tfrac1N \sum_n (x_n - y_n)^2 + \text{eps}}

    Only ``reduction='mean'`` is defined (the root of single elements would be the L1 loss).

    Args:
        input: predictions, floating ``paddle.Tensor``.
        target: targets, the input's shape.
        reduction: must be ``'mean'`` (the default).
        eps: a non-negative number added under the root (keeps the gradient finite at a
            perfect fit). Default 0.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([3.0, 2.0, 1.0]); y = paddle.to_tensor([1.0, 2.0, 3.0])
        >>> round(float(rmse_loss(x, y)), 4)
        1.633
    """
    resolve_reduction(reduction, rule=MEAN_ONLY)
    if not eps >= 0:
        raise ValueError(f"eps must be non-negative, got {eps}")
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    _check_same_shape(input, target)
    r = _upcast(input) - _upcast(target)
    return paddle.sqrt((r * r).mean() + eps).astype(input.dtype)


def mean_bias_error(input, target, *, reduction: str = "mean"):
    r"""Mean bias error (平均偏差误差, MBE): the signed mean of :math:`x_n - y_n`.

    Positive means the predictions are too high on average. Not a loss to minimise (it has no
    minimum): errors of opposite sign cancel.

    .. math::
        l_n = x_n - y_n, \qquad \ell = \tfrac1N \sum_n l_n\ (\text{mean})

    Args:
        input: predictions, floating ``paddle.Tensor``.
        target: targets, same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([3.0, 2.0, 1.0]); y = paddle.to_tensor([1.0, 2.0, 3.0])
        >>> round(float(mean_bias_error(x, y)), 4)
        0.0
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    reduction = resolve_reduction(reduction, rule=EXTRA)
    _check_same_shape(input, target)
    return _reduce(input - target, reduction)


def log_cosh_loss(input, target, *, reduction: str = "mean"):
    r"""Log-cosh loss (对数双曲余弦损失): :math:`\log\cosh(x_n - y_n)`, computed without overflow.

    About :math:`r^2/2` near 0 and :math:`|r| - \log 2` far away; twice differentiable.

    .. math::
        l_n = \log\cosh r_n = |r_n| + \operatorname{softplus}(-2|r_n|) - \log 2, \quad r_n = x_n - y_n

    Args:
        input: predictions, floating ``paddle.Tensor``.
        target: targets, same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([4.0, 2.0, 1.0]); y = paddle.to_tensor([1.0, 2.0, 3.0])
        >>> round(float(log_cosh_loss(x, y)), 4)
        1.2114
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    reduction = resolve_reduction(reduction, rule=EXTRA)
    _check_same_shape(input, target)
    a = paddle.abs(_upcast(input) - _upcast(target))
    # cosh(r) = e^|r| (1 + e^(-2|r|)) / 2, so log cosh r = |r| + log1p(e^(-2|r|)) - log 2:
    # e^(-2|r|) <= 1 never overflows, where cosh itself overflows float32 beyond |r| ~ 89
    loss = a + paddle.log1p(paddle.exp(-2.0 * a)) - math.log(2.0)
    return _reduce(loss.astype(input.dtype), reduction)


def quantile_loss(input, target, *, quantile=0.5, reduction: str = "mean"):
    r"""Quantile (pinball) loss (分位数损失): fits the ``quantile``-th conditional quantile.

    Under-prediction costs :math:`\gamma` per unit, over-prediction :math:`1 - \gamma`.

    .. math::
        l_n = \max\big(\gamma (y_n - x_n),\ (\gamma - 1)(y_n - x_n)\big)

    Args:
        input: predictions. With a sequence of ``Q`` quantiles, ``input`` has a trailing
            dimension of size ``Q`` (one prediction per quantile) and ``target`` the other dims.
        target: targets.
        quantile: :math:`\gamma \in (0, 1)` or a sequence of them. Default 0.5.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([4.0, 2.0, 1.0, 3.0]); y = paddle.to_tensor([1.0, 2.0, 3.0, 4.0])
        >>> round(float(quantile_loss(x, y, quantile=0.5)), 4)
        0.75

    References:
        Koenker and Bassett, "Regression Quantiles", Econometrica 46(1), 1978.
    """
    reduction = resolve_reduction(reduction, rule=EXTRA)
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    if isinstance(quantile, bool):
        raise TypeError("quantile must be a number, a sequence of numbers or a 1-D tensor, got bool")
    if isinstance(quantile, int | float):
        if not 0 < quantile < 1:
            raise ValueError(f"quantile must lie strictly between 0 and 1, got {quantile}")
        _check_same_shape(input, target)
        gamma = float(quantile)
        d = target - input
    else:
        qs = quantile.numpy().tolist() if isinstance(quantile, paddle.Tensor) else list(quantile)
        if not qs or not all(isinstance(q, int | float) and not isinstance(q, bool) for q in qs):
            raise ValueError(f"a tensor or sequence of quantiles must be 1-D and non-empty, got {qs}")
        if not all(0 < q < 1 for q in qs):
            raise ValueError(f"every quantile must lie strictly between 0 and 1, got {qs}")
        if not input.shape or input.shape[-1] != len(qs) or list(input.shape[:-1]) != list(target.shape):
            raise ValueError(
                f"with {len(qs)} quantiles, input must have shape (*, {len(qs)}) and target shape (*), "
                f"got input {tuple(input.shape)} and target {tuple(target.shape)}"
            )
        gamma = paddle.to_tensor(qs, dtype=input.dtype, place=input.place)
        d = target.unsqueeze(-1) - input
    # under-prediction (d >= 0) costs gamma per unit, over-prediction 1 - gamma
    loss = paddle.where(d >= 0, gamma * d, (gamma - 1.0) * d)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False, size_average=None,
                     eps: float = 1e-8, reduce=None, reduction: str = "mean"):
    r"""Poisson negative log-likelihood: the Paddle twin of ``torch.nn.functional.poisson_nll_loss``.

    For counts :math:`y_n` with predicted rate :math:`\lambda_n`, dropping the constant
    :math:`\log y_n!` unless ``full``:

    .. math::
        l_n = \begin{cases} e^{x_n} - y_n x_n & \text{log\_input (} x_n = \log\lambda_n) \\
              x_n - y_n \log(x_n + \varepsilon) & \text{otherwise (} x_n = \lambda_n) \end{cases}
              \;+\; [y_n > 1]\big(y_n \log y_n - y_n + \tfrac12 \log(2\pi y_n)\big)_{\text{full}}

    Args:
        input: log-rates (``log_input=True``, default) or rates.
        target: counts, same shape (broadcasts silently, as in torch).
        log_input: whether ``input`` is a log-rate. Default True.
        full: add Stirling's approximation of :math:`\log y!` where :math:`y > 1`. Default False.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        eps: added to the rate before the log when ``log_input=False``. Default 1e-8.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([0.0, 1.0]); y = paddle.to_tensor([1.0, 3.0])
        >>> round(float(poisson_nll_loss(x, y)), 4)
        0.3591

    See also:
        ``paddle.nn.functional.poisson_nll_loss`` (``epsilon``; equal shapes required).
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    reduction = resolve_reduction(reduction, size_average, reduce, rule=STRING_CHECK)
    x, y = _broadcast(input, target)
    xu, yu = _upcast(x), _upcast(y)
    if log_input:
        loss = paddle.exp(xu) - yu * xu
    else:
        loss = xu - yu * paddle.log(xu + eps)
    if full:
        big = yu > 1
        safe = paddle.where(big, yu, paddle.ones_like(yu))  # no log(0) even in the unused branch
        stirling = safe * paddle.log(safe) - safe + 0.5 * paddle.log(2.0 * math.pi * safe)
        loss = loss + paddle.where(big, stirling, paddle.zeros_like(stirling))
    return _reduce(loss.astype(input.dtype), reduction)


def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean"):
    r"""Gaussian negative log-likelihood: the Paddle twin of ``torch.nn.functional.gaussian_nll_loss``.

    The network predicts a mean :math:`x_n` and a variance :math:`\sigma^2_n`; large errors are
    cheaper where the predicted variance is large, which is paid for by the log term.

    .. math::
        l_n = \tfrac12\Big(\log \max(\sigma^2_n, \varepsilon)
              + \frac{(x_n - y_n)^2}{\max(\sigma^2_n, \varepsilon)}\Big)
              \;\big(+\ \tfrac12 \log 2\pi \text{ if full}\big)

    The clamp at :math:`\varepsilon` does not block the gradient (as in torch, it is applied to a
    copy outside autograd): the gradient is that of the formula evaluated at the clamped value.

    Args:
        input: predicted means, shape ``(N, *)``.
        target: targets, shape ``(N, *)``.
        var: variances, a tensor of the input's shape, or with one dimension of size 1, or
            without the last dimension (homoscedastic over it); or a non-negative float.
        full: add the constant :math:`\tfrac12\log 2\pi`. Default False.
        eps: the variance's lower clamp. Default 1e-6.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Example:
        >>> import paddle
        >>> x = paddle.to_tensor([0.0, 1.0]); y = paddle.to_tensor([1.0, 1.0])
        >>> round(float(gaussian_nll_loss(x, y, paddle.to_tensor([1.0, 1.0]))), 4)
        0.25

    References:
        Nix and Weigend, "Estimating the Mean and Variance of the Target Probability
        Distribution", ICNN 1994.

    See also:
        ``paddle.nn.functional.gaussian_nll_loss(input, label, variance, ...)`` (tensor only).
    """
    _check_tensor(input, "input")
    _check_tensor(target, "target")
    if isinstance(var, bool) or not isinstance(var, float | int | paddle.Tensor):
        raise TypeError(f"var must be a paddle.Tensor or a float, got {type(var).__name__}")
    if not isinstance(var, paddle.Tensor):
        if var < 0:
            raise ValueError(f"var has negative entry/entries: got {var}")
        var = paddle.full_like(input, float(var))
    else:
        _check_tensor(var, "var")
        if var.numel() > 0 and bool((var < 0).any()):  # torch validates these values too
            raise ValueError("var has negative entry/entries")
    shape, vshape = list(input.shape), list(var.shape)
    if vshape != shape:
        if shape[:-1] == vshape:
            var = var.unsqueeze(-1)  # homoscedastic over the last dimension
        elif not (len(shape) == len(vshape)
                  and sum(v for s, v in zip(shape, vshape, strict=True) if s != v) == 1):
            raise ValueError(
                f"var is of incorrect size: got {tuple(vshape)} for input of shape {tuple(shape)}; "
                "expected the input's shape, the input's shape without its last dimension, or the "
                "input's shape with one dimension of size 1"
            )
    reduction = resolve_reduction(reduction, rule=NOT_VALID)
    # clamp the value, keep the identity gradient: var + (clip(var) - var) with the bracket detached
    var = var + (paddle.clip(var, min=eps) - var).detach()
    loss = 0.5 * (paddle.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2.0 * math.pi)
    return _reduce(loss, reduction)
