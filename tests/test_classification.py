"""lossnotes.classification against torch.nn.functional, hand-derived numbers and identities."""

from __future__ import annotations

import doctest
import itertools
import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES, assert_matches

import lossnotes.classification as lc

REDUCTIONS = ["none", "mean", "sum"]


def logits(shape, dtype, gen, scale=2.0):
    return (scale * torch.randn(shape, generator=gen)).to(dtype)


def class_targets(shape, num_classes, gen):
    return torch.randint(0, num_classes, shape, generator=gen)


# index-target shapes: (input shape, target shape); C = 4 everywhere
INDEX_SHAPES = [((5, 4), (5,)), ((3, 4, 2, 3), (3, 2, 3)), ((4,), ())]


# ----------------------------------------------------------------------------- cross entropy and NLL


@pytest.mark.parametrize("shapes", INDEX_SHAPES, ids=["NC", "NCd1d2", "C"])
@pytest.mark.parametrize(
    ("weighted", "label_smoothing", "ignore"),
    list(itertools.product([False, True], [0.0, 0.3], [None, "default", "class1"])),
)
def test_cross_entropy_index_targets_match_torch(shapes, weighted, label_smoothing, ignore, dtype,
                                                 gen):
    in_shape, tgt_shape = shapes
    x = logits(in_shape, dtype, gen)
    y = class_targets(tgt_shape, 4, gen)
    kwargs = {"label_smoothing": label_smoothing}
    if ignore == "default" and y.dim():
        y.view(-1)[::3] = -100  # PyTorch's default ignore_index
    elif ignore == "class1":
        kwargs["ignore_index"] = 1
    w = torch.rand(4, generator=gen).to(dtype) + 0.5 if weighted else None
    for reduction in REDUCTIONS:
        # the class weight is passed as a constant: PyTorch's NLL kernel has no gradient for it
        assert_matches(
            lambda x, r=reduction: lc.cross_entropy(x, y, w, reduction=r, **kwargs),
            lambda x, r=reduction: F.cross_entropy(x, y, w, reduction=r, **kwargs),
            x,
        )


@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 2, 3), (4,)], ids=["NC", "NCd1d2", "C"])
@pytest.mark.parametrize(("weighted", "label_smoothing"), list(itertools.product([False, True], [0.0, 0.3])))
def test_cross_entropy_probability_targets_match_torch(shape, weighted, label_smoothing, dtype, gen):
    x = logits(shape, dtype, gen)
    class_dim = 0 if len(shape) == 1 else 1
    p = torch.softmax(torch.randn(shape, generator=gen), dim=class_dim).to(dtype)
    w = torch.rand(4, generator=gen).to(dtype) + 0.5 if weighted else None
    kwargs = {"label_smoothing": label_smoothing}
    for reduction in REDUCTIONS:
        # gradients with respect to the target too: soft targets are sometimes learned
        assert_matches(
            lambda x, p, w, r=reduction: lc.cross_entropy(x, p, w, reduction=r, **kwargs),
            lambda x, p, w, r=reduction: F.cross_entropy(x, p, w, reduction=r, **kwargs),
            x, p, w,
        )


@pytest.mark.parametrize("shapes", INDEX_SHAPES, ids=["NC", "NCd1d2", "C"])
@pytest.mark.parametrize(("weighted", "ignore_index"), list(itertools.product([False, True], [-100, 2])))
def test_nll_loss_matches_torch(shapes, weighted, ignore_index, dtype, gen):
    in_shape, tgt_shape = shapes
    logp = torch.log_softmax(logits(in_shape, dtype, gen), dim=0 if len(in_shape) == 1 else 1)
    y = class_targets(tgt_shape, 4, gen)
    if y.dim():
        y.view(-1)[::4] = ignore_index
    w = torch.rand(4, generator=gen).to(dtype) + 0.5 if weighted else None
    kwargs = {"ignore_index": ignore_index}
    for reduction in REDUCTIONS:
        assert_matches(
            lambda x, r=reduction: lc.nll_loss(x, y, w, reduction=r, **kwargs),
            lambda x, r=reduction: F.nll_loss(x, y, w, reduction=r, **kwargs),
            logp,
        )


def test_byte_targets_are_accepted_like_torch(gen):
    x = logits((5, 4), torch.float64, gen)
    y = class_targets((5,), 4, gen).to(torch.uint8)
    assert_matches(lambda x: lc.cross_entropy(x, y), lambda x: F.cross_entropy(x, y), x)


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_byte_targets_of_a_k_dimensional_input_are_refused_like_torch(name, gen):
    # torch's (N, C, d_1, ..., d_K) kernels take int64 targets only; its (N, C) kernel takes uint8 too
    x = logits((2, 3, 4), torch.float64, gen)
    y = class_targets((2, 4), 3, gen).to(torch.uint8)
    with pytest.raises(RuntimeError, match="expected scalar type Long but found Byte"):
        getattr(F, name)(x, y)
    with pytest.raises(RuntimeError, match="expected scalar type Long but found Byte"):
        getattr(lc, name)(x, y)
    torch.testing.assert_close(getattr(lc, name)(x, y.long()), getattr(F, name)(x, y.long()))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"label_smoothing": 0.2}, {"weight": torch.ones(4)}, {"weight": torch.ones(4), "label_smoothing": 0.2}],
    ids=["plain", "smoothing", "weight", "weight+smoothing"],
)
@pytest.mark.parametrize("probabilities", [False, True], ids=["index", "prob"])
def test_cross_entropy_empty_batch_like_torch(reduction, kwargs, probabilities):
    # PyTorch: mean over no element is nan, a sum is 0, 'none' is an empty tensor
    x = torch.zeros(0, 4)
    y = torch.zeros(0, 4) if probabilities else torch.zeros(0, dtype=torch.long)
    assert_matches(
        lambda x, r=reduction: lc.cross_entropy(x, y, reduction=r, **kwargs),
        lambda x, r=reduction: F.cross_entropy(x, y, reduction=r, **kwargs),
        x,
    )


@pytest.mark.parametrize("fn", [lc.cross_entropy, lc.nll_loss])
@pytest.mark.parametrize("weighted", [False, True])
def test_all_targets_ignored_gives_nan_mean_and_zero_sum(fn, weighted):
    x = torch.randn(3, 4)
    y = torch.full((3,), -100)
    w = torch.rand(4) if weighted else None
    assert torch.isnan(fn(x, y, w))  # 0 / 0, as F.cross_entropy / F.nll_loss
    assert fn(x, y, w, reduction="sum").item() == 0.0
    assert torch.isnan(F.nll_loss(x, y, w))


def test_cross_entropy_worked_example_from_the_seed_article():
    # log_softmax([1, 2]) = [1, 2] - log(e + e^2) = [-1.3133, -0.3133]; target 0 -> 1.3133.
    # log_softmax([1, 3]) = [1, 3] - log(e + e^3) = [-2.1269, -0.1269]; target 1 -> 0.1269.
    x = torch.tensor([[1.0, 2.0], [1.0, 3.0], [1.0, 3.0]])
    y = torch.tensor([0, 1, 1])
    expected_none = torch.tensor([math.log1p(math.e), math.log1p(math.exp(-2)), math.log1p(math.exp(-2))])
    torch.testing.assert_close(lc.cross_entropy(x, y, reduction="none"), expected_none)
    torch.testing.assert_close(lc.cross_entropy(x, y, reduction="none"), torch.tensor([1.3133, 0.1269, 0.1269]),
                               atol=1e-4, rtol=0)  # the article rounds to 4 decimals
    assert round(lc.cross_entropy(x, y, reduction="sum").item(), 4) == 1.5671
    assert round(lc.cross_entropy(x, y).item(), 4) == 0.5224
    # class weights [1, 2]: none [1.3133, 2*0.1269, 2*0.1269]; mean = 1.8210 / (1 + 2 + 2) = 0.3642
    w = torch.tensor([1.0, 2.0])
    torch.testing.assert_close(lc.cross_entropy(x, y, w, reduction="none"), torch.tensor([1.3133, 0.2539, 0.2539]),
                               atol=1e-4, rtol=0)  # rounded to 4 decimals
    assert round(lc.cross_entropy(x, y, w, reduction="sum").item(), 4) == 1.8210
    assert round(lc.cross_entropy(x, y, w).item(), 4) == 0.3642


