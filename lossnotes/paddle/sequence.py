r"""The CTC loss for PaddlePaddle tensors: the twin of :func:`lossnotes.sequence.ctc_loss`.

``ctc_loss`` has the torch twin's arguments, defaults, shapes and results: it takes
log-probabilities, padded ``(N, S)`` or concatenated 1-D targets of any integer dtype, lengths as
tensors or tuples of ints, unbatched ``(T, C)`` input, and its ``'mean'`` divides each loss by
its target length clamped to at least 1. The forward algorithm runs in log space, vectorised over
the batch and the states, one step per frame, and paddle's autograd differentiates it: the
gradient is the exact one with respect to ``log_probs``, :math:`-\sum_{s: y'_s = c}\gamma_t(s)`,
as in the torch twin. It is built from paddle tensor operations only, never from
``paddle.nn.functional.ctc_loss``; ``tests/test_paddle_embedding.py`` compares it with that
native op, with torch's and with the torch twin.

Where paddle 3.3's own ``paddle.nn.functional.ctc_loss`` (Baidu's warp-ctc) differs from torch's
(each pinned by the named test there):

* It applies ``softmax`` to its input itself, so it takes raw logits: its loss on logits ``z``
  is torch's loss on ``log_softmax(z)``. Log-probabilities give the same value too (their
  softmax is the probabilities), but raw logits passed to torch give a meaningless number
  (``test_paddle_ctc_applies_softmax_itself``).
* Its gradient is that of logits through the softmax, :math:`p - \gamma`, like torch's native
  backward; the gradient of the loss with respect to log-probabilities (the twin's) is
  :math:`-\gamma`. The two agree through ``log_softmax`` (``test_paddle_ctc_equals_twin``).
* ``'mean'`` divides by the label lengths without clamping them: a target of length 0 makes
  the mean ``inf`` where torch divides that loss by 1
  (``test_paddle_ctc_mean_divides_by_unclamped_label_lengths``).
* A target too long for its input (no alignment) costs **0**, with ``zero_infinity=False``;
  torch gives ``inf`` (``test_paddle_ctc_impossible_alignment_costs_zero``).
* ``labels`` must be int32 and the lengths int64 tensors (int64 labels, int32 lengths or tuples
  raise ``ValueError``); only padded 2-D labels and batched ``(T, N, C)`` input are accepted
  (``test_paddle_ctc_input_formats``).
* ``norm_by_times=True`` divides each sequence's gradient by its number of frames and leaves the
  loss unchanged (``test_paddle_ctc_norm_by_times_scales_only_the_gradient``).
* A bad ``reduction`` raises ``AssertionError`` (torch: ``ValueError``)
  (``test_paddle_ctc_input_formats``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import paddle

from lossnotes._checks import InputDtypeError, InputError
from lossnotes._reduction import resolve_reduction
from lossnotes.paddle.classification import _cast, _compute_dtype, _is_tensor
from lossnotes.paddle.regression import _check_tensor

__all__ = ["ctc_loss"]

_NEG_INF = float("-inf")


def _is_integer(x: paddle.Tensor) -> bool:
    return str(x.dtype).rpartition(".")[2] in ("int8", "int16", "int32", "int64", "uint8")


def _lengths(lengths, name: str) -> np.ndarray:
    """Lengths given as a paddle tensor, a tuple/list of ints or an int, as a 1-D int64 array."""
    if isinstance(lengths, paddle.Tensor):
        if not _is_integer(lengths):
            raise InputDtypeError(f"{name} must be integral, got dtype {lengths.dtype}")
        return lengths.numpy().astype(np.int64).reshape(-1)
    if isinstance(lengths, int) and not isinstance(lengths, bool):
        return np.array([lengths], dtype=np.int64)
    if isinstance(lengths, Sequence) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in lengths
    ):
        return np.array(list(lengths), dtype=np.int64).reshape(-1)
    raise TypeError(f"{name} must be a tensor or a tuple/list of ints, got {type(lengths).__name__}")


def _logsumexp(terms: list[paddle.Tensor]) -> paddle.Tensor:
    """``log sum exp`` of same-shape tensors, elementwise, with a finite gradient everywhere.

    Where every term is ``-inf`` (no path) the result is ``-inf`` with a zero gradient; a plain
    logsumexp would give ``nan`` there (``exp(-inf - (-inf))``), and the nan would reach every
    gradient through the sum. The ``-inf`` terms are masked rather than left to ``exp``: paddle
    3.3's CPU ``exp`` returns a subnormal number, not 0, for ``-inf`` at some positions of a
    tensor (``test_twin_log_sum_exp_of_no_path_is_minus_inf``), which would turn an impossible
    alignment into a finite loss of about 88 (float32) or 710 (float64) per frame.
    """
    x = paddle.stack(terms)
    m = x.max(axis=0).detach()
    m = paddle.where(paddle.isinf(m), paddle.zeros_like(m), m)
    finite = x > _NEG_INF
    s = paddle.where(finite, paddle.exp(x - m), paddle.zeros_like(x)).sum(axis=0)
    some = s > 0
    log_s = paddle.log(paddle.where(some, s, paddle.ones_like(s)))
    return paddle.where(some, log_s + m, paddle.full_like(s, _NEG_INF))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False):
    r"""Connectionist Temporal Classification loss: the Paddle twin of ``F.ctc_loss``.

    The negative log-probability of each label sequence, summed over every frame-level
    alignment that collapses to it, by the forward algorithm over the extended sequence
    :math:`y' = (\varnothing, y_1, \varnothing, \dots, y_S, \varnothing)` in log space:

    .. math::
        \alpha_t(s) = \log p_t(y'_s) + \operatorname{logsumexp}\bigl(\alpha_{t-1}(s),\,
                      \alpha_{t-1}(s-1),\,
                      [\,y'_s \ne \varnothing,\ y'_s \ne y'_{s-2}\,]\;\alpha_{t-1}(s-2)\bigr),

    :math:`l_n = -\operatorname{logsumexp}(\alpha_{T_n}(2S_n + 1), \alpha_{T_n}(2S_n))` (1-based
    :math:`s`), :math:`+\infty` with no alignment. ``'mean'`` divides each :math:`l_n` by its
    target length (at least 1) and averages; ``'sum'`` adds.

    Args:
        log_probs: log-probabilities (``log_softmax`` over classes), shape ``(T, N, C)``, or
            ``(T, C)`` for one sequence.
        targets: label indices in ``[0, C)`` other than ``blank``, any integer dtype: padded
            ``(N, S)``, or the targets concatenated into one 1-D tensor; ``(S)`` unbatched.
        input_lengths: frames per sequence, each at most ``T``: an integer tensor of shape
            ``(N)`` (or ``()``), or a tuple/list of ints.
        target_lengths: labels per sequence: an integer tensor or a tuple/list of ints.
        blank: index of the blank. Default ``0``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        zero_infinity: replace infinite losses and their gradients by 0. Default ``False``
            (an infinite loss has a zero gradient, as in the torch twin).

    Shape:
        Input: ``(T, N, C)`` or ``(T, C)``. Target: ``(N, S)``, ``(sum(target_lengths))`` or
        ``(S)``. Output: scalar unless ``reduction='none'``, then ``(N)`` (``()`` unbatched), in
        the dtype of ``log_probs`` (float16 and bfloat16 computed in float32).

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an empty or wrongly shaped
            ``log_probs``, ``blank`` outside ``[0, C)``, lengths of the wrong size or out of
            range, ``targets`` too short for ``target_lengths``, or a label outside ``[0, C)``.
        InputDtypeError: (a ``TypeError``) for non-integer ``targets`` or floating lengths.
        ValueError: for a bad ``reduction``.
        TypeError: for a non-floating ``log_probs`` or a non-tensor ``targets``.

    Example:
        >>> import paddle
        >>> log_probs = paddle.log(paddle.to_tensor([[[0.5, 0.5]], [[0.5, 0.5]]]))  # T=2, N=1
        >>> # alignments of "1": (1,1), (blank,1), (1,blank): probability 3/4
        >>> loss = ctc_loss(log_probs, paddle.to_tensor([[1]]), (2,), (1,), reduction='sum')
        >>> round(float(loss), 4)
        0.2877

    See also:
        ``paddle.nn.functional.ctc_loss`` (applies softmax itself, so it takes logits; int32
        labels, int64 length tensors; an impossible target costs 0; ``'mean'`` divides by
        unclamped label lengths).
    """
    reduction = resolve_reduction(reduction)
    _check_tensor(log_probs, "log_probs")
    _is_tensor(targets, "targets")
    if log_probs.size == 0:
        raise InputError(f"log_probs must not be empty, got shape {tuple(log_probs.shape)}")
    if log_probs.ndim not in (2, 3):
        raise InputError(f"log_probs must be (T, N, C) or (T, C), got shape {tuple(log_probs.shape)}")
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
        if targets.ndim == 1:
            targets = targets.unsqueeze(0)
    n_frames, batch, n_classes = log_probs.shape
    if not 0 <= blank < n_classes:
        raise InputError(f"blank must be in the label range [0, {n_classes - 1}], got {blank}")
    in_len = _lengths(input_lengths, "input_lengths")
    tg_len = _lengths(target_lengths, "target_lengths")
    for name, lengths in (("input_lengths", in_len), ("target_lengths", tg_len)):
        if lengths.size != batch:
            raise InputError(f"{name} must have one entry per batch element ({batch}), got {lengths.size}")
    if not _is_integer(targets):
        raise InputDtypeError(f"targets must be an integer tensor of label indices, got dtype {targets.dtype}")
    if targets.ndim not in (1, 2):
        raise InputError(f"targets must be (N, S) or 1-D concatenated, got shape {tuple(targets.shape)}")
    if ((in_len < 0) | (in_len > n_frames)).any():
        raise InputError(f"input_lengths must lie in [0, T={n_frames}], got {in_len.tolist()}")
    if (tg_len < 0).any():
        raise InputError(f"target_lengths must be non-negative, got {tg_len.tolist()}")

    # the labels, on the host (the lengths are there already): (N, max S), blank past each end
    max_target = int(tg_len.max(initial=0))
    host = targets.numpy().astype(np.int64)
    if targets.ndim == 2:
        if host.shape[0] != batch or host.shape[1] < max_target:
            raise InputError(
                f"targets must be (N={batch}, S >= max(target_lengths)={max_target}), "
                f"got shape {tuple(host.shape)}"
            )
        labels = host[:, :max_target].copy()
    else:
        if host.shape[0] != tg_len.sum():
            raise InputError(
                f"concatenated targets must have sum(target_lengths)={int(tg_len.sum())} entries, "
                f"got {host.shape[0]}"
            )
        labels = np.zeros((batch, max_target), dtype=np.int64)
        starts = np.cumsum(tg_len) - tg_len
        for n in range(batch):
            labels[n, :tg_len[n]] = host[starts[n]:starts[n] + tg_len[n]]
    real = np.arange(max_target)[None, :] < tg_len[:, None]
    bad = real & ((labels < 0) | (labels >= n_classes))
    if bad.any():
        raise InputError(f"targets must hold labels in [0, {n_classes - 1}], got {labels[bad][0]}")
    labels = np.where(real, labels, blank)

    # extended sequence y' (N, W), padded with blanks that never feed back into real states;
    # skip s-2 -> s only into a label that differs from the label two back, and s = 1 is
    # entered from a virtual start state (column 1 of the padded alpha, see below)
    width = 2 * max_target + 1
    ext = np.full((batch, width), blank, dtype=np.int64)
    ext[:, 1::2] = labels
    skip = np.zeros((batch, width), dtype=bool)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    if width > 1:
        skip[:, 1] = True

    out_dtype = log_probs.dtype
    dtype = _compute_dtype(out_dtype)
    lp = _cast(log_probs, dtype)
    index = paddle.to_tensor(np.broadcast_to(ext, (n_frames, batch, width)).copy())
    emit = paddle.take_along_axis(lp, index, axis=2)  # (T, N, W): log p_t(y'_s)
    skip_t = paddle.to_tensor(skip)
    minus_inf = paddle.full([batch, width], _NEG_INF, dtype=dtype)
    pad = paddle.full([batch, 2], _NEG_INF, dtype=dtype)

    # alpha rows padded by two columns on the left: row 0 is a virtual frame -1 whose only state
    # is the start (column 1, log-probability 0); row t + 1 holds alpha_t
    start = paddle.concat([pad[:, :1], paddle.zeros([batch, 1], dtype=dtype), minus_inf], axis=1)
    rows = [start]
    for t in range(n_frames):
        prev = rows[-1]
        stay, step = prev[:, 2:], prev[:, 1:-1]
        jump = paddle.where(skip_t, prev[:, :-2], minus_inf)
        rows.append(paddle.concat([pad, _logsumexp([stay, step, jump]) + emit[t]], axis=1))
    alpha = paddle.stack(rows)  # (T + 1, N, W + 2)

    # end at frame T_n - 1 (row T_n) in the final blank or the last label (columns 2S+2, 2S+1)
    at_end = paddle.gather_nd(alpha, paddle.to_tensor(np.stack([in_len, np.arange(batch)], axis=1)))
    last = paddle.take_along_axis(at_end, paddle.to_tensor(np.stack([2 * tg_len + 2, 2 * tg_len + 1], 1)),
                                  axis=1)
    nll = -_logsumexp([last[:, 0], last[:, 1]])

    loss = nll
    if zero_infinity:
        loss = paddle.where(paddle.isinf(loss), paddle.zeros_like(loss), loss)
    if reduction == "mean":
        loss = (loss / paddle.to_tensor(np.maximum(tg_len, 1), dtype=dtype)).mean()
    elif reduction == "sum":
        loss = loss.sum()
    elif not batched:
        loss = loss.squeeze(0)
    return _cast(loss, out_dtype)
