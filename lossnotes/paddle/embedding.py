r"""Embedding and ranking losses for PaddlePaddle tensors: the twins of :mod:`lossnotes.embedding`.

Each function has the name, arguments, defaults and results of its PyTorch twin (torch's
deprecated ``size_average`` / ``reduce`` are accepted and mapped, with torch's warning), takes and
returns ``paddle.Tensor``, and raises the torch twin's exception types for the same bad input.
They are built from paddle tensor operations only (``paddle.linalg.vector_norm`` for the
distances), never from ``paddle.nn.functional.*_loss``; ``tests/test_paddle_embedding.py``
compares them with those native ops, with torch's and with the torch twins. A hinge
:math:`\max(0, z)` passes the gradient at :math:`z = 0`, as torch's ``clamp`` does.

Where paddle 3.3's own op differs from torch's (each pinned by the named test there):

* ``margin_ranking_loss`` (arguments ``input``, ``other``, ``label``) broadcasts tensors of
  different dimensions silently: ``(N, 1)``, ``(N)``, ``(N)`` give an ``(N, N)`` loss, where
  torch (and the twin) raise (``test_paddle_margin_ranking_broadcasts_mismatched_dimensions``).
* ``margin_ranking_loss`` and ``hinge_embedding_loss`` on 0-d tensors return shape ``(1,)`` with
  ``reduction='none'`` (a nonzero margin, or the zero, is made a ``(1,)`` tensor); torch: ``()``
  (``test_paddle_zero_dim_inputs_give_shape_one``).
* ``margin_ranking_loss`` and ``hinge_embedding_loss`` take the hinge with ``relu``, whose
  gradient at the corner :math:`z = 0` is 0; torch's ``clamp`` passes the whole gradient there
  (``triplet_margin_loss``'s ``clip`` does too)
  (``test_paddle_hinges_pass_no_gradient_at_the_corner``).
* ``hinge_embedding_loss`` selects the terms with ``label == 1`` and ``label == -1``, so a label
  of 0 costs nothing; torch selects with ``!= -1`` and ``!= 1``, so it pays both terms
  (``test_paddle_hinge_embedding_label_zero_costs_nothing``).
* ``cosine_embedding_loss`` adds ``10e-12`` (that is :math:`10^{-11}`) to each squared norm,
  torch :math:`10^{-12}`: visible for norms near :math:`10^{-6}`
  (``test_paddle_cosine_embedding_eps_is_1e_11``). It needs a 1-D label (a 0-d label with 1-D
  inputs raises ``ValueError``; torch accepts it) and inputs of equal shape (no broadcasting);
  1-D inputs with a ``(1,)`` label give a ``(1,)`` loss
  (``test_paddle_cosine_embedding_needs_1d_label_and_equal_shapes``).
* ``triplet_margin_loss`` (arguments ``input`` for the anchor, ``epsilon`` for ``eps``) and
  ``triplet_margin_with_distance_loss`` accept ``margin=0`` (torch: ``ValueError``; both raise
  for a negative margin) and need three tensors of equal shape (torch broadcasts)
  (``test_paddle_triplet_accepts_zero_margin_and_needs_equal_shapes``).
* ``triplet_margin_with_distance_loss`` raises ``ValueError`` when a distance is negative
  (reading every distance on the host); torch does not check
  (``test_paddle_triplet_with_distance_rejects_negative_distances``).
* ``triplet_margin_loss`` (through ``pairwise_distance``'s ``p_norm`` kernel, whose ``porder``
  is a float32 attribute) raises to the powers :math:`p` and :math:`1/p` rounded to float32: in
  float64, for :math:`p = 3`, the distances agree with torch only to about :math:`10^{-8}`
  relative. The twin computes the norm with the exponents in the input's dtype
  (``test_paddle_p_norm_is_float32_accurate_in_float64``).
* None of them has ``size_average`` / ``reduce``; a bad ``reduction`` raises ``ValueError``
  (``test_paddle_native_signatures``).

The distances agree: paddle's ``pairwise_distance`` adds ``epsilon`` to the difference, as
torch's does.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import paddle

from lossnotes._checks import InputError
from lossnotes._reduction import TUPLE_CHECK, resolve_reduction
from lossnotes.paddle.classification import (
    _cast,
    _compute_dtype,
    _is_tensor,
    _reduce,
    _relu_where,
    _shape,
)

__all__ = [
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "pairwise_distance",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]

# torch's cosine_embedding_loss adds this to each squared norm (paddle's op adds 1e-11)
_COSINE_EPS = 1e-12


# ------------------------------------------------------------ helpers


def _broadcast_or_raise(shapes: dict, what: str) -> tuple:
    """The broadcast shape, or ``InputError`` naming the arguments when they do not broadcast."""
    try:
        return tuple(np.broadcast_shapes(*(tuple(s) for s in shapes.values())))
    except ValueError:
        got = ", ".join(f"{name} {tuple(shape)}" for name, shape in shapes.items())
        raise InputError(f"{what}: the shapes of {', '.join(shapes)} must broadcast, got {got}") from None


def _promoted(*tensors: paddle.Tensor):
    """torch's promotion of the floating dtypes among ``tensors`` (float32 if none is floating)."""
    floats = [t.dtype for t in tensors if t.is_floating_point()]
    names = {str(d).rpartition(".")[2] for d in floats}
    if not names:
        return paddle.float32
    if len(names) == 1:
        return floats[0]
    return paddle.float64 if "float64" in names else paddle.float32


