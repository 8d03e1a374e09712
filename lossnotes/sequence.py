"""Sequence losses: Connectionist Temporal Classification (CTC) by the log-space forward algorithm."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lossnotes._checks import InputError, check_floating, check_tensor
from lossnotes._reduction import check_reduction

__all__ = ["ctc_loss"]


def _as_lengths(lengths, name: str, device: torch.device) -> torch.Tensor:
    """Lengths given as a tensor, a tuple/list of ints or an int, as a 1-D int64 tensor."""
    if isinstance(lengths, torch.Tensor):
        if lengths.is_floating_point() or lengths.is_complex() or lengths.dtype == torch.bool:
            raise TypeError(f"{name} must be integral, got dtype {lengths.dtype}")
        return lengths.to(device=device, dtype=torch.long).reshape(-1)
    if isinstance(lengths, int) and not isinstance(lengths, bool):
        return torch.tensor([lengths], dtype=torch.long, device=device)
    if isinstance(lengths, Sequence) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in lengths
    ):
        return torch.tensor(list(lengths), dtype=torch.long, device=device)
    raise TypeError(f"{name} must be a tensor or a tuple/list of ints, got {type(lengths).__name__}")


def _logsumexp_safe(parts: torch.Tensor) -> torch.Tensor:
    """``logsumexp`` over dim 0 that returns ``-inf`` with a zero (not nan) gradient when every
    term is ``-inf``: unreachable states of the trellis stay harmless in the backward pass."""
    peak = parts.detach().amax(dim=0)
    peak = torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))
    total = torch.exp(parts - peak).sum(dim=0)
    reachable = total > 0
    # log of a placeholder 1 where nothing is reachable, so log's 1/x never sees a 0
    safe_total = torch.where(reachable, total, torch.ones_like(total))
    neg_inf = torch.full_like(total, float("-inf"))
    return torch.where(reachable, peak + torch.log(safe_total), neg_inf)


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

    The batch is processed at once (a loop over time only), and gradients come from autograd,
    so they are the exact gradients with respect to ``log_probs``. PyTorch's native backward
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
        Output: scalar unless ``reduction='none'``, then ``(N)`` (``()`` for unbatched input),
        in the dtype of ``log_probs`` (float16 and bfloat16 are computed in float32).

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
    check_reduction(reduction)
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
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(f"targets must be an integer tensor of label indices, got dtype {targets.dtype}")
    if targets.dim() not in (1, 2):
        raise InputError(f"targets must be (N, S) or 1-D concatenated, got shape {tuple(targets.shape)}")

    # PyTorch validates the lengths on the host too; one synchronisation for all checks.
    in_host, tg_host = in_len.tolist(), tg_len.tolist()
    if any(v < 0 or v > n_frames for v in in_host):
        raise InputError(f"input_lengths must lie in [0, T={n_frames}], got {in_host}")
    if any(v < 0 for v in tg_host):
        raise InputError(f"target_lengths must be non-negative, got {tg_host}")
    max_target = max(tg_host, default=0)

    targets = targets.to(device=device, dtype=torch.long)
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
        if targets.shape[0] != sum(tg_host):
            raise InputError(
                f"concatenated targets must have sum(target_lengths)={sum(tg_host)} entries, "
                f"got {targets.shape[0]}"
            )
        starts = torch.cumsum(tg_len, 0) - tg_len
        index = (starts[:, None] + positions).clamp(max=max(targets.shape[0] - 1, 0))
        labels = targets[index] if targets.numel() else torch.zeros_like(index)
    labels = torch.where(in_target, labels, torch.full_like(labels, blank))
    bad = (labels < 0) | (labels >= n_classes)
    if bool(bad.any()):
        raise InputError(f"targets must hold labels in [0, {n_classes - 1}], got {labels[bad][0].item()}")

    out_dtype = log_probs.dtype
    lp = log_probs.float() if out_dtype in (torch.float16, torch.bfloat16) else log_probs

    # Extended sequence y' = (blank, y_1, blank, ..., y_S, blank), padded past 2*S_n+1 with
    # blanks that never feed back into the real states.
    width = 2 * max_target + 1
    ext = torch.full((batch, width), blank, dtype=torch.long, device=device)
    ext[:, 1::2] = labels
    # Skip transitions s-2 -> s: only into a label that differs from the label two back.
    skip = torch.zeros((batch, width), dtype=torch.bool, device=device)
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    # State k of the trellis is s = k - 1: k = 0 is a virtual start before frame 0 with log
    # probability 0, from which s = 0 (step) and s = 1 (skip) are entered.
    skip = torch.cat([torch.zeros_like(skip[:, :1]), skip], dim=1)
    if width > 1:
        skip[:, 2] = True
    emit = lp.gather(2, ext.unsqueeze(0).expand(n_frames, batch, width))  # (T, N, 2S+1)
    emit = torch.cat([torch.full_like(emit[:, :, :1], float("-inf")), emit], dim=2)

    neg_inf = torch.full((batch, 1), float("-inf"), dtype=lp.dtype, device=device)
    alpha = torch.cat([torch.zeros_like(neg_inf), neg_inf.expand(batch, width)], dim=1)
    skip_fill = torch.full_like(alpha, float("-inf"))
    for t in range(n_frames):
        stay = alpha
        step = torch.cat([neg_inf, alpha[:, :-1]], dim=1)
        jump = torch.where(skip, torch.cat([neg_inf, neg_inf, alpha[:, :-2]], dim=1), skip_fill)
        new = _logsumexp_safe(torch.stack([stay, step, jump])) + emit[t]
        alpha = torch.where((t < in_len)[:, None], new, alpha)

    # End in the final blank (s = 2S_n) or the last label (s = 2S_n - 1): k = 2S_n + 1, 2S_n.
    last = alpha.gather(1, torch.stack([2 * tg_len + 1, 2 * tg_len], dim=1))
    loss = -_logsumexp_safe(last.T)
    if zero_infinity:
        loss = torch.where(torch.isinf(loss), torch.zeros_like(loss), loss)
    if reduction == "mean":
        loss = (loss / tg_len.clamp(min=1).to(loss.dtype)).mean()
    elif reduction == "sum":
        loss = loss.sum()
    elif not batched:
        loss = loss.squeeze(0)
    return loss.to(out_dtype)
