"""The classification teaching forms equal PyTorch's native ops and the fast functions.

The book prints ``lossnotes.teaching.classification``; these tests prove each form equal to an
independent reference: PyTorch's own kernel where PyTorch has the loss, else an identity that
reduces it to one (focal with gamma = 0 and no alpha is BCE, balanced BCE at beta = 1/2 is half
of BCE, weighted BCE at w = 1 is BCE) or a number derived by hand; and to the fast lossnotes
function. Values and gradients (the targets held fixed), every reduction, float32 and float64.
"""

from __future__ import annotations

import inspect
import math

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches

import lossnotes.functional as LF
from lossnotes.teaching import classification as TC

REDUCTIONS = ["none", "mean", "sum"]


def _inputs(kind, gen, dtype):
    """(input, target) for one kind of loss, drawn in float64 and cast."""
    n, c = 7, 5
    z = 3.0 * torch.randn(n, c, generator=gen, dtype=torch.float64)
    if kind == "prob":  # probabilities and soft targets in (0, 1)
        return torch.sigmoid(z).to(dtype), torch.rand(n, c, generator=gen, dtype=torch.float64).to(dtype)
    if kind == "binary":  # probabilities and 0/1 targets
        return torch.sigmoid(z).to(dtype), torch.randint(0, 2, (n, c), generator=gen).to(dtype)
    if kind == "logit":  # logits and 0/1 targets
        return z.to(dtype), torch.randint(0, 2, (n, c), generator=gen).to(dtype)
    if kind == "pm1":  # scores and -1/+1 targets
        return z.to(dtype), (2 * torch.randint(0, 2, (n, c), generator=gen) - 1).to(dtype)
    if kind == "class":  # scores (N, C) and class indices
        return z.to(dtype), torch.randint(0, c, (n,), generator=gen)
    if kind == "class4d":  # scores (N, C, H, W) and class indices (N, H, W), some ignored
        x = 3.0 * torch.randn(3, c, 2, 4, generator=gen, dtype=torch.float64)
        y = torch.randint(0, c, (3, 2, 4), generator=gen)
        y[0, 0, :2] = -100
        return x.to(dtype), y
    if kind == "soft":  # scores and probability targets over the classes
        return z.to(dtype), torch.softmax(torch.randn(n, c, generator=gen, dtype=torch.float64), 1).to(dtype)
    if kind == "dist":  # log q and p, both distributions over the classes
        q = torch.log_softmax(z, 1)
        return q.to(dtype), torch.softmax(torch.randn(n, c, generator=gen, dtype=torch.float64), 1).to(dtype)
    if kind == "multilabel":  # scores and -1-terminated label lists
        y = torch.tensor([[3, 0, -1, 1, 1], [1, 2, 4, -1, 0], [0, -1, 2, 2, 2], [4, 3, 2, 1, 0],
                          [-1, 0, 0, 0, 0], [2, 2, -1, 0, 0], [1, 3, -1, 0, 0]])  # row 5 repeats a label
        return z.to(dtype), y
    raise ValueError(kind)


def _w(dtype):
    return torch.tensor([0.5, 2.0, 1.0, 1.5, 0.25], dtype=dtype)


def _r(form):
    """A teaching form called as (x, y, reduction), its reduction given by keyword."""
    return lambda x, y, r: form(x, y, reduction=r)


