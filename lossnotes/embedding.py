"""Embedding and ranking losses: margin ranking, hinge embedding, cosine embedding, triplet
(with a custom distance), contrastive and InfoNCE.

The first five are drop-in twins of the ``torch.nn.functional`` functions of the same names
(same signatures, defaults, shapes, dtypes, broadcasting and errors). ``contrastive_loss`` and
``info_nce_loss`` have no PyTorch counterpart; their hyperparameters are keyword-only.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from lossnotes._checks import InputError, check_floating, check_tensor
from lossnotes._numerics import autocast_like_torch, recomputed_under_compile, upcast
from lossnotes._reduction import EXTRA, TUPLE_CHECK, resolve_reduction
from lossnotes._reduction import reduce as _reduce

__all__ = [
    "contrastive_loss",
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "info_nce_loss",
    "margin_ranking_loss",
    "pairwise_distance",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]

# PyTorch's cosine_embedding_loss adds this to each squared norm before the square root
# (aten/src/ATen/native/Loss.cpp, EPSILON = 1e-12), so two zero vectors give cos = 0, not nan.
_COSINE_EPS = 1e-12
# F.normalize's default floor on the norm, used by info_nce_loss.
_NORMALIZE_EPS = 1e-12


def _broadcast_or_raise(shapes: dict[str, torch.Size], what: str) -> None:
    """Raise ``InputError`` naming the arguments when their shapes do not broadcast."""
    try:
        torch.broadcast_shapes(*shapes.values())
    except RuntimeError:
        got = ", ".join(f"{name} {tuple(shape)}" for name, shape in shapes.items())
        raise InputError(f"{what}: the shapes of {', '.join(shapes)} must broadcast, got {got}") from None


@autocast_like_torch
def margin_ranking_loss(
    input1: torch.Tensor,
    input2: torch.Tensor,
    target: torch.Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Margin ranking loss: is ``input1`` ranked above ``input2`` by at least ``margin``?

    A target of 1 says the first score should be the larger, -1 the second. The loss is zero
    once the right score leads by ``margin``, and grows linearly with the shortfall.

    .. math::
        l_n = \max\bigl(0,\; -y_n\,(x^{(1)}_n - x^{(2)}_n) + \text{margin}\bigr),

    then ``'mean'`` is :math:`\frac1N\sum_n l_n` and ``'sum'`` is :math:`\sum_n l_n`.

    Args:
        input1: scores, shape ``(N)`` or ``()``.
        input2: scores, same number of dimensions as ``input1``.
        target: labels in {1, -1}, same number of dimensions as ``input1``. Tensors of equal
            dimension broadcast as in PyTorch.
        margin: required lead. Default ``0``.
        size_average: deprecated, see ``reduction``.
        reduce: deprecated, see ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``input1`` and ``input2``, ``(N)`` or ``()``.
        Target: ``(N)`` or ``()``, labels in {1, -1}.
        Output: scalar unless ``reduction='none'``, then the broadcast shape of the inputs.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if the three tensors differ in
            number of dimensions, as PyTorch refuses the ``(N, 1), (N, 1), (N)`` broadcast.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import margin_ranking_loss
        >>> x1, x2 = torch.tensor([0.8, 0.2]), torch.tensor([0.5, 0.6])
        >>> round(margin_ranking_loss(x1, x2, torch.tensor([1.0, 1.0]), margin=0.1).item(), 4)
        0.25

    References:
        Herbrich, Graepel, Obermayer, "Large Margin Rank Boundaries for Ordinal Regression",
        Advances in Large Margin Classifiers, MIT Press, 2000.

    See also:
        ``torch.nn.functional.margin_ranking_loss``; ``paddle.nn.functional.margin_ranking_loss``
        (which silently broadcasts ``(N, 1)`` against ``(N)`` to ``(N, N)``).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        check_tensor(t, name)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise InputError(
            "margin_ranking_loss: input1, input2 and target must have the same number of dimensions, "
            f"got input1 {tuple(input1.shape)}, input2 {tuple(input2.shape)}, target {tuple(target.shape)}"
        )
    _broadcast_or_raise(
        {"input1": input1.shape, "input2": input2.shape, "target": target.shape}, "margin_ranking_loss"
    )
    loss = recomputed_under_compile(_ranking_hinge, input1, input2, target, margin)
    return _reduce(loss, reduction)


def _ranking_hinge(input1: torch.Tensor, input2: torch.Tensor, target: torch.Tensor,
                   margin: float) -> torch.Tensor:
    """``max(0, -y (x1 - x2) + margin)`` element-wise: margin_ranking_loss before reduction."""
    return torch.clamp_min(-target * (input1 - input2) + margin, 0)


@autocast_like_torch
def hinge_embedding_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Hinge embedding loss: small distances for similar pairs, at least ``margin`` for others.

    ``input`` is usually a distance between two embeddings. A pair labelled 1 pays its distance;
    a pair labelled -1 pays only when it is closer than ``margin``.

    .. math::
        l_n = \begin{cases} x_n & y_n = 1\\ \max(0, \text{margin} - x_n) & y_n = -1,\end{cases}

    then the mean or sum over all elements.

    As in PyTorch, the two branches are selected with ``y != -1`` and ``y != 1``, so a label
    other than ±1 (say 0) pays **both** terms, and ``input`` and ``target`` broadcast silently:
    a ``(N, 1)`` target against an ``(N, D)`` input gives an ``(N, D)`` loss.

    Args:
        input: distances, any shape.
        target: labels in {1, -1}, broadcastable with ``input``.
        margin: the distance dissimilar pairs must reach. Default ``1.0``.
        size_average: deprecated, see ``reduction``.
        reduce: deprecated, see ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``, any number of dimensions.
        Target: ``(*)``, labels in {1, -1}, broadcastable with the input.
        Output: scalar unless ``reduction='none'``, then the broadcast shape; dtype of ``input``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if the shapes do not broadcast.
        ValueError: for a bad ``reduction``.
        TypeError: if ``input`` or ``target`` is not a tensor.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import hinge_embedding_loss
        >>> d = torch.tensor([0.3, 0.4])
        >>> round(hinge_embedding_loss(d, torch.tensor([1.0, -1.0])).item(), 4)
        0.45

    References:
        Mobahi, Collobert, Weston, "Deep Learning from Temporal Coherence in Video", ICML 2009.

    See also:
        ``torch.nn.functional.hinge_embedding_loss``; ``paddle.nn.functional.hinge_embedding_loss``
        (which gives 0 for a label 0).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    check_tensor(input, "input")
    check_tensor(target, "target")
    _broadcast_or_raise({"input": input.shape, "target": target.shape}, "hinge_embedding_loss")
    return _reduce(recomputed_under_compile(_hinge_embedding_terms, input, target, margin), reduction)


def _hinge_embedding_terms(input: torch.Tensor, target: torch.Tensor, margin: float) -> torch.Tensor:
    """hinge_embedding_loss before reduction: the label masks are ``y != 1`` and ``y != -1``."""
    zero = torch.zeros((), dtype=input.dtype, device=input.device)
    pull_apart = torch.where(target != 1, torch.clamp_min(margin - input, 0), zero)
    pull_together = torch.where(target != -1, input, zero)
    return pull_apart + pull_together


@autocast_like_torch
def cosine_embedding_loss(
    input1: torch.Tensor,
    input2: torch.Tensor,
    target: torch.Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Cosine embedding loss: align similar pairs, push dissimilar pairs below a cosine margin.

    .. math::
        \cos_n = \frac{\langle x^{(1)}_n, x^{(2)}_n\rangle}
                      {\sqrt{(\lVert x^{(1)}_n\rVert^2 + \epsilon)(\lVert x^{(2)}_n\rVert^2 + \epsilon)}},
        \qquad
        l_n = \begin{cases} 1 - \cos_n & y_n = 1\\ \max(0, \cos_n - \text{margin}) & y_n = -1\\
              0 & \text{otherwise,}\end{cases}

    with :math:`\epsilon = 10^{-12}` as in PyTorch (two zero vectors have cosine 0), then the
    mean or sum over the batch.

    Args:
        input1: embeddings, shape ``(N, D)``, or ``(D)`` for one pair.
        input2: embeddings, broadcastable with ``input1``.
        target: labels in {1, -1}, shape ``(N)``, or ``()`` with 1-D inputs.
        margin: cosine above which dissimilar pairs pay, in [-1, 1]; 0 to 0.5 is typical.
            Default ``0``.
        size_average: deprecated, see ``reduction``.
        reduce: deprecated, see ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``input1`` and ``input2``, ``(N, D)`` or ``(D)``.
        Target: ``(N)`` or ``()``, labels in {1, -1}.
        Output: scalar unless ``reduction='none'``, then ``(N)`` (or ``()``).

    Raises:
        InputError: if ``target`` is not 0-D or 1-D, if the inputs' dimensions do not fit the
            target's (2-D for a 1-D target, 1-D for a 0-D one), or if the shapes do not broadcast.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import cosine_embedding_loss
        >>> a, b = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]])
        >>> round(cosine_embedding_loss(a, b, torch.tensor([1.0])).item(), 4)
        0.2929

    References:
        Hadsell, Chopra, LeCun, "Dimensionality Reduction by Learning an Invariant Mapping",
        CVPR 2006 (the similar / dissimilar margin loss, here on the cosine similarity).

    See also:
        ``torch.nn.functional.cosine_embedding_loss``; ``paddle.nn.functional.cosine_embedding_loss``
        (which requires a 1-D label).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        check_tensor(t, name)
    if target.dim() not in (0, 1):
        raise InputError(
            f"cosine_embedding_loss: target must be 0-D or 1-D (multi-target is not supported), "
            f"got shape {tuple(target.shape)}"
        )
    need = 2 if target.dim() == 1 else 1
    if input1.dim() != need or input2.dim() != need:
        raise InputError(
            f"cosine_embedding_loss: a {target.dim()}-D target needs {need}-D input1 and input2, "
            f"got input1 {tuple(input1.shape)} and input2 {tuple(input2.shape)}"
        )
    _broadcast_or_raise({"input1": input1.shape, "input2": input2.shape}, "cosine_embedding_loss")
    _broadcast_or_raise(
        {"input1[..., 0]": input1.shape[:-1], "input2[..., 0]": input2.shape[:-1], "target": target.shape},
        "cosine_embedding_loss",
    )
    out_dtype = torch.promote_types(input1.dtype, input2.dtype)
    a, b = upcast(input1), upcast(input2)
    dim = target.dim()  # the feature dimension: 1 for (N, D) inputs, 0 for (D) inputs
    dot = (a * b).sum(dim)
    # torch adds eps to each squared norm and takes one square root of the product
    denom = torch.sqrt(((a * a).sum(dim) + _COSINE_EPS) * ((b * b).sum(dim) + _COSINE_EPS))
    cos = dot / denom
    zero = torch.zeros((), dtype=cos.dtype, device=cos.device)
    similar = torch.where(target == 1, 1 - cos, zero)
    dissimilar = torch.where(target == -1, torch.clamp_min(cos - margin, 0), zero)
    loss = similar + dissimilar
    return _reduce(loss, reduction).to(out_dtype)


def pairwise_distance(
    x1: torch.Tensor, x2: torch.Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> torch.Tensor:
    r"""The p-norm distance between corresponding rows, with PyTorch's ``eps`` convention.

    .. math::
        d(x^{(1)}, x^{(2)}) = \lVert x^{(1)} - x^{(2)} + \epsilon \rVert_p,

    taken over the last dimension. The ``eps`` is added to every component of the difference
    (not to the norm), which keeps the gradient of the 2-norm finite at identical points.

    Args:
        x1: shape ``(N, D)`` or ``(D)``.
        x2: broadcastable with ``x1``.
        p: the norm degree (any real, including 0 and ``inf``). Default ``2``.
        eps: added to the difference. Default ``1e-6``.
        keepdim: keep the reduced last dimension. Default ``False``.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import pairwise_distance
        >>> round(pairwise_distance(torch.tensor([3.0, 0.0]), torch.tensor([0.0, 4.0]), eps=0.0).item(), 4)
        5.0

    See also:
        ``torch.nn.functional.pairwise_distance``.
    """
    check_tensor(x1, "x1")
    check_tensor(x2, "x2")
    out_dtype = torch.promote_types(x1.dtype, x2.dtype)
    diff = upcast(x1) - upcast(x2) + eps
    return torch.linalg.vector_norm(diff, ord=p, dim=-1, keepdim=keepdim).to(out_dtype)


def _triplet_core(
    anchor: torch.Tensor,
    positive: torch.Tensor,
    negative: torch.Tensor,
    distance_function: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    margin: float,
    swap: bool,
    reduction: str,
) -> torch.Tensor:
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        check_tensor(t, name)
    if not anchor.dim() == positive.dim() == negative.dim():
        raise InputError(
            "anchor, positive and negative must have the same number of dimensions, got "
            f"anchor {anchor.dim()}D, positive {positive.dim()}D and negative {negative.dim()}D inputs"
        )
    d_pos = distance_function(anchor, positive)
    d_neg = distance_function(anchor, negative)
    if swap:
        # Balntas et al.: if the positive is closer to the negative than the anchor is,
        # use that harder distance instead.
        d_neg = torch.minimum(d_neg, distance_function(positive, negative))
    loss = torch.clamp_min(margin + d_pos - d_neg, 0)
    return _reduce(loss, reduction)


@autocast_like_torch
def triplet_margin_loss(
    anchor: torch.Tensor,
    positive: torch.Tensor,
    negative: torch.Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Triplet margin loss: the anchor should be closer to the positive than to the negative by
    at least ``margin``.

    .. math::
        l_n = \max\bigl(0,\; d(a_n, p_n) - d(a_n, n_n) + \text{margin}\bigr),
        \qquad d(x, y) = \lVert x - y + \epsilon \rVert_p,

    where ``eps`` is added to the difference (see :func:`pairwise_distance`). With
    ``swap=True`` the negative distance is :math:`\min(d(a_n, n_n), d(p_n, n_n))`. Then the mean
    or sum over the batch.

    Args:
        anchor: shape ``(N, D)`` or ``(D)``.
        positive: same number of dimensions as ``anchor``, broadcastable with it.
        negative: same number of dimensions as ``anchor``, broadcastable with it.
        margin: must be positive. Default ``1.0``.
        p: norm degree of the distance. Default ``2``.
        eps: added to the difference inside the norm. Default ``1e-6``.
        swap: use the distance swap of Balntas et al. Default ``False``.
        size_average: deprecated, see ``reduction``.
        reduce: deprecated, see ``reduction``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``anchor``, ``positive`` and ``negative``, ``(N, D)`` or ``(D)``.
        Output: scalar unless ``reduction='none'``, then ``(N)`` (or ``()`` for 1-D inputs).

    Raises:
        ValueError: if ``margin <= 0``.
        InputError: if the three tensors differ in number of dimensions.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import triplet_margin_loss
        >>> a, p, n = torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]), torch.tensor([[0.0, 1.0]])
        >>> round(triplet_margin_loss(a, p, n, eps=0.0).item(), 4)
        5.0

    References:
        Schroff, Kalenichenko, Philbin, "FaceNet: A Unified Embedding for Face Recognition and
        Clustering", CVPR 2015. Balntas, Riba, Ponsa, Mikolajczyk, "Learning local feature
        descriptors with triplets and shallow convolutional neural networks", BMVC 2016.

    See also:
        ``torch.nn.functional.triplet_margin_loss``; ``paddle.nn.functional.triplet_margin_loss``
        (where ``eps`` is called ``epsilon`` and ``margin=0`` is allowed).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    return _triplet_core(
        anchor, positive, negative, lambda x, y: pairwise_distance(x, y, p, eps), margin, swap, reduction
    )


def triplet_margin_with_distance_loss(
    anchor: torch.Tensor,
    positive: torch.Tensor,
    negative: torch.Tensor,
    *,
    distance_function: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Triplet margin loss with any distance function.

    .. math::
        l_n = \max\bigl(0,\; d(a_n, p_n) - d(a_n, n_n) + \text{margin}\bigr),

    with :math:`d` = ``distance_function`` (default :func:`pairwise_distance`, the 2-norm with
    ``eps=1e-6``), and the swap and reduction of :func:`triplet_margin_loss`. As in PyTorch, the
    distance is not checked to be non-negative.

    Args:
        anchor: shape ``(N, D)`` or ``(D)``.
        positive: same number of dimensions as ``anchor``.
        negative: same number of dimensions as ``anchor``.
        distance_function: maps two ``(N, D)`` tensors to ``(N)`` distances. Default ``None``
            (pairwise 2-norm distance).
        margin: must be positive. Default ``1.0``.
        swap: use the distance swap. Default ``False``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``anchor``, ``positive`` and ``negative``, ``(N, D)`` or ``(D)``.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        ValueError: if ``margin <= 0``, or for a bad ``reduction``.
        InputError: (a ``ValueError`` and a ``RuntimeError``) if the three tensors differ in
            number of dimensions.
        TypeError: if ``anchor``, ``positive`` or ``negative`` is not a tensor.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import triplet_margin_with_distance_loss
        >>> l1 = lambda x, y: (x - y).abs().sum(-1)
        >>> a, p, n = torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 1.0]]), torch.tensor([[0.0, 1.0]])
        >>> round(triplet_margin_with_distance_loss(a, p, n, distance_function=l1).item(), 4)
        2.0

    References:
        Schroff, Kalenichenko, Philbin, "FaceNet", CVPR 2015.

    See also:
        ``torch.nn.functional.triplet_margin_with_distance_loss``;
        ``paddle.nn.functional.triplet_margin_with_distance_loss`` (which rejects negative distances).
    """
    reduction = resolve_reduction(reduction, rule=TUPLE_CHECK)
    if distance_function is None:
        distance_function = pairwise_distance
    return _triplet_core(anchor, positive, negative, distance_function, margin, swap, reduction)


