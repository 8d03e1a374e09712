"""The Paddle twins of the regression losses (``lossnotes.paddle``).

Each twin is checked against three independent references: PyTorch's native op (where torch has
one), the torch twin in ``lossnotes.regression`` (same numpy inputs, values and gradients), and
Paddle's native op where Paddle has one, with every semantic difference between the two
frameworks pinned by its own test. Hand-derived numbers carry their derivation.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES

import lossnotes.paddle as LP
import lossnotes.paddle.regression as PR
import lossnotes.regression as R

pytestmark = pytest.mark.paddle

import paddle  # noqa: E402  (lossnotes.paddle has imported it quietly already)
import paddle.nn.functional as PF  # noqa: E402

DTYPES = ["float32", "float64"]
REDUCTIONS = ["none", "mean", "sum"]
# the shared table, keyed by the names paddle and numpy use for the dtypes
TOL = {name: TOLERANCES[getattr(torch, name)] for name in DTYPES}


# ----------------------------------------------------------------------------- helpers
def _data(kind: str, dtype: str, shape=(4, 5), seed: int = 0):
    """Numpy inputs for one loss family: (input, target[, var])."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape) * 2.0
    if kind == "poisson_log":
        y = rng.integers(0, 6, size=shape).astype(float)  # counts incl. 0, 1 and > 1
        x = rng.normal(size=shape)
    elif kind == "poisson_rate":
        y = rng.integers(0, 6, size=shape).astype(float)
        x = rng.uniform(0.1, 4.0, size=shape)
    else:
        y = rng.normal(size=shape) * 2.0
    v = rng.uniform(0.05, 2.0, size=shape)
    v[0, 0] = 1e-8  # below eps: exercises the clamp and its gradient pass-through
    return x.astype(dtype), y.astype(dtype), v.astype(dtype)


def _upstream(shape, dtype):
    """A fixed cotangent, so that 'none' results are checked through their gradient too."""
    return np.random.default_rng(123).uniform(0.5, 1.5, size=shape).astype(dtype)


def _torch_run(fn, arrays, reduction_none: bool):
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    up = torch.tensor(_upstream(tuple(out.shape), arrays[0].dtype)) if reduction_none else 1.0
    (out * up).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in ts]


def _paddle_run(fn, arrays, reduction_none: bool):
    ts = [paddle.to_tensor(a, stop_gradient=False) for a in arrays]
    out = fn(*ts)
    if reduction_none:
        up = paddle.to_tensor(_upstream(tuple(out.shape), arrays[0].dtype))
        (out * up).sum().backward()
    else:
        out.sum().backward()
    return out.numpy(), [t.grad.numpy() for t in ts]


def _assert_same(a, b, dtype):
    (va, ga), (vb, gb) = a, b
    np.testing.assert_allclose(va, vb, **TOL[dtype])
    assert va.dtype == vb.dtype == np.dtype(dtype)
    for x, y in zip(ga, gb, strict=True):
        np.testing.assert_allclose(x, y, **TOL[dtype])


def _pt(values, dtype="float32"):
    return paddle.to_tensor(np.asarray(values, dtype=dtype))