def _expand(x: paddle.Tensor, shape: tuple) -> paddle.Tensor:
    return x if tuple(x.shape) == tuple(shape) else paddle.broadcast_to(x, list(shape))


# ------------------------------------------------------------ ranking and pair losses


def margin_ranking_loss(input1, input2, target, margin: float = 0, size_average=None, reduce=None,
                        reduction: str = "mean"):
    r"""Margin ranking loss: the Paddle twin of ``torch.nn.functional.margin_ranking_loss``.

    .. math::
        l_n = \max\bigl(0,\; -y_n\,(x^{(1)}_n - x^{(2)}_n) + \text{margin}\bigr),

    then the mean or the sum. A target of 1 says ``input1`` should be the larger score.

    Args:
        input1: scores, shape ``(N)`` or ``()``.
        input2: scores, the same number of dimensions.
        target: labels in {1, -1}, the same number of dimensions. Tensors of equal dimension
            broadcast.
        margin: the required lead. Default ``0``.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N)`` or ``()``. Target: ``(N)`` or ``()``. Output: scalar, or the broadcast
        shape if ``reduction='none'``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if the three tensors differ in
            number of dimensions or do not broadcast.
        ValueError: for a bad ``reduction``.
        TypeError: if an argument is not a ``paddle.Tensor``.

    Example:
        >>> import paddle
        >>> x1, x2 = paddle.to_tensor([0.8, 0.2]), paddle.to_tensor([0.5, 0.6])
        >>> round(float(margin_ranking_loss(x1, x2, paddle.to_tensor([1.0, 1.0]), margin=0.1)), 4)
        0.25

    See also:
        ``paddle.nn.functional.margin_ranking_loss`` (arguments ``input``, ``other``,
        ``label``; broadcasts ``(N, 1)`` against ``(N)`` to ``(N, N)``).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        _is_tensor(t, name)
    if not input1.ndim == input2.ndim == target.ndim:
        raise InputError(
            "margin_ranking_loss: input1, input2 and target must have the same number of dimensions, "
            f"got input1 {_shape(input1)}, input2 {_shape(input2)}, target {_shape(target)}"
        )
    shape = _broadcast_or_raise({"input1": input1.shape, "input2": input2.shape,
                                 "target": target.shape}, "margin_ranking_loss")
    out_dtype = _promoted(input1, input2, target)
    dtype = _compute_dtype(out_dtype)
    x1, x2, y = (_expand(_cast(t, dtype), shape) for t in (input1, input2, target))
    loss = _relu_where(-y * (x1 - x2) + margin)
    return _cast(_reduce(loss, reduction), out_dtype)


def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean"):
    r"""Hinge embedding loss: the Paddle twin of ``torch.nn.functional.hinge_embedding_loss``.

    .. math::
        l_n = \begin{cases} x_n & y_n = 1\\ \max(0, \text{margin} - x_n) & y_n = -1,\end{cases}

    then the mean or sum over all elements. As in torch, the terms are selected with
    ``y != -1`` and ``y != 1``: a label other than ±1 pays both.

    Args:
        input: distances, a floating ``paddle.Tensor`` of any shape.
        target: labels in {1, -1}, broadcastable with ``input``.
        margin: the distance dissimilar pairs must reach. Default ``1.0``.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(*)``. Target: ``(*)``, broadcastable. Output: scalar, or the broadcast shape
        if ``reduction='none'``; in the input's dtype.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) if the shapes do not broadcast.
        ValueError: for a bad ``reduction``.
        TypeError: if ``input`` or ``target`` is not a ``paddle.Tensor``.

    Example:
        >>> import paddle
        >>> d = paddle.to_tensor([0.3, 0.4])
        >>> round(float(hinge_embedding_loss(d, paddle.to_tensor([1.0, -1.0]))), 4)
        0.45

    See also:
        ``paddle.nn.functional.hinge_embedding_loss`` (arguments ``input``, ``label``; a label
        0 costs 0).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    _is_tensor(input, "input")
    _is_tensor(target, "target")
    shape = _broadcast_or_raise({"input": input.shape, "target": target.shape},
                                "hinge_embedding_loss")
    dtype = _compute_dtype(input.dtype)
    x = _expand(_cast(input, dtype), shape)
    y = _expand(target, shape)
    zero = paddle.zeros_like(x)
    pull_apart = paddle.where(y != 1, _relu_where(margin - x), zero)
    pull_together = paddle.where(y != -1, x, zero)
    return _cast(_reduce(pull_apart + pull_together, reduction), input.dtype)