def test_nll_on_raw_scores_is_minus_the_picked_score():
    # NLL does not take a log-softmax: on raw scores it returns -x[n, y_n] = [-1, -3, -3] (the seed's pitfall)
    x = torch.tensor([[1.0, 2.0], [1.0, 3.0], [1.0, 3.0]])
    y = torch.tensor([0, 1, 1])
    torch.testing.assert_close(lc.nll_loss(x, y, reduction="none"), torch.tensor([-1.0, -3.0, -3.0]))
    assert lc.nll_loss(x, y, reduction="sum").item() == -7.0
    assert round(lc.nll_loss(x, y).item(), 4) == -2.3333


def test_label_smoothing_by_hand():
    # C = 2, eps = 0.5, logits [0, 0]: p = [1/2, 1/2]; smoothed target [3/4, 1/4];
    # loss = -(3/4 + 1/4) log(1/2) = log 2, whatever the smoothing.
    # logits [0, log 3]: p = [1/4, 3/4], target 0: (1 - 0.5) * log 4 + (0.5 / 2) * (log 4 + log(4/3))
    x = torch.tensor([[0.0, math.log(3.0)]], dtype=torch.float64)
    expected = 0.5 * math.log(4) + 0.25 * (math.log(4) + math.log(4 / 3))
    assert lc.cross_entropy(x, torch.tensor([0]), label_smoothing=0.5).item() == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_is_nll_of_log_softmax(dtype, gen):
    x = logits((6, 5, 3), dtype, gen)
    y = class_targets((6, 3), 5, gen)
    w = torch.rand(5, generator=gen).to(dtype)
    assert_matches(
        lambda x: lc.cross_entropy(x, y, w, ignore_index=2),
        lambda x: lc.nll_loss(torch.log_softmax(x, dim=1), y, w, ignore_index=2),
        x,
    )


def test_weighted_mean_is_invariant_to_scaling_the_weights(gen):
    x = logits((8, 3), torch.float64, gen)
    y = class_targets((8,), 3, gen)
    w = torch.rand(3, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(lc.cross_entropy(x, y, w), lc.cross_entropy(x, y, 10 * w))


@pytest.mark.parametrize("low", [torch.float16, torch.bfloat16])
def test_cross_entropy_keeps_low_precision_dtype(low, gen):
    x = logits((6, 4), torch.float32, gen).to(low)
    y = class_targets((6,), 4, gen)
    for kwargs in ({}, {"label_smoothing": 0.1}, {"weight": torch.rand(4, generator=gen).to(low)}):
        ours = lc.cross_entropy(x, y, **kwargs)
        assert ours.dtype == low
        torch.testing.assert_close(ours, F.cross_entropy(x, y, **kwargs), **TOLERANCES[low])
    ours = lc.nll_loss(torch.log_softmax(x, 1), y)
    assert ours.dtype == low
    torch.testing.assert_close(ours, F.nll_loss(torch.log_softmax(x, 1), y), **TOLERANCES[low])


def test_cross_entropy_and_nll_gradcheck(gen):
    x = logits((2, 3, 2), torch.float64, gen).requires_grad_()
    w = (torch.rand(3, generator=gen, dtype=torch.float64) + 0.5).requires_grad_()
    y = class_targets((2, 2), 3, gen)
    y[0, 0] = -100
    p = torch.softmax(torch.randn(2, 3, 2, generator=gen, dtype=torch.float64), 1).requires_grad_()
    assert torch.autograd.gradcheck(lambda x, w: lc.cross_entropy(x, y, w, label_smoothing=0.2), (x, w))
    assert torch.autograd.gradcheck(lambda x, p, w: lc.cross_entropy(x, p, w, label_smoothing=0.2), (x, p, w))
    assert torch.autograd.gradcheck(lambda x, w: lc.nll_loss(x, y, w, reduction="none"), (x, w))


@pytest.mark.parametrize(
    ("size_average", "reduce", "expected"),
    [(None, False, "none"), (False, None, "sum"), (True, True, "mean"), (False, False, "none")],
)
def test_legacy_flags_warn_and_map_like_torch(size_average, reduce, expected, gen):
    x = logits((5, 3), torch.float64, gen)
    y = class_targets((5,), 3, gen)
    message = f"please use reduction='{expected}' instead"
    with pytest.warns(UserWarning, match=message):
        ours = lc.cross_entropy(x, y, size_average=size_average, reduce=reduce)
    with pytest.warns(UserWarning, match=message):
        theirs = F.cross_entropy(x, y, size_average=size_average, reduce=reduce)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(ours, lc.cross_entropy(x, y, reduction=expected))
    for fn_ours, fn_torch, args in [
        (lc.nll_loss, F.nll_loss, (torch.log_softmax(x, 1), y)),
        (lc.binary_cross_entropy, F.binary_cross_entropy, (torch.sigmoid(x), torch.sigmoid(-x))),
        (lc.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, (x, torch.sigmoid(-x))),
    ]:
        with pytest.warns(UserWarning, match=message):
            ours = fn_ours(*args, size_average=size_average, reduce=reduce)
        with pytest.warns(UserWarning, match=message):
            theirs = fn_torch(*args, size_average=size_average, reduce=reduce)
        torch.testing.assert_close(ours, theirs)


def test_elementwise_mean_is_deprecated_like_torch(gen):
    x = logits((5, 3), torch.float64, gen)
    y = class_targets((5,), 3, gen)
    with pytest.warns(UserWarning, match="reduction='elementwise_mean' is deprecated"):
        ours = lc.cross_entropy(x, y, reduction="elementwise_mean")
    torch.testing.assert_close(ours, F.cross_entropy(x, y))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 4])), ValueError, r"class index 4.*\[0, 3\]"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, -1])), ValueError, "class index -1"),
        (lambda: lc.nll_loss(torch.randn(3, 4), torch.tensor([0, 1, 7]), ignore_index=7), None, None),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1], dtype=torch.int32)), TypeError,
         "Long or Byte, but got torch.int32"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0])), TypeError, "Long or Byte"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.zeros(3, 4, dtype=torch.long)), TypeError,
         "floating point type for target with class probabilities, got torch.int64"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.rand(3, 4), ignore_index=1), ValueError,
         "ignore_index is not supported for floating point target"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1])), ValueError,
         r"input batch_size \(3\) to match target batch_size \(2\)"),
        (lambda: lc.cross_entropy(torch.randn(2, 5, 7), torch.zeros(2, 5, dtype=torch.long)), ValueError,
         r"Expected target size \[2, 7\], got \[2, 5\]"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), weight=torch.ones(3)), ValueError,
         r"all 4 classes .* shape: \[3\]"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), weight=torch.ones(4, 1)),
         ValueError, r"shape: \[4, 1\]"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]),
                                  weight=torch.ones(4, dtype=torch.float64)),
         TypeError, "weight must have the input's dtype"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), label_smoothing=1.5), ValueError,
         r"label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), label_smoothing=-0.1), ValueError,
         "label_smoothing must be between"),
        (lambda: lc.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), reduction="batchmean"), ValueError,
         "^batchmean is not a valid value for reduction$"),
        (lambda: lc.cross_entropy(torch.randn(3, 4).long(), torch.tensor([0, 1, 2])), TypeError,
         "input must be a floating-point tensor"),
        (lambda: lc.cross_entropy([[1.0, 2.0]], torch.tensor([0])), TypeError, "input must be a torch.Tensor"),
        (lambda: lc.nll_loss(torch.randn(()), torch.tensor(0)), ValueError, r"1 or more dimensions \(got 0\)"),
        (lambda: lc.nll_loss(torch.randn(4), torch.tensor([1, 2])), ValueError, "0-dimensional target"),
    ],
)
def test_cross_entropy_and_nll_bad_input_raise(call, error, match):
    if error is None:  # a target equal to ignore_index may lie outside [0, C)
        assert torch.isfinite(call())
        return
    with pytest.raises(error, match=match):
        call()


