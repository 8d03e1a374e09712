"""Helpers shared by the tests that compare the Paddle twins with torch and with Paddle.

Each ``_run`` takes NumPy arrays, builds the framework's tensors (the floating arrays in
``grad_of`` require gradients), calls ``fn`` and returns the value and those gradients as NumPy
arrays. A 'none' result is reduced against a fixed cotangent so that it is checked through its
gradient too. Arguments that are not arrays (lengths, callables) pass through unchanged.
"""

from __future__ import annotations

import numpy as np
import torch
from conftest import TOLERANCES

import lossnotes.paddle  # noqa: F401  (first: it imports paddle with paddle's import warnings filtered)

DTYPES = ["float32", "float64"]
REDUCTIONS = ["none", "mean", "sum"]
TOL = {name: TOLERANCES[getattr(torch, name)] for name in DTYPES}

import paddle  # noqa: E402  (already imported, quietly, by lossnotes.paddle)


def upstream(shape, dtype):
    """A fixed cotangent, so that 'none' results are checked through their gradient too."""
    return np.random.default_rng(123).uniform(0.5, 1.5, size=shape).astype(dtype)


def is_float(a) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind == "f"


def torch_run(fn, args, kwargs, none: bool, grad_of=None):
    """The value and the gradients (zeros where the loss does not depend on an argument)."""
    grad_of = range(len(args)) if grad_of is None else grad_of
    ts = [torch.tensor(a, requires_grad=is_float(a) and i in grad_of) if isinstance(a, np.ndarray)
          else a for i, a in enumerate(args)]
    kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out = fn(*ts, **kw)
    up = torch.tensor(upstream(tuple(out.shape), out.detach().numpy().dtype)) if none else 1.0
    (out * up).sum().backward()
    return out.detach().numpy(), [np.zeros_like(t.detach().numpy()) if t.grad is None else t.grad.numpy()
                                  for t in ts if isinstance(t, torch.Tensor) and t.requires_grad]


def paddle_run(fn, args, kwargs, none: bool, grad_of=None):
    """The same as ``torch_run`` with Paddle tensors."""
    grad_of = range(len(args)) if grad_of is None else grad_of
    ts = [paddle.to_tensor(a, stop_gradient=not (is_float(a) and i in grad_of))
          if isinstance(a, np.ndarray) else a for i, a in enumerate(args)]
    kw = {k: paddle.to_tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    out = fn(*ts, **kw)
    if none:
        (out * paddle.to_tensor(upstream(tuple(out.shape), out.numpy().dtype))).sum().backward()
    else:
        out.sum().backward()
    return out.numpy(), [np.zeros(t.shape, dtype=t.numpy().dtype) if t.grad is None else t.grad.numpy()
                         for t in ts if isinstance(t, paddle.Tensor) and not t.stop_gradient]


def pt(values, dtype="float32", stop_gradient=True):
    return paddle.to_tensor(np.asarray(values, dtype=dtype), stop_gradient=stop_gradient)


def assert_same(a, b, dtype, tol=None):
    """Two ``(value, gradients)`` results agree within the dtype's tolerance, in the dtype."""
    (va, ga), (vb, gb) = a, b
    tol = tol or TOL[dtype]
    assert va.shape == vb.shape, (va.shape, vb.shape)
    np.testing.assert_allclose(va, vb, **tol)
    assert va.dtype == vb.dtype == np.dtype(dtype)
    assert len(ga) == len(gb)
    for x, y in zip(ga, gb, strict=True):
        np.testing.assert_allclose(x, y, **tol)