# name: (kind, teaching form, PyTorch's native op), each called (x, y, reduction)
NATIVE = {
    "bce": ("prob", _r(TC.binary_cross_entropy),
            lambda x, y, r: F.binary_cross_entropy(x, y, reduction=r)),
    "bce(weight)": ("prob", lambda x, y, r: TC.binary_cross_entropy(x, y, _w(x.dtype), r),
                    lambda x, y, r: F.binary_cross_entropy(x, y, _w(x.dtype).expand_as(x), reduction=r)),
    "bce_with_logits(pos_weight, weight)": (
        "logit", lambda x, y, r: TC.bce_with_logits(x, y, _w(x.dtype), _w(x.dtype).flip(0), r),
        lambda x, y, r: F.binary_cross_entropy_with_logits(x, y, _w(x.dtype).flip(0), reduction=r,
                                                           pos_weight=_w(x.dtype))),
    "cross_entropy": ("class", _r(TC.cross_entropy), lambda x, y, r: F.cross_entropy(x, y, reduction=r)),
    "cross_entropy(weight, ignore, smoothing) 4-d": (
        "class4d", lambda x, y, r: TC.cross_entropy(x, y, _w(x.dtype), label_smoothing=0.2, reduction=r),
        lambda x, y, r: F.cross_entropy(x, y, _w(x.dtype), label_smoothing=0.2, reduction=r)),
    "cross_entropy(probabilities, weight, smoothing)": (
        "soft", lambda x, y, r: TC.cross_entropy(x, y, _w(x.dtype), label_smoothing=0.1, reduction=r),
        lambda x, y, r: F.cross_entropy(x, y, _w(x.dtype), label_smoothing=0.1, reduction=r)),
    "nll(weight)": ("class", lambda x, y, r: TC.nll(TC.log_softmax(x), y, _w(x.dtype), reduction=r),
                    lambda x, y, r: F.nll_loss(F.log_softmax(x, 1), y, _w(x.dtype), reduction=r)),
    "kl_div": ("dist", _r(TC.kl_div), lambda x, y, r: F.kl_div(x, y, reduction=r)),
    "kl_div(batchmean, log_target)": (
        "dist", lambda x, y, r: TC.kl_div(x, y.log(), "batchmean", log_target=True),
        lambda x, y, r: F.kl_div(x, y.log(), reduction="batchmean", log_target=True)),
    "soft_margin": ("pm1", _r(TC.soft_margin), lambda x, y, r: F.soft_margin_loss(x, y, reduction=r)),
    "multilabel_soft_margin(weight)": (
        "logit", lambda x, y, r: TC.multilabel_soft_margin(x, y, _w(x.dtype), r),
        lambda x, y, r: F.multilabel_soft_margin_loss(x, y, _w(x.dtype), reduction=r)),
    "multi_margin(p=2, margin, weight)": (
        "class", lambda x, y, r: TC.multi_margin(x, y, 2, 0.7, _w(x.dtype), r),
        lambda x, y, r: F.multi_margin_loss(x, y, 2, 0.7, _w(x.dtype), reduction=r)),
    "multi_margin": ("class", _r(TC.multi_margin), lambda x, y, r: F.multi_margin_loss(x, y, reduction=r)),
    "multilabel_margin": ("multilabel", _r(TC.multilabel_margin),
                          lambda x, y, r: F.multilabel_margin_loss(x, y, reduction=r)),
}


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(NATIVE))
def test_teaching_form_equals_pytorch(name, reduction, dtype, gen):
    kind, ours, native = NATIVE[name]
    x, y = _inputs(kind, gen, dtype)
    y = y.detach()
    assert_matches(lambda a: ours(a, y, reduction), lambda a: native(a, y, reduction), x)


# name: (kind, teaching form, fast lossnotes function), each called (x, y, reduction)
FAST = {
    "bce": ("binary", _r(TC.binary_cross_entropy),
            lambda x, y, r: LF.binary_cross_entropy(x, y, reduction=r)),
    "bce_with_logits": ("logit", _r(TC.bce_with_logits),
                        lambda x, y, r: LF.binary_cross_entropy_with_logits(x, y, reduction=r)),
    "weighted_bce(w=3)": ("binary", lambda x, y, r: TC.weighted_bce(x, y, 3.0, r),
                          lambda x, y, r: LF.weighted_binary_cross_entropy(x, y, pos_weight=3.0,
                                                                           reduction=r)),
    "balanced_bce(beta=0.8)": ("prob", lambda x, y, r: TC.balanced_bce(x, y, 0.8, r),
                               lambda x, y, r: LF.balanced_binary_cross_entropy(x, y, beta=0.8,
                                                                                reduction=r)),
    "focal": ("binary", _r(TC.focal), lambda x, y, r: LF.focal_loss(x, y, reduction=r)),
    "focal(soft targets, alpha=None, gamma=1.5)": (
        "prob", lambda x, y, r: TC.focal(x, y, None, 1.5, r),
        lambda x, y, r: LF.focal_loss(x, y, alpha=None, gamma=1.5, reduction=r)),
    "sigmoid_focal": ("logit", _r(TC.sigmoid_focal), lambda x, y, r: LF.sigmoid_focal_loss(x, y, reduction=r)),
    "sigmoid_focal(alpha=0.6, gamma=0.5)": (
        "logit", lambda x, y, r: TC.sigmoid_focal(x, y, 0.6, 0.5, r),
        lambda x, y, r: LF.sigmoid_focal_loss(x, y, alpha=0.6, gamma=0.5, reduction=r)),
    "hinge": ("pm1", _r(TC.hinge), lambda x, y, r: LF.hinge_loss(x, y, reduction=r)),
    "squared_hinge(margin=2)": ("pm1", lambda x, y, r: TC.squared_hinge(x, y, 2.0, r),
                                lambda x, y, r: LF.squared_hinge_loss(x, y, margin=2.0, reduction=r)),
    "cross_entropy": ("class", _r(TC.cross_entropy), lambda x, y, r: LF.cross_entropy(x, y, reduction=r)),
    "multi_margin": ("class", _r(TC.multi_margin), lambda x, y, r: LF.multi_margin_loss(x, y, reduction=r)),
    "multilabel_margin": ("multilabel", _r(TC.multilabel_margin),
                          lambda x, y, r: LF.multilabel_margin_loss(x, y, reduction=r)),
    "kl_div": ("dist", _r(TC.kl_div), lambda x, y, r: LF.kl_div(x, y, reduction=r)),
}


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss")
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(FAST))
def test_teaching_form_equals_fast_function(name, reduction, dtype, gen):
    kind, ours, fast = FAST[name]
    x, y = _inputs(kind, gen, dtype)
    assert_matches(lambda a: ours(a, y, reduction), lambda a: fast(a, y, reduction), x)