def test_torch_rejects_what_we_reject():
    # the errors above mirror PyTorch's conditions (PyTorch raises RuntimeError/IndexError for some)
    cases = [
        lambda: F.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 4])),
        lambda: F.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2], dtype=torch.int32)),
        lambda: F.cross_entropy(torch.randn(3, 4), torch.zeros(3, 4, dtype=torch.long)),
        lambda: F.cross_entropy(torch.randn(3, 4), torch.rand(3, 4), ignore_index=1),
        lambda: F.cross_entropy(torch.randn(2, 5, 7), torch.zeros(2, 5, dtype=torch.long)),
        lambda: F.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), weight=torch.ones(3)),
        lambda: F.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 2]), label_smoothing=1.5),
        lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])),
        lambda: F.binary_cross_entropy(torch.rand(4, 1), torch.rand(4)),
        lambda: F.binary_cross_entropy_with_logits(torch.rand(4, 1), torch.rand(4)),
    ]
    for case in cases:
        with pytest.raises((RuntimeError, ValueError, IndexError, TypeError)):
            case()


# ----------------------------------------------------------------------------- binary cross entropy


WEIGHT_SHAPES = [None, (4, 3), (3,), (4, 1)]


@pytest.mark.parametrize("weight_shape", WEIGHT_SHAPES, ids=["none", "full", "class", "row"])
@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
def test_binary_cross_entropy_matches_torch(weight_shape, soft, dtype, gen):
    p = (0.02 + 0.96 * torch.rand(4, 3, generator=gen)).to(dtype)
    y = torch.rand(4, 3, generator=gen) if soft else torch.randint(0, 2, (4, 3), generator=gen).float()
    y = y.to(dtype)
    w = None if weight_shape is None else torch.rand(weight_shape, generator=gen).to(dtype)
    for reduction in REDUCTIONS:
        # weight is a constant here: PyTorch's BCE kernel has no gradient for it
        assert_matches(
            lambda p, y, r=reduction: lc.binary_cross_entropy(p, y, w, reduction=r),
            lambda p, y, r=reduction: F.binary_cross_entropy(p, y, w, reduction=r),
            p, y,
        )


def test_binary_cross_entropy_clamps_the_log_at_minus_100(dtype):
    # p = 0 with y = 1 (and p = 1 with y = 0) costs exactly 100, not inf; p = 0 with y = 0 costs 0
    p = torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=dtype)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=dtype)
    expected = torch.tensor([100.0, 100.0, 0.0, 0.0], dtype=dtype)
    torch.testing.assert_close(lc.binary_cross_entropy(p, y, reduction="none"), expected)
    torch.testing.assert_close(F.binary_cross_entropy(p, y, reduction="none"), expected)
    p.requires_grad_()
    lc.binary_cross_entropy(p, y).backward()
    assert torch.isfinite(p.grad).all()


def test_binary_cross_entropy_worked_examples():
    # 002's example: p = [0.9, 0.1, 1], y = [1, 0, 1]: (-log 0.9 - log 0.9 - log 1) / 3 = 2/3 * 0.1053605
    p, y = torch.tensor([0.9, 0.1, 1.0]), torch.tensor([1.0, 0.0, 1.0])
    assert lc.binary_cross_entropy(p, y).item() == pytest.approx(-2 / 3 * math.log(0.9), rel=1e-6)
    # (the seed lists PyTorch's value as 0.0702404; float32 gives 0.07024035, 0.0702403 to 7 places)
    assert round(lc.binary_cross_entropy(p, y).item(), 6) == 0.070240
    # 004's example: BCE on sigmoid(x) vs one-hot targets, and BCE-with-logits on x, give the same
    x = torch.tensor([[1.0, 2.0], [2.0, 2.0], [3.0, 4.0], [4.0, 5.0]])
    t = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    # element [0, 0]: -log sigmoid(1) = log(1 + e^-1) = 0.3133; [0, 1]: -log(1 - sigmoid(2)) = log(1 + e^2) = 2.1269
    expected = torch.tensor([[0.3133, 2.1269], [0.1269, 2.1269], [3.0486, 0.0181], [4.0181, 0.0067]])
    for loss in (lc.binary_cross_entropy(torch.sigmoid(x), t, reduction="none"),
                 lc.binary_cross_entropy_with_logits(x, t, reduction="none")):
        torch.testing.assert_close(loss, expected, atol=1e-4, rtol=0)  # 4 decimals
        assert round(loss.sum().item(), 4) == 11.7856
        assert round(loss.mean().item(), 4) == 1.4732


@pytest.mark.parametrize("weight_shape", WEIGHT_SHAPES, ids=["none", "full", "class", "row"])
@pytest.mark.parametrize("pos_weight_shape", [None, (3,), (4, 3), (4, 1), ()], ids=["none", "class", "full", "row",
                                                                                  "scalar"])
def test_binary_cross_entropy_with_logits_matches_torch(weight_shape, pos_weight_shape, dtype, gen):
    x = logits((4, 3), dtype, gen, scale=4.0)
    y = torch.rand(4, 3, generator=gen).to(dtype)
    w = None if weight_shape is None else torch.rand(weight_shape, generator=gen).to(dtype)
    pw = None if pos_weight_shape is None else (3 * torch.rand(pos_weight_shape, generator=gen)).to(dtype)
    for reduction in REDUCTIONS:
        # the weights are constants here: PyTorch's kernel has no gradient for them
        assert_matches(
            lambda x, y, r=reduction: lc.binary_cross_entropy_with_logits(x, y, w, reduction=r, pos_weight=pw),
            lambda x, y, r=reduction: F.binary_cross_entropy_with_logits(x, y, w, reduction=r, pos_weight=pw),
            x, y,
        )


def test_pos_weight_by_hand():
    # x = 0: sigmoid = 1/2. y = 1, pos_weight 3: -3 log(1/2) = 3 log 2; y = 0: -log(1/2) = log 2
    x = torch.zeros(2, dtype=torch.float64)
    loss = lc.binary_cross_entropy_with_logits(x, torch.tensor([1.0, 0.0], dtype=torch.float64), reduction="none",
                                               pos_weight=torch.tensor(3.0, dtype=torch.float64))
    torch.testing.assert_close(loss, torch.tensor([3 * math.log(2), math.log(2)], dtype=torch.float64))


