"""``nn.Module`` forms of the lossnotes losses, with ``torch.nn``'s class names and constructor arguments.

Each class is thin: the constructor stores the options (class weights as buffers, so they follow
``.to(device)``), and ``forward`` calls the function in :mod:`lossnotes.functional`. The function's
docstring is the documentation; a class only says which function it wraps. As in ``torch.nn``,
the deprecated ``size_average`` / ``reduce`` arguments still work: they are mapped to
``reduction`` with the same warning.
"""

from __future__ import annotations

import inspect
import math
import types
from collections.abc import Callable

import torch
from torch import Tensor

from lossnotes import functional as F
from lossnotes._reduction import apply_legacy_flags

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "BalancedBCELoss",
    "CTCLoss",
    "CompleteBoxIoULoss",
    "ContrastiveLoss",
    "CosineEmbeddingLoss",
    "CrossEntropyLoss",
    "DiceLoss",
    "DistanceBoxIoULoss",
    "FocalLoss",
    "FocalTverskyLoss",
    "GANDiscriminatorLoss",
    "GANGeneratorLoss",
    "GaussianKLLoss",
    "GaussianNLLLoss",
    "GeneralizedBoxIoULoss",
    "HingeDiscriminatorLoss",
    "HingeEmbeddingLoss",
    "HingeGeneratorLoss",
    "HingeLoss",
    "HuberLoss",
    "InfoNCELoss",
    "IoULoss",
    "JaccardLoss",
    "KLDivLoss",
    "L1Loss",
    "LSGANDiscriminatorLoss",
    "LSGANGeneratorLoss",
    "LinearCrossEntropyLoss",
    "LogCoshLoss",
    "LovaszHingeLoss",
    "LovaszSoftmaxLoss",
    "MSELoss",
    "MarginRankingLoss",
    "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "NLLLoss",
    "PoissonNLLLoss",
    "QuantileLoss",
    "RMSELoss",
    "SigmoidFocalLoss",
    "SmoothL1Loss",
    "SoftMarginLoss",
    "SquaredHingeLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
    "TverskyLoss",
    "VAELoss",
    "WassersteinCriticLoss",
    "WassersteinGeneratorLoss",
    "WeightedBCELoss",
]


class _Loss(torch.nn.Module):
    """Base class: resolves ``reduction`` from the deprecated flags the way ``torch.nn`` does."""

    reduction: str

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        # as in torch.nn: map the deprecated flags now, check ``reduction`` in ``forward``
        self.reduction = apply_legacy_flags(reduction, size_average, reduce)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    """Base class for losses with a per-class ``weight``, kept as a buffer."""

    weight: Tensor | None

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


# ---------------------------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------------------------


class L1Loss(_Loss):
    """Module form of :func:`lossnotes.functional.l1_loss` (平均绝对误差, MAE)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Module form of :func:`lossnotes.functional.mse_loss` (均方误差, MSE)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Module form of :func:`lossnotes.functional.huber_loss` (Huber 损失) with threshold ``delta``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        if isinstance(delta, bool) or not isinstance(delta, float | int):
            raise TypeError(f"delta must be a float or int, got {type(delta).__name__}")
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """Module form of :func:`lossnotes.functional.smooth_l1_loss` (平滑 L1 损失) with threshold ``beta``."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class PoissonNLLLoss(_Loss):
    """Module form of :func:`lossnotes.functional.poisson_nll_loss` (泊松负对数似然)."""

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None, eps: float = 1e-8,
                 reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Module form of :func:`lossnotes.functional.gaussian_nll_loss` (高斯负对数似然)."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor | float) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


# ---------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------


class BCELoss(_WeightedLoss):
    """Module form of :func:`lossnotes.functional.binary_cross_entropy` (二元交叉熵, BCE)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Module form of :func:`lossnotes.functional.binary_cross_entropy_with_logits`.

    ``weight`` and ``pos_weight`` are buffers, as in ``torch.nn.BCEWithLogitsLoss``.
    """

    weight: Tensor | None
    pos_weight: Tensor | None

    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Module form of :func:`lossnotes.functional.cross_entropy` (交叉熵)."""

    def __init__(self, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                 reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Module form of :func:`lossnotes.functional.nll_loss` (负对数似然, NLL)."""

    def __init__(self, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                 reduce=None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class KLDivLoss(_Loss):
    """Module form of :func:`lossnotes.functional.kl_div` (KL 散度)."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class SoftMarginLoss(_Loss):
    """Module form of :func:`lossnotes.functional.soft_margin_loss` (软间隔损失)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Module form of :func:`lossnotes.functional.multilabel_soft_margin_loss` (多标签软间隔损失)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Module form of :func:`lossnotes.functional.multi_margin_loss` (多分类合页损失)."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None, size_average=None,
                 reduce=None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError(f"p must be 1 or 2 (only p == 1 and p == 2 supported), got {p!r}")
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"weight must be None or a 1-D tensor of class weights, got {weight.dim()}-D")
        self.p = p
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                   reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Module form of :func:`lossnotes.functional.multilabel_margin_loss` (多标签间隔损失)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


