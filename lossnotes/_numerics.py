"""Numerics shared by every loss family: the compute dtype, and the pattern of the fused
autograd Functions (a hand-written backward, with the plain teaching expression as its fallback).

* float16 and bfloat16 are computed in float32 and the result is cast back
  (:func:`compute_dtype`, :func:`upcast`); every other dtype is computed in itself.
* A fused Function saves only its inputs and writes its forward and backward passes in place.
  Each is paired with a *reference*: the same loss as plain differentiable tensor expressions.
  The reference serves the double backward (``create_graph=True``) and the gradients a Function
  does not fuse (:func:`needs_reference`, :func:`reference_grads`), and it replaces the Function
  under ``torch.compile`` (:func:`fused_or_reference`), where an autograd Function is opaque to
  inductor and the plain expression can be fused with its neighbours.

No loss family imports another: the families share this module, :mod:`lossnotes._reduction` and
:mod:`lossnotes._checks`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

__all__ = [
    "LOW_PRECISION", "LOW_PRECISION_NAMES", "as_dtype", "compute_dtype", "fused_or_reference",
    "is_low_precision", "needs_reference", "reference_grads", "result_dtype", "upcast",
]

#: dtypes computed in float32.
LOW_PRECISION = (torch.float16, torch.bfloat16)
#: their names, for frameworks with dtypes of their own (``paddle.float16`` prints as ``paddle.float16``).
LOW_PRECISION_NAMES = ("float16", "bfloat16")


def compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """float16/bfloat16 are computed in float32; every other dtype in itself."""
    return torch.float32 if dtype in LOW_PRECISION else dtype


def is_low_precision(dtype: object) -> bool:
    """Whether ``dtype`` (of torch or another framework, by its name) is float16 or bfloat16."""
    return str(dtype).rpartition(".")[2] in LOW_PRECISION_NAMES


def upcast(x: torch.Tensor) -> torch.Tensor:
    """``x`` in its compute dtype: float16/bfloat16 as float32, other dtypes unchanged."""
    return x.float() if x.dtype in LOW_PRECISION else x


def as_dtype(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``x.to(dtype)``, without the call when it already has that dtype (the common case)."""
    return x if x.dtype == dtype else x.to(dtype)


def _category(dtype: torch.dtype) -> int:
    return 3 if dtype.is_complex else 2 if dtype.is_floating_point else 0 if dtype == torch.bool else 1


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    """``torch.result_type(a, b)`` for two tensors.

    Under ``torch.compile`` ``torch.result_type`` (which returns a dtype, not a tensor) breaks
    the graph; there torch's rule is spelt out from ``torch.promote_types``: the tensors with
    dimensions decide, and a 0-d tensor counts only when its category (bool < integer < floating
    < complex) is higher.
    """
    if not torch.compiler.is_compiling():
        return torch.result_type(a, b)
    dims = [t.dtype for t in (a, b) if t.dim() > 0]
    zeros = [t.dtype for t in (a, b) if t.dim() == 0]
    higher = torch.promote_types(*dims) if len(dims) == 2 else dims[0] if dims else None
    lower = torch.promote_types(*zeros) if len(zeros) == 2 else zeros[0] if zeros else None
    if higher is None or lower is None:
        return higher or lower
    if _category(lower) > _category(higher):
        if lower.is_complex and higher.is_floating_point:
            return {torch.float16: torch.complex32, torch.float64: torch.complex128}.get(higher, torch.complex64)
        return torch.promote_types(higher, lower)
    return higher


# ----------------------------------------------------------------------------- fused Functions


def needs_reference(ctx, fused: int = 1) -> bool:
    """Whether a fused Function's backward must differentiate its reference instead: for a
    double backward (grad mode on inside ``backward``: ``create_graph=True``), or when a gradient
    is wanted for an argument past the first ``fused`` ones, which the Function does not fuse."""
    return torch.is_grad_enabled() or any(ctx.needs_input_grad[fused:])


def reference_grads(ctx, grad, reference: Callable, tensors: tuple, options: tuple) -> tuple:
    """Gradients of ``reference(*tensors, *options)`` by autograd, for a Function's backward.

    The fused Functions call this for the double backward (``create_graph=True``) and for rare
    gradients they do not fuse: the plain expressions give the same values and are themselves
    differentiable. Returns one entry per argument of the Function's ``forward``.
    """
    needs = ctx.needs_input_grad
    inputs = [t for t, need in zip(tensors, needs, strict=False) if need]
    create_graph = torch.is_grad_enabled()
    with torch.enable_grad():
        loss = reference(*tensors, *options)
    found = iter(torch.autograd.grad(loss, inputs, grad, create_graph=create_graph, allow_unused=True))
    grads = [next(found) if need else None for need in needs[:len(tensors)]]
    return (*grads, *([None] * (len(needs) - len(tensors))))


def fused_or_reference(function: type[torch.autograd.Function], reference: Callable, tensors: tuple,
                       options: tuple) -> torch.Tensor:
    """``function.apply(*tensors, *options)``; under ``torch.compile``, ``reference(...)``.

    An autograd Function is opaque to inductor, which cannot fuse it with its neighbours; the
    reference is the same loss as plain tensor expressions, which it can (and whose backward it
    derives and fuses too). Values agree up to the rounding of the summation order.
    """
    if torch.compiler.is_compiling():
        return reference(*tensors, *options)
    return function.apply(*tensors, *options)