def test_bce_with_logits_equals_bce_of_sigmoid_away_from_saturation(dtype, gen):
    x = logits((5, 3), dtype, gen)
    y = torch.rand(5, 3, generator=gen).to(dtype)
    w = torch.rand(3, generator=gen).to(dtype)
    assert_matches(
        lambda x: lc.binary_cross_entropy_with_logits(x, y, w),
        lambda x: lc.binary_cross_entropy(torch.sigmoid(x), y, w),
        x,
        tol={"rtol": 1e-4, "atol": 1e-6} if dtype == torch.float32 else None,
    )


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_bce_with_logits_is_exact_for_huge_logits(scale, dtype):
    # y = 0, x = 1e4: -log(1 - sigmoid(1e4)) = 1e4 + log(1 + e^-1e4) = 1e4 exactly in floating point
    x = torch.tensor([scale, scale], dtype=dtype, requires_grad=True)
    y = torch.tensor([0.0, 1.0], dtype=dtype)
    pos_weight = torch.tensor([2.0, 2.0], dtype=dtype)
    loss = lc.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=pos_weight)
    expected = torch.tensor([max(scale, 0.0), 2 * max(-scale, 0.0)], dtype=dtype)
    torch.testing.assert_close(loss, expected)
    loss.sum().backward()
    assert torch.isfinite(x.grad).all()


@pytest.mark.parametrize("low", [torch.float16, torch.bfloat16])
def test_binary_losses_keep_low_precision_dtype(low, gen):
    x = logits((6, 3), torch.float32, gen).to(low)
    y = torch.rand(6, 3, generator=gen).to(low)
    pos_weight = torch.full((3,), 2.0, dtype=low)
    ours = lc.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight)
    assert ours.dtype == low
    theirs = F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight)
    torch.testing.assert_close(ours, theirs, **TOLERANCES[low])
    p = torch.sigmoid(x)
    ours = lc.binary_cross_entropy(p, y)
    assert ours.dtype == low
    torch.testing.assert_close(ours, F.binary_cross_entropy(p, y), **TOLERANCES[low])


def test_binary_gradcheck(gen):
    p = (0.1 + 0.8 * torch.rand(3, 2, generator=gen, dtype=torch.float64)).requires_grad_()
    y = torch.rand(3, 2, generator=gen, dtype=torch.float64).requires_grad_()
    w = torch.rand(2, generator=gen, dtype=torch.float64).requires_grad_()
    pw = torch.rand(2, generator=gen, dtype=torch.float64).requires_grad_()
    assert torch.autograd.gradcheck(lambda p, y, w: lc.binary_cross_entropy(p, y, w, reduction="none"), (p, y, w))
    assert torch.autograd.gradcheck(
        lambda x, y, w, pw: lc.binary_cross_entropy_with_logits(x, y, w, pos_weight=pw), (p * 3, y, w, pw)
    )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: lc.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])), ValueError,
         "all elements of input should be between 0 and 1, got 1.5"),
        (lambda: lc.binary_cross_entropy(torch.tensor([float("nan")]), torch.tensor([1.0])), ValueError,
         "all elements of input should be between 0 and 1"),
        (lambda: lc.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([2.0])), ValueError,
         "all elements of target should be between 0 and 1, got 2.0"),
        (lambda: lc.binary_cross_entropy(torch.rand(4, 1), torch.rand(4)), ValueError,
         r"target size \(torch.Size\(\[4\]\)\) that is different to the input size \(torch.Size\(\[4, 1\]\)\)"),
        (lambda: lc.binary_cross_entropy(torch.rand(4), torch.rand(4, dtype=torch.float64)), TypeError,
         "target must have the input's dtype"),
        (lambda: lc.binary_cross_entropy(torch.rand(3, 4), torch.rand(3, 4), weight=torch.rand(2, 3, 4)), ValueError,
         r"weight of shape \(2, 3, 4\) must broadcast to the input's shape \(3, 4\)"),
        (lambda: lc.binary_cross_entropy_with_logits(torch.rand(4, 1), torch.rand(4)), ValueError,
         r"Target size \(torch.Size\(\[4\]\)\) must be the same as input size"),
        (lambda: lc.binary_cross_entropy_with_logits(torch.rand(4), torch.rand(4), pos_weight=3.0), TypeError,
         "pos_weight must be a torch.Tensor, got float"),
        (lambda: lc.binary_cross_entropy_with_logits(torch.rand(3, 4), torch.rand(3, 4), pos_weight=torch.rand(3)),
         ValueError, r"pos_weight of shape \(3,\) must broadcast"),
        (lambda: lc.binary_cross_entropy_with_logits(torch.rand(4), torch.tensor([0, 1, 1, 0])), TypeError,
         "target must be a floating-point tensor"),
        (lambda: lc.binary_cross_entropy_with_logits(torch.rand(4), torch.rand(4), reduction="avg"), ValueError,
         "^avg is not a valid value for reduction$"),
    ],
)
def test_binary_bad_input_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_no_warning_on_the_happy_path(gen):
    x = logits((5, 3), torch.float32, gen)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lc.cross_entropy(x, class_targets((5,), 3, gen))
        lc.binary_cross_entropy_with_logits(x, torch.rand(5, 3, generator=gen))


# ----------------------------------------------------------------------------- KL divergence


KL_MEAN_WARNING = "reduction: 'mean' divides the total loss by both the batch size and the support size"


def _kl_inputs(shape, dtype, gen, log_target):
    log_q = torch.log_softmax(logits(shape, dtype, gen), dim=-1)
    p = torch.softmax(logits(shape, dtype, gen), dim=-1)
    if not log_target:
        p = p.clone()
        p.view(-1)[::5] = 0.0  # absent classes: 0 log 0 = 0
    return log_q, (p.log() if log_target else p)