def contrastive_loss(
    x1: torch.Tensor,
    x2: torch.Tensor,
    target: torch.Tensor,
    *,
    margin: float = 1.0,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Contrastive loss of Hadsell, Chopra and LeCun: pull similar pairs together, push
    dissimilar pairs at least ``margin`` apart.

    .. math::
        d_n = \lVert x^{(1)}_n - x^{(2)}_n \rVert_2, \qquad
        l_n = y_n\, d_n^2 + (1 - y_n)\,\max(0, \text{margin} - d_n)^2,

    then the mean or sum over the batch.

    Conventions (they differ between papers and libraries): here ``target`` 1 means
    **similar** and 0 dissimilar (the 2006 paper uses :math:`Y = 0` for similar), and there is
    no factor 1/2 on either term. Soft targets in [0, 1] interpolate the two terms. The distance
    has no ``eps``; at :math:`d_n = 0` the gradient of the hinge term is taken as 0.

    Args:
        x1: embeddings, shape ``(N, D)`` or ``(D)``.
        x2: embeddings, same shape as ``x1``.
        target: 1 (similar) or 0 (dissimilar), shape ``(N)`` or ``()``.
        margin: the distance dissimilar pairs must reach, positive. Default ``1.0``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``x1`` and ``x2``, ``(N, D)`` or ``(D)``.
        Target: ``(N)`` or ``()``, 1 (similar) or 0 (dissimilar).
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        ValueError: if shapes disagree or ``margin <= 0``.
        TypeError: if ``x1`` or ``x2`` is not floating point.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import contrastive_loss
        >>> x1, x2 = torch.tensor([[0.0, 0.0], [0.0, 0.0]]), torch.tensor([[0.3, 0.4], [0.3, 0.4]])
        >>> round(contrastive_loss(x1, x2, torch.tensor([1.0, 0.0])).item(), 4)
        0.25

    References:
        Hadsell, Chopra, LeCun, "Dimensionality Reduction by Learning an Invariant Mapping",
        CVPR 2006.

    See also:
        No native op in torch or paddle; ``pytorch_metric_learning.losses.ContrastiveLoss``
        uses unsquared hinges and averages non-zero terms only.
    """
    reduction = resolve_reduction(reduction, rule=EXTRA)
    check_floating(x1, "x1")
    check_floating(x2, "x2")
    check_tensor(target, "target")
    if x1.shape != x2.shape:
        raise ValueError(f"x2 shape {tuple(x2.shape)} must be the same as x1 shape {tuple(x1.shape)}")
    if x1.dim() not in (1, 2):
        raise ValueError(f"x1 must be (N, D) or (D), got shape {tuple(x1.shape)}")
    if target.shape != x1.shape[:-1]:
        raise ValueError(
            f"target shape {tuple(target.shape)} must be x1's shape without its last dimension, "
            f"{tuple(x1.shape[:-1])}"
        )
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    out_dtype = x1.dtype
    a, b = upcast(x1), upcast(x2)
    y = target.to(a.dtype)
    d_sq = ((a - b) ** 2).sum(-1)
    # sqrt has an infinite slope at 0: floor d² at the smallest normal number, whose clamp
    # passes no gradient, so identical dissimilar pairs get a zero (sub)gradient, not nan.
    d = torch.sqrt(torch.clamp_min(d_sq, torch.finfo(a.dtype).tiny))
    loss = y * d_sq + (1 - y) * torch.clamp_min(margin - d, 0) ** 2
    return _reduce(loss, reduction).to(out_dtype)


def info_nce_loss(
    query: torch.Tensor,
    key: torch.Tensor,
    *,
    temperature: float = 0.1,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""InfoNCE loss with in-batch negatives: each query must pick out its own key.

    Row :math:`i` of ``query`` and row :math:`i` of ``key`` are a positive pair; the other
    :math:`N - 1` keys are its negatives. The logits are cosine similarities divided by the
    temperature, and the loss is the cross entropy whose correct class is the diagonal:

    .. math::
        s_{ij} = \frac{\langle q_i, k_j\rangle}
                      {\max(\lVert q_i\rVert, \epsilon)\,\max(\lVert k_j\rVert, \epsilon)},
        \qquad
        l_i = -\log \frac{\exp(s_{ii}/\tau)}{\sum_{j=1}^{N} \exp(s_{ij}/\tau)},

    with :math:`\epsilon = 10^{-12}` (as in ``F.normalize``), then the mean or sum over the N
    queries. The loss is one-directional (query to key); the symmetric CLIP loss averages it with
    ``info_nce_loss(key, query)``. Its minimum is 0 and a random guess costs about
    :math:`\log N`.

    Args:
        query: shape ``(N, D)``.
        key: shape ``(N, D)``; row i is the positive of query i.
        temperature: :math:`\tau > 0`. Default ``0.1``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``query`` and ``key``, ``(N, D)``.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        ValueError: if ``query`` is not 2-D, ``key`` has another shape, ``temperature <= 0``,
            or for a bad ``reduction``.
        TypeError: if ``query`` or ``key`` is not floating point.

    Example:
        >>> import torch
        >>> from lossnotes.embedding import info_nce_loss
        >>> q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> round(info_nce_loss(q, q, temperature=1.0).item(), 4)
        0.3133

    References:
        van den Oord, Li, Vinyals, "Representation Learning with Contrastive Predictive Coding",
        arXiv:1807.03748, 2018. Chen, Kornblith, Norouzi, Hinton, "A Simple Framework for
        Contrastive Learning of Visual Representations" (SimCLR, NT-Xent), ICML 2020.

    See also:
        No native op in torch or paddle; it equals
        ``F.cross_entropy(F.normalize(q) @ F.normalize(k).T / tau, torch.arange(N))``.
    """
    reduction = resolve_reduction(reduction, rule=EXTRA)
    check_floating(query, "query")
    check_floating(key, "key")
    if query.dim() != 2:
        raise ValueError(f"query must be 2-D (N, D), got shape {tuple(query.shape)}")
    if key.shape != query.shape:
        raise ValueError(f"key shape {tuple(key.shape)} must be the same as query shape {tuple(query.shape)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be greater than 0, got {temperature}")
    out_dtype = query.dtype
    q, k = upcast(query), upcast(key)
    q = q / torch.clamp_min(torch.linalg.vector_norm(q, dim=1, keepdim=True), _NORMALIZE_EPS)
    k = k / torch.clamp_min(torch.linalg.vector_norm(k, dim=1, keepdim=True), _NORMALIZE_EPS)
    logits = (q @ k.T) / temperature
    loss = -torch.diagonal(torch.log_softmax(logits, dim=1))
    return _reduce(loss, reduction).to(out_dtype)
