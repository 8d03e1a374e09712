"""The teaching forms the book shows equal the fast functions (and PyTorch's native ops).

Each teaching form is compared with an independent reference: PyTorch's own kernel where PyTorch
has the loss, otherwise a direct transcription of the formula in float64 (log-cosh as
``log(cosh(r))`` on residuals small enough not to overflow) and the fast lossnotes function.
Values and gradients, every reduction, float32 and float64, on continuous random inputs (no
ties, where a subgradient is a convention).
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_matches

import lossnotes.functional as LF
from lossnotes import teaching
from lossnotes.teaching import regression as T

REDUCTIONS = ["none", "mean", "sum"]


def _pair(gen, dtype, shape=(7, 5), scale=3.0):
    x = (scale * torch.randn(shape, generator=gen, dtype=torch.float64)).to(dtype)
    y = (scale * torch.randn(shape, generator=gen, dtype=torch.float64)).to(dtype)
    return x, y


# (teaching form, PyTorch's native op) with the same options
NATIVE = {
    "l1": (T.l1, lambda x, y, r: F.l1_loss(x, y, reduction=r)),
    "mse": (T.mse, lambda x, y, r: F.mse_loss(x, y, reduction=r)),
    "huber(delta=2)": (lambda x, y, r: T.huber(x, y, delta=2.0, reduction=r),
                       lambda x, y, r: F.huber_loss(x, y, delta=2.0, reduction=r)),
    "smooth_l1(beta=0.5)": (lambda x, y, r: T.smooth_l1(x, y, beta=0.5, reduction=r),
                            lambda x, y, r: F.smooth_l1_loss(x, y, beta=0.5, reduction=r)),
    "poisson_nll(log_input)": (lambda x, y, r: T.poisson_nll(x, y.abs(), reduction=r),
                               lambda x, y, r: F.poisson_nll_loss(x, y.abs(), reduction=r)),
    "poisson_nll(rate)": (lambda x, y, r: T.poisson_nll(x.abs() + 0.1, y.abs(), log_input=False, reduction=r),
                          lambda x, y, r: F.poisson_nll_loss(x.abs() + 0.1, y.abs(), log_input=False,
                                                             reduction=r)),
    "gaussian_nll(full)": (lambda x, y, r: T.gaussian_nll(x, y, (x - 1).abs() + 0.1, full=True, reduction=r),
                           lambda x, y, r: F.gaussian_nll_loss(x, y, (x - 1).abs() + 0.1, full=True,
                                                               reduction=r)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(NATIVE))
def test_teaching_form_equals_pytorch(name, reduction, dtype, gen):
    ours, native = NATIVE[name]
    x, y = _pair(gen, dtype)
    assert_matches(lambda a, b: ours(a, b, reduction), lambda a, b: native(a, b, reduction), x, y)


# (teaching form, fast lossnotes function) for every loss, extras included
FAST = {
    "l1": (T.l1, lambda x, y, r: LF.l1_loss(x, y, reduction=r)),
    "mse": (T.mse, lambda x, y, r: LF.mse_loss(x, y, reduction=r)),
    "mean_bias_error": (T.mean_bias_error, lambda x, y, r: LF.mean_bias_error(x, y, reduction=r)),
    "huber(delta=2)": (lambda x, y, r: T.huber(x, y, delta=2.0, reduction=r),
                       lambda x, y, r: LF.huber_loss(x, y, delta=2.0, reduction=r)),
    "smooth_l1(beta=0.5)": (lambda x, y, r: T.smooth_l1(x, y, beta=0.5, reduction=r),
                            lambda x, y, r: LF.smooth_l1_loss(x, y, beta=0.5, reduction=r)),
    "log_cosh": (T.log_cosh, lambda x, y, r: LF.log_cosh_loss(x, y, reduction=r)),
    "quantile(0.9)": (lambda x, y, r: T.quantile(x, y, gamma=0.9, reduction=r),
                      lambda x, y, r: LF.quantile_loss(x, y, quantile=0.9, reduction=r)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(FAST))
def test_teaching_form_equals_fast_function(name, reduction, dtype, gen):
    ours, fast = FAST[name]
    x, y = _pair(gen, dtype)
    assert_matches(lambda a, b: ours(a, b, reduction), lambda a, b: fast(a, b, reduction), x, y)


def test_rmse_teaching_form_equals_fast_function(dtype, gen):
    x, y = _pair(gen, dtype)
    assert_matches(T.rmse, LF.rmse_loss, x, y)


def test_log_cosh_teaching_form_is_log_of_cosh(gen):
    # Residuals within +-6: cosh stays far from float64's overflow, so the naive formula is exact enough.
    x, y = _pair(gen, torch.float64, scale=2.0)
    assert_matches(T.log_cosh, lambda a, b: torch.log(torch.cosh(a - b)).mean(), x, y)


def test_quantile_teaching_form_by_hand():
    # d = y - x = [-3, 0, 2, 1], gamma = 0.5: 0.5 * |d| = [1.5, 0, 1, 0.5], mean 0.75 (article 002's number)
    x, y = torch.tensor([4.0, 2.0, 1.0, 3.0]), torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert T.quantile(x, y, gamma=0.5).item() == pytest.approx(0.75)
    # gamma = 0.9: over-predictions (d < 0) cost 0.1 per unit, under-predictions 0.9:
    # [0.3, 0, 1.8, 0.9], mean 3.0 / 4 = 0.75 too; gamma = 0.1: [2.7, 0, 0.2, 0.1], mean 0.75
    assert T.quantile(x, y, gamma=0.9).item() == pytest.approx(0.75)
    assert T.quantile(x, y, gamma=0.1, reduction="sum").item() == pytest.approx(3.0)


def test_huber_teaching_form_by_hand():
    # article 002's inputs, delta = 2: r = [3, 0, 2]; 2 * (3 - 1) = 4, 0, 0.5 * 2^2 = 2 -> mean 2.0
    x, y = torch.tensor([4.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])
    assert T.huber(x, y, delta=2.0).item() == pytest.approx(2.0)
    assert T.smooth_l1(x, y, beta=2.0).item() == pytest.approx(1.0)  # Huber / delta


def test_gaussian_nll_constant():
    # x = y, var = 1: every element is 0.5 * (log 1 + 0) + 0.5 log(2 pi) with full=True
    x = torch.zeros(4)
    assert T.gaussian_nll(x, x, torch.ones(4), full=True).item() == pytest.approx(0.5 * math.log(2 * math.pi))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_reduce(reduction):
    loss = torch.tensor([1.0, 2.0, 6.0])
    expected = {"none": loss, "mean": torch.tensor(3.0), "sum": torch.tensor(9.0)}[reduction]
    torch.testing.assert_close(teaching.reduce(loss, reduction), expected)


def test_teaching_forms_fit_the_book_page():
    # The book prints these with inspect.getsource; its code column is 88 characters wide.
    import inspect

    from lossnotes.teaching import _reduce, detection, generative, segmentation
    from lossnotes.teaching import embedding as TE

    for module in (teaching, T, _reduce, TE, detection, segmentation, generative):
        wide = [line for line in inspect.getsource(module).splitlines() if len(line) > 88]
        assert wide == [], wide


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_reduce_is_torchs_class_weighted_mean(reduction, gen):
    # nll_loss with class weights c: l_n = -c[y_n] * log p[n, y_n]; 'mean' divides by sum_n c[y_n]
    log_probs = torch.randn(6, 3, generator=gen, dtype=torch.float64).log_softmax(dim=1)
    target = torch.tensor([0, 2, 2, 1, 0, 2])
    c = torch.tensor([0.5, 2.0, 1.5], dtype=torch.float64)
    element = -log_probs.gather(1, target[:, None]).squeeze(1)
    torch.testing.assert_close(teaching.reduce(element, reduction, weight=c[target]),
                               F.nll_loss(log_probs, target, weight=c, reduction=reduction))