@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 5)], ids=["NC", "C", "NdC"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(shape, log_target, dtype, gen):
    log_q, p = _kl_inputs(shape, dtype, gen, log_target)
    for reduction in ["none", "sum", "batchmean"]:
        assert_matches(lambda x, t, r=reduction: lc.kl_div(x, t, reduction=r, log_target=log_target),
                       lambda x, t, r=reduction: F.kl_div(x, t, reduction=r, log_target=log_target), log_q, p)
    with pytest.warns(UserWarning, match=KL_MEAN_WARNING):
        ours = lc.kl_div(log_q, p, log_target=log_target)
    with pytest.warns(UserWarning, match=KL_MEAN_WARNING):
        theirs = F.kl_div(log_q, p, log_target=log_target)
    torch.testing.assert_close(ours, theirs)


def test_kl_div_by_hand():
    # KL(P || Q) with P = [0.9, 0.1], Q = [0.5, 0.5]: 0.9 log(0.9 / 0.5) + 0.1 log(0.1 / 0.5) = 0.368064
    q = torch.tensor([[0.5, 0.5]], dtype=torch.float64)
    p = torch.tensor([[0.9, 0.1]], dtype=torch.float64)
    expected = 0.9 * math.log(1.8) + 0.1 * math.log(0.2)
    assert lc.kl_div(q.log(), p, reduction="batchmean").item() == pytest.approx(expected, rel=1e-12)
    assert lc.kl_div(q.log(), p.log(), reduction="batchmean", log_target=True).item() == pytest.approx(expected)
    # 'sum' over a batch of two copies is twice that; 'batchmean' stays the same
    q2, p2 = q.repeat(2, 1), p.repeat(2, 1)
    assert lc.kl_div(q2.log(), p2, reduction="sum").item() == pytest.approx(2 * expected)
    assert lc.kl_div(q2.log(), p2, reduction="batchmean").item() == pytest.approx(expected)


def test_kl_div_legacy_flags_and_edge_cases(gen):
    log_q, p = _kl_inputs((4, 3), torch.float64, gen, False)
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        ours = lc.kl_div(log_q, p, size_average=False)
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        theirs = F.kl_div(log_q, p, size_average=False)
    torch.testing.assert_close(ours, theirs)
    # silent broadcasting, a 0-d 'batchmean' (= sum) and an empty batch (nan), all as in PyTorch
    x, t = log_q[:, :1], p[0]
    assert_matches(lambda x: lc.kl_div(x, t, reduction="batchmean"), lambda x: F.kl_div(x, t, reduction="batchmean"), x)
    x0, t0 = torch.tensor(-0.5, dtype=torch.float64), torch.tensor(0.3, dtype=torch.float64)
    assert_matches(lambda x: lc.kl_div(x, t0, reduction="batchmean"),
                   lambda x: F.kl_div(x, t0, reduction="batchmean"), x0)
    assert torch.isnan(lc.kl_div(torch.zeros(0, 3), torch.zeros(0, 3), reduction="batchmean"))
    with pytest.raises(ValueError, match="^avg is not a valid value for reduction$"):
        lc.kl_div(log_q, p, reduction="avg")


# ----------------------------------------------------------------------------- margin losses


@pytest.mark.parametrize("shapes", [((4, 3), (4, 3)), ((4, 3), (3,)), ((5,), (5,))], ids=["same", "bcast", "1d"])
def test_soft_margin_loss_matches_torch(shapes, dtype, gen):
    x = logits(shapes[0], dtype, gen)
    y = (2 * torch.randint(0, 2, shapes[1], generator=gen) - 1).to(dtype)
    for reduction in REDUCTIONS:
        # y is a constant: PyTorch's kernel has no gradient for the target
        assert_matches(lambda x, r=reduction: lc.soft_margin_loss(x, y, reduction=r),
                       lambda x, r=reduction: F.soft_margin_loss(x, y, reduction=r), x)


def test_soft_margin_by_hand_and_beyond_torchs_overflow():
    # x = [2, -1], y = [1, 1]: (log(1 + e^-2) + log(1 + e^1)) / 2 = (0.126928 + 1.313262) / 2
    value = lc.soft_margin_loss(torch.tensor([2.0, -1.0]), torch.tensor([1.0, 1.0])).item()
    assert value == pytest.approx((math.log1p(math.exp(-2)) + math.log1p(math.e)) / 2, rel=1e-6)
    # float32 x = -100, y = 1: log(1 + e^100) = 100 (+ e^-100); PyTorch's kernel returns inf here
    x = torch.tensor([-100.0], requires_grad=True)
    loss = lc.soft_margin_loss(x, torch.tensor([1.0]))
    loss.backward()
    assert loss.item() == 100.0 and x.grad.item() == -1.0
    assert torch.isinf(F.soft_margin_loss(x.detach(), torch.tensor([1.0])))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(4, 3), (3,)], ids=["NC", "C"])
def test_multilabel_soft_margin_loss_matches_torch(weighted, shape, dtype, gen):
    x = logits(shape, dtype, gen)
    y = torch.randint(0, 2, shape, generator=gen).to(dtype)
    w = torch.rand(3, generator=gen).to(dtype) if weighted else None
    for reduction in REDUCTIONS:
        assert_matches(lambda x, y, w, r=reduction: lc.multilabel_soft_margin_loss(x, y, w, reduction=r),
                       lambda x, y, w, r=reduction: F.multilabel_soft_margin_loss(x, y, w, reduction=r), x, y, w)


def test_multilabel_soft_margin_broadcasts_silently_like_torch(gen):
    # (N, 1) input with an (N,) target becomes (N, N) and is divided by C = N: PyTorch's pitfall, kept
    x, y = logits((4, 1), torch.float64, gen), torch.randint(0, 2, (4,), generator=gen).double()
    assert_matches(lambda x: lc.multilabel_soft_margin_loss(x, y, reduction="none"),
                   lambda x: F.multilabel_soft_margin_loss(x, y, reduction="none"), x)


