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

import functools
from collections.abc import Callable

import torch
from torch.utils.checkpoint import checkpoint

__all__ = [
    "AUTOCAST_FP32", "AUTOCAST_FP32_CPU", "AUTOCAST_LINEAR_THEN_FP32", "LOW_PRECISION",
    "LOW_PRECISION_NAMES", "as_dtype", "autocast_like_torch", "compute_dtype", "fused_or_reference",
    "is_low_precision", "needs_reference", "recomputed_under_compile", "reference_grads",
    "result_dtype", "upcast",
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


def recomputed_under_compile(body: Callable, *args) -> torch.Tensor:
    """``body(*args)``; under ``torch.compile``, inside ``torch.utils.checkpoint``.

    For element-wise bodies with comparisons (hinges, label masks). Left to itself, the compiled
    graph's partitioner saves the cheapest tensors for the backward, which are the one-byte
    boolean masks of the comparisons; writing those masks is slow on some CPUs (a compiled
    ``x != 1`` over 4M floats took 8x as long as in eager on the machine the benchmark ran on).
    Inside a checkpoint the backward recomputes the body from its inputs, fused into its own
    kernel, and the forward stores nothing but its result. Eager mode saves what autograd saves
    and runs the body once.
    """
    if torch.compiler.is_compiling():
        return checkpoint(body, *args, use_reentrant=False, preserve_rng_state=False)
    return body(*args)


# ----------------------------------------------------------------------------- autocast

#: The losses that ``torch.autocast`` runs in float32 on CUDA and every device type but the CPU
#: (torch 2.13, ``aten/src/ATen/autocast_mode.cpp``: the fp32 cast policy). ``cross_entropy`` is
#: not listed there, but it is a composite of ``log_softmax`` and ``nll_loss``, which both run in
#: float32, so it does too. ``binary_cross_entropy`` is refused outright (a ``RuntimeError``).
AUTOCAST_FP32 = frozenset({
    "binary_cross_entropy_with_logits", "cosine_embedding_loss", "cross_entropy",
    "hinge_embedding_loss", "huber_loss", "kl_div", "l1_loss", "margin_ranking_loss", "mse_loss",
    "multi_margin_loss", "multilabel_margin_loss", "nll_loss", "poisson_nll_loss", "smooth_l1_loss",
    "soft_margin_loss", "triplet_margin_loss",
})
#: The same list for the CPU, which also runs ``binary_cross_entropy``, ``cross_entropy`` (listed
#: itself) and ``ctc_loss`` in float32 (its ``log_softmax`` stays in bfloat16).
AUTOCAST_FP32_CPU = AUTOCAST_FP32 | {"binary_cross_entropy", "ctc_loss"}
#: Composites of a ``linear`` layer, which autocast runs in the low precision, and a cross
#: entropy, which it runs in float32: their inputs are rounded to the low precision and the loss
#: is computed in float32 from them.
AUTOCAST_LINEAR_THEN_FP32 = frozenset({"linear_cross_entropy"})

_BCE_UNSAFE = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast "
    "(lossnotes follows torch): a sigmoid in low precision rounds to 0 or 1 long before the "
    "logit is large. Use binary_cross_entropy_with_logits or BCEWithLogitsLoss on the logits; "
    "they are safe to autocast.")


def _device_type(args: tuple, kwargs: dict) -> str | None:
    for a in (*args, *kwargs.values()):
        if isinstance(a, torch.Tensor):
            return a.device.type
    return None


def _autocast_fp32(x, device_type: str, low: torch.dtype | None = None):
    """What autocast's fp32 policy does to one argument: floating tensors of the device type
    other than float64 become float32 (rounded to ``low`` first when it is given); everything
    else passes unchanged."""
    if (isinstance(x, torch.Tensor) and x.is_floating_point() and x.dtype != torch.float64
            and x.device.type == device_type):
        return as_dtype(as_dtype(x, low) if low is not None else x, torch.float32)
    return x


def autocast_like_torch(fn: Callable) -> Callable:
    """Give a loss torch's autocast behaviour for the loss of the same name.

    Outside ``torch.autocast`` (the usual case) the loss runs unchanged. Inside, a loss on the
    device type's float32 list (:data:`AUTOCAST_FP32`, :data:`AUTOCAST_FP32_CPU`) gets its
    floating arguments as float32 and runs with autocast off, so that it returns float32 like
    torch's kernel; a linear-then-cross-entropy composite (:data:`AUTOCAST_LINEAR_THEN_FP32`)
    gets them rounded to autocast's dtype, then as float32; ``binary_cross_entropy`` off the CPU
    raises torch's ``RuntimeError``; any other loss runs unchanged, its primitives autocast one
    by one.
    """
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        device_type = _device_type(args, kwargs)
        if (device_type is None or not torch.amp.is_autocast_available(device_type)
                or not torch.is_autocast_enabled(device_type)):
            return fn(*args, **kwargs)
        if name == "binary_cross_entropy" and device_type != "cpu":
            raise RuntimeError(_BCE_UNSAFE)
        low = torch.get_autocast_dtype(device_type) if name in AUTOCAST_LINEAR_THEN_FP32 else None
        fp32 = AUTOCAST_FP32_CPU if device_type == "cpu" else AUTOCAST_FP32
        if low is None and name not in fp32:
            return fn(*args, **kwargs)
        args = tuple(_autocast_fp32(a, device_type, low) for a in args)
        kwargs = {k: _autocast_fp32(v, device_type, low) for k, v in kwargs.items()}
        with torch.autocast(device_type, enabled=False):
            return fn(*args, **kwargs)

    # One code object per loss: torch.compile caches its compiled frames per code object and,
    # past torch._dynamo.config.recompile_limit variants of one, runs it uncompiled. With one
    # shared ``wrapper`` code, a ninth loss compiled on its own would silently run eagerly.
    wrapper.__code__ = wrapper.__code__.replace(co_name=name, co_qualname=f"autocast_like_torch.{name}")
    return wrapper