# (name, data kind, paddle twin call, torch call) -- the torch call is torch's native op
NATIVE_CASES = [
    ("l1", "real", lambda r: (lambda x, y: LP.l1_loss(x, y, reduction=r)),
     lambda r: (lambda x, y: F.l1_loss(x, y, reduction=r))),
    ("mse", "real", lambda r: (lambda x, y: LP.mse_loss(x, y, reduction=r)),
     lambda r: (lambda x, y: F.mse_loss(x, y, reduction=r))),
    ("huber_0.5", "real", lambda r: (lambda x, y: LP.huber_loss(x, y, reduction=r, delta=0.5)),
     lambda r: (lambda x, y: F.huber_loss(x, y, reduction=r, delta=0.5))),
    ("huber_2", "real", lambda r: (lambda x, y: LP.huber_loss(x, y, reduction=r, delta=2.0)),
     lambda r: (lambda x, y: F.huber_loss(x, y, reduction=r, delta=2.0))),
    ("smooth_l1_1", "real", lambda r: (lambda x, y: LP.smooth_l1_loss(x, y, reduction=r)),
     lambda r: (lambda x, y: F.smooth_l1_loss(x, y, reduction=r))),
    ("smooth_l1_2", "real", lambda r: (lambda x, y: LP.smooth_l1_loss(x, y, reduction=r, beta=2.0)),
     lambda r: (lambda x, y: F.smooth_l1_loss(x, y, reduction=r, beta=2.0))),
    ("smooth_l1_0", "real", lambda r: (lambda x, y: LP.smooth_l1_loss(x, y, reduction=r, beta=0.0)),
     lambda r: (lambda x, y: F.smooth_l1_loss(x, y, reduction=r, beta=0.0))),
    ("poisson_log", "poisson_log", lambda r: (lambda x, y: LP.poisson_nll_loss(x, y, reduction=r)),
     lambda r: (lambda x, y: F.poisson_nll_loss(x, y, reduction=r))),
    ("poisson_log_full", "poisson_log",
     lambda r: (lambda x, y: LP.poisson_nll_loss(x, y, full=True, reduction=r)),
     lambda r: (lambda x, y: F.poisson_nll_loss(x, y, full=True, reduction=r))),
    ("poisson_rate", "poisson_rate",
     lambda r: (lambda x, y: LP.poisson_nll_loss(x, y, log_input=False, eps=1e-3, reduction=r)),
     lambda r: (lambda x, y: F.poisson_nll_loss(x, y, log_input=False, eps=1e-3, reduction=r))),
]


