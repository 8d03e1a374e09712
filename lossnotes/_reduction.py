"""The one place where ``reduction`` is resolved and where the weighted mean lives.

:func:`resolve_reduction` turns ``reduction`` (and PyTorch's deprecated ``size_average`` /
``reduce`` flags) into ``'none'``, ``'mean'``, ``'sum'`` (or ``'batchmean'`` for ``kl_div``).
PyTorch's functions do not all validate ``reduction`` alike, so each loss names the
:class:`ReductionRule` of its torch counterpart; the rules below are the code paths of
``torch.nn.functional`` (torch 2.13), found by running torch on every loss:

=================  ===============================================================  =============
rule               torch losses                                                     'elementwise_mean'
=================  ===============================================================  =============
``GET_ENUM``       via ``_Reduction.get_enum``: l1, mse, huber, smooth_l1, bce,     ``'mean'`` + warning
                   bce_with_logits, cross_entropy, nll, soft_margin, multi_margin,
                   multilabel_margin, margin_ranking, hinge_embedding,
                   cosine_embedding, triplet_margin, ctc, linear_cross_entropy
``KL_DIV``         ``kl_div`` (``get_enum`` plus ``'batchmean'``)                   ``'mean'`` + warning
``STRING_CHECK``   ``poisson_nll_loss``                                             ``ValueError``
``NOT_VALID``      ``gaussian_nll_loss``, ``multilabel_soft_margin_loss``           ``ValueError``
``TUPLE_CHECK``    ``triplet_margin_with_distance_loss``                            ``ValueError``
``WEIGHTED``       l1, mse, huber with a ``weight`` (torch reduces in Python)       ``ValueError``
``EXTRA``          losses PyTorch does not ship (``MEAN_ONLY`` for ``rmse_loss``)    ``ValueError``
=================  ===============================================================  =============

A bad value raises ``ValueError`` with torch's message; where torch builds that message as
``reduction + " is ..."`` (``STRING_CHECK``, ``NOT_VALID``) a non-string raises ``TypeError``,
as it does in torch. The deprecated flags, when either is given, decide alone (``reduction`` is
then ignored, as in torch) and warn with torch's ``UserWarning``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch

__all__ = [
    "EXTRA", "GET_ENUM", "KL_DIV", "MEAN_ONLY", "NOT_VALID", "REDUCTIONS", "STRING_CHECK", "TUPLE_CHECK", "WEIGHTED",
    "ReductionRule", "apply_legacy_flags", "check_reduction", "legacy_get_string", "reduce", "reduce_grad",
    "resolve_reduction",
]

REDUCTIONS = ("none", "mean", "sum")

#: torch's warning for the deprecated alias of ``'mean'``.
ELEMENTWISE_MEAN_WARNING = "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead."


@dataclass(frozen=True)
class ReductionRule:
    """How one of PyTorch's code paths validates ``reduction``.

    Attributes:
        allowed: the values accepted as they are.
        elementwise_mean: accept ``'elementwise_mean'`` as ``'mean'``, with torch's warning.
        message: the ``ValueError`` message, formatted with the bad value (and ``allowed=``).
        str_only: a value that is not a ``str`` raises ``TypeError`` (torch concatenates it).
    """

    allowed: tuple[str, ...] = REDUCTIONS
    elementwise_mean: bool = True
    message: str = "{} is not a valid value for reduction"
    str_only: bool = False


#: ``torch.nn._reduction.get_enum``: most losses.
GET_ENUM = ReductionRule()
#: ``kl_div``: ``get_enum`` plus ``'batchmean'``.
KL_DIV = ReductionRule(allowed=(*REDUCTIONS, "batchmean"))
#: ``poisson_nll_loss``: ``if reduction not in (...): raise ValueError(reduction + " is not a valid ...")``.
STRING_CHECK = ReductionRule(elementwise_mean=False, str_only=True)
#: ``gaussian_nll_loss`` and ``multilabel_soft_margin_loss``: ``reduction + " is not valid"``.
NOT_VALID = ReductionRule(elementwise_mean=False, message="{} is not valid", str_only=True)
#: ``triplet_margin_with_distance_loss``: ``if reduction not in ("mean", "sum", "none")``.
TUPLE_CHECK = ReductionRule(elementwise_mean=False)
#: ``l1_loss``, ``mse_loss``, ``huber_loss`` with a ``weight``: torch reduces in Python.
WEIGHTED = ReductionRule(elementwise_mean=False,
                         message="Invalid reduction mode: {}. Expected one of 'none', 'mean', 'sum'.")
#: Losses PyTorch does not ship: exactly ``'none'`` | ``'mean'`` | ``'sum'``.
EXTRA = ReductionRule(elementwise_mean=False,
                      message="{!r} is not a valid value for reduction: expected one of {allowed}")
#: ``rmse_loss`` (an extra): only ``'mean'`` is a root mean square.
MEAN_ONLY = ReductionRule(allowed=("mean",), elementwise_mean=False, message=EXTRA.message)


def resolve_reduction(
    reduction: object,
    size_average: bool | None = None,
    reduce: bool | None = None,
    *,
    rule: ReductionRule = GET_ENUM,
) -> str:
    """Return the reduction a loss performs, validated the way ``rule`` says torch does.

    Either deprecated flag, when given, maps to a reduction with torch's warning and
    ``reduction`` is ignored (``legacy_get_string``); else ``reduction`` must be one of
    ``rule.allowed``, or ``'elementwise_mean'`` where the rule accepts it (returned as ``'mean'``,
    with torch's deprecation warning).

    Raises:
        ValueError: for a value the rule refuses, with torch's message.
        TypeError: for a non-string value where torch's check concatenates it.
    """
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce, stacklevel=4)
    return check_reduction(reduction, rule)


def apply_legacy_flags(reduction: object, size_average: bool | None, reduce: bool | None) -> object:
    """torch's first step, alone: either deprecated flag decides (with torch's warning), else
    ``reduction`` comes back unchanged and unchecked. ``torch.nn`` loss modules do only this in
    their constructor, and leave the check to the function their ``forward`` calls."""
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce, stacklevel=4)
    return reduction


def check_reduction(reduction: object, rule: ReductionRule = GET_ENUM) -> str:
    """The second step of :func:`resolve_reduction`: validate ``reduction`` by ``rule``."""
    if isinstance(reduction, str):
        if reduction in rule.allowed:
            return reduction
        if reduction == "elementwise_mean" and rule.elementwise_mean:
            warnings.warn(ELEMENTWISE_MEAN_WARNING, UserWarning, stacklevel=4)
            return "mean"
    elif rule.str_only:
        raise TypeError(f"reduction must be a str, got {type(reduction).__name__} ({reduction!r})")
    raise ValueError(rule.message.format(reduction, allowed=rule.allowed))


def reduce(loss: torch.Tensor, reduction: str, weight: torch.Tensor | None = None) -> torch.Tensor:
    """Reduce an element-wise loss.

    ``'none'`` returns ``loss`` (times ``weight`` if given); ``'sum'`` returns ``sum(w * l)``;
    ``'mean'`` returns ``sum(w * l) / sum(w)``, which is the plain mean when ``weight`` is None.
    ``weight`` must broadcast to ``loss``. The mean of an empty loss is ``nan``, as in PyTorch,
    and keeps the autograd graph. ``reduction`` must already be resolved
    (:func:`resolve_reduction`); anything else raises ``ValueError``.
    """
    check_reduction(reduction, EXTRA)
    if weight is not None:
        loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if weight is None:
        return loss.mean()
    return loss.sum() / torch.broadcast_to(weight, loss.shape).sum()


def reduce_grad(grad: torch.Tensor, reduction: str, count, factor: float | None = None) -> torch.Tensor:
    """The backward of :func:`reduce`: what each element's gradient is multiplied by.

    The fused Functions compute ``f'(x)`` per element and multiply it by this. ``grad`` is the
    incoming gradient: a scalar for ``'mean'`` and ``'sum'``, one entry per element for
    ``'none'``. ``'mean'`` divides it by ``count`` (the number of elements, or the total weight);
    ``factor``, when given, is a constant of ``f'`` folded in on the way: ``grad * (factor / count)``
    for ``'mean'`` and ``grad * factor`` otherwise. A ``count`` of 0 (an empty loss, whose
    gradient is empty) leaves ``grad`` as it is.
    """
    if reduction == "mean" and not (isinstance(count, int) and count == 0):
        return grad / count if factor is None else grad * (factor / count)
    return grad if factor is None else grad * factor


def legacy_get_string(size_average: bool | None, reduce_: bool | None, emit_warning: bool = True,
                      stacklevel: int = 3) -> str:
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
            stacklevel=stacklevel,
        )
    return ret