# Identities that tie the extras to PyTorch's kernels: (kind, extra, PyTorch expression)
IDENTITIES = {
    "focal(gamma=0, alpha=None) = BCE": (
        "prob", lambda x, y, r: LF.focal_loss(x, y, alpha=None, gamma=0.0, reduction=r),
        lambda x, y, r: F.binary_cross_entropy(x, y, reduction=r)),
    "sigmoid_focal(gamma=0, alpha=None) = BCE with logits": (
        "logit", lambda x, y, r: LF.sigmoid_focal_loss(x, y, alpha=None, gamma=0.0, reduction=r),
        lambda x, y, r: F.binary_cross_entropy_with_logits(x, y, reduction=r)),
    "sigmoid_focal = focal(sigmoid)": (
        "logit", lambda x, y, r: LF.sigmoid_focal_loss(x, y, alpha=0.3, gamma=2.0, reduction=r),
        lambda x, y, r: LF.focal_loss(torch.sigmoid(x), y, alpha=0.3, gamma=2.0, reduction=r)),
    "weighted_bce(w) = BCE with logits(pos_weight=w) on sigmoid": (
        "logit", lambda x, y, r: LF.weighted_binary_cross_entropy(torch.sigmoid(x), y, pos_weight=2.5,
                                                                  reduction=r),
        lambda x, y, r: F.binary_cross_entropy_with_logits(x, y, reduction=r,
                                                           pos_weight=torch.tensor(2.5, dtype=x.dtype))),
    "balanced_bce(beta=1/2) = BCE / 2": (
        "prob", lambda x, y, r: LF.balanced_binary_cross_entropy(x, y, beta=0.5, reduction=r),
        lambda x, y, r: F.binary_cross_entropy(x, y, reduction=r) / 2),
    "hinge(margin=0) = relu(-y x)": (
        "pm1", lambda x, y, r: LF.hinge_loss(x, y, margin=0.0, reduction=r),
        lambda x, y, r: F.l1_loss(F.relu(-y * x), torch.zeros_like(x), reduction=r)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(IDENTITIES))
def test_extra_identity(name, reduction, dtype, gen):
    kind, ours, native = IDENTITIES[name]
    x, y = _inputs(kind, gen, dtype)
    assert_matches(lambda a: ours(a, y, reduction), lambda a: native(a, y, reduction), x)


def test_article_002_numbers_by_hand():
    p, y = torch.tensor([0.9, 0.1, 1.0]), torch.tensor([1.0, 0.0, 1.0])
    # BCE: -log 0.9 for the first two, 0 for the third: mean 2 * 0.1053605 / 3 = 0.0702404
    assert TC.binary_cross_entropy(p, y).item() == pytest.approx(-2 * math.log(0.9) / 3, rel=1e-6)
    # balanced, beta = 1/2: every term halved
    assert TC.balanced_bce(p, y).item() == pytest.approx(-math.log(0.9) / 3, rel=1e-6)
    # focal (alpha 0.25, gamma 2): p_t = 0.9 for both; 0.25 * 0.1^2 * -log 0.9 + 0.75 * 0.1^2 * -log 0.9
    # = 0.01 * 0.1053605, mean over 3 = 0.000351202
    assert TC.focal(p, y).item() == pytest.approx(0.01 * -math.log(0.9) / 3, rel=1e-5)
    # hinge on the article's hinge inputs: 0.1 + 0.9 + 0 = 1.0 (sum)
    x, t = torch.tensor([0.9, -0.1, 1.0]), torch.tensor([1.0, -1.0, 1.0])
    assert TC.hinge(x, t, reduction="sum").item() == pytest.approx(1.0)
    assert TC.squared_hinge(x, t, reduction="sum").item() == pytest.approx(0.82)


def test_article_004_cross_entropy_by_hand():
    # scores [[1, 2], [1, 3], [1, 3]], targets [0, 1, 1]: -log softmax = [log(1 + e), log(1 + e^-2) x 2]
    x, y = torch.tensor([[1.0, 2.0], [1.0, 3.0], [1.0, 3.0]]), torch.tensor([0, 1, 1])
    per = [math.log(1 + math.e), math.log(1 + math.exp(-2)), math.log(1 + math.exp(-2))]
    torch.testing.assert_close(TC.cross_entropy(x, y, reduction="none"), torch.tensor(per))
    # class weights [1, 2]: (1.3133 + 2 * 0.1269 * 2) / (1 + 2 + 2)
    w = torch.tensor([1.0, 2.0])
    assert TC.cross_entropy(x, y, w).item() == pytest.approx((per[0] + 2 * per[1] + 2 * per[2]) / 5)


def test_log_sigmoid_does_not_overflow():
    x = torch.tensor([-1000.0, 0.0, 1000.0])
    torch.testing.assert_close(TC.log_sigmoid(x), torch.tensor([-1000.0, -math.log(2.0), 0.0]))


def test_classification_teaching_forms_fit_the_book_page():
    wide = [line for line in inspect.getsource(TC).splitlines() if len(line) > 88]
    assert wide == [], wide