# ----------------------------------------------------------------------------- vs torch's native ops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", NATIVE_CASES, ids=[c[0] for c in NATIVE_CASES])
def test_twin_equals_torch_native(case, reduction, dtype):
    _, kind, paddle_fn, torch_fn = case
    x, y, _ = _data(kind, dtype)
    none = reduction == "none"
    # only the input's gradient: torch's poisson kernel has no gradient for the target
    _assert_same(_paddle_run(lambda a: paddle_fn(reduction)(a, _pt(y, dtype)), [x], none),
                 _torch_run(lambda a: torch_fn(reduction)(a, torch.tensor(y)), [x], none), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_equals_torch_native(full, reduction, dtype):
    x, y, v = _data("real", dtype)
    none = reduction == "none"
    _assert_same(
        _paddle_run(lambda a, b, c: LP.gaussian_nll_loss(a, b, c, full=full, reduction=reduction),
                    [x, y, v], none),
        _torch_run(lambda a, b, c: F.gaussian_nll_loss(a, b, c, full=full, reduction=reduction),
                   [x, y, v], none),
        dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("var_shape", [(4,), (4, 1), (1, 5)])
def test_gaussian_nll_homoscedastic_var_shapes_equal_torch(var_shape, dtype):
    x, y, _ = _data("real", dtype)
    v = np.random.default_rng(1).uniform(0.5, 2.0, size=var_shape).astype(dtype)
    fn_p = lambda a, b, c: LP.gaussian_nll_loss(a, b, c, reduction="mean")  # noqa: E731
    fn_t = lambda a, b, c: F.gaussian_nll_loss(a, b, c, reduction="mean")  # noqa: E731
    _assert_same(_paddle_run(fn_p, [x, y, v], False), _torch_run(fn_t, [x, y, v], False), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["l1", "mse", "huber"])
def test_weighted_equals_torch_native(name, reduction, dtype):
    # torch: l1/mse weighted 'mean' = sum(w*l)/sum(w); huber weighted 'mean' = mean(w*l)
    x, y, w = _data("real", dtype)
    p_fn = {"l1": LP.l1_loss, "mse": LP.mse_loss, "huber": LP.huber_loss}[name]
    t_fn = {"l1": F.l1_loss, "mse": F.mse_loss, "huber": F.huber_loss}[name]
    none = reduction == "none"
    _assert_same(_paddle_run(lambda a, b: p_fn(a, b, reduction=reduction, weight=_pt(w, dtype)),
                             [x, y], none),
                 _torch_run(lambda a, b: t_fn(a, b, reduction=reduction, weight=torch.tensor(w)),
                            [x, y], none),
                 dtype)


# ----------------------------------------------------------------------------- vs the torch twins
TWIN_CASES = {
    "l1_loss": ({}, "real"),
    "mse_loss": ({}, "real"),
    "huber_loss": ({"delta": 1.5}, "real"),
    "smooth_l1_loss": ({"beta": 0.7}, "real"),
    "poisson_nll_loss": ({"full": True}, "poisson_log"),
    "rmse_loss": ({}, "real"),
    "mean_bias_error": ({}, "real"),
    "log_cosh_loss": ({}, "real"),
    "quantile_loss": ({"quantile": 0.3}, "real"),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(TWIN_CASES))
def test_twin_equals_torch_twin(name, reduction, dtype):
    kwargs, kind = TWIN_CASES[name]
    if name == "rmse_loss" and reduction != "mean":  # only 'mean' is an RMSE: both twins refuse
        with pytest.raises(ValueError, match="reduction"):
            R.rmse_loss(torch.ones(1), torch.ones(1), reduction=reduction)
        with pytest.raises(ValueError, match="reduction"):
            LP.rmse_loss(_pt([1.0]), _pt([1.0]), reduction=reduction)
        return
    x, y, _ = _data(kind, dtype)
    none = reduction == "none"
    p_fn, t_fn = getattr(LP, name), getattr(R, name)
    _assert_same(_paddle_run(lambda a, b: p_fn(a, b, reduction=reduction, **kwargs), [x, y], none),
                 _torch_run(lambda a, b: t_fn(a, b, reduction=reduction, **kwargs), [x, y], none),
                 dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_nll_equals_torch_twin(reduction, dtype):
    x, y, v = _data("real", dtype)
    none = reduction == "none"
    _assert_same(
        _paddle_run(lambda a, b, c: LP.gaussian_nll_loss(a, b, c, reduction=reduction), [x, y, v], none),
        _torch_run(lambda a, b, c: R.gaussian_nll_loss(a, b, c, reduction=reduction), [x, y, v], none),
        dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_quantile_sequence_equals_torch_twin(reduction, dtype):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 3)).astype(dtype)
    y = rng.normal(size=(6,)).astype(dtype)
    q = (0.1, 0.5, 0.9)
    none = reduction == "none"
    _assert_same(_paddle_run(lambda a, b: LP.quantile_loss(a, b, quantile=q, reduction=reduction),
                             [x, y], none),
                 _torch_run(lambda a, b: R.quantile_loss(a, b, quantile=q, reduction=reduction),
                            [x, y], none),
                 dtype)


def test_signatures_match_torch_twins():
    import inspect

    for name in PR.__all__:  # the regression twins (the classification ones have their own test)
        p_sig = inspect.signature(getattr(LP, name))
        t_sig = inspect.signature(getattr(R, name))
        assert [(p.name, p.kind, p.default) for p in p_sig.parameters.values()] == \
               [(p.name, p.kind, p.default) for p in t_sig.parameters.values()], name


# ----------------------------------------------------------------------------- vs paddle's native ops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_l1_mse_equal_paddle_native(reduction, dtype):
    x, y, _ = _data("real", dtype)
    none = reduction == "none"
    for twin, native in [(LP.l1_loss, PF.l1_loss), (LP.mse_loss, PF.mse_loss)]:
        _assert_same(_paddle_run(lambda a, b, f=twin: f(a, b, reduction=reduction), [x, y], none),
                     _paddle_run(lambda a, b, f=native: f(a, b, reduction=reduction), [x, y], none),
                     dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("d", [0.5, 1.0, 2.0])
def test_paddle_smooth_l1_with_delta_is_huber(d, reduction, dtype):
    # paddle's smooth_l1_loss(delta=d) defaults to is_huber=True: it is torch's huber_loss(delta=d)
    x, y, _ = _data("real", dtype)
    none = reduction == "none"
    _assert_same(_paddle_run(lambda a, b: LP.huber_loss(a, b, reduction=reduction, delta=d), [x, y], none),
                 _paddle_run(lambda a, b: PF.smooth_l1_loss(a, b, reduction=reduction, delta=d),
                             [x, y], none),
                 dtype)
    # ... and with is_huber=False it is torch's smooth_l1_loss(beta=d)
    _assert_same(_paddle_run(lambda a, b: LP.smooth_l1_loss(a, b, reduction=reduction, beta=d),
                             [x, y], none),
                 _paddle_run(lambda a, b: PF.smooth_l1_loss(a, b, reduction=reduction, delta=d,
                                                            is_huber=False), [x, y], none),
                 dtype)


def test_paddle_smooth_l1_default_differs_from_torch_smooth_l1_by_delta():
    # at delta = beta = 2 the two frameworks' "smooth_l1_loss" differ by exactly a factor of 2
    x, y, _ = _data("real", "float64")
    paddle_default = float(PF.smooth_l1_loss(_pt(x, "float64"), _pt(y, "float64"), reduction="mean",
                                             delta=2.0))
    ours = float(LP.smooth_l1_loss(_pt(x, "float64"), _pt(y, "float64"), reduction="mean", beta=2.0))
    torch_native = float(F.smooth_l1_loss(torch.tensor(x), torch.tensor(y), reduction="mean", beta=2.0))
    assert ours == pytest.approx(torch_native, rel=1e-12)
    assert paddle_default == pytest.approx(2.0 * ours, rel=1e-12)
    assert paddle.nn.HuberLoss is paddle.nn.SmoothL1Loss
    assert not hasattr(PF, "huber_loss")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full", [(True, False), (True, True), (False, False), (False, True)])
def test_poisson_equals_paddle_native(log_input, full, reduction, dtype):
    x, y, _ = _data("poisson_log" if log_input else "poisson_rate", dtype)
    none = reduction == "none"
    _assert_same(
        _paddle_run(lambda a: LP.poisson_nll_loss(a, _pt(y, dtype), log_input=log_input, full=full,
                                                  eps=1e-6, reduction=reduction), [x], none),
        _paddle_run(lambda a: PF.poisson_nll_loss(a, _pt(y, dtype), log_input=log_input, full=full,
                                                  epsilon=1e-6, reduction=reduction), [x], none),
        dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_equals_paddle_native(full, reduction, dtype):
    x, y, v = _data("real", dtype)
    none = reduction == "none"
    vt = _pt(v, dtype)
    # values and the gradients for input and target agree (the clamped element included) ...
    _assert_same(
        _paddle_run(lambda a, b: LP.gaussian_nll_loss(a, b, vt, full=full, reduction=reduction),
                    [x, y], none),
        _paddle_run(lambda a, b: PF.gaussian_nll_loss(a, b, vt, full=full, reduction=reduction),
                    [x, y], none),
        dtype)


def test_paddle_native_gaussian_nll_gives_the_variance_no_gradient():
    # ... but paddle 3.3.1 rebinds the variance to `paddle.clip(...)` inside `paddle.no_grad()`,
    # which cuts it out of the graph: the variance gets no gradient at all, so a network that
    # predicts its own variance cannot learn it through paddle's op. torch's op (and the twin)
    # clamp in place and pass the gradient through: d l / d var = (1/var - r^2/var^2) / 2.
    x, y, v = _data("real", "float64")
    var_native = _pt(v, "float64")
    var_native.stop_gradient = False
    PF.gaussian_nll_loss(_pt(x, "float64"), _pt(y, "float64"), var_native, reduction="sum").backward()
    assert var_native.grad is None
    _, (_, _, g_twin) = _paddle_run(lambda a, b, c: LP.gaussian_nll_loss(a, b, c, reduction="sum"),
                                    [x, y, v], False)
    vc = np.maximum(v, 1e-6)
    np.testing.assert_allclose(g_twin, 0.5 * (1 / vc - (x - y) ** 2 / vc**2), rtol=1e-10)


def test_paddle_native_gaussian_nll_rejects_a_size_one_middle_dimension():
    # torch accepts a var with any one dimension of size 1 (here (1, 5) for input (4, 5));
    # paddle only a size-1 last dimension
    x, y, _ = _data("real", "float32")
    v = _pt(np.ones((1, 5)))
    with pytest.raises(ValueError, match="variance is of incorrect shape"):
        PF.gaussian_nll_loss(_pt(x), _pt(y), v, reduction="mean")
    t = F.gaussian_nll_loss(torch.tensor(x), torch.tensor(y), torch.ones(1, 5), reduction="mean")
    assert float(LP.gaussian_nll_loss(_pt(x), _pt(y), v)) == pytest.approx(float(t), rel=1e-6)


def test_paddle_native_differences_are_pinned():
    x, y = _pt([[1.0], [2.0], [3.0], [4.0]]), _pt([1.0, 2.0, 3.0, 5.0])
    # paddle broadcasts (4,1) against (4,) silently; torch and the twin warn, with the same result
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        silent = float(PF.mse_loss(x, y, reduction="mean"))
    with pytest.warns(UserWarning, match="different to the input size"):
        ours = float(LP.mse_loss(x, y, reduction="mean"))
    with pytest.warns(UserWarning, match="different to the input size"):
        torch_value = float(F.mse_loss(torch.tensor(x.numpy()), torch.tensor(y.numpy())))
    assert silent == ours == pytest.approx(torch_value)
    # paddle has no weight on l1/mse
    with pytest.raises(TypeError):
        PF.l1_loss(y, y, reduction="mean", weight=y)
    # paddle's gaussian_nll_loss needs a tensor variance; the twin, like torch 2.13, takes a float
    with pytest.raises(AttributeError):
        PF.gaussian_nll_loss(y, y + 1.0, 2.0, reduction="mean")
    # 0.5 * (log 2 + 1/2) per element: every residual is 1 and var = 2
    assert float(LP.gaussian_nll_loss(y, y + 1.0, 2.0)) == pytest.approx(0.5 * (math.log(2.0) + 0.5))
    # paddle's poisson_nll_loss wants equal shapes; torch (and the twin) broadcast
    with pytest.raises(ValueError, match="shape"):
        PF.poisson_nll_loss(x, y, reduction="mean")
    t_val = F.poisson_nll_loss(torch.tensor(x.numpy()), torch.tensor(y.numpy()), reduction="mean")
    assert float(LP.poisson_nll_loss(x, y)) == pytest.approx(float(t_val), rel=1e-6)
    # torch's deprecated size_average/reduce: paddle's Layer rejects them, the twin maps them
    with pytest.warns(UserWarning, match="reduction='sum'"):
        summed = LP.l1_loss(y, y + 2.0, size_average=False)
    assert float(summed) == pytest.approx(8.0)  # four residuals of 2


# ----------------------------------------------------------------------------- hand-derived numbers
def test_article_002_numbers():
    # L1: |1-1| + |2-3| + |3-6| = 0 + 1 + 3 = 4, mean 4/3
    assert float(LP.l1_loss(_pt([[1], [2], [3]]), _pt([[1], [3], [6]]))) == pytest.approx(4 / 3, rel=1e-7)
    p, t = _pt([[3], [2], [1]]), _pt([[1], [2], [3]])
    # L2: (4 + 0 + 4) / 3 = 8/3; MBE: (2 + 0 - 2) / 3 = 0
    assert float(LP.mse_loss(p, t)) == pytest.approx(8 / 3, rel=1e-7)
    assert float(LP.mean_bias_error(p, t)) == 0.0
    p, t = _pt([[4], [2], [1]]), _pt([[1], [2], [3]])
    # true Huber, delta=2: |r| = 3, 0, 2 -> 2*(3-1) = 4, 0, 2*(2-1) = 2 (|r| = delta is linear: same
    # value as 0.5*2^2 = 2); mean 6/3 = 2. The article's min(delta|r|, r^2) gives (6 + 0 + 4)/3.
    assert float(LP.huber_loss(p, t, reduction="mean", delta=2.0)) == pytest.approx(2.0, rel=1e-7)
    article = float(paddle.minimum(2.0 * paddle.abs(p - t), (p - t) ** 2).mean())
    assert article == pytest.approx(10 / 3, rel=1e-7)
    # log cosh 3 + log cosh 0 + log cosh 2, over 3
    expected = (math.log(math.cosh(3.0)) + math.log(math.cosh(2.0))) / 3
    assert float(LP.log_cosh_loss(p, t)) == pytest.approx(expected, rel=1e-6)
    assert round(expected, 7) == 1.2114438
    # pinball at 0.5 is |r|/2: (3 + 0 + 2 + 1) / 2 / 4 = 0.75
    q = LP.quantile_loss(_pt([[4], [2], [1], [3]]), _pt([[1], [2], [3], [4]]), quantile=0.5)
    assert float(q) == pytest.approx(0.75)


def test_quantile_gradient_at_a_tie_matches_torch_twin():
    # at x == y both twins take the under-prediction branch: d l / d x = -gamma
    x, y = np.array([4.0, 2.0, 1.0, 3.0]), np.array([1.0, 2.0, 3.0, 4.0])
    _assert_same(_paddle_run(lambda a, b: LP.quantile_loss(a, b, quantile=0.3, reduction="sum"), [x, y], False),
                 _torch_run(lambda a, b: R.quantile_loss(a, b, quantile=0.3, reduction="sum"), [x, y], False),
                 "float64")


def test_identities():
    x, y, _ = _data("real", "float64")
    px, py = _pt(x, "float64"), _pt(y, "float64")
    for d in (0.5, 1.0, 2.0):  # huber(delta) = delta * smooth_l1(beta=delta)
        np.testing.assert_allclose(LP.huber_loss(px, py, reduction="none", delta=d).numpy(),
                                   d * LP.smooth_l1_loss(px, py, reduction="none", beta=d).numpy(),
                                   rtol=1e-12)
    # rmse = sqrt(mse); pinball(0.5) = l1 / 2
    assert float(LP.rmse_loss(px, py)) == pytest.approx(math.sqrt(float(LP.mse_loss(px, py))), rel=1e-12)
    assert float(LP.quantile_loss(px, py)) == pytest.approx(float(LP.l1_loss(px, py)) / 2, rel=1e-12)
    # pinball slopes: gamma per unit of under-prediction, 1 - gamma of over-prediction
    under = LP.quantile_loss(_pt([0.0], "float64"), _pt([1.0], "float64"), quantile=0.9)
    over = LP.quantile_loss(_pt([1.0], "float64"), _pt([0.0], "float64"), quantile=0.9)
    assert float(under) == pytest.approx(0.9) and float(over) == pytest.approx(0.1)


def test_log_cosh_far_from_zero_is_finite_and_matches_its_asymptote():
    r = _pt([-200.0, -100.0, 100.0, 200.0], "float32")
    r.stop_gradient = False
    loss = LP.log_cosh_loss(r, paddle.zeros_like(r), reduction="none")
    loss.sum().backward()
    # log cosh r = |r| - log 2 + log1p(e^{-2|r|}); the last term is below float32 resolution here
    np.testing.assert_allclose(loss.numpy(), np.abs(r.numpy()) - math.log(2.0), rtol=1e-6)
    np.testing.assert_allclose(r.grad.numpy(), np.tanh(r.numpy()), rtol=1e-6)  # d/dr = tanh r
    naive = paddle.log(paddle.cosh(r))  # the textbook form overflows float32
    assert bool(paddle.isinf(naive).all())


@pytest.mark.parametrize("name", ["log_cosh_loss", "quantile_loss", "gaussian_nll_loss"])
def test_gradient_by_central_differences(name):
    # float64 finite differences on the extras' 'sum' (the others are covered by torch's own ops)
    x, y, v = _data("real", "float64", shape=(3, 2), seed=5)
    fn = {"log_cosh_loss": lambda a: LP.log_cosh_loss(a, _pt(y, "float64"), reduction="sum"),
          "quantile_loss": lambda a: LP.quantile_loss(a, _pt(y, "float64"), quantile=0.2, reduction="sum"),
          "gaussian_nll_loss": lambda a: LP.gaussian_nll_loss(_pt(x, "float64"), _pt(y, "float64"), a,
                                                              reduction="sum")}[name]
    arg = np.abs(v) + 0.1 if name == "gaussian_nll_loss" else x
    _, (grad,) = _paddle_run(fn, [arg], False)
    h, numeric = 1e-6, np.zeros_like(arg)
    for i in np.ndindex(arg.shape):
        e = np.zeros_like(arg)
        e[i] = h
        numeric[i] = (float(fn(_pt(arg + e, "float64"))) - float(fn(_pt(arg - e, "float64")))) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


# ----------------------------------------------------------------------------- bad input
def test_bad_inputs_raise_named_errors():
    x = _pt([1.0, 2.0])
    with pytest.raises(ValueError, match="reduction"):
        LP.mse_loss(x, x, reduction="batchmean")
    with pytest.raises(TypeError, match="input must be a paddle.Tensor, got ndarray"):
        LP.l1_loss(np.ones(2), x)
    with pytest.raises(TypeError, match="target must be a floating-point tensor"):
        LP.l1_loss(x, paddle.to_tensor([1, 2]))
    with pytest.raises(ValueError, match="non-positive values for delta, got delta=0"):
        LP.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="negative values for beta, got beta=-1"):
        LP.smooth_l1_loss(x, x, beta=-1.0)
    with pytest.raises(ValueError, match="var has negative"):
        LP.gaussian_nll_loss(x, x, _pt([1.0, -1.0]))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        LP.gaussian_nll_loss(_pt(np.ones((2, 3))), _pt(np.ones((2, 3))), _pt(np.ones((3, 2))))
    with pytest.raises(ValueError, match="quantile must lie strictly between 0 and 1, got 1.5"):
        LP.quantile_loss(x, x, quantile=1.5)
    with pytest.raises(ValueError, match=r"with 3 quantiles, input must have shape \(\*, 3\)"):
        LP.quantile_loss(x, x, quantile=(0.1, 0.5, 0.9))
    with pytest.raises(ValueError, match=r"target size \(\(3,\)\) must be the same as input size"):
        LP.log_cosh_loss(x, _pt([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="eps must be non-negative"):
        LP.rmse_loss(x, x, eps=-1.0)
    with pytest.raises(ValueError, match="weight must have the input's shape"):
        LP.l1_loss(x, x, weight=_pt([1.0]))


# ----------------------------------------------------------------------------- the import is quiet
def test_import_writes_nothing_to_stderr():
    proc = subprocess.run([sys.executable, "-c", "import lossnotes.paddle"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout == ""


def test_importing_lossnotes_does_not_import_paddle():
    code = "import sys, lossnotes, lossnotes.regression; print('paddle' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