def test_soft_margin_with_pm1_equals_multilabel_soft_margin_with_01(dtype, gen):
    x = logits((5, 3), dtype, gen)
    y = (2 * torch.randint(0, 2, (5, 3), generator=gen) - 1).to(dtype)
    assert_matches(lambda x: lc.soft_margin_loss(x, y), lambda x: lc.multilabel_soft_margin_loss(x, (y + 1) / 2), x)


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("margin", [1.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("unbatched", [False, True], ids=["NC", "C"])
def test_multi_margin_loss_matches_torch(p, margin, weighted, unbatched, dtype, gen):
    x = logits((4,) if unbatched else (6, 4), dtype, gen, scale=0.7)
    y = torch.randint(0, 4, () if unbatched else (6,), generator=gen)
    w = torch.rand(4, generator=gen).to(dtype) if weighted else None
    # weight is a constant: PyTorch's kernel has no gradient for it
    for reduction in REDUCTIONS:
        assert_matches(lambda x, r=reduction: lc.multi_margin_loss(x, y, p, margin, w, reduction=r),
                       lambda x, r=reduction: F.multi_margin_loss(x, y, p, margin, w, reduction=r), x)


def test_multi_margin_by_hand():
    # x = [0.1, 0.2, 0.4, 0.8], y = 3: (max(0, 1 - 0.8 + 0.1) + max(0, 1 - 0.8 + 0.2) + max(0, 1 - 0.8 + 0.4)) / 4
    #   = (0.3 + 0.4 + 0.6) / 4 = 0.325; with p = 2: (0.09 + 0.16 + 0.36) / 4 = 0.1525
    x = torch.tensor([[0.1, 0.2, 0.4, 0.8]], dtype=torch.float64)
    assert lc.multi_margin_loss(x, torch.tensor([3])).item() == pytest.approx(0.325, rel=1e-12)
    assert lc.multi_margin_loss(x, torch.tensor([3]), p=2).item() == pytest.approx(0.1525, rel=1e-12)


def _multilabel_targets(n, c, gen):
    """Rows of class indices ended by -1, with a duplicate and a full row, plus junk after the -1."""
    rows = []
    for i in range(n):
        k = int(torch.randint(0, c + 1, (), generator=gen))
        listed = torch.randperm(c, generator=gen)[:k].tolist()
        if i == 1 and listed:
            listed[-1] = listed[0]  # duplicate: counted twice, as in PyTorch
        row = [*listed, -1, *torch.randint(-1, c, (c,), generator=gen).tolist()][:c]
        rows.append(row)
    rows[0] = list(range(c))[::-1]  # every class listed, no -1
    return torch.tensor(rows)


@pytest.mark.parametrize("unbatched", [False, True], ids=["NC", "C"])
def test_multilabel_margin_loss_matches_torch(unbatched, dtype, gen):
    x = logits((7, 5), dtype, gen, scale=0.7)
    y = _multilabel_targets(7, 5, gen)
    if unbatched:
        x, y = x[3], y[3]
    for reduction in REDUCTIONS:
        assert_matches(lambda x, r=reduction: lc.multilabel_margin_loss(x, y, reduction=r),
                       lambda x, r=reduction: F.multilabel_margin_loss(x, y, reduction=r), x)


def test_multilabel_margin_by_hand():
    # x = [0.1, 0.2, 0.4, 0.8], target [3, 0, -1, 1] means {3, 0} (the trailing 1 is ignored):
    # j = 3: 1 - (0.8 - 0.2) = 0.4, 1 - (0.8 - 0.4) = 0.6; j = 0: 1 - (0.1 - 0.2) = 1.1, 1 - (0.1 - 0.4) = 1.3
    # (0.4 + 0.6 + 1.1 + 1.3) / 4 = 0.85
    x = torch.tensor([[0.1, 0.2, 0.4, 0.8]], dtype=torch.float64)
    assert lc.multilabel_margin_loss(x, torch.tensor([[3, 0, -1, 1]])).item() == pytest.approx(0.85, rel=1e-12)
    # the multi-hot mistake: [1, 0, 0, 1] is read as {1, 0}, giving 2.9 / ... not 0.85
    assert lc.multilabel_margin_loss(x, torch.tensor([[1, 0, 0, 1]])).item() != pytest.approx(0.85)


def test_margin_losses_gradcheck(gen):
    x = logits((4, 3), torch.float64, gen, scale=0.7).requires_grad_()
    y_pm = (2 * torch.randint(0, 2, (4, 3), generator=gen) - 1).double()
    w = torch.rand(3, generator=gen, dtype=torch.float64).requires_grad_()
    y_idx = torch.randint(0, 3, (4,), generator=gen)
    y_multi = _multilabel_targets(4, 3, gen)
    log_q = torch.log_softmax(x.detach(), -1).requires_grad_()
    p = torch.softmax(torch.randn(4, 3, generator=gen, dtype=torch.float64), -1).requires_grad_()
    assert torch.autograd.gradcheck(lambda x: lc.soft_margin_loss(x, y_pm), (x,))
    assert torch.autograd.gradcheck(lambda x, w: lc.multilabel_soft_margin_loss(x, (y_pm + 1) / 2, w), (x, w))
    assert torch.autograd.gradcheck(lambda x, w: lc.multi_margin_loss(x, y_idx, 2, 0.8, w), (x, w))
    assert torch.autograd.gradcheck(lambda x: lc.multilabel_margin_loss(x, y_multi), (x,))
    assert torch.autograd.gradcheck(lambda q, p: lc.kl_div(q, p, reduction="batchmean"), (log_q, p))


@pytest.mark.parametrize("low", [torch.float16, torch.bfloat16])
def test_p2_losses_keep_low_precision_dtype(low, gen):
    x = logits((6, 3), torch.float32, gen).to(low)
    y01 = torch.randint(0, 2, (6, 3), generator=gen).to(low)
    y_idx = torch.randint(0, 3, (6,), generator=gen)
    log_q = torch.log_softmax(x.float(), -1).to(low)
    p = torch.softmax(torch.randn(6, 3, generator=gen), -1).to(low)
    pairs = [
        (lc.kl_div(log_q, p, reduction="batchmean"), F.kl_div(log_q, p, reduction="batchmean")),
        (lc.soft_margin_loss(x, 2 * y01 - 1), F.soft_margin_loss(x, 2 * y01 - 1)),
        (lc.multilabel_soft_margin_loss(x, y01), F.multilabel_soft_margin_loss(x, y01)),
        (lc.multi_margin_loss(x.float(), y_idx).to(low), F.multi_margin_loss(x.float(), y_idx).to(low)),
    ]
    for ours, theirs in pairs:
        assert ours.dtype == low
        torch.testing.assert_close(ours, theirs, **TOLERANCES[low])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: lc.soft_margin_loss(torch.randn(4), torch.ones(4, 1)), ValueError,
         r"target of shape \(4, 1\) must have \(or broadcast to\) the input's shape \(4,\)"),
        (lambda: lc.multilabel_soft_margin_loss(torch.tensor(1.0), torch.tensor(1.0)), ValueError, "class dimension"),
        (lambda: lc.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 1]), p=3), ValueError,
         "only p == 1 and p == 2 supported, got p=3"),
        (lambda: lc.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 4])), ValueError, r"class index 4"),
        (lambda: lc.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 1], dtype=torch.int32)), TypeError,
         "int64 tensor of class indices, got dtype torch.int32"),
        (lambda: lc.multi_margin_loss(torch.randn(2, 4), torch.tensor([0])), ValueError,
         r"Expected target size \[2\], but got \[1\]"),
        (lambda: lc.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 1]), weight=torch.ones(2, 2)), ValueError,
         "weight must be one-dimensional"),
        (lambda: lc.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 1]), weight=torch.ones(3)), ValueError,
         r"inconsistent weight size, expected 4 but got \[3\]"),
        (lambda: lc.multi_margin_loss(torch.randn(2, 3, 4), torch.tensor([0, 1])), ValueError,
         r"non-empty vector or matrix .* \[2, 3, 4\]"),
        (lambda: lc.multilabel_margin_loss(torch.randn(2, 4), torch.tensor([[3, 0, -1], [0, 1, 2]])), ValueError,
         r"inconsistent target size: \[2, 3\] for input of size: \[2, 4\]"),
        (lambda: lc.multilabel_margin_loss(torch.randn(1, 4), torch.tensor([[3, 0, -2, 1]])), ValueError,
         r"target contains -2, outside the valid range \[-1, 3\]"),
        (lambda: lc.multilabel_margin_loss(torch.randn(1, 4), torch.tensor([[3, 0, -1, 7]])), ValueError,
         "target contains 7"),
        (lambda: lc.multilabel_margin_loss(torch.randn(1, 4), torch.tensor([[3, 0, -1, 1]], dtype=torch.int32)),
         TypeError, "got dtype torch.int32"),
        (lambda: lc.kl_div(torch.tensor([1, 2]), torch.rand(2), reduction="sum"), TypeError,
         "input must be a floating-point tensor"),
    ],
)
def test_p2_bad_input_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_torch_rejects_the_same_margin_inputs():
    for case in [
        lambda: F.soft_margin_loss(torch.randn(4), torch.ones(4, 1)),
        lambda: F.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 1]), p=3),
        lambda: F.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 4])),
        lambda: F.multi_margin_loss(torch.randn(2, 4), torch.tensor([0, 1]), weight=torch.ones(3)),
        lambda: F.multi_margin_loss(torch.randn(2, 3, 4), torch.tensor([0, 1])),
        lambda: F.multilabel_margin_loss(torch.randn(1, 4), torch.tensor([[3, 0, -2, 1]])),
        lambda: F.multilabel_margin_loss(torch.randn(1, 4), torch.tensor([[3, 0, -1, 7]])),
    ]:
        with pytest.raises((RuntimeError, ValueError)):
            case()


# ----------------------------------------------------------------------------- drop-in signatures and docs


def test_docstring_examples_run():
    failures, tried = doctest.testmod(lc, extraglobs={"torch": torch})
    assert tried >= len(lc.__all__) and failures == 0


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_logistic_losses_are_finite_for_huge_logits(scale, dtype):
    # softplus(-y x) = max(-y x, 0) + log(1 + e^{-|x|}): exactly |x| or 0 at |x| = 1e4
    x = torch.tensor([[scale, -scale]], dtype=dtype, requires_grad=True)
    y_pm = torch.tensor([[1.0, 1.0]], dtype=dtype)
    loss = lc.soft_margin_loss(x, y_pm, reduction="sum") + lc.multilabel_soft_margin_loss(x, (y_pm + 1) / 2)
    loss.backward()
    # soft margin sum: 1e4 (one wrong sign); multilabel mean over C = 2: 1e4 / 2
    assert loss.item() == pytest.approx(1e4 + 5e3)
    assert torch.isfinite(x.grad).all()


