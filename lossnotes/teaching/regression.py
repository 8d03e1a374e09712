r"""Teaching forms of the regression losses.

``x`` are predictions, ``y`` targets, ``r = x - y``. Each function is the book's
formula for the element loss :math:`l_n`, followed by the reduction.
``lossnotes.functional`` computes the same values (the tests check it) with
PyTorch's signatures, checks and memory behaviour.
"""

import math

import torch

from lossnotes.teaching._reduce import reduce

__all__ = ["gaussian_nll", "huber", "l1", "log_cosh", "mean_bias_error", "mse",
           "poisson_nll", "quantile", "rmse", "smooth_l1"]


def l1(x, y, reduction="mean"):
    """Absolute error |x - y| (MAE after the mean)."""
    return reduce((x - y).abs(), reduction)


def mse(x, y, reduction="mean"):
    """Squared error (x - y)^2 (MSE after the mean)."""
    return reduce((x - y) ** 2, reduction)


def rmse(x, y, eps=0.0):
    """The square root of the MSE, in the target's units."""
    return torch.sqrt(mse(x, y) + eps)


def mean_bias_error(x, y, reduction="mean"):
    """Signed error x - y: positive when the predictions are too high on average."""
    return reduce(x - y, reduction)


def huber(x, y, delta=1.0, reduction="mean"):
    """Quadratic up to |r| = delta, then linear with slope delta."""
    r = (x - y).abs()
    loss = torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))
    return reduce(loss, reduction)


def smooth_l1(x, y, beta=1.0, reduction="mean"):
    """The Huber loss divided by its threshold: quadratic up to beta, then slope 1."""
    r = (x - y).abs()
    loss = torch.where(r < beta, 0.5 * r**2 / beta, r - 0.5 * beta)
    return reduce(loss, reduction)


def log_cosh(x, y, reduction="mean"):
    """log(cosh(r)) without overflow: |r| + log(1 + e^{-2|r|}) - log 2."""
    r = (x - y).abs()
    loss = r + torch.log1p(torch.exp(-2 * r)) - math.log(2.0)
    return reduce(loss, reduction)


def quantile(x, y, gamma=0.5, reduction="mean"):
    """Pinball loss: gamma per unit of under-prediction, 1 - gamma per unit over."""
    d = y - x
    loss = torch.maximum(gamma * d, (gamma - 1) * d)
    return reduce(loss, reduction)


def poisson_nll(x, y, log_input=True, eps=1e-8, reduction="mean"):
    """Poisson negative log-likelihood without its log(y!) term (PyTorch's full=False).

    With ``log_input`` the prediction is the log-rate x = log(lambda), else the rate.
    """
    loss = torch.exp(x) - y * x if log_input else x - y * torch.log(x + eps)
    return reduce(loss, reduction)


def gaussian_nll(x, y, var, eps=1e-6, full=False, reduction="mean"):
    """Gaussian negative log-likelihood: mean x, variance var (clamped at eps)."""
    var = var.clamp(min=eps)
    loss = 0.5 * (torch.log(var) + (x - y) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce(loss, reduction)
