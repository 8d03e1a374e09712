"""Named input checks. Each raises ``TypeError`` or ``ValueError`` naming the argument, what it
got and what it needs, so a reader sees the mistake instead of a silent broadcast.

The error policy: where PyTorch raises ``RuntimeError`` (or ``IndexError``) for bad input, the
lossnotes exception *is* that type as well. :class:`InputError` is a ``ValueError`` and a
``RuntimeError``; :class:`InputIndexError` adds ``IndexError`` (class index out of range);
:class:`InputDtypeError` is a ``TypeError`` and a ``NotImplementedError`` (a ``RuntimeError``:
torch raises one or the other for a wrong dtype, depending on the kernel).

Value checks (every element of a tensor in a range, a class index below ``C``) read the device:
one host synchronisation each. Under ``torch.compile`` they are skipped (:func:`value_checks`), so
that the compiled graph has no break and no hidden sync; shape, dtype and option checks, which
read no tensor values, always run.
"""

from __future__ import annotations

import torch


class InputError(ValueError, RuntimeError):
    """Bad input where PyTorch raises ``RuntimeError``.

    It is both a ``ValueError`` (the lossnotes convention) and a ``RuntimeError`` (what torch
    raises for the same input), so ``except RuntimeError`` written against torch and
    ``except ValueError`` written against lossnotes both catch it.
    """


class InputIndexError(InputError, IndexError):
    """A class index (or dimension) out of range, where PyTorch raises ``IndexError``.

    It is also an :class:`InputError` (so a ``ValueError`` and a ``RuntimeError``): PyTorch
    raises ``IndexError`` for ``nll_loss`` / ``cross_entropy`` and ``RuntimeError`` for the margin
    losses, and one class fits both.
    """


class InputDtypeError(TypeError, NotImplementedError):
    """A tensor of the wrong dtype, where PyTorch raises ``RuntimeError`` or its subclass
    ``NotImplementedError`` ("... not implemented for 'Long'"). It is a ``TypeError`` too."""


def value_checks(*tensors: torch.Tensor) -> bool:
    """Whether checks that read tensor values (and so synchronise with the device) run: in eager
    mode yes; under ``torch.compile`` (``torch.compiler.is_compiling()``) no; and not when one
    of ``tensors`` (the ones the check would read) is on the ``meta`` device, which holds shapes
    and no values.

    Every loss asks this one function before a value check, so a compiled loss traces into one
    graph, and a loss on meta tensors gives the shape and dtype of its result as torch's own
    losses do; invalid values then give whatever the arithmetic gives (as torch's own compiled
    kernels do), not an error.
    """
    return not torch.compiler.is_compiling() and not any(t.is_meta for t in tensors)


def check_tensor(x: object, name: str) -> torch.Tensor:
    """Raise ``TypeError`` unless ``x`` is a ``torch.Tensor``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    return x


def check_floating(x: torch.Tensor, name: str) -> torch.Tensor:
    """Raise ``TypeError`` unless ``x`` is a floating-point tensor."""
    check_tensor(x, name)
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
    return x


def check_integer(x: torch.Tensor, name: str, what: str = "an integer tensor of class indices") -> torch.Tensor:
    """Raise :class:`InputDtypeError` (a ``TypeError``) unless ``x`` is an integer tensor;
    ``what`` says what it must be."""
    check_tensor(x, name)
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        raise InputDtypeError(f"{name} must be {what}, got dtype {x.dtype}")
    return x


def check_same_shape(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_b} size ({tuple(b.shape)}) must be the same as {name_a} size ({tuple(a.shape)})"
        )


def check_in_range(x: torch.Tensor, name: str, low: float, high: float) -> None:
    """Raise :class:`InputError` unless every element of ``x`` lies in ``[low, high]``.

    This reads the tensor's values, so it synchronises with the device; losses call it only
    where PyTorch itself validates values (e.g. probabilities in ``binary_cross_entropy``).
    Skipped under ``torch.compile`` (:func:`value_checks`).
    """
    if x.numel() == 0 or not value_checks(x):
        return
    bad = (x < low) | (x > high) | torch.isnan(x)
    if bool(bad.any()):
        first = x[bad][0].item()
        raise InputError(f"all elements of {name} should be between {low} and {high}, got {first}")


def check_class_indices(target: torch.Tensor, num_classes: int, name: str = "target",
                        ignore_index: int | None = None) -> None:
    """Raise :class:`InputIndexError` unless every class index lies in ``[0, num_classes)``
    (``ignore_index`` excepted). One read of the device; skipped under ``torch.compile``
    (:func:`value_checks`)."""
    if target.numel() == 0 or not value_checks(target):
        return
    bad = (target < 0) | (target >= num_classes)
    if ignore_index is not None:
        bad &= target != ignore_index
    if bool(bad.any()):
        first = int(target[bad][0].item())
        raise InputIndexError(
            f"{name} contains class index {first}, outside the valid range [0, {num_classes - 1}]"
            + (f" (ignore_index={ignore_index})" if ignore_index is not None else "")
        )
