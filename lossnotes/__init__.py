"""lossnotes: deep-learning loss functions from scratch, checked against PyTorch and PaddlePaddle.

Importing :mod:`lossnotes` never imports paddle; :mod:`lossnotes.paddle` does.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

__version__ = "0.1.0"

__all__ = ["__version__", "device", "rounded", "seed_everything"]

_VALID_DEVICES = ("cpu", "cuda", "mps")


def device() -> torch.device:
    """Return the device the notebooks and benchmarks run on.

    The order of preference is CUDA, then Apple's MPS, then the CPU. The environment variable
    ``LOSSNOTES_DEVICE`` overrides the choice (for example ``LOSSNOTES_DEVICE=cpu``).

    Raises:
        ValueError: if ``LOSSNOTES_DEVICE`` names a device type that is not ``cpu``, ``cuda`` or
            ``mps``, or one that this machine does not have.
    """
    wanted = os.environ.get("LOSSNOTES_DEVICE", "").strip()
    if wanted:
        kind = wanted.split(":")[0]
        if kind not in _VALID_DEVICES:
            raise ValueError(
                f"LOSSNOTES_DEVICE must name one of {_VALID_DEVICES} (optionally with an index, "
                f"e.g. 'cuda:1'), got {wanted!r}"
            )
        if kind == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"LOSSNOTES_DEVICE={wanted!r} but CUDA is not available here")
        if kind == "mps" and not torch.backends.mps.is_available():
            raise ValueError(f"LOSSNOTES_DEVICE={wanted!r} but MPS is not available here")
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> None:
    """Seed Python's, NumPy's and PyTorch's (CPU and every GPU) random generators.

    Args:
        seed: a non-negative integer.

    Raises:
        TypeError: if ``seed`` is not an int.
        ValueError: if ``seed`` is negative.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (the global generator is what user code draws from)
    torch.manual_seed(seed)  # also seeds every CUDA device


def rounded(x, digits: int = 4):
    """Return ``x`` (a tensor, array or number) as a Python float or nested list, rounded.

    The notebooks print numbers through this, so what they print does not depend on the device
    (no ``device='cuda:0'`` in a tensor's repr), on the last bits of a kernel, or on the sign of
    a zero.
    """
    if isinstance(x, torch.Tensor):
        x = x.detach().to("cpu", torch.float64).tolist()
    elif isinstance(x, np.ndarray | np.generic):
        x = np.asarray(x, dtype=np.float64).tolist()
    if isinstance(x, list | tuple):
        return [rounded(v, digits) for v in x]
    return round(float(x), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
