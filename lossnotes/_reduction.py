"""The one place where ``reduction='none' | 'mean' | 'sum'`` and the weighted mean live."""

from __future__ import annotations

import warnings

import torch

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction: str, allowed: tuple[str, ...] = REDUCTIONS) -> str:
    """Return ``reduction`` if it is one of ``allowed``, else raise ``ValueError`` naming it."""
    if not isinstance(reduction, str) or reduction not in allowed:
        raise ValueError(f"{reduction!r} is not a valid value for reduction: expected one of {allowed}")
    return reduction


def reduce(loss: torch.Tensor, reduction: str, weight: torch.Tensor | None = None) -> torch.Tensor:
    """Reduce an element-wise loss.

    ``'none'`` returns ``loss`` (times ``weight`` if given); ``'sum'`` returns ``sum(w * l)``;
    ``'mean'`` returns ``sum(w * l) / sum(w)``, which is the plain mean when ``weight`` is None.
    ``weight`` must broadcast to ``loss``. The mean of an empty loss is ``nan``, as in PyTorch,
    and keeps the autograd graph.
    """
    check_reduction(reduction)
    if weight is not None:
        loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if weight is None:
        return loss.mean()
    return loss.sum() / torch.broadcast_to(weight, loss.shape).sum()


def legacy_get_string(size_average: bool | None, reduce_: bool | None, emit_warning: bool = True) -> str:
    """Map PyTorch's deprecated ``size_average`` / ``reduce`` flags to a ``reduction`` string.

    Mirrors ``torch.nn._reduction.legacy_get_string``, including its deprecation warning.
    """
    if size_average is None:
        size_average = True
    if reduce_ is None:
        reduce_ = True
    if size_average and reduce_:
        ret = "mean"
    elif reduce_:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(
            f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
            UserWarning,
            stacklevel=3,
        )
    return ret
