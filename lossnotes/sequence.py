"""Sequence losses: Connectionist Temporal Classification (CTC) by the log-space forward algorithm.

In eager mode ``ctc_loss`` reads the device once on the way in: the lengths (which PyTorch also
validates on the host, and which size the extended sequence and say where each sequence ends)
and whether every label is in range, in one synchronisation. Under ``torch.compile`` it reads
nothing: the checks are skipped (:func:`lossnotes._checks.value_checks`) and the shapes come from
the tensors' shapes (the extended sequence is as wide as the padded targets allow, which changes
no value).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lossnotes._checks import InputError, check_floating, check_integer, check_tensor, value_checks
from lossnotes._numerics import autocast_like_torch, upcast
from lossnotes._reduction import resolve_reduction

__all__ = ["ctc_loss"]


def _as_lengths(lengths, name: str, device: torch.device) -> torch.Tensor:
    """Lengths given as a tensor, a tuple/list of ints or an int, as a 1-D int64 tensor."""
    if isinstance(lengths, torch.Tensor):
        check_integer(lengths, name, "integral")
        return lengths.to(device=device, dtype=torch.long).reshape(-1)
    if isinstance(lengths, int) and not isinstance(lengths, bool):
        return torch.tensor([lengths], dtype=torch.long, device=device)
    if isinstance(lengths, Sequence) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in lengths
    ):
        return torch.tensor(list(lengths), dtype=torch.long, device=device)
    raise TypeError(f"{name} must be a tensor or a tuple/list of ints, got {type(lengths).__name__}")


# The two recursions are custom operators (``torch.library.custom_op``): opaque to
# ``torch.compile``, which sees one node for each and their output shapes (``register_fake``),
# instead of unrolling T frames of kernels into one generated kernel. Eager calls the same ops.


@torch.library.custom_op("lossnotes::ctc_forward", mutates_args=())
def _ctc_forward(
    lp: torch.Tensor, ext: torch.Tensor, skip: torch.Tensor, in_len: torch.Tensor, tg_len: torch.Tensor,
    ends: list[int],
) -> tuple[torch.Tensor, torch.Tensor]:
    """The per-sequence negative log-likelihood ``-log P(y | x)`` by the forward algorithm, and
    the ``alpha`` table the backward needs (``ends`` is only passed on to the backward).

    The recursion runs vectorised over the batch and the ``2S + 1`` states of the extended
    sequence, a few kernels per frame, into a preallocated ``(T + 1, N, 2S + 3)`` buffer (with two
    ``-inf`` columns of padding, so that the shifts ``s - 1``, ``s - 2`` are plain slices).
    """
    n_frames, batch, _ = lp.shape
    width = ext.shape[1]
    neg_inf = float("-inf")
    index = ext.unsqueeze(0).expand(n_frames, batch, width)
    skip_bias = _skip_bias(skip, lp)
    emit = lp.gather(2, index)  # (T, N, W): log p_t(y'_s)
    # alpha[t + 1, n, 2 + s] = alpha_t(s); row 0 is a virtual frame -1 whose only state is
    # the start s = -1 (column 1) with log-probability 0, from which s = 0 (a step) and
    # s = 1 (a skip) are entered. Columns 0 and 1 are -inf otherwise.
    alpha = torch.full((n_frames + 1, batch, width + 2), neg_inf, dtype=lp.dtype, device=lp.device)
    alpha[0, :, 1] = 0
    for t in range(n_frames):
        prev = alpha[t]
        best = torch.logaddexp(prev[:, 2:], prev[:, 1:-1])  # stay at s, step from s - 1
        best = torch.logaddexp(best, prev[:, :-2] + skip_bias)  # skip from s - 2
        alpha[t + 1, :, 2:] = best.add_(emit[t])
    del emit
    # End in the final blank (s = 2S_n) or the last label (s = 2S_n - 1), at frame T_n - 1
    # (row T_n; for T_n = 0 the virtual start, so an empty target has probability 1).
    rows = alpha[in_len, torch.arange(batch, device=lp.device)]  # (N, W + 2)
    last = rows.gather(1, torch.stack([2 * tg_len + 2, 2 * tg_len + 1], dim=1))
    return -torch.logaddexp(last[:, 0], last[:, 1]), alpha


@_ctc_forward.register_fake
def _(lp, ext, skip, in_len, tg_len, ends):
    n_frames, batch, _ = lp.shape
    return lp.new_empty((batch,)), lp.new_empty((n_frames + 1, batch, ext.shape[1] + 2))


def _skip_bias(skip: torch.Tensor, lp: torch.Tensor) -> torch.Tensor:
    """0 where the skip s-2 -> s is allowed, else -inf."""
    zero = torch.zeros((), dtype=lp.dtype, device=lp.device)
    return torch.where(skip, zero, torch.full((), float("-inf"), dtype=lp.dtype, device=lp.device))


@torch.library.custom_op("lossnotes::ctc_backward", mutates_args=())
def _ctc_backward(
    grad_nll: torch.Tensor, lp: torch.Tensor, ext: torch.Tensor, skip: torch.Tensor, in_len: torch.Tensor,
    tg_len: torch.Tensor, alpha: torch.Tensor, nll: torch.Tensor, ends: list[int],
) -> torch.Tensor:
    """The gradient of ``_ctc_forward``'s loss with respect to ``lp``, by the backward (beta)
    recursion; ``ends`` lists the frames where some sequence ends. First-order only."""
    n_frames, batch, _ = lp.shape
    width = ext.shape[1]
    neg_inf = float("-inf")
    index = ext.unsqueeze(0).expand(n_frames, batch, width)
    skip_bias = _skip_bias(skip, lp)
    log_p = -nll
    # eb[t, n, s] = log p_t(y'_s) + beta_t(s), where beta_t(s) is the log-probability of
    # frames t+1 .. T_n - 1 given state s at frame t (0 at the two final states of frame
    # T_n - 1, -inf before a sequence's end is injected). Two -inf columns on the right.
    eb = torch.full((n_frames, batch, width + 2), neg_inf, dtype=lp.dtype, device=lp.device)
    torch.gather(lp, 2, index, out=eb[:, :, :width])
    states = torch.arange(width, device=lp.device)
    final = (states == 2 * tg_len[:, None]) | (states == 2 * tg_len[:, None] - 1)
    zero = torch.zeros((), dtype=lp.dtype, device=lp.device)
    beta_end = torch.where(final, zero, torch.full((), neg_inf, dtype=lp.dtype, device=lp.device))
    # skip s -> s + 2 is allowed where skip into s + 2 is
    skip_next = torch.cat([skip_bias[:, 2:], skip_bias.new_full((batch, min(2, width)), neg_inf)], dim=1)
    ends = set(ends)
    for t in range(n_frames - 1, -1, -1):
        if t < n_frames - 1:
            nxt = eb[t + 1]
            beta = torch.logaddexp(nxt[:, :width], nxt[:, 1:-1])  # stay at s, step to s + 1
            beta = torch.logaddexp(beta, nxt[:, 2:] + skip_next)  # skip to s + 2
        else:
            beta = None
        if t in ends:  # sequences whose last frame is t start their recursion here
            here = (in_len == t + 1)[:, None]
            beta = torch.where(here, beta_end, beta_end.new_full((), neg_inf) if beta is None else beta)
        if beta is None:
            eb[t, :, :width] = neg_inf
        else:
            eb[t, :, :width] += beta
    # d(-log P)/d log p_t(c) = -sum_{s: y'_s = c} gamma_t(s), gamma = exp(alpha + beta - log P),
    # computed in place in eb a block of frames at a time: alpha + beta = alpha + eb - emission.
    safe_log_p = torch.where(torch.isfinite(log_p), log_p, zero)  # no alignment: gamma = 0
    grad = torch.zeros_like(lp)
    block = max(1, -(-n_frames // 8))  # the gathered emissions: 1/8 of eb at a time
    for start in range(0, n_frames, block):
        stop = min(start + block, n_frames)
        occ = eb[start:stop, :, :width]
        occ += alpha[start + 1:stop + 1, :, 2:]
        occ -= lp[start:stop].gather(2, index[start:stop])
        occ -= safe_log_p[None, :, None]
        occ.exp_()
        grad[start:stop].scatter_add_(2, index[start:stop], occ)
    grad *= -grad_nll.to(lp.dtype)[None, :, None]
    return grad


@_ctc_backward.register_fake
def _(grad_nll, lp, ext, skip, in_len, tg_len, alpha, nll, ends):
    return torch.empty_like(lp)


def _ctc_setup_context(ctx, inputs, output):
    lp, ext, skip, in_len, tg_len, ends = inputs
    nll, alpha = output
    ctx.save_for_backward(lp, ext, skip, in_len, tg_len, alpha, nll)
    ctx.ends = ends
    ctx.mark_non_differentiable(alpha)
    ctx.set_materialize_grads(False)  # else autograd fills a zero gradient the size of alpha


def _ctc_grad(ctx, grad_nll, grad_alpha):
    lp, ext, skip, in_len, tg_len, alpha, nll = ctx.saved_tensors
    if grad_nll is None:  # no gradient reaches the loss (gradients are not materialised)
        return None, None, None, None, None, None
    grad = _ctc_backward(grad_nll, lp, ext, skip, in_len, tg_len, alpha, nll, ctx.ends)
    return grad, None, None, None, None, None


_ctc_forward.register_autograd(_ctc_grad, setup_context=_ctc_setup_context)


@autocast_like_torch
def ctc_loss(
    log_probs: torch.Tensor,
    targets: torch.Tensor,
    input_lengths,
    target_lengths,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> torch.Tensor:
    r"""Connectionist Temporal Classification loss: the negative log-probability of a label
    sequence, summed over every frame-level alignment that collapses to it.

    An alignment is one symbol (a label or the blank) per frame; merging repeats and then
    dropping blanks turns it into a label sequence. The forward algorithm sums the
    probabilities of all alignments of :math:`y` over the extended sequence
    :math:`y' = (\varnothing, y_1, \varnothing, y_2, \dots, y_S, \varnothing)` of length
    :math:`2S + 1`, in log space:

    .. math::
        \alpha_t(s) = \log p_t(y'_s) + \operatorname{logsumexp}\bigl(\alpha_{t-1}(s),\,
                      \alpha_{t-1}(s-1),\,
                      [\,y'_s \ne \varnothing,\ y'_s \ne y'_{s-2}\,]\;\alpha_{t-1}(s-2)\bigr),

    starting from :math:`\alpha_1(1) = \log p_1(\varnothing)`, :math:`\alpha_1(2) = \log p_1(y_1)`,
    and :math:`l_n = -\operatorname{logsumexp}(\alpha_{T_n}(2S_n + 1), \alpha_{T_n}(2S_n))`
    (1-based :math:`s`). With no alignment, :math:`l_n = +\infty`. ``'mean'`` divides each
    :math:`l_n` by its target length (at least 1) and then averages over the batch,
    ``'sum'`` adds the :math:`l_n`.

    The batch is processed at once (a loop over time only, a few vectorised kernels per
    frame). The gradient comes from the backward recursion :math:`\beta` and the state
    occupancies :math:`\gamma_t(s) \propto \exp(\alpha_t(s) + \beta_t(s))`: it is the exact
    gradient with respect to ``log_probs``, :math:`-\sum_{s: y'_s = c} \gamma_t(s)`, first-order
    only (no double backward). PyTorch's native backward
    instead returns the gradient with respect to the logits before ``log_softmax``
    (:math:`p - \gamma`): the two agree once both are taken through ``log_softmax``.

    Args:
        log_probs: log-probabilities (the output of ``log_softmax`` over classes), shape
            ``(T, N, C)``, or ``(T, C)`` for one sequence. Raw logits are not rejected but give
            a meaningless value, as in PyTorch.
        targets: label indices in ``[0, C)`` other than ``blank``: padded ``(N, S)`` (entries
            past each target length are ignored), or the ``N`` targets concatenated into one
            1-D tensor of length ``sum(target_lengths)``; ``(S)`` for unbatched input.
        input_lengths: frames used per sequence, each at most ``T``: a tensor of shape ``(N)``
            (or ``()``), or a tuple/list of ints.
        target_lengths: labels per sequence: a tensor of shape ``(N)`` (or ``()``), or a
            tuple/list of ints.
        blank: index of the blank symbol. Default ``0``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        zero_infinity: replace infinite losses (targets too long for their input) and their
            gradients by 0. Default ``False``. (Without it, an infinite loss here has a zero
            gradient, where PyTorch's native backward returns nan.)

    Shape:
        Input: ``log_probs`` ``(T, N, C)`` or ``(T, C)``; ``input_lengths`` ``(N)`` or ``()``.
        Target: ``targets`` ``(N, S)``, ``(sum(target_lengths))`` or ``(S)``; ``target_lengths``
            ``(N)`` or ``()``.
        Output: scalar unless ``reduction='none'``, then ``(N)`` (``()`` for unbatched input),
        in the dtype of ``log_probs`` (float16 and bfloat16 are computed in float32).

    The lengths and the labels are checked with one read of the device (a host
    synchronisation) in eager mode; the lengths also size the extended sequence. Under
    ``torch.compile`` nothing is read: the checks are skipped and the sizes come from the shapes.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) for an empty or wrongly shaped
            ``log_probs``, ``blank`` outside ``[0, C)``, lengths of the wrong size or out of
            range, ``targets`` too short for ``target_lengths``, or a label outside ``[0, C)``.
        TypeError: for floating-point lengths.

    Example:
        >>> import torch
        >>> from lossnotes.sequence import ctc_loss
        >>> log_probs = torch.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()  # T=2, N=1, C=2
        >>> # alignments of "1": (1,1), (blank,1), (1,blank): probability 3/4
        >>> round(ctc_loss(log_probs, torch.tensor([[1]]), (2,), (1,), reduction='sum').item(), 4)
        0.2877

    References:
        Graves, Fernández, Gomez, Schmidhuber, "Connectionist Temporal Classification: Labelling
        Unsegmented Sequence Data with Recurrent Neural Networks", ICML 2006.

    See also:
        ``torch.nn.functional.ctc_loss`` (same arguments); ``paddle.nn.functional.ctc_loss``
        (which applies softmax itself and so expects raw logits).
    """
    reduction = resolve_reduction(reduction)
    check_floating(log_probs, "log_probs")
    check_tensor(targets, "targets")
    if log_probs.numel() == 0:
        raise InputError(f"log_probs must not be empty, got shape {tuple(log_probs.shape)}")
    if log_probs.dim() not in (2, 3):
        raise InputError(f"log_probs must be (T, N, C) or (T, C), got shape {tuple(log_probs.shape)}")
    device = log_probs.device
    batched = log_probs.dim() == 3
    if not batched:
        log_probs = log_probs.unsqueeze(1)
        if targets.dim() == 1:
            targets = targets.unsqueeze(0)
    n_frames, batch, n_classes = log_probs.shape
    if not 0 <= blank < n_classes:
        raise InputError(f"blank must be in the label range [0, {n_classes - 1}], got {blank}")
    in_len = _as_lengths(input_lengths, "input_lengths", device)
    tg_len = _as_lengths(target_lengths, "target_lengths", device)
    for name, lengths in (("input_lengths", in_len), ("target_lengths", tg_len)):
        if lengths.numel() != batch:
            raise InputError(f"{name} must have one entry per batch element ({batch}), got {lengths.numel()}")
    check_integer(targets, "targets", "an integer tensor of label indices")
    if targets.dim() not in (1, 2):
        raise InputError(f"targets must be (N, S) or 1-D concatenated, got shape {tuple(targets.shape)}")

    targets = targets.to(device=device, dtype=torch.long)
    if value_checks(targets, in_len, tg_len):
        # PyTorch validates the lengths on the host too. One synchronisation for every check:
        # the lengths and whether any real label is out of range (the label itself is looked up
        # only to word the error).
        if targets.dim() == 2 and targets.shape[0] == batch:
            real = torch.arange(targets.shape[1], device=device) < tg_len[:, None]
            label_bad = (real & ((targets < 0) | (targets >= n_classes))).any()
        else:  # 1-D: every entry is a label (once its length is checked below)
            label_bad = ((targets < 0) | (targets >= n_classes)).any()
        host = torch.cat([in_len, tg_len, label_bad.long().reshape(1)]).tolist()
        in_host, tg_host, label_bad = host[:batch], host[batch:2 * batch], host[-1]
        if any(v < 0 or v > n_frames for v in in_host):
            raise InputError(f"input_lengths must lie in [0, T={n_frames}], got {in_host}")
        if any(v < 0 for v in tg_host):
            raise InputError(f"target_lengths must be non-negative, got {tg_host}")
        max_target = max(tg_host, default=0)
        sum_target = sum(tg_host)
        ends = sorted({v - 1 for v in in_host if v > 0})  # the frames where a sequence ends
    else:  # under torch.compile: shapes from shapes, and any frame may end a sequence
        max_target = targets.shape[1] if targets.dim() == 2 else targets.shape[0]
        sum_target = targets.shape[0]
        label_bad = False
        ends = list(range(n_frames))

    positions = torch.arange(max_target, device=device)
    in_target = positions < tg_len[:, None]  # (N, S): which label slots are real
    if targets.dim() == 2:
        if targets.shape[0] != batch or targets.shape[1] < max_target:
            raise InputError(
                f"targets must be (N={batch}, S >= max(target_lengths)={max_target}), "
                f"got shape {tuple(targets.shape)}"
            )
        labels = targets[:, :max_target]
    else:
        if targets.shape[0] != sum_target:
            raise InputError(
                f"concatenated targets must have sum(target_lengths)={sum_target} entries, "
                f"got {targets.shape[0]}"
            )
        starts = torch.cumsum(tg_len, 0) - tg_len
        index = (starts[:, None] + positions).clamp(max=max(targets.shape[0] - 1, 0))
        labels = targets[index] if targets.numel() else torch.zeros_like(index)
    labels = torch.where(in_target, labels, torch.full_like(labels, blank))
    if label_bad:
        bad = (labels < 0) | (labels >= n_classes)
        raise InputError(f"targets must hold labels in [0, {n_classes - 1}], got {labels[bad][0].item()}")

    out_dtype = log_probs.dtype
    lp = upcast(log_probs)

    # Extended sequence y' = (blank, y_1, blank, ..., y_S, blank), padded past 2*S_n+1 with
    # blanks that never feed back into the real states.
    width = 2 * max_target + 1
    ext = torch.full((batch, width), blank, dtype=torch.long, device=device)
    ext[:, 1::2] = labels
    # Skip transitions s-2 -> s: only into a label that differs from the label two back; and
    # s = 1 is entered from a virtual start state s = -1 (see _ctc_forward).
    skip = torch.zeros((batch, width), dtype=torch.bool, device=device)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    if width > 1:
        skip[:, 1] = True
    nll, _ = _ctc_forward(lp, ext, skip, in_len, tg_len, ends)

    loss = nll
    if zero_infinity:
        loss = torch.where(torch.isinf(loss), torch.zeros_like(loss), loss)
    if reduction == "mean":
        loss = (loss / tg_len.clamp(min=1).to(loss.dtype)).mean()
    elif reduction == "sum":
        loss = loss.sum()
    elif not batched:
        loss = loss.squeeze(0)
    return loss.to(out_dtype)
