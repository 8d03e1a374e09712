"""Small deterministic toy data sets used by the book's experiments.

Every function draws from its own ``torch.Generator`` seeded by the ``seed`` argument, on the CPU,
and only then moves the result to ``device``: the same seed gives the same numbers on every
machine, whatever the global random state.
"""

from __future__ import annotations

import math

import torch

__all__ = ["polynomial_features", "sine_regression", "skewed_sample", "two_blobs"]


def _generator(seed: int) -> torch.Generator:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return torch.Generator(device="cpu").manual_seed(seed)


def _check_count(n: int, name: str, minimum: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {n!r}")


def sine_regression(n_train: int = 12, n_test: int = 200, *, noise: float = 0.25, seed: int = 0,
                    dtype: torch.dtype = torch.float64, device: torch.device | str | None = None):
    r"""Noisy samples of :math:`y = \sin(\pi x)` on :math:`[-1, 1]`, split into train and held-out.

    The training inputs are evenly spaced (so a small training set still covers the interval);
    the held-out inputs are drawn uniformly at random. Both targets carry Gaussian noise of
    standard deviation ``noise``.

    Args:
        n_train: number of training points (>= 2).
        n_test: number of held-out points (>= 1).
        noise: standard deviation of the Gaussian noise added to the targets (>= 0).
        seed: seed of the generator (a non-negative int).
        dtype: floating-point dtype of the returned tensors.
        device: device of the returned tensors (default: CPU).

    Returns:
        ``(x_train, y_train, x_test, y_test)``, each of shape ``(n,)``.
    """
    _check_count(n_train, "n_train", 2)
    _check_count(n_test, "n_test")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    g = _generator(seed)
    x_train = torch.linspace(-1.0, 1.0, n_train, dtype=torch.float64)
    x_test = torch.rand(n_test, generator=g, dtype=torch.float64) * 2.0 - 1.0
    y_train = torch.sin(math.pi * x_train) + noise * torch.randn(n_train, generator=g, dtype=torch.float64)
    y_test = torch.sin(math.pi * x_test) + noise * torch.randn(n_test, generator=g, dtype=torch.float64)
    return tuple(t.to(device=device, dtype=dtype) for t in (x_train, y_train, x_test, y_test))


def polynomial_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """Return the columns ``[1, x, x**2, ..., x**degree]`` of 1-D ``x``, shape ``(N, degree + 1)``."""
    if not isinstance(x, torch.Tensor) or x.dim() != 1:
        raise ValueError(f"x must be a 1-D tensor, got {type(x).__name__} "
                         f"{tuple(x.shape) if isinstance(x, torch.Tensor) else ''}")
    _check_count(degree, "degree", 0)
    powers = torch.arange(degree + 1, device=x.device, dtype=x.dtype)
    return x.unsqueeze(1) ** powers


def two_blobs(n: int = 200, *, distance: float = 2.0, seed: int = 0,
              dtype: torch.dtype = torch.float32, device: torch.device | str | None = None):
    """Two Gaussian blobs in the plane, one per class, for binary classification.

    Class 0 is centred at ``(-distance / 2, -distance / 2)``, class 1 at
    ``(distance / 2, distance / 2)``; both have unit variance. Classes alternate, so any prefix
    of the data set is balanced.

    Args:
        n: number of points (an even int >= 2).
        distance: distance between the centres along each axis.
        seed: seed of the generator (a non-negative int).
        dtype: floating-point dtype of ``x`` and ``y``.
        device: device of the returned tensors (default: CPU).

    Returns:
        ``(x, y)``: inputs of shape ``(n, 2)`` and float targets in ``{0, 1}`` of shape ``(n,)``.
    """
    _check_count(n, "n", 2)
    if n % 2:
        raise ValueError(f"n must be even, got {n}")
    g = _generator(seed)
    y = (torch.arange(n) % 2).to(torch.float64)
    centres = (y.unsqueeze(1) - 0.5) * distance
    x = centres + torch.randn(n, 2, generator=g, dtype=torch.float64)
    return x.to(device=device, dtype=dtype), y.to(device=device, dtype=dtype)


def skewed_sample(n: int = 15, *, seed: int = 0, dtype: torch.dtype = torch.float64,
                  device: torch.device | str | None = None) -> torch.Tensor:
    """A small right-skewed sample (exponential, mean 1), sorted, shape ``(n,)``.

    Its mean and median differ clearly, which shows which statistic a loss estimates.
    """
    _check_count(n, "n")
    g = _generator(seed)
    u = torch.rand(n, generator=g, dtype=torch.float64)
    sample = -torch.log1p(-u)  # inverse CDF of the unit exponential
    return sample.sort().values.to(device=device, dtype=dtype)
