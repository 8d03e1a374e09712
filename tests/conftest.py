"""Shared fixtures: the float dtypes every loss is tested in, and a values-and-gradients comparison."""

from __future__ import annotations

import pytest
import torch

# float64 agrees with the native kernels to ~1e-12; float32 to a few ulps of the summed loss.
TOLERANCES = {
    torch.float64: {"rtol": 1e-10, "atol": 1e-12},
    torch.float32: {"rtol": 2e-5, "atol": 2e-6},
    torch.float16: {"rtol": 1e-2, "atol": 1e-2},
    torch.bfloat16: {"rtol": 4e-2, "atol": 4e-2},
}


@pytest.fixture(params=[torch.float32, torch.float64], ids=["float32", "float64"])
def dtype(request) -> torch.dtype:
    return request.param


@pytest.fixture
def gen() -> torch.Generator:
    """A seeded generator, so each test draws the same numbers in any order or subset."""
    return torch.Generator().manual_seed(0)


def assert_matches(ours, reference, *tensors, grad: bool = True, tol: dict | None = None, wrt: str = "floating",
                   **kwargs) -> None:
    """Assert ``ours(*tensors, **kwargs)`` equals ``reference(*tensors, **kwargs)`` in value, shape,
    dtype and gradient.

    Each function gets its own detached copies of ``tensors``; with ``wrt='floating'`` the floating
    ones require grad, with ``wrt='given'`` those that already require grad (the examples of
    :mod:`lossnotes.examples` mark the arguments a loss is differentiable in).
    The gradients are taken against the same random cotangent, so a ``reduction='none'`` output
    is checked in every direction at once, not only through its sum.
    """

    assert wrt in ("floating", "given"), wrt

    def wanted(t: torch.Tensor) -> bool:
        return grad and t.is_floating_point() and (wrt == "floating" or t.requires_grad)

    def leaves():
        return [t.detach().clone().requires_grad_(wanted(t)) if isinstance(t, torch.Tensor) else t for t in tensors]

    a, b = leaves(), leaves()
    out_a, out_b = ours(*a, **kwargs), reference(*b, **kwargs)
    assert out_a.shape == out_b.shape, (out_a.shape, out_b.shape)
    assert out_a.dtype == out_b.dtype, (out_a.dtype, out_b.dtype)
    tol = tol or TOLERANCES[out_b.dtype]
    torch.testing.assert_close(out_a, out_b, equal_nan=True, **tol)
    if not grad or not out_b.requires_grad:
        return
    cotangent = torch.randn(out_b.shape, generator=torch.Generator().manual_seed(1)).to(out_b.dtype)
    wrt_a = [t for t in a if isinstance(t, torch.Tensor) and t.requires_grad]
    wrt_b = [t for t in b if isinstance(t, torch.Tensor) and t.requires_grad]
    grads_a = torch.autograd.grad(out_a, wrt_a, cotangent, allow_unused=True)
    grads_b = torch.autograd.grad(out_b, wrt_b, cotangent, allow_unused=True)
    for g_a, g_b, t in zip(grads_a, grads_b, wrt_b, strict=True):
        g_a = torch.zeros_like(t) if g_a is None else g_a
        g_b = torch.zeros_like(t) if g_b is None else g_b
        torch.testing.assert_close(g_a, g_b, equal_nan=True, **tol)
