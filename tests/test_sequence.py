"""Tests for lossnotes.sequence.ctc_loss against torch.nn.functional.ctc_loss, hand-enumerated
alignments and identities.

Gradients are compared with respect to the logits before ``log_softmax``: torch's native CTC
backward returns ``softmax - occupancy``, which is the gradient with respect to those logits and
not with respect to ``log_probs`` (see ``test_gradient_wrt_log_probs_is_minus_occupancy``).
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES

from lossnotes.sequence import ctc_loss

REDUCTIONS = ("none", "mean", "sum")
DTYPES = (torch.float32, torch.float64)
# float32 is looser than TOLERANCES[float32]: the alpha-beta recursion adds T rounded logsumexp
# steps, so lossnotes and torch's kernel (a different summation order) drift by ~T ulps.
TOL = {torch.float32: dict(rtol=1e-4, atol=1e-5), torch.float64: TOLERANCES[torch.float64]}


def _problem(seed, dtype, T=9, N=4, C=5, S=4, blank=0, repeats=True):
    """Random logits, padded targets without the blank, and mixed lengths (some 0)."""
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(T, N, C, dtype=dtype, generator=g) * 2
    labels = torch.randint(0, C - 1, (N, S), generator=g)
    labels = labels + (labels >= blank).long()  # skip the blank
    if repeats:
        labels[0, 1] = labels[0, 0]  # a repeated label needs a blank between the two
    target_lengths = torch.tensor([S, 2, 0, 3][:N])
    input_lengths = torch.tensor([T, T - 2, 3, 1][:N])  # the last one is too short: inf
    return logits, labels, input_lengths, target_lengths


def _values_and_grads(fn, logits, *args, **kwargs):
    z = logits.detach().clone().requires_grad_()
    loss = fn(z.log_softmax(2), *args, **kwargs)
    weights = torch.linspace(0.5, 1.5, loss.numel(), dtype=loss.dtype).reshape(loss.shape)
    finite = torch.isfinite(loss)
    (grad,) = torch.autograd.grad((torch.where(finite, loss, 0) * weights).sum(), z)
    return loss, grad


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("blank", [0, 2, 4])
def test_matches_torch_padded_and_concatenated(dtype, reduction, zero_infinity, blank):
    logits, labels, in_len, tg_len = _problem(blank, dtype, blank=blank)
    if not zero_infinity:  # keep every loss finite so that gradients are comparable
        in_len = in_len.clamp(min=7)
    concat = torch.cat([labels[n, : tg_len[n]] for n in range(labels.shape[0])])
    kwargs = dict(blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    want, g_want = _values_and_grads(F.ctc_loss, logits, labels, in_len, tg_len, **kwargs)
    for targets in (labels, concat):
        for lengths in ((in_len, tg_len), (tuple(in_len.tolist()), tuple(tg_len.tolist())),
                        (in_len.tolist(), tg_len.tolist()), (in_len.int(), tg_len.int())):
            got, g_got = _values_and_grads(ctc_loss, logits, targets, *lengths, **kwargs)
            assert got.shape == want.shape and got.dtype == want.dtype
            torch.testing.assert_close(got, want, **TOL[dtype])
            torch.testing.assert_close(g_got, g_want, **TOL[dtype])


@pytest.mark.parametrize("seed", range(6))
def test_matches_torch_random_shapes(seed):
    g = torch.Generator().manual_seed(100 + seed)
    T, N, C = (int(torch.randint(low, high, (1,), generator=g)) for low, high in ((1, 15), (1, 6), (2, 7)))
    S = int(torch.randint(0, T + 1, (1,), generator=g))
    logits = torch.randn(T, N, C, dtype=torch.float64, generator=g)
    labels = torch.randint(1, C, (N, max(S, 1)), generator=g)
    tg_len = torch.randint(0, S + 1, (N,), generator=g)
    in_len = torch.randint(0, T + 1, (N,), generator=g)
    for reduction in REDUCTIONS:
        want, g_want = _values_and_grads(F.ctc_loss, logits, labels, in_len, tg_len,
                                         reduction=reduction, zero_infinity=True)
        got, g_got = _values_and_grads(ctc_loss, logits, labels, in_len, tg_len,
                                       reduction=reduction, zero_infinity=True)
        torch.testing.assert_close(got, want, **TOLERANCES[torch.float64])
        torch.testing.assert_close(g_got, g_want, **TOLERANCES[torch.float64])
        got_inf = ctc_loss(logits.log_softmax(2), labels, in_len, tg_len, reduction=reduction)
        torch.testing.assert_close(got_inf, F.ctc_loss(logits.log_softmax(2), labels, in_len, tg_len,
                                                       reduction=reduction), **TOLERANCES[torch.float64])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_unbatched_matches_torch(reduction):
    logits, labels, _, _ = _problem(3, torch.float64, N=1)
    lp = logits[:, 0].log_softmax(1)
    want = F.ctc_loss(lp, labels[0], torch.tensor(9), torch.tensor(4), reduction=reduction)
    got = ctc_loss(lp, labels[0], torch.tensor(9), torch.tensor(4), reduction=reduction)
    assert got.shape == want.shape == ()
    torch.testing.assert_close(got, want, **TOLERANCES[torch.float64])
    torch.testing.assert_close(ctc_loss(lp, labels[0], (9,), (4,), reduction=reduction), want,
                               **TOLERANCES[torch.float64])


def test_labels_equal_to_blank_give_torch_values():
    # torch does not forbid the blank inside a target; the forward values still agree
    lp = torch.randn(6, 2, 3, dtype=torch.float64).log_softmax(2)
    targets = torch.tensor([[1, 0, 2], [0, 0, 1]])
    args = (lp, targets, (6, 6), (3, 2))
    torch.testing.assert_close(ctc_loss(*args, reduction="none"), F.ctc_loss(*args, reduction="none"))


def test_hand_enumerated_two_frames_one_label():
    # T = 2, C = 2 (0 = blank), target "1". Frame 1: p(blank) = 0.6, p(1) = 0.4;
    # frame 2: p(blank) = 0.3, p(1) = 0.7. Alignments collapsing to "1":
    #   (1, 1)     0.4 * 0.7 = 0.28
    #   (blank, 1) 0.6 * 0.7 = 0.42
    #   (1, blank) 0.4 * 0.3 = 0.12
    # P = 0.82, loss = -log 0.82 = 0.198451; 'mean' divides by the target length 1.
    probs = torch.tensor([[[0.6, 0.4]], [[0.3, 0.7]]], dtype=torch.float64)
    for reduction in REDUCTIONS:
        got = ctc_loss(probs.log(), torch.tensor([[1]]), (2,), (1,), reduction=reduction)
        assert got.reshape(()).item() == pytest.approx(-math.log(0.82), rel=1e-12)


def test_hand_enumerated_repeated_label():
    # Target "1 1" needs a blank between the two 1s: with T = 3 the only alignment is
    # (1, blank, 1), probability 0.5 ** 3 with uniform frames, so loss = 3 log 2; 'mean'
    # divides by the target length 2. With T = 2 no alignment exists: loss = inf.
    lp = torch.full((3, 1, 2), math.log(0.5), dtype=torch.float64)
    target = torch.tensor([[1, 1]])
    assert ctc_loss(lp, target, (3,), (2,), reduction="sum").item() == pytest.approx(3 * math.log(2))
    assert ctc_loss(lp, target, (3,), (2,)).item() == pytest.approx(1.5 * math.log(2))
    assert ctc_loss(lp, target, (2,), (2,), reduction="sum").item() == math.inf
    # a different label needs no blank: "1 2" in T = 2 frames has exactly one alignment (1, 2)
    lp3 = torch.full((2, 1, 3), math.log(1 / 3), dtype=torch.float64)
    assert ctc_loss(lp3, torch.tensor([[1, 2]]), (2,), (2,), reduction="sum").item() == pytest.approx(
        2 * math.log(3))


def test_single_frame_single_label_is_minus_log_p():
    lp = torch.randn(1, 3, 4, dtype=torch.float64).log_softmax(2)
    labels = torch.tensor([[1], [2], [3]])
    got = ctc_loss(lp, labels, (1, 1, 1), (1, 1, 1), reduction="none")
    torch.testing.assert_close(got, -lp[0].gather(1, labels).squeeze(1), **TOLERANCES[torch.float64])


def test_empty_target_is_all_blanks():
    # the only alignment of the empty sequence is blank at every frame
    lp = torch.randn(5, 2, 3, dtype=torch.float64).log_softmax(2)
    got = ctc_loss(lp, torch.zeros(2, 0, dtype=torch.long), (5, 3), (0, 0), reduction="none")
    want = torch.stack([-lp[:5, 0, 0].sum(), -lp[:3, 1, 0].sum()])
    torch.testing.assert_close(got, want, **TOLERANCES[torch.float64])
    # zero frames and an empty target: probability 1, loss 0; a non-empty one: inf (as torch)
    lp1 = torch.randn(3, 2, 3).log_softmax(2)
    args = (lp1, torch.tensor([[1], [2]]), (0, 0), (0, 1))
    torch.testing.assert_close(ctc_loss(*args, reduction="none"), F.ctc_loss(*args, reduction="none"))


def test_gradcheck_float64():
    logits, labels, in_len, tg_len = _problem(7, torch.float64, T=6, N=3, C=4, S=3)
    in_len = torch.tensor([6, 5, 4])
    lp = logits.log_softmax(2).detach().requires_grad_()
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda x, reduction=reduction: ctc_loss(x, labels, in_len, tg_len[:3], reduction=reduction),
            (lp,))


def test_gradient_wrt_log_probs_is_minus_occupancy():
    # d loss / d log p_t(c) = -gamma_t(c), the posterior probability that frame t emits c,
    # so it sums to -1 over c on each used frame and is 0 past the input length. torch's
    # native backward returns p_t(c) - gamma_t(c) instead (the gradient w.r.t. the logits).
    logits, labels, _, tg_len = _problem(8, torch.float64)
    in_len = torch.tensor([9, 7, 3, 8])
    lp = logits.log_softmax(2).detach().requires_grad_()
    (ours,) = torch.autograd.grad(ctc_loss(lp, labels, in_len, tg_len, reduction="sum"), lp)
    used = (torch.arange(9)[:, None] < in_len[None, :]).double()
    torch.testing.assert_close(ours.sum(2), -used, **TOLERANCES[torch.float64])
    lp_t = lp.detach().clone().requires_grad_()
    (theirs,) = torch.autograd.grad(F.ctc_loss(lp_t, labels, in_len, tg_len, reduction="sum"), lp_t)
    torch.testing.assert_close(theirs, ours + lp.detach().exp() * used[:, :, None], **TOLERANCES[torch.float64])


@pytest.mark.parametrize("dtype", DTYPES)
def test_long_sequences_and_many_lengths_match_torch(dtype):
    # 120 frames and up to 30 labels with repeats: the log-space recursions must stay accurate
    # over many steps; seven different input lengths start the backward recursion at seven frames
    g = torch.Generator().manual_seed(21)
    T, N, C, S = 120, 7, 6, 30
    logits = torch.randn(T, N, C, dtype=dtype, generator=g) * 3
    labels = torch.randint(1, 3, (N, S), generator=g)  # few classes: many repeated labels
    in_len = torch.tensor([120, 119, 100, 90, 75, 61, 120])
    tg_len = torch.tensor([30, 12, 25, 1, 0, 29, 17])
    for reduction in REDUCTIONS:
        kwargs = dict(reduction=reduction, zero_infinity=True)
        want, g_want = _values_and_grads(F.ctc_loss, logits, labels, in_len, tg_len, **kwargs)
        got, g_got = _values_and_grads(ctc_loss, logits, labels, in_len, tg_len, **kwargs)
        # long sequences: the float32 drift grows with T (see TOL), so the absolute part is looser too
        tol = TOL[dtype] if dtype == torch.float64 else dict(rtol=1e-4, atol=1e-4)
        torch.testing.assert_close(got, want, **tol)
        torch.testing.assert_close(g_got, g_want, **tol)


def test_second_backward_with_retain_graph_is_identical():
    logits, labels, in_len, tg_len = _problem(22, torch.float64)
    lp = logits.log_softmax(2).detach().requires_grad_()
    loss = ctc_loss(lp, labels, in_len.clamp(min=7), tg_len, reduction="sum")
    (first,) = torch.autograd.grad(loss, lp, retain_graph=True)
    (second,) = torch.autograd.grad(loss, lp)
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    lp_t = lp.detach().clone().requires_grad_()
    (theirs,) = torch.autograd.grad(F.ctc_loss(lp_t, labels, in_len.clamp(min=7), tg_len, reduction="sum"), lp_t)
    # torch returns p - gamma on the used frames (see the test above); ours is -gamma
    used = (torch.arange(9)[:, None] < in_len.clamp(min=7)[None, :]).double()
    torch.testing.assert_close(theirs, first + lp.detach().exp() * used[:, :, None], **TOLERANCES[torch.float64])


def test_zero_infinity_zeroes_loss_and_gradient():
    lp = torch.randn(2, 2, 3, dtype=torch.float64).log_softmax(2).requires_grad_()
    targets = torch.tensor([[1, 1], [1, 2]])  # "1 1" cannot fit in 2 frames
    loss = ctc_loss(lp, targets, (2, 2), (2, 2), reduction="none", zero_infinity=True)
    assert loss[0].item() == 0.0 and torch.isfinite(loss[1])
    (grad,) = torch.autograd.grad(loss.sum(), lp)
    assert torch.all(grad[:, 0] == 0) and torch.any(grad[:, 1] != 0)
    # without zero_infinity the loss is inf; here its gradient is 0, where torch's is nan
    lp2 = lp[:, :1].detach().clone().requires_grad_()
    inf_loss = ctc_loss(lp2, targets[:1], (2,), (2,), reduction="sum")
    assert inf_loss.item() == math.inf
    (grad2,) = torch.autograd.grad(inf_loss, lp2)
    assert torch.all(grad2 == 0)
    lp3 = lp[:, :1].detach().clone().requires_grad_()
    (torch_grad,) = torch.autograd.grad(F.ctc_loss(lp3, targets[:1], (2,), (2,), reduction="sum"), lp3)
    assert torch.isnan(torch_grad[:, 0]).all()


def test_mean_divides_by_clamped_target_length():
    lp = torch.randn(6, 3, 4, dtype=torch.float64).log_softmax(2)
    targets = torch.tensor([[1, 2, 3], [2, 0, 0], [0, 0, 0]])
    tg_len = torch.tensor([3, 1, 0])
    per = ctc_loss(lp, targets, (6, 6, 6), tg_len, reduction="none")
    mean = ctc_loss(lp, targets, (6, 6, 6), tg_len, reduction="mean")
    torch.testing.assert_close(mean, (per / torch.tensor([3.0, 1.0, 1.0], dtype=torch.float64)).mean())


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_low_precision_keeps_dtype(dtype):
    # torch's CPU kernel has no float16/bfloat16; compare with float32 on the rounded inputs
    logits, labels, in_len, tg_len = _problem(9, torch.float32)
    lp = logits.log_softmax(2).to(dtype)
    got = ctc_loss(lp, labels, in_len.clamp(min=7), tg_len, reduction="none")
    want = F.ctc_loss(lp.float(), labels, in_len.clamp(min=7), tg_len, reduction="none")
    assert got.dtype == dtype
    torch.testing.assert_close(got.float(), want, **TOLERANCES[dtype])


def _bad_calls():
    lp = torch.randn(5, 3, 4).log_softmax(2)
    tg = torch.randint(1, 4, (3, 3))
    il, tl = torch.full((3,), 5), torch.tensor([3, 2, 1])
    return [
        ((lp, tg, il, tl), dict(blank=4), "blank must be in the label range"),
        ((lp, tg, il, tl), dict(blank=-1), "blank must be in the label range"),
        ((lp, tg, il[:2], tl), {}, "input_lengths must have one entry per batch element"),
        ((lp, tg, il, tl[:2]), {}, "target_lengths must have one entry per batch element"),
        ((lp, tg, il + 1, tl), {}, r"input_lengths must lie in \[0, T=5\]"),
        ((lp, tg, il - 6, tl), {}, r"input_lengths must lie in \[0, T=5\]"),
        ((lp, tg, il, torch.tensor([-1, 2, 1])), {}, "target_lengths must be non-negative"),
        ((lp, tg, il, torch.tensor([4, 2, 1])), {}, r"S >= max\(target_lengths\)=4"),
        ((lp, tg[:2], il, tl), {}, r"targets must be \(N=3"),
        ((lp, tg.flatten()[:5], il, tl), {}, r"sum\(target_lengths\)=6 entries, got 5"),
        ((lp, tg.unsqueeze(0), il, tl), {}, r"targets must be \(N, S\) or 1-D"),
        ((lp.unsqueeze(0), tg, il, tl), {}, r"log_probs must be \(T, N, C\) or \(T, C\)"),
        ((lp[:0], tg, il * 0, tl * 0), {}, "log_probs must not be empty"),
    ]


@pytest.mark.parametrize(("args", "kwargs", "match"), _bad_calls())
def test_bad_input_raises_where_torch_raises(args, kwargs, match):
    with pytest.raises(RuntimeError):
        F.ctc_loss(*args, **kwargs)
    with pytest.raises(ValueError, match=match):
        ctc_loss(*args, **kwargs)
    with pytest.raises(RuntimeError, match=match):  # the same error also is a RuntimeError
        ctc_loss(*args, **kwargs)


def test_other_bad_inputs():
    lp = torch.randn(5, 2, 4).log_softmax(2)
    tg = torch.tensor([[1, 2], [3, 3]])
    with pytest.raises(RuntimeError, match="must be integral"):
        F.ctc_loss(lp, tg, torch.tensor([5.0, 5.0]), torch.tensor([2, 2]))
    with pytest.raises(TypeError, match="input_lengths must be integral"):
        ctc_loss(lp, tg, torch.tensor([5.0, 5.0]), (2, 2))
    with pytest.raises(TypeError, match="target_lengths must be a tensor or a tuple/list of ints"):
        ctc_loss(lp, tg, (5, 5), "2")
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.ctc_loss(lp, tg, (5, 5), (2, 2), reduction="avg")
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        ctc_loss(lp, tg, (5, 5), (2, 2), reduction="avg")
    # torch reads out-of-range labels without a check (undefined values); here it is an error
    with pytest.raises(ValueError, match=r"labels in \[0, 3\], got 7"):
        ctc_loss(lp, torch.tensor([[1, 7], [3, 3]]), (5, 5), (2, 2))
    with pytest.raises(TypeError, match="targets must be an integer tensor"):
        ctc_loss(lp, tg.float(), (5, 5), (2, 2))
    with pytest.raises(TypeError, match="log_probs must be a floating-point tensor"):
        ctc_loss(tg, tg, (5, 5), (2, 2))


def test_backward_holds_no_more_memory_than_torchs_ctc():
    # The alpha table, (T + 1) x N x (2S + 3) floats, is an output of the forward custom op
    # that has no gradient; unless the op's autograd says so, the engine fills a zero gradient
    # of that size for it before the backward runs (measured: 1.53x torch's peak at these
    # sizes before, 1.07x after). torch's own ctc_loss holds alpha and beta tables of the same
    # size, so 1.25x its peak leaves room for the allocator and none for a third table.
    from lossnotes import bench

    sizes = bench.Sizes(**{**bench.SIZES["smoke"].__dict__, "ctc": (400, 32, 40, 100)})
    ours = bench.measure_peak("ctc_loss", "lossnotes", sizes, "cpu")
    theirs = bench.measure_peak("ctc_loss", "torch", sizes, "cpu")
    assert ours <= 1.25 * theirs, (ours / 2**20, theirs / 2**20)
