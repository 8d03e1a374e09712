"""Named input checks. Each raises ``TypeError`` or ``ValueError`` naming the argument, what it
got and what it needs, so a reader sees the mistake instead of a silent broadcast."""

from __future__ import annotations

import torch


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


def check_integer(x: torch.Tensor, name: str) -> torch.Tensor:
    """Raise ``TypeError`` unless ``x`` is an integer (class-index) tensor."""
    check_tensor(x, name)
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        raise TypeError(f"{name} must be an integer tensor of class indices, got dtype {x.dtype}")
    return x


def check_same_shape(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_b} size ({tuple(b.shape)}) must be the same as {name_a} size ({tuple(a.shape)})"
        )


def check_same_device(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` live on the same device."""
    if a.device != b.device:
        raise ValueError(
            f"{name_a} and {name_b} must be on the same device, got {a.device} and {b.device}"
        )


def check_in_range(x: torch.Tensor, name: str, low: float, high: float) -> None:
    """Raise ``ValueError`` unless every element of ``x`` lies in ``[low, high]``.

    This reads the tensor's values, so it synchronises with the device; losses call it only
    where PyTorch itself validates values (e.g. probabilities in ``binary_cross_entropy``).
    """
    if x.numel() == 0:
        return
    bad = (x < low) | (x > high) | torch.isnan(x)
    if bool(bad.any()):
        first = x[bad][0].item()
        raise ValueError(f"all elements of {name} should be between {low} and {high}, got {first}")


def check_class_indices(target: torch.Tensor, num_classes: int, name: str = "target",
                        ignore_index: int | None = None) -> None:
    """Raise ``ValueError`` unless every class index lies in ``[0, num_classes)``
    (``ignore_index`` excepted)."""
    if target.numel() == 0:
        return
    bad = (target < 0) | (target >= num_classes)
    if ignore_index is not None:
        bad &= target != ignore_index
    if bool(bad.any()):
        first = int(target[bad][0].item())
        raise ValueError(
            f"{name} contains class index {first}, outside the valid range [0, {num_classes - 1}]"
            + (f" (ignore_index={ignore_index})" if ignore_index is not None else "")
        )


class InputError(ValueError, RuntimeError):
    """Bad input where PyTorch raises ``RuntimeError``.

    It is both a ``ValueError`` (the lossnotes convention) and a ``RuntimeError`` (what torch
    raises for the same input), so ``except RuntimeError`` written against torch and
    ``except ValueError`` written against lossnotes both catch it.
    """