# ----------------------------------------------------------------------------- the fused Functions
#
# binary_cross_entropy (+ with_logits), multi_margin_loss and multilabel_margin_loss run through
# autograd Functions that save only their inputs and compute the input gradient in place; any other
# gradient (target, weight, pos_weight) and the double backward differentiate the plain expressions.
# The tests above give every floating tensor a gradient; these take the input-only path.


def _input_grad(fn, x, *args, seed=1, **kwargs):
    """The loss and the gradient of <cotangent, loss> with respect to ``x`` alone."""
    x = x.detach().clone().requires_grad_(True)
    out = fn(x, *args, **kwargs)
    cotangent = torch.randn(out.shape, generator=torch.Generator().manual_seed(seed)).to(out.dtype)
    (grad,) = torch.autograd.grad(out, x, cotangent)
    return out.detach(), grad


def _assert_input_grad_matches(ours, theirs, x, *args, tol=None, **kwargs):
    """assert_matches with only ``x`` differentiable (the other arguments are closed over)."""
    assert_matches(lambda x: ours(x, *args, **kwargs), lambda x: theirs(x, *args, **kwargs), x, tol=tol)


@pytest.mark.parametrize("weight_shape", WEIGHT_SHAPES, ids=["none", "full", "class", "row"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_binary_input_gradient_matches_torch(weight_shape, reduction, dtype, gen):
    p = (0.02 + 0.96 * torch.rand(4, 3, generator=gen)).to(dtype)
    x = logits((4, 3), dtype, gen)
    w = None if weight_shape is None else torch.rand(weight_shape, generator=gen).to(dtype)
    pos_weight = (torch.rand(3, generator=gen) + 0.5).to(dtype)
    for y in (torch.rand(4, 3, generator=gen).to(dtype), torch.randint(0, 2, (4, 3), generator=gen).to(dtype)):
        _assert_input_grad_matches(lc.binary_cross_entropy, F.binary_cross_entropy, p, y, w, reduction=reduction)
        for pw in (None, pos_weight):
            _assert_input_grad_matches(lc.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits,
                                       x, y, w, reduction=reduction, pos_weight=pw)


def test_fused_bce_gradient_where_a_log_is_clamped():
    # d/dx -[y log x + (1 - y) log(1 - x)] = (1 - y) / (1 - x) - y / x, each term 0 where its log
    # is clamped at -100 (x = 0; x = 1; float32 x = 1e-45, whose log -103.6 is below -100):
    #   x = 0,     y = 0.3: loss -(0.3 (-100) + 0.7 log 1) = 30,        grad 0.7 / 1 - 0       = 0.7
    #   x = 1,     y = 0.6: loss -(0.6 log 1 + 0.4 (-100)) = 40,        grad 0 - 0.6 / 1       = -0.6
    #   x = 0.5,   y = 0.5: loss -log 0.5 = log 2,                      grad 0.5/0.5 - 0.5/0.5 = 0
    #   x = 1e-45, y = 0.2: loss -(0.2 (-100) + 0.8 log(1 - 1e-45)) = 20, grad 0.8 / 1 - 0     = 0.8
    x = torch.tensor([0.0, 1.0, 0.5, 1e-45], requires_grad=True)
    y = torch.tensor([0.3, 0.6, 0.5, 0.2])
    loss = lc.binary_cross_entropy(x, y, reduction="none")
    torch.testing.assert_close(loss, torch.tensor([30.0, 40.0, math.log(2.0), 20.0]))
    loss.sum().backward()
    torch.testing.assert_close(x.grad, torch.tensor([0.7, -0.6, 0.0, 0.8]))


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_multi_margin_input_gradient_matches_torch(p, reduction, dtype, gen):
    x = logits((6, 4), dtype, gen, scale=0.7)
    y = torch.randint(0, 4, (6,), generator=gen)
    w = torch.rand(4, generator=gen).to(dtype)
    x[0, 1] = x[0, y[0]] - 0.5  # a margin of exactly 0: no gradient, as in PyTorch's kernel (z > 0)
    for weight in (None, w):
        _assert_input_grad_matches(lc.multi_margin_loss, F.multi_margin_loss, x, y, p, 0.5, weight,
                                   reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_multilabel_margin_many_classes_matches_torch(reduction, gen):
    # C = 300: a row listing 280 classes runs past the uint8 counters (255) and the 255-column
    # blocks of the counting; rows listing nothing, one class, a duplicate, and every class
    c = 300
    x = logits((5, c), torch.float64, gen, scale=0.3)
    y = torch.full((5, c), -1)
    y[0, :280] = torch.randperm(c, generator=gen)[:280]
    y[2, :1] = 7
    y[3, :3] = torch.tensor([5, 9, 5])
    y[4] = torch.randperm(c, generator=gen)
    _assert_input_grad_matches(lc.multilabel_margin_loss, F.multilabel_margin_loss, x, y, reduction=reduction)


def test_fused_losses_take_non_contiguous_inputs(gen):
    x = logits((4, 6), torch.float64, gen, scale=0.7).t()  # (6, 4), transposed strides
    p = torch.sigmoid(x)
    y01 = torch.rand(4, 6, generator=gen, dtype=torch.float64).t()
    y_idx = torch.randint(0, 4, (12,), generator=gen)[::2]
    y_multi = _multilabel_targets(6, 4, gen).t().contiguous().t()  # (6, 4), transposed strides
    assert not (x.is_contiguous() or p.is_contiguous() or y01.is_contiguous() or y_multi.is_contiguous())
    for reduction in REDUCTIONS:
        _assert_input_grad_matches(lc.binary_cross_entropy, F.binary_cross_entropy, p, y01, reduction=reduction)
        _assert_input_grad_matches(lc.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits,
                                   x, y01, reduction=reduction)
        _assert_input_grad_matches(lc.multi_margin_loss, F.multi_margin_loss, x, y_idx, reduction=reduction)
        _assert_input_grad_matches(lc.multilabel_margin_loss, F.multilabel_margin_loss, x, y_multi,
                                   reduction=reduction)


@pytest.mark.parametrize("low", [torch.float16, torch.bfloat16])
def test_fused_losses_low_precision_gradients(low, gen):
    # computed in float32 and returned in the input's dtype: compared with torch on the same values in float32
    x = logits((6, 4), torch.float32, gen, scale=0.7).to(low)
    p = torch.sigmoid(x.float()).to(low)
    y01 = torch.rand(6, 4, generator=gen).to(low)
    y_idx = torch.randint(0, 4, (6,), generator=gen)
    y_multi = _multilabel_targets(6, 4, gen)
    cases = [
        (lc.binary_cross_entropy, F.binary_cross_entropy, p, (y01,)),
        (lc.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, x, (y01,)),
        (lc.multi_margin_loss, F.multi_margin_loss, x, (y_idx,)),
        (lc.multilabel_margin_loss, F.multilabel_margin_loss, x, (y_multi,)),
    ]
    for ours, theirs, inp, rest in cases:
        for reduction in REDUCTIONS:
            value, grad = _input_grad(ours, inp, *rest, reduction=reduction)
            rest32 = tuple(r.float() if r.is_floating_point() else r for r in rest)
            expected, expected_grad = _input_grad(theirs, inp.float(), *rest32, reduction=reduction)
            assert value.dtype == grad.dtype == low
            torch.testing.assert_close(value.float(), expected, **TOLERANCES[low])
            torch.testing.assert_close(grad.float(), expected_grad, **TOLERANCES[low])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_losses_on_empty_input_have_empty_gradients(reduction):
    for fn, inp, rest in [
        (lc.binary_cross_entropy, torch.zeros(0, 3), (torch.zeros(0, 3),)),
        (lc.binary_cross_entropy_with_logits, torch.zeros(0, 3), (torch.zeros(0, 3),)),
        (lc.multi_margin_loss, torch.zeros(0, 4), (torch.zeros(0, dtype=torch.long),)),
        (lc.multilabel_margin_loss, torch.zeros(0, 4), (torch.zeros(0, 4, dtype=torch.long),)),
    ]:
        x = inp.clone().requires_grad_(True)
        out = fn(x, *rest, reduction=reduction)
        # mean of nothing is nan, a sum is 0, 'none' is empty
        if reduction == "mean":
            assert torch.isnan(out)
        else:
            assert out.sum().item() == 0
        out.sum().backward()
        assert x.grad.shape == inp.shape


def test_fused_losses_gradcheck_and_gradgradcheck(gen):
    x = logits((4, 3), torch.float64, gen, scale=0.7).requires_grad_()
    p = (0.1 + 0.8 * torch.rand(4, 3, generator=gen, dtype=torch.float64)).requires_grad_()
    y = torch.rand(4, 3, generator=gen, dtype=torch.float64).requires_grad_()
    w = torch.rand(3, generator=gen, dtype=torch.float64).requires_grad_()
    pw = (torch.rand(3, generator=gen, dtype=torch.float64) + 0.5).requires_grad_()
    y_idx = torch.randint(0, 3, (4,), generator=gen)
    y_multi = _multilabel_targets(4, 3, gen)
    checks = [
        # input only: the in-place backward (gradcheck) and the double backward (gradgradcheck)
        (lambda p: lc.binary_cross_entropy(p, y.detach(), w.detach(), reduction="none"), (p,)),
        (lambda x: lc.binary_cross_entropy_with_logits(x, y.detach(), w.detach(), pos_weight=pw.detach()), (x,)),
        (lambda x: lc.multi_margin_loss(x, y_idx, 2, 0.8, w.detach(), reduction="none"), (x,)),
        (lambda x: lc.multi_margin_loss(x, y_idx, 1, 0.8), (x,)),
        (lambda x: lc.multilabel_margin_loss(x, y_multi, reduction="none"), (x,)),
        # every floating argument: the plain expressions
        (lambda p, y, w: lc.binary_cross_entropy(p, y, w), (p, y, w)),
        (lambda x, y, w, pw: lc.binary_cross_entropy_with_logits(x, y, w, pos_weight=pw), (x, y, w, pw)),
        (lambda x, w: lc.multi_margin_loss(x, y_idx, 2, 0.8, w), (x, w)),
    ]
    for fn, inputs in checks:
        assert torch.autograd.gradcheck(fn, inputs)
        assert torch.autograd.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("shapes", INDEX_SHAPES, ids=["NC", "NCd1d2", "C"])
@pytest.mark.parametrize("weighted", [False, True])
def test_fused_nll_input_gradient_matches_torch(shapes, weighted, dtype, gen):
    # no target is ignored: nll_loss reads the log-probabilities off with one gather, and its
    # backward scatters the gradient into zeros
    in_shape, tgt_shape = shapes
    x = torch.log_softmax(logits(in_shape, dtype, gen), dim=0 if len(in_shape) == 1 else 1)
    y = class_targets(tgt_shape, 4, gen)
    w = (torch.rand(4, generator=gen) + 0.5).to(dtype) if weighted else None
    for reduction in REDUCTIONS:
        _assert_input_grad_matches(lc.nll_loss, F.nll_loss, x, y, w, reduction=reduction)
    # a transposed (non-contiguous) batch, and byte targets
    if len(in_shape) == 2:
        xt = logits((4, 5), dtype, gen).t()
        _assert_input_grad_matches(lc.nll_loss, F.nll_loss, xt, y.to(torch.uint8), w)


@pytest.mark.parametrize("low", [torch.float16, torch.bfloat16])
def test_fused_nll_low_precision_gradient(low, gen):
    x = torch.log_softmax(logits((5, 4), torch.float32, gen), 1).to(low)
    y = class_targets((5,), 4, gen)
    for reduction in REDUCTIONS:
        value, grad = _input_grad(lc.nll_loss, x, y, reduction=reduction)
        expected, expected_grad = _input_grad(F.nll_loss, x.float(), y, reduction=reduction)
        assert value.dtype == grad.dtype == low
        torch.testing.assert_close(value.float(), expected, **TOLERANCES[low])
        torch.testing.assert_close(grad.float(), expected_grad, **TOLERANCES[low])


def test_fused_nll_gradcheck_and_gradgradcheck(gen):
    x = torch.log_softmax(logits((5, 4), torch.float64, gen), 1).requires_grad_()
    y = class_targets((5,), 4, gen)
    w = (torch.rand(4, generator=gen, dtype=torch.float64) + 0.5).requires_grad_()
    for fn, inputs in [
        (lambda x: lc.nll_loss(x, y, w.detach()), (x,)),  # the scatter backward
        (lambda x: lc.nll_loss(x, y, reduction="none"), (x,)),
        (lambda x, w: lc.nll_loss(x, y, w), (x, w)),  # a weight with a gradient: the plain expressions
    ]:
        assert torch.autograd.gradcheck(fn, inputs)
        assert torch.autograd.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_unbatched_input_accepts_a_one_element_target_like_torch(reduction):
    # torch: "For 1D input, 1D target must have size 1"; a (1,) target is read as the 0-d one.
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    target = torch.tensor([2])
    for ours_fn, theirs_fn, prepare in ((lc.cross_entropy, F.cross_entropy, lambda t: t),
                                        (lc.nll_loss, F.nll_loss, lambda t: t.log_softmax(0))):
        ours = ours_fn(prepare(x), target, reduction=reduction)
        theirs = theirs_fn(prepare(x), target, reduction=reduction)
        assert ours.shape == theirs.shape == torch.Size([])
        torch.testing.assert_close(ours, theirs)
        # torch's own backward raises on the (1,) target ("size mismatch (got input: [5],
        # target: [1])"), so the reference gradient is torch's with the equivalent 0-d target.
        reference = theirs_fn(prepare(x), target.reshape(()), reduction=reduction)
        torch.testing.assert_close(torch.autograd.grad(ours, x)[0], torch.autograd.grad(reference, x)[0])
    with pytest.raises(ValueError, match=r"0-dimensional target or one of shape \(1,\)"):
        lc.cross_entropy(x, torch.tensor([2, 1]))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_multilabel_margin_compiled_form_matches_torch(reduction):
    # The form that runs under torch.compile (and on meta tensors): sorted scores, running sums
    # and a binary search instead of the loop. Rows with no listed class, with every class
    # listed, with a class listed twice, and scores tied at the hinge's kink (the half-integer
    # grid makes 1 - x_y + x_i = 0 common), in float64, values and gradients against torch.
    g = torch.Generator().manual_seed(0)
    n, c = 48, 9
    x = torch.round(2 * torch.randn(n, c, generator=g, dtype=torch.float64)) / 2
    perm = torch.argsort(torch.rand(n, c, generator=g), dim=1)
    k = torch.randint(0, c + 1, (n, 1), generator=g)
    y = torch.where(torch.arange(c) < k, perm, -1)
    y[0], y[1] = -1, perm[1]  # nothing listed; everything listed
    y[2, :3] = torch.tensor([4, 4, 1])  # a class listed twice
    y[2, 3:] = -1
    assert_matches(lambda a: lc._multilabel_margin_reference(a, y, reduction),
                   lambda a: F.multilabel_margin_loss(a, y, reduction=reduction), x)