def cosine_embedding_loss(input1, input2, target, margin: float = 0, size_average=None, reduce=None,
                          reduction: str = "mean"):
    r"""Cosine embedding loss: the Paddle twin of ``torch.nn.functional.cosine_embedding_loss``.

    .. math::
        \cos_n = \frac{\langle x^{(1)}_n, x^{(2)}_n\rangle}
                      {\sqrt{(\lVert x^{(1)}_n\rVert^2 + \epsilon)(\lVert x^{(2)}_n\rVert^2 + \epsilon)}},
        \qquad
        l_n = \begin{cases} 1 - \cos_n & y_n = 1\\ \max(0, \cos_n - \text{margin}) & y_n = -1\\
              0 & \text{otherwise,}\end{cases}

    with :math:`\epsilon = 10^{-12}` as in torch, then the mean or the sum.

    Args:
        input1: embeddings, shape ``(N, D)``, or ``(D)`` for one pair.
        input2: embeddings, broadcastable with ``input1``.
        target: labels in {1, -1}, shape ``(N)``, or ``()`` with 1-D inputs.
        margin: the cosine above which dissimilar pairs pay. Default ``0``.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, D)`` or ``(D)``. Target: ``(N)`` or ``()``. Output: scalar, or ``(N)``
        (``()``) if ``reduction='none'``.

    Raises:
        InputError: if ``target`` is not 0-D or 1-D, if the inputs' dimensions do not fit the
            target's (2-D for a 1-D target, 1-D for a 0-D one), or if the shapes do not broadcast.
        ValueError: for a bad ``reduction``.
        TypeError: if an argument is not a ``paddle.Tensor``.

    Example:
        >>> import paddle
        >>> a, b = paddle.to_tensor([[1.0, 0.0]]), paddle.to_tensor([[1.0, 1.0]])
        >>> round(float(cosine_embedding_loss(a, b, paddle.to_tensor([1.0]))), 4)
        0.2929

    See also:
        ``paddle.nn.functional.cosine_embedding_loss`` (``label``; adds 1e-11, needs a 1-D
        label and equal shapes).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    for name, t in (("input1", input1), ("input2", input2), ("target", target)):
        _is_tensor(t, name)
    if target.ndim not in (0, 1):
        raise InputError(
            "cosine_embedding_loss: target must be 0-D or 1-D (multi-target is not supported), "
            f"got shape {_shape(target)}"
        )
    need = 2 if target.ndim == 1 else 1
    if input1.ndim != need or input2.ndim != need:
        raise InputError(
            f"cosine_embedding_loss: a {target.ndim}-D target needs {need}-D input1 and input2, "
            f"got input1 {_shape(input1)} and input2 {_shape(input2)}"
        )
    shape = _broadcast_or_raise({"input1": input1.shape, "input2": input2.shape},
                                "cosine_embedding_loss")
    _broadcast_or_raise({"input1[..., 0]": shape[:-1], "target": target.shape},
                        "cosine_embedding_loss")
    out_dtype = _promoted(input1, input2)
    dtype = _compute_dtype(out_dtype)
    a, b = _expand(_cast(input1, dtype), shape), _expand(_cast(input2, dtype), shape)
    dot = (a * b).sum(axis=-1)
    # torch adds eps to each squared norm and takes one square root of the product
    denom = paddle.sqrt(((a * a).sum(axis=-1) + _COSINE_EPS) * ((b * b).sum(axis=-1) + _COSINE_EPS))
    cos = dot / denom
    zero = paddle.zeros_like(cos)
    y = _expand(target, tuple(cos.shape))
    similar = paddle.where(y == 1, 1 - cos, zero)
    dissimilar = paddle.where(y == -1, _relu_where(cos - margin), zero)
    return _cast(_reduce(similar + dissimilar, reduction), out_dtype)


# ------------------------------------------------------------ distances and triplets


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    r"""The p-norm distance between corresponding rows, with torch's ``eps`` convention.

    .. math::
        d(x^{(1)}, x^{(2)}) = \lVert x^{(1)} - x^{(2)} + \epsilon \rVert_p

    over the last dimension: the twin of :func:`lossnotes.embedding.pairwise_distance`.

    Args:
        x1: shape ``(N, D)`` or ``(D)``.
        x2: broadcastable with ``x1``.
        p: the norm degree (any real, including 0 and ``inf``). Default ``2``.
        eps: added to the difference. Default ``1e-6``.
        keepdim: keep the reduced last dimension. Default ``False``.

    Example:
        >>> import paddle
        >>> x1, x2 = paddle.to_tensor([3.0, 0.0]), paddle.to_tensor([0.0, 4.0])
        >>> round(float(pairwise_distance(x1, x2, eps=0.0)), 4)
        5.0

    See also:
        ``paddle.nn.functional.pairwise_distance`` (``x``, ``y``, ``epsilon``; the same values).
    """
    _is_tensor(x1, "x1")
    _is_tensor(x2, "x2")
    out_dtype = _promoted(x1, x2)
    dtype = _compute_dtype(out_dtype)
    diff = _cast(x1, dtype) - _cast(x2, dtype) + eps
    return _cast(_vector_norm(diff, float(p), keepdim), out_dtype)


def _vector_norm(x: paddle.Tensor, p: float, keepdim: bool) -> paddle.Tensor:
    """The p-norm over the last axis, exact in float64 for every ``p``.

    paddle's ``p_norm`` kernel takes ``p`` as a float32 attribute, so :math:`x^p` and the root
    :math:`s^{1/p}` are off by up to ~1e-8 in float64 unless ``p`` and ``1/p`` are exact in
    float32. The orders 0, 2 and ±inf do not raise to a power and stay with the kernel, 1 is the
    sum of absolute values; any other order is written out with the exponents as tensors of the
    input's dtype.
    """
    if p == 1.0:  # the kernel's gradient is sign(x) only to ~1e-12
        return x.abs().sum(axis=-1, keepdim=keepdim)
    if p in (0.0, 2.0, math.inf, -math.inf):
        return paddle.linalg.vector_norm(x, p=p, axis=-1, keepdim=keepdim)
    power = paddle.full([], p, dtype=x.dtype)
    root = paddle.full([], 1.0 / p, dtype=x.dtype)
    return paddle.pow(paddle.pow(x.abs(), power).sum(axis=-1, keepdim=keepdim), root)


def _triplet_core(anchor, positive, negative, distance_function: Callable, margin: float, swap: bool,
                  reduction: str):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    for name, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        _is_tensor(t, name)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise InputError(
            "anchor, positive and negative must have the same number of dimensions, got "
            f"anchor {anchor.ndim}D, positive {positive.ndim}D and negative {negative.ndim}D inputs"
        )
    d_pos = distance_function(anchor, positive)
    d_neg = distance_function(anchor, negative)
    if swap:  # Balntas et al.: the harder of the two negative distances
        d_neg = paddle.minimum(d_neg, distance_function(positive, negative))
    loss = _relu_where(margin + d_pos - d_neg)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean"):
    r"""Triplet margin loss: the Paddle twin of ``torch.nn.functional.triplet_margin_loss``.

    .. math::
        l_n = \max\bigl(0,\; d(a_n, p_n) - d(a_n, n_n) + \text{margin}\bigr),
        \qquad d(x, y) = \lVert x - y + \epsilon \rVert_p,

    with :math:`\min(d(a_n, n_n), d(p_n, n_n))` for the negative distance if ``swap``; then
    the mean or the sum.

    Args:
        anchor: shape ``(N, D)`` or ``(D)``.
        positive: the same number of dimensions, broadcastable with ``anchor``.
        negative: the same number of dimensions, broadcastable with ``anchor``.
        margin: must be positive. Default ``1.0``.
        p: the norm degree. Default ``2``.
        eps: added to the difference inside the norm. Default ``1e-6``.
        swap: use the distance swap. Default ``False``.
        size_average, reduce: deprecated (torch); mapped to ``reduction`` with a warning.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, D)`` or ``(D)``. Output: scalar, or ``(N)`` (``()``) if
        ``reduction='none'``.

    Raises:
        ValueError: if ``margin <= 0``, or for a bad ``reduction``.
        InputError: if the three tensors differ in number of dimensions.
        TypeError: if an argument is not a ``paddle.Tensor``.

    Example:
        >>> import paddle
        >>> a, p = paddle.to_tensor([[0.0, 0.0]]), paddle.to_tensor([[3.0, 4.0]])
        >>> round(float(triplet_margin_loss(a, p, paddle.to_tensor([[0.0, 1.0]]), eps=0.0)), 4)
        5.0

    See also:
        ``paddle.nn.functional.triplet_margin_loss`` (``input``, ``epsilon``; accepts
        ``margin=0``, needs equal shapes).
    """
    reduction = resolve_reduction(reduction, size_average, reduce)
    return _triplet_core(anchor, positive, negative,
                         lambda x, y: pairwise_distance(x, y, p, eps), margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean"):
    r"""Triplet loss with any distance: the twin of ``F.triplet_margin_with_distance_loss``.

    .. math::
        l_n = \max\bigl(0,\; d(a_n, p_n) - d(a_n, n_n) + \text{margin}\bigr),

    with :math:`d` = ``distance_function`` (default :func:`pairwise_distance`, the 2-norm with
    ``eps=1e-6``), and the swap and reduction of :func:`triplet_margin_loss`. As in torch, the
    distance is not checked to be non-negative.

    Args:
        anchor: shape ``(N, D)`` or ``(D)``.
        positive: the same number of dimensions.
        negative: the same number of dimensions.
        distance_function: maps two paddle tensors to ``(N)`` distances. Default ``None``.
        margin: must be positive. Default ``1.0``.
        swap: use the distance swap. Default ``False``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``(N, D)`` or ``(D)``. Output: scalar, or ``(N)`` if ``reduction='none'``.

    Raises:
        ValueError: if ``margin <= 0``, or for a bad ``reduction``.
        InputError: if the three tensors differ in number of dimensions.
        TypeError: if an argument is not a ``paddle.Tensor``.

    Example:
        >>> import paddle
        >>> l1 = lambda x, y: (x - y).abs().sum(-1)
        >>> a, p = paddle.to_tensor([[0.0, 0.0]]), paddle.to_tensor([[1.0, 1.0]])
        >>> n = paddle.to_tensor([[0.0, 1.0]])
        >>> round(float(triplet_margin_with_distance_loss(a, p, n, distance_function=l1)), 4)
        2.0

    See also:
        ``paddle.nn.functional.triplet_margin_with_distance_loss`` (``input``; rejects negative
        distances, accepts ``margin=0``, needs equal shapes).
    """
    reduction = resolve_reduction(reduction, rule=TUPLE_CHECK)
    if distance_function is None:
        distance_function = pairwise_distance
    return _triplet_core(anchor, positive, negative, distance_function, margin, swap, reduction)