# ---------------------------------------------------------------------------------------------
# Embedding and ranking
# ---------------------------------------------------------------------------------------------


class MarginRankingLoss(_Loss):
    """Module form of :func:`lossnotes.functional.margin_ranking_loss` (间隔排序损失)."""

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """Module form of :func:`lossnotes.functional.hinge_embedding_loss` (合页嵌入损失)."""

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """Module form of :func:`lossnotes.functional.cosine_embedding_loss` (余弦嵌入损失)."""

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """Module form of :func:`lossnotes.functional.triplet_margin_loss` (三元组间隔损失)."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"margin must be greater than 0, got {margin}")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """Module form of :func:`lossnotes.functional.triplet_margin_with_distance_loss`.

    As in torch, a missing ``distance_function`` becomes ``torch.nn.PairwiseDistance()``.
    """

    def __init__(self, *, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                 margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        if margin <= 0:
            raise ValueError(f"margin must be greater than 0, got {margin}")
        self.distance_function = (distance_function if distance_function is not None
                                  else torch.nn.PairwiseDistance())
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(anchor, positive, negative,
                                                   distance_function=self.distance_function,
                                                   margin=self.margin, swap=self.swap,
                                                   reduction=self.reduction)


# ---------------------------------------------------------------------------------------------
# Sequences and scale
# ---------------------------------------------------------------------------------------------


class CTCLoss(_Loss):
    """Module form of :func:`lossnotes.functional.ctc_loss` (连接时序分类损失, CTC)."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor,
                target_lengths: Tensor) -> Tensor:
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)


class LinearCrossEntropyLoss(_WeightedLoss):
    """A linear layer followed by cross entropy: module form of :func:`lossnotes.functional.linear_cross_entropy`.

    Like ``torch.nn.LinearCrossEntropyLoss`` it owns the classifier, ``self.linear``, whose weight
    is stored flat as ``(num_classes * prod(out_features), in_features)`` and reshaped in
    ``forward``.
    """

    def __init__(self, in_features: int, num_classes: int, *, out_features: tuple[int, ...] = (),
                 bias: bool = False, device=None, dtype=None, reduction: str = "mean",
                 weight: Tensor | None = None, ignore_index: int | None = None,
                 label_smoothing: float = 0.0, options=None) -> None:
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise ValueError(f"weight must have shape {(num_classes,)}, got {tuple(weight.shape)}")
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
        super().__init__(weight, None, None, reduction)
        self.num_classes = num_classes
        self.out_features = tuple(out_features)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        self.linear = torch.nn.Linear(in_features, math.prod(self.out_features, start=num_classes),
                                      bias=bias, device=device, dtype=dtype)
        self.options = options

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        linear_weight = self.linear.weight.reshape(
            (self.num_classes, *self.out_features, self.linear.in_features))
        linear_bias = (self.linear.bias.reshape((self.num_classes, *self.out_features))
                       if self.linear.bias is not None else None)
        return F.linear_cross_entropy(input, linear_weight, target, linear_bias=linear_bias,
                                      weight=self.weight, reduction=self.reduction,
                                      ignore_index=self.ignore_index,
                                      label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self) -> str:
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction!r}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}")


# ---------------------------------------------------------------------------------------------
# Extras (no torch.nn counterpart)
# ---------------------------------------------------------------------------------------------


class RMSELoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.rmse_loss` (均方根误差, RMSE)."""

    def __init__(self, *, reduction: str = "mean", eps: float = 0.0) -> None:
        super().__init__()
        self.reduction = reduction
        self.eps = eps

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.rmse_loss(input, target, reduction=self.reduction, eps=self.eps)


class LogCoshLoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.log_cosh_loss` (Log-Cosh 损失)."""

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.log_cosh_loss(input, target, reduction=self.reduction)


class QuantileLoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.quantile_loss` (分位数损失).

    A tensor ``quantile`` is kept as a buffer, so it follows the module to another device.
    """

    def __init__(self, *, quantile=0.5, reduction: str = "mean") -> None:
        super().__init__()
        if isinstance(quantile, Tensor):
            self.register_buffer("quantile", quantile)
        else:
            self.quantile = quantile
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.quantile_loss(input, target, quantile=self.quantile, reduction=self.reduction)


class ContrastiveLoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.contrastive_loss` (对比损失)."""

    def __init__(self, *, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__()
        self.margin = margin
        self.reduction = reduction

    def forward(self, x1: Tensor, x2: Tensor, target: Tensor) -> Tensor:
        return F.contrastive_loss(x1, x2, target, margin=self.margin, reduction=self.reduction)


class InfoNCELoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.info_nce_loss` (InfoNCE 损失)."""

    def __init__(self, *, temperature: float = 0.1, reduction: str = "mean") -> None:
        super().__init__()
        self.temperature = temperature
        self.reduction = reduction

    def forward(self, query: Tensor, key: Tensor) -> Tensor:
        return F.info_nce_loss(query, key, temperature=self.temperature, reduction=self.reduction)


class WeightedBCELoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.weighted_binary_cross_entropy` (加权二元交叉熵).

    Tensor ``pos_weight`` and ``weight`` are kept as buffers, so they follow the module to
    another device.
    """

    def __init__(self, *, pos_weight=1.0, weight: Tensor | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        if isinstance(pos_weight, Tensor):
            self.register_buffer("pos_weight", pos_weight)
        else:
            self.pos_weight = pos_weight
        self.register_buffer("weight", weight)
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.weighted_binary_cross_entropy(input, target, pos_weight=self.pos_weight,
                                               weight=self.weight, reduction=self.reduction)


class BalancedBCELoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.balanced_binary_cross_entropy` (平衡交叉熵)."""

    def __init__(self, *, beta: float = 0.5, weight: Tensor | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.beta = beta
        self.register_buffer("weight", weight)
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.balanced_binary_cross_entropy(input, target, beta=self.beta, weight=self.weight,
                                               reduction=self.reduction)


class FocalLoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.focal_loss` (焦点损失, on probabilities)."""

    def __init__(self, *, alpha: float | None = 0.25, gamma: float = 2.0,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.alpha = alpha
        self.gamma = gamma
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.focal_loss(input, target, alpha=self.alpha, gamma=self.gamma,
                            reduction=self.reduction)


class SigmoidFocalLoss(FocalLoss):
    """Module form of :func:`lossnotes.functional.sigmoid_focal_loss` (焦点损失, on logits)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.sigmoid_focal_loss(input, target, alpha=self.alpha, gamma=self.gamma,
                                    reduction=self.reduction)


class HingeLoss(torch.nn.Module):
    """Module form of :func:`lossnotes.functional.hinge_loss` (合页损失)."""

    def __init__(self, *, margin: float = 1.0, weight: Tensor | None = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.margin = margin
        self.register_buffer("weight", weight)
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_loss(input, target, margin=self.margin, weight=self.weight,
                            reduction=self.reduction)


class SquaredHingeLoss(HingeLoss):
    """Module form of :func:`lossnotes.functional.squared_hinge_loss` (平方合页损失)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.squared_hinge_loss(input, target, margin=self.margin, weight=self.weight,
                                    reduction=self.reduction)


# ---------------------------------------------------------------------------------------------
# Detection, segmentation and generative models: one thin module per function, made alike
# ---------------------------------------------------------------------------------------------


def _options(function: Callable) -> list[inspect.Parameter]:
    """The options of ``function``: its parameters with a default (the tensors have none)."""
    return [p for p in inspect.signature(function).parameters.values() if p.default is not p.empty]


class _OptionsLoss(torch.nn.Module):
    """A module that stores the options of one function and calls it on the tensors.

    The constructor takes the function's options, keyword-only, with the function's defaults
    (tensor options are buffers, so they follow ``.to(device)``); ``forward`` takes the tensors.
    A subclass names its function in ``_function``; the documentation is the function's.
    """

    _function: Callable

    def __init__(self, **options) -> None:
        super().__init__()
        known = {p.name: p.default for p in _options(self._function)}
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments {unknown}; "
                            f"its options are {sorted(known)}")
        for name, default in known.items():
            value = options.get(name, default)
            if isinstance(value, Tensor):
                self.register_buffer(name, value)
            else:
                setattr(self, name, value)

    def forward(self, *tensors: Tensor) -> Tensor:
        return type(self)._function(*tensors, **{p.name: getattr(self, p.name) for p in _options(self._function)})

    def extra_repr(self) -> str:
        return ", ".join(f"{p.name}={getattr(self, p.name)!r}" for p in _options(self._function)
                         if not isinstance(getattr(self, p.name), Tensor))


def _module(name: str, function: Callable, term: str) -> type:
    """A subclass of :class:`_OptionsLoss` for ``function``, whose constructor shows its options."""

    def __init__(self, **options) -> None:
        _OptionsLoss.__init__(self, **options)

    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in _options(function)]
    __init__.__signature__ = inspect.Signature(params, return_annotation=None)
    __init__.__qualname__ = f"{name}.__init__"
    doc = f"Module form of :func:`lossnotes.functional.{function.__name__}` ({term})."
    # A forward with a code object of its own: torch.compile caches compiled frames per code
    # object and, past torch._dynamo.config.recompile_limit variants, runs one uncompiled, so
    # one ``forward`` code shared by all these classes would leave the ninth module compiled on
    # its own silently eager.
    base = _OptionsLoss.forward
    forward = types.FunctionType(base.__code__.replace(co_qualname=f"{name}.forward"), base.__globals__, "forward")
    forward.__qualname__ = f"{name}.forward"
    return type(name, (_OptionsLoss,), {"_function": staticmethod(function), "__init__": __init__,
                                        "forward": forward, "__doc__": doc, "__module__": __name__,
                                        "__qualname__": name})


IoULoss = _module("IoULoss", F.iou_loss, "交并比损失; reduction='none' by default, as the function")
GeneralizedBoxIoULoss = _module("GeneralizedBoxIoULoss", F.generalized_box_iou_loss, "广义交并比损失")
DistanceBoxIoULoss = _module("DistanceBoxIoULoss", F.distance_box_iou_loss, "距离交并比损失")
CompleteBoxIoULoss = _module("CompleteBoxIoULoss", F.complete_box_iou_loss, "完全交并比损失")
DiceLoss = _module("DiceLoss", F.dice_loss, "Dice 损失")
JaccardLoss = _module("JaccardLoss", F.jaccard_loss, "Jaccard 损失")
TverskyLoss = _module("TverskyLoss", F.tversky_loss, "Tversky 损失")
FocalTverskyLoss = _module("FocalTverskyLoss", F.focal_tversky_loss, "焦点 Tversky 损失")
LovaszSoftmaxLoss = _module("LovaszSoftmaxLoss", F.lovasz_softmax_loss, "Lovász-Softmax 损失")
LovaszHingeLoss = _module("LovaszHingeLoss", F.lovasz_hinge_loss, "Lovász 合页损失")
GANDiscriminatorLoss = _module("GANDiscriminatorLoss", F.gan_discriminator_loss, "GAN 判别器损失")
GANGeneratorLoss = _module("GANGeneratorLoss", F.gan_generator_loss, "GAN 生成器损失")
LSGANDiscriminatorLoss = _module("LSGANDiscriminatorLoss", F.lsgan_discriminator_loss, "最小二乘 GAN 判别器损失")
LSGANGeneratorLoss = _module("LSGANGeneratorLoss", F.lsgan_generator_loss, "最小二乘 GAN 生成器损失")
HingeDiscriminatorLoss = _module("HingeDiscriminatorLoss", F.hinge_discriminator_loss, "合页 GAN 判别器损失")
HingeGeneratorLoss = _module("HingeGeneratorLoss", F.hinge_generator_loss, "合页 GAN 生成器损失")
WassersteinCriticLoss = _module("WassersteinCriticLoss", F.wasserstein_critic_loss, "Wasserstein 判别器损失")
WassersteinGeneratorLoss = _module("WassersteinGeneratorLoss", F.wasserstein_generator_loss,
                                   "Wasserstein 生成器损失")
GaussianKLLoss = _module("GaussianKLLoss", F.gaussian_kl_loss, "高斯 KL 散度损失")
VAELoss = _module("VAELoss", F.vae_loss, "变分自编码器损失")
