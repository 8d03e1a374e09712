"""The classification extras: weighted / balanced BCE, focal loss, hinge and squared hinge.

PyTorch has none of them, so each is tied to an independent reference: an identity with one of
PyTorch's kernels (tests/test_teaching_classification.py holds the value-and-gradient tables), a
number derived by hand, ``torch.autograd.gradcheck``, or a limit it must reach.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

import lossnotes.functional as LF
import lossnotes.nn as LN
from lossnotes._checks import InputError

P = torch.tensor([0.9, 0.1, 1.0])
Y = torch.tensor([1.0, 0.0, 1.0])


def test_weighted_bce_by_hand():
    # pos_weight 2: -(2 log 0.9) for the first, -log 0.9 for the second, 0 for the third; mean -log 0.9
    assert LF.weighted_binary_cross_entropy(P, Y, pos_weight=2.0).item() == pytest.approx(-math.log(0.9))


def test_weighted_bce_class_weights_along_the_last_dimension():
    # a (C,) pos_weight weights each column's positive term; compare with torch's BCE with logits
    z = torch.tensor([[0.3, -1.2, 2.0], [1.5, 0.2, -0.7]], dtype=torch.float64)
    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype=torch.float64)
    pw = torch.tensor([1.0, 4.0, 0.5], dtype=torch.float64)
    torch.testing.assert_close(LF.weighted_binary_cross_entropy(torch.sigmoid(z), y, pos_weight=pw),
                               F.binary_cross_entropy_with_logits(z, y, pos_weight=pw))


def test_balanced_bce_beta_extremes():
    # beta = 1 keeps only the positive term, beta = 0 only the negative one
    p = torch.tensor([0.7, 0.2, 0.4], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    pos = -(y * p.log()).mean()
    neg = -((1 - y) * (1 - p).log()).mean()
    assert LF.balanced_binary_cross_entropy(p, y, beta=1.0).item() == pytest.approx(pos.item())
    assert LF.balanced_binary_cross_entropy(p, y, beta=0.0).item() == pytest.approx(neg.item())


def test_focal_by_hand():
    # p_t = 0.9 for the first two, 1 for the third; alpha_t = 0.25, 0.75, 0.25; (1 - p_t)^2 = 0.01, 0.01, 0
    # -> (0.25 + 0.75) * 0.01 * -log 0.9 / 3
    assert LF.focal_loss(P, Y).item() == pytest.approx(0.01 * -math.log(0.9) / 3, rel=1e-5)


def test_sigmoid_focal_with_huge_logits():
    # a confident right logit costs nothing; a confident wrong one costs alpha * |z| (its BCE, times
    # (1 - p_t)^gamma = 1); both with finite gradients
    z = torch.tensor([1e4, -1e4, -1e4, 1e4], requires_grad=True)
    y = torch.tensor([1.0, 0.0, 1.0, 0.0])
    loss = LF.sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0, reduction="none")
    torch.testing.assert_close(loss, torch.tensor([0.0, 0.0, 0.25e4, 0.75e4]))
    loss.sum().backward()
    torch.testing.assert_close(z.grad, torch.tensor([0.0, 0.0, -0.25, 0.75]))


def test_hinge_by_hand():
    # article 002's hinge inputs: 1 - 0.9 = 0.1, 1 - 0.1 = 0.9, max(0, 1 - 1) = 0
    x, y = torch.tensor([0.9, -0.1, 1.0]), torch.tensor([1.0, -1.0, 1.0])
    torch.testing.assert_close(LF.hinge_loss(x, y, reduction="none"), torch.tensor([0.1, 0.9, 0.0]))
    torch.testing.assert_close(LF.squared_hinge_loss(x, y, reduction="none"), torch.tensor([0.01, 0.81, 0.0]))


def test_hinge_gradient_is_zero_beyond_the_margin():
    x = torch.tensor([2.0, 0.5, -3.0], requires_grad=True)
    y = torch.tensor([1.0, 1.0, 1.0])
    LF.hinge_loss(x, y, reduction="sum").backward()
    torch.testing.assert_close(x.grad, torch.tensor([0.0, -1.0, -1.0]))


@pytest.mark.parametrize("name, kind", [
    ("weighted_binary_cross_entropy", "prob"), ("balanced_binary_cross_entropy", "prob"),
    ("focal_loss", "prob"), ("sigmoid_focal_loss", "logit"), ("hinge_loss", "pm1"),
    ("squared_hinge_loss", "pm1")])
def test_gradcheck(name, kind):
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    x = torch.sigmoid(z) if kind == "prob" else z
    y = torch.randint(0, 2, (4, 3), generator=gen).double()
    if kind == "pm1":
        y = 2 * y - 1
    x.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda a: getattr(LF, name)(a, y), (x,))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_low_precision_is_computed_in_float32(dtype):
    # the low-precision result is the float32 result on the same (rounded) inputs, rounded once
    p, y = torch.tensor([0.3, 0.8, 0.55]).to(dtype), torch.tensor([1.0, 0.0, 1.0]).to(dtype)
    expected = LF.focal_loss(p.float(), y.float(), gamma=1.5).to(dtype)
    got = LF.focal_loss(p.to(dtype), y.to(dtype), gamma=1.5)
    assert got.dtype == dtype
    torch.testing.assert_close(got, expected, rtol=0, atol=0)


@pytest.mark.parametrize("call, error", [
    (lambda: LF.weighted_binary_cross_entropy(P, Y, pos_weight=-1.0), ValueError),
    (lambda: LF.weighted_binary_cross_entropy(P, Y, pos_weight="2"), TypeError),
    (lambda: LF.weighted_binary_cross_entropy(P, Y, pos_weight=torch.ones(2)), ValueError),
    (lambda: LF.balanced_binary_cross_entropy(P, Y, beta=1.5), ValueError),
    (lambda: LF.balanced_binary_cross_entropy(P, Y, beta=True), TypeError),
    (lambda: LF.focal_loss(P, Y, gamma=-1.0), ValueError),
    (lambda: LF.focal_loss(P, Y, alpha=2.0), ValueError),
    (lambda: LF.focal_loss(P + 0.5, Y), InputError),
    (lambda: LF.focal_loss(P, Y[:2]), ValueError),
    (lambda: LF.sigmoid_focal_loss(P, Y, reduction="avg"), ValueError),
    (lambda: LF.hinge_loss(P, Y.long()), TypeError),
    (lambda: LF.squared_hinge_loss(P, Y, weight=torch.ones(2)), ValueError),
])
def test_bad_input_raises(call, error):
    with pytest.raises(error):
        call()


def test_negative_alpha_switches_the_weighting_off():
    # torchvision's convention: alpha < 0 means no alpha_t factor
    z = torch.tensor([0.4, -2.0, 1.0])
    torch.testing.assert_close(LF.sigmoid_focal_loss(z, Y, alpha=-1.0),
                               LF.sigmoid_focal_loss(z, Y, alpha=None))


def test_modules_keep_tensor_options_as_buffers():
    pw = torch.tensor([1.0, 2.0, 3.0])
    module = LN.WeightedBCELoss(pos_weight=pw)
    assert "pos_weight" in dict(module.named_buffers())
    torch.testing.assert_close(module(P, Y), LF.weighted_binary_cross_entropy(P, Y, pos_weight=pw))
