"""The Paddle twins of the classification losses (``lossnotes.paddle``).

Each twin is checked against three independent references on the same numpy inputs: the torch
twin in ``lossnotes.classification`` (values and gradients of every floating argument), PyTorch's
native op where torch has one (values and the input's gradient), and Paddle's native op where
Paddle has one, with every semantic difference between the two frameworks pinned by its own
test. Hand-derived numbers carry their derivation.
"""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES

import lossnotes.classification as C
import lossnotes.paddle as LP
import lossnotes.paddle.classification as LPC
from lossnotes._checks import InputDtypeError, InputError, InputIndexError

pytestmark = pytest.mark.paddle

import paddle  # noqa: E402  (lossnotes.paddle has imported it quietly already)
import paddle.nn.functional as PF  # noqa: E402
from paddle_twins import DTYPES, REDUCTIONS, TOL  # noqa: E402
from paddle_twins import assert_same as _assert_same  # noqa: E402
from paddle_twins import is_float as _is_float  # noqa: E402
from paddle_twins import paddle_run as _paddle_run  # noqa: E402
from paddle_twins import pt as _pt  # noqa: E402
from paddle_twins import torch_run as _torch_run  # noqa: E402


# ------------------------------------------------------------ helpers
def _pi(values):
    return paddle.to_tensor(np.asarray(values, dtype="int64"))


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# ------------------------------------------------------------ the cases
def _case(kind: str, dtype: str, seed: int = 0):
    """``(args, kwargs)`` of numpy arrays (and numbers) for one case of one loss."""
    rng = np.random.default_rng(seed)

    def f(*shape, scale=1.0):
        return (rng.normal(size=shape) * scale).astype(dtype)

    def prob(*shape):
        return rng.uniform(0.02, 0.98, size=shape).astype(dtype)

    def pos(*shape):
        return rng.uniform(0.5, 2.0, size=shape).astype(dtype)

    def sign(*shape):
        return np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(dtype)

    def binary(*shape):
        return (rng.random(shape) < 0.5).astype(dtype)

    idx = np.array([0, 2, 1, 2], dtype="int64")
    cases = {
        "bce": lambda: ([prob(4, 5), prob(4, 5)], {}),
        "bce_weight": lambda: ([prob(4, 5), binary(4, 5)], {"weight": pos(4, 5)}),
        "bce_weight_row": lambda: ([prob(4, 5), prob(4, 5)], {"weight": pos(5)}),
        "bce_logits": lambda: ([f(4, 5, scale=3.0), prob(4, 5)], {}),
        "bce_logits_weights": lambda: ([f(4, 5, scale=3.0), binary(4, 5)],
                                       {"weight": pos(4, 5), "pos_weight": pos(5)}),
        "ce": lambda: ([f(4, 3, scale=2.0), idx], {}),
        "ce_weight_ignore": lambda: ([f(4, 3, scale=2.0), np.array([0, -100, 1, 2])],
                                     {"weight": pos(3)}),
        "ce_smooth": lambda: ([f(4, 3, scale=2.0), idx], {"label_smoothing": 0.1}),
        "ce_smooth_weight_ignore": lambda: ([f(4, 3, scale=2.0), np.array([0, 1, 5, 2])],
                                            {"weight": pos(3), "label_smoothing": 0.2,
                                             "ignore_index": 5}),
        "ce_kdim": lambda: ([f(2, 3, 4, 2), rng.integers(0, 3, size=(2, 4, 2))],
                            {"weight": pos(3)}),
        "ce_unbatched": lambda: ([f(3), np.array(1)], {}),
        "ce_probs": lambda: ([f(4, 3), _softmax(f(4, 3), 1)], {}),
        "ce_probs_weight_smooth": lambda: ([f(4, 3), _softmax(f(4, 3), 1)],
                                           {"weight": pos(3), "label_smoothing": 0.1}),
        "ce_probs_kdim": lambda: ([f(2, 3, 4), _softmax(f(2, 3, 4), 1)], {}),
        "nll": lambda: ([np.log(_softmax(f(4, 3), 1)), idx], {}),
        "nll_weight_ignore": lambda: ([np.log(_softmax(f(4, 3), 1)), np.array([0, 1, 1, 2])],
                                      {"weight": pos(3), "ignore_index": 1}),
        "nll_ignore_outside": lambda: ([np.log(_softmax(f(4, 3), 1)), np.array([0, 1, 7, 2])],
                                       {"weight": pos(3), "ignore_index": 7}),
        "nll_kdim": lambda: ([np.log(_softmax(f(2, 3, 2, 2), 1)),
                              rng.integers(0, 3, size=(2, 2, 2))], {"weight": pos(3)}),
        "nll_unbatched": lambda: ([np.log(_softmax(f(3), 0)), np.array(2)], {}),
        "kl": lambda: ([np.log(_softmax(f(4, 3), 1)), _softmax(f(4, 3), 1)], {}),
        "kl_log_target": lambda: ([np.log(_softmax(f(4, 3), 1)), np.log(_softmax(f(4, 3), 1))],
                                  {"log_target": True}),
        "soft_margin": lambda: ([f(4, 5, scale=2.0), sign(4, 5)], {}),
        "multilabel_soft_margin": lambda: ([f(4, 5, scale=2.0), binary(4, 5)], {}),
        "multilabel_soft_margin_weight": lambda: ([f(4, 5, scale=2.0), binary(4, 5)],
                                                  {"weight": pos(5)}),
        "multi_margin": lambda: ([f(4, 5), np.array([0, 4, 1, 3])], {}),
        "multi_margin_p2_weight": lambda: ([f(4, 5), np.array([0, 4, 1, 3])],
                                           {"p": 2, "margin": 0.5, "weight": pos(5)}),
        "multi_margin_unbatched": lambda: ([f(5), np.array(3)], {"margin": 1.5}),
        "multilabel_margin": lambda: ([f(4, 5), np.array([[3, 0, -1, 1, 2], [1, -1, 2, 2, 0],
                                                          [0, 1, 2, 3, 4], [4, 4, -1, 0, 0]])],
                                      {}),
        "multilabel_margin_unbatched": lambda: ([f(5), np.array([2, 0, -1, 1, 1])], {}),
        "weighted_bce": lambda: ([prob(4, 5), binary(4, 5)],
                                 {"pos_weight": 3.0, "weight": pos(5)}),
        "weighted_bce_tensor": lambda: ([prob(4, 5), prob(4, 5)], {"pos_weight": pos(5)}),
        "balanced_bce": lambda: ([prob(4, 5), binary(4, 5)], {"beta": 0.3, "weight": pos(4, 5)}),
        "focal": lambda: ([prob(4, 5), binary(4, 5)], {}),
        "focal_soft_no_alpha": lambda: ([prob(4, 5), prob(4, 5)], {"alpha": None, "gamma": 0.5}),
        "sigmoid_focal": lambda: ([f(4, 5, scale=3.0), binary(4, 5)], {}),
        "sigmoid_focal_options": lambda: ([f(4, 5, scale=3.0), prob(4, 5)],
                                          {"alpha": 0.6, "gamma": 1.5}),
        "hinge": lambda: ([f(4, 5), sign(4, 5)], {}),
        "hinge_margin_weight": lambda: ([f(4, 5), sign(4, 5)],
                                        {"margin": 0.5, "weight": pos(5)}),
        "squared_hinge": lambda: ([f(4, 5), sign(4, 5)], {}),
        "squared_hinge_margin_weight": lambda: ([f(4, 5), sign(4, 5)],
                                                {"margin": 2.0, "weight": pos(4, 5)}),
    }
    return cases[kind]()


# case -> the loss it calls (the same name in lossnotes.classification, lossnotes.paddle and,
# for the first nine, torch.nn.functional)
LOSS_OF = {
    "bce": "binary_cross_entropy", "bce_weight": "binary_cross_entropy",
    "bce_weight_row": "binary_cross_entropy",
    "bce_logits": "binary_cross_entropy_with_logits",
    "bce_logits_weights": "binary_cross_entropy_with_logits",
    "ce": "cross_entropy", "ce_weight_ignore": "cross_entropy", "ce_smooth": "cross_entropy",
    "ce_smooth_weight_ignore": "cross_entropy", "ce_kdim": "cross_entropy",
    "ce_unbatched": "cross_entropy", "ce_probs": "cross_entropy",
    "ce_probs_weight_smooth": "cross_entropy", "ce_probs_kdim": "cross_entropy",
    "nll": "nll_loss", "nll_weight_ignore": "nll_loss",
    "nll_ignore_outside": "nll_loss", "nll_kdim": "nll_loss",
    "nll_unbatched": "nll_loss",
    "kl": "kl_div", "kl_log_target": "kl_div",
    "soft_margin": "soft_margin_loss",
    "multilabel_soft_margin": "multilabel_soft_margin_loss",
    "multilabel_soft_margin_weight": "multilabel_soft_margin_loss",
    "multi_margin": "multi_margin_loss", "multi_margin_p2_weight": "multi_margin_loss",
    "multi_margin_unbatched": "multi_margin_loss",
    "multilabel_margin": "multilabel_margin_loss",
    "multilabel_margin_unbatched": "multilabel_margin_loss",
    "weighted_bce": "weighted_binary_cross_entropy",
    "weighted_bce_tensor": "weighted_binary_cross_entropy",
    "balanced_bce": "balanced_binary_cross_entropy",
    "focal": "focal_loss", "focal_soft_no_alpha": "focal_loss",
    "sigmoid_focal": "sigmoid_focal_loss", "sigmoid_focal_options": "sigmoid_focal_loss",
    "hinge": "hinge_loss", "hinge_margin_weight": "hinge_loss",
    "squared_hinge": "squared_hinge_loss", "squared_hinge_margin_weight": "squared_hinge_loss",
}
TORCH_NATIVE = {n for n in LOSS_OF.values() if hasattr(F, n)}
EXTRAS = sorted(set(LOSS_OF.values()) - TORCH_NATIVE)


def _reductions(name):
    return [*REDUCTIONS, "batchmean"] if name == "kl_div" else REDUCTIONS


def _calls(case, reduction):
    name = LOSS_OF[case]

    def call(fn):
        def run(*args, **kwargs):
            if name == "kl_div" and reduction == "mean":  # torch (and both twins) warn here
                with pytest.warns(UserWarning, match="'batchmean' divides only by the batch"):
                    return fn(*args, **kwargs, reduction=reduction)
            return fn(*args, **kwargs, reduction=reduction)
        return run
    return name, call


PARAMS = [(c, r) for c in LOSS_OF for r in _reductions(LOSS_OF[c])]


# ------------------------------------------------------------ vs the torch twins
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", PARAMS, ids=[f"{c}-{r}" for c, r in PARAMS])
def test_twin_equals_torch_twin(case, reduction, dtype):
    # values and the gradients of input and (floating) target
    name, call = _calls(case, reduction)
    args, kwargs = _case(case, dtype)
    none = reduction == "none"
    _assert_same(_paddle_run(call(getattr(LP, name)), args, kwargs, none),
                 _torch_run(call(getattr(C, name)), args, kwargs, none), dtype)


# ------------------------------------------------------------ vs torch's native ops
NATIVE_PARAMS = [(c, r) for c, r in PARAMS if LOSS_OF[c] in TORCH_NATIVE]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", NATIVE_PARAMS,
                         ids=[f"{c}-{r}" for c, r in NATIVE_PARAMS])
def test_twin_equals_torch_native(case, reduction, dtype):
    # values and the input's gradient (torch's kernels differentiate some targets, not all)
    name, call = _calls(case, reduction)
    args, kwargs = _case(case, dtype)
    none = reduction == "none"
    _assert_same(_paddle_run(call(getattr(LP, name)), args, kwargs, none, grad_of=[0]),
                 _torch_run(call(getattr(F, name)), args, kwargs, none, grad_of=[0]), dtype)


def test_every_twin_is_covered_and_exported():
    assert set(LOSS_OF.values()) == set(LPC.__all__) == set(C.__all__)
    assert set(LPC.__all__) <= set(LP.__all__)
    for name in LPC.__all__:
        assert getattr(LP, name) is getattr(LPC, name)


def test_signatures_match_torch_twins():
    for name in LPC.__all__:
        p_sig = inspect.signature(getattr(LP, name))
        t_sig = inspect.signature(getattr(C, name))
        assert [(p.name, p.kind, p.default) for p in p_sig.parameters.values()] == \
               [(p.name, p.kind, p.default) for p in t_sig.parameters.values()], name


@pytest.mark.parametrize("name", sorted(TORCH_NATIVE))
def test_positional_order_matches_torch_native(name):
    # the torch twins keep torch.nn.functional's positional order; so do the paddle twins
    p_names = list(inspect.signature(getattr(LP, name)).parameters)
    t_names = list(inspect.signature(getattr(F, name)).parameters)
    assert p_names == t_names[:len(p_names)], name


# ------------------------------------------------------------ vs paddle's native ops
def _paddle_native(case, reduction):
    """Paddle's own op for a case, called with torch's meaning, or None if paddle has none."""
    name = LOSS_OF[case]

    def ce(x, t, weight=None, label_smoothing=0.0, ignore_index=-100):
        soft, axis = t.is_floating_point(), 0 if x.ndim == 1 else 1
        out = PF.cross_entropy(x, t, weight=weight, ignore_index=ignore_index,
                               reduction=reduction, soft_label=soft, axis=axis,
                               label_smoothing=label_smoothing)
        # soft labels or label smoothing, 'none': paddle keeps the class axis (size 1; pinned)
        keeps_axis = (soft or label_smoothing > 0) and reduction == "none"
        return out.squeeze(axis) if keeps_axis else out

    natives = {
        "binary_cross_entropy": lambda x, y, weight=None: PF.binary_cross_entropy(
            x, y, weight=weight, reduction=reduction),
        "binary_cross_entropy_with_logits": lambda x, y, weight=None, pos_weight=None:
            PF.binary_cross_entropy_with_logits(x, y, weight=weight, reduction=reduction,
                                                pos_weight=pos_weight),
        "cross_entropy": ce,
        "nll_loss": lambda x, t, **kw: PF.nll_loss(x, t, reduction=reduction, **kw),
        "kl_div": lambda x, y, **kw: PF.kl_div(x, y, reduction=reduction, **kw),
        "soft_margin_loss": lambda x, y: PF.soft_margin_loss(x, y, reduction=reduction),
        "multilabel_soft_margin_loss": lambda x, y, weight=None:
            PF.multi_label_soft_margin_loss(x, y, weight=weight, reduction=reduction),
        "multi_margin_loss": lambda x, t, **kw: PF.multi_margin_loss(x, t, reduction=reduction,
                                                                     **kw),
        "multilabel_margin_loss": lambda x, t: PF.multi_label_margin_loss(x, t,
                                                                          reduction=reduction),
        "sigmoid_focal_loss": lambda z, y, alpha=0.25, gamma=2.0: PF.sigmoid_focal_loss(
            z, y, alpha=alpha, gamma=gamma, reduction=reduction),
    }
    return natives.get(name)


# cases where paddle's op means something else (each pinned by its own test below), and those
# paddle's op cannot take: unbatched inputs (a 1-D input to paddle's nll_loss / margin losses)
PADDLE_DIFFERS = {
    "ce_smooth_weight_ignore": "weighted smoothing",
    "ce_probs_weight_smooth": "soft-label weight rule",
    "nll_unbatched": "1-D input",
    # an ignore_index outside [0, C) in the target corrupts the heap in paddle 3.3.1's nll_loss
    "nll_ignore_outside": "crashes", "multi_margin_unbatched": "1-D input",
    "multilabel_margin_unbatched": "1-D input",
}
PADDLE_PARAMS = [(c, r) for c, r in PARAMS if _paddle_native(c, r) is not None
                 and c not in PADDLE_DIFFERS]
# paddle computes a term of these in float32 whatever the input's dtype (pinned below): their
# float64 results agree to float32's accuracy only
FLOAT32_ACCURATE = {"ce_smooth", "multi_margin", "multi_margin_p2_weight"}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", PADDLE_PARAMS,
                         ids=[f"{c}-{r}" for c, r in PADDLE_PARAMS])
def test_twin_equals_paddle_native(case, reduction, dtype):
    name, call = _calls(case, reduction)
    args, kwargs = _case(case, dtype)
    none = reduction == "none"
    native = _paddle_native(case, reduction)
    # values and the input's gradient (paddle's kernels give some targets no gradient)
    ours = _paddle_run(call(getattr(LP, name)), args, kwargs, none, grad_of=[0])
    theirs = _paddle_run(native, args, kwargs, none, grad_of=[0])  # paddle's 'mean' KL: silent
    tol = TOL["float32"] if case in FLOAT32_ACCURATE else None
    _assert_same(ours, theirs, dtype, tol=tol)


# ------------------------------------------------------------ paddle's differences
def _logits(dtype="float64"):
    x, t = _case("ce", dtype)[0]
    return x, t


def test_paddle_cross_entropy_class_axis_is_last_by_default():
    # paddle: axis=-1; torch (and the twin): class dim 1. On (N, C, d) logits paddle's default
    # takes the d axis as the classes; with axis=1 it agrees with torch.
    x, t = _case("ce_kdim", "float64")[0]
    x, t = x[..., 0], t[..., 0]  # logits (2, 3, 4): 3 classes at 4 positions; labels (2, 4)
    ours = float(LP.cross_entropy(_pt(x, "float64"), _pi(t)))
    assert float(PF.cross_entropy(_pt(x, "float64"), _pi(t), axis=1)) == pytest.approx(ours, 1e-12)
    torch_value = float(F.cross_entropy(torch.tensor(x), torch.tensor(t)))
    assert ours == pytest.approx(torch_value, rel=1e-12)
    with pytest.raises(ValueError):  # default axis=-1 wants (2, 3) labels for these logits
        PF.cross_entropy(_pt(x, "float64"), _pi(t))
    # on a square (N, C, C) problem the default runs, and means something else
    xs = np.random.default_rng(3).normal(size=(2, 3, 3))
    ts = np.array([[0, 1, 2], [2, 2, 0]])
    last = float(PF.cross_entropy(_pt(xs, "float64"), _pi(ts)))
    assert last == pytest.approx(float(LP.cross_entropy(_pt(np.moveaxis(xs, -1, 1), "float64"),
                                                        _pi(ts))), rel=1e-12)
    assert abs(last - float(LP.cross_entropy(_pt(xs, "float64"), _pi(ts)))) > 1e-3
    # probability targets need soft_label=True in paddle; torch reads them from the dtype
    q = _softmax(x, 1)
    soft = float(PF.cross_entropy(_pt(x, "float64"), _pt(q, "float64"), soft_label=True, axis=1))
    assert soft == pytest.approx(float(LP.cross_entropy(_pt(x, "float64"), _pt(q, "float64"))),
                                 rel=1e-12)


def test_paddle_cross_entropy_ignore_index_mean_counts_ignored_targets():
    x, _ = _logits()
    t = np.array([0, -100, 1, 2])
    px, pt = _pt(x, "float64"), _pi(t)
    ours = float(LP.cross_entropy(px, pt))
    none = LP.cross_entropy(px, pt, reduction="none").numpy()
    assert none[1] == 0.0
    assert ours == pytest.approx(none.sum() / 3, rel=1e-12)  # 3 kept targets
    assert ours == pytest.approx(float(F.cross_entropy(torch.tensor(x), torch.tensor(t))), 1e-12)
    # paddle, without a weight and with a negative ignore_index, divides by all 4 targets
    assert float(PF.cross_entropy(px, pt)) == pytest.approx(none.sum() / 4, rel=1e-12)
    minus_one = _pi([0, -1, 1, 2])
    assert float(PF.cross_entropy(px, minus_one, ignore_index=-1)) == pytest.approx(
        none.sum() / 4, rel=1e-12)
    # ... but with a non-negative ignore_index by the kept targets, as torch
    t1 = _pi([0, 1, 1, 2])
    assert float(PF.cross_entropy(px, t1, ignore_index=1, axis=1)) == pytest.approx(
        float(LP.cross_entropy(px, t1, ignore_index=1)), rel=1e-12)
    # with a weight both divide by the kept targets' weights
    w = _pt([1.0, 2.0, 3.0], "float64")
    assert float(PF.cross_entropy(px, pt, weight=w)) == pytest.approx(
        float(LP.cross_entropy(px, pt, weight=w)), rel=1e-12)
    # paddle's nll_loss agrees with torch here
    lp = _pt(np.log(_softmax(x, 1)), "float64")
    assert float(PF.nll_loss(lp, pt)) == pytest.approx(float(LP.nll_loss(lp, pt)), rel=1e-12)


def test_paddle_soft_label_weight_rule_differs():
    x, q = _case("ce_probs", "float64")[0]
    w = np.array([1.0, 2.0, 3.0])
    px, pq, pw = _pt(x, "float64"), _pt(q, "float64"), _pt(w, "float64")
    logp = np.log(_softmax(x, 1))
    # torch and the twin: l_n = -sum_c w_c q_nc log p_nc, 'mean' over N
    torch_none = -(w * q * logp).sum(1)
    np.testing.assert_allclose(LP.cross_entropy(px, pq, weight=pw, reduction="none").numpy(),
                               torch_none, rtol=1e-12)
    assert float(LP.cross_entropy(px, pq, weight=pw)) == pytest.approx(torch_none.mean(), 1e-12)
    # paddle: l_n = (sum_c w_c q_nc) * (-sum_c q_nc log p_nc), 'mean' over sum_n sum_c w_c q_nc
    sample_w = (w * q).sum(1)
    paddle_none = sample_w * -(q * logp).sum(1)
    native = PF.cross_entropy(px, pq, weight=pw, soft_label=True, axis=1, reduction="none")
    np.testing.assert_allclose(native.numpy().ravel(), paddle_none, rtol=1e-12)
    mean = float(PF.cross_entropy(px, pq, weight=pw, soft_label=True, axis=1))
    assert mean == pytest.approx(paddle_none.sum() / sample_w.sum(), rel=1e-12)
    assert abs(mean - torch_none.mean()) > 1e-2


def test_paddle_label_smoothing_with_weight_differs():
    x, t = _logits()
    w = np.array([1.0, 2.0, 3.0])
    eps = 0.2
    px, pt, pw = _pt(x, "float64"), _pi(t), _pt(w, "float64")
    ours = float(LP.cross_entropy(px, pt, weight=pw, label_smoothing=eps))
    torch_value = F.cross_entropy(torch.tensor(x), torch.tensor(t), weight=torch.tensor(w),
                                  label_smoothing=eps)
    assert ours == pytest.approx(float(torch_value), rel=1e-12)
    # paddle smooths the one-hot target, then applies its soft-label weight rule
    q = np.eye(3)[t] * (1 - eps) + eps / 3
    sample_w = (w * q).sum(1)
    expected = (sample_w * -(q * np.log(_softmax(x, 1))).sum(1)).sum() / sample_w.sum()
    native = float(PF.cross_entropy(px, pt, weight=pw, label_smoothing=eps, axis=1))
    assert native == pytest.approx(expected, rel=1e-7)  # float32 smoothing (next test)
    assert abs(native - ours) > 1e-2


def test_paddle_label_smoothing_is_float32_accurate():
    # without a weight paddle's formula is torch's, but the smoothed target is built in float32:
    # float64 results agree to ~1e-8, not to float64's 1e-12
    x, t = _logits()
    px, pt = _pt(x, "float64"), _pi(t)
    ours = float(LP.cross_entropy(px, pt, label_smoothing=0.1))
    native = float(PF.cross_entropy(px, pt, label_smoothing=0.1, axis=1))
    assert ours == pytest.approx(float(F.cross_entropy(torch.tensor(x), torch.tensor(t),
                                                       label_smoothing=0.1)), rel=1e-12)
    assert native == pytest.approx(ours, rel=1e-7)
    assert native != pytest.approx(ours, rel=1e-12)
    # and with reduction='none' paddle keeps the class axis: (N, 1), where torch gives (N,)
    # (as for probability targets); with plain class indices it gives (N,)
    assert list(PF.cross_entropy(px, pt, label_smoothing=0.1, axis=1, reduction="none").shape) \
        == [4, 1]
    q = _pt(_softmax(x, 1), "float64")
    assert list(PF.cross_entropy(px, q, soft_label=True, axis=1, reduction="none").shape) == [4, 1]
    assert list(PF.cross_entropy(px, pt, axis=1, reduction="none").shape) == [4]
    assert list(LP.cross_entropy(px, pt, label_smoothing=0.1, reduction="none").shape) == [4]
    assert list(LP.cross_entropy(px, q, reduction="none").shape) == [4]


def test_paddle_soft_label_refuses_ignore_index():
    # all three refuse a non-negative ignore_index with probability targets, each with its own
    # exception: paddle ValueError, torch RuntimeError, the twin InputError (both of those)
    x, q = _case("ce_probs", "float64")[0]
    px, pq = _pt(x, "float64"), _pt(q, "float64")
    with pytest.raises(ValueError, match="ignore_index"):
        PF.cross_entropy(px, pq, soft_label=True, axis=1, ignore_index=1)
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):
        F.cross_entropy(torch.tensor(x), torch.tensor(q), ignore_index=1)
    with pytest.raises(InputError, match="ignore_index is not supported") as info:
        LP.cross_entropy(px, pq, ignore_index=1)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)
    # a negative one is accepted by all three, and changes nothing
    torch_value = F.cross_entropy(torch.tensor(x), torch.tensor(q), ignore_index=-1)
    native = PF.cross_entropy(px, pq, soft_label=True, axis=1, ignore_index=-1)
    for value in (LP.cross_entropy(px, pq, ignore_index=-1), native):
        assert float(value) == pytest.approx(float(torch_value), rel=1e-12)


def test_paddle_kl_div_masks_non_positive_targets_and_does_not_warn():
    logq = np.log(np.array([[0.2, 0.3, 0.5]]))
    p = np.array([[-0.1, 0.0, 1.1]])
    ours = LP.kl_div(_pt(logq, "float64"), _pt(p, "float64"), reduction="none").numpy()
    theirs = F.kl_div(torch.tensor(logq), torch.tensor(p), reduction="none").numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    assert np.isnan(ours[0, 0]) and ours[0, 1] == 0.0  # xlogy: nan below 0, 0 at 0
    native = PF.kl_div(_pt(logq, "float64"), _pt(p, "float64"), reduction="none").numpy()
    assert native[0, 0] == 0.0 and native[0, 1] == 0.0  # paddle masks every target <= 0
    np.testing.assert_allclose(native[0, 2], ours[0, 2], rtol=1e-12)
    # 'mean': torch and the twin warn that it is not the divergence; paddle is silent
    a, b = _pt(logq, "float64"), _pt(np.array([[0.2, 0.2, 0.6]]), "float64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        silent = float(PF.kl_div(a, b, reduction="mean"))
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        ours_mean = float(LP.kl_div(a, b))
    assert silent == pytest.approx(ours_mean, rel=1e-12)


def test_paddle_multi_margin_counts_the_true_class_and_subtracts_a_float32_constant():
    # paddle sums max(0, m - x_y + x_i)^p over ALL classes i, the true one included (where it is
    # max(0, m)^p), then subtracts m^p / C computed as a float32 tensor (C is read from the
    # int32 paddle.shape). Torch (and the twin) sum over i != y only.
    x, t = _case("multi_margin", "float64")[0]
    px, pt = _pt(x, "float64"), _pi(t)
    ours = float(LP.multi_margin_loss(px, pt))
    torch_value = float(F.multi_margin_loss(torch.tensor(x), torch.tensor(t)))
    assert ours == pytest.approx(torch_value, rel=1e-12)
    # (1) float64 results carry the float32 rounding of 1/5: agree to ~1e-8, not 1e-12
    native = float(PF.multi_margin_loss(px, pt))
    assert native == pytest.approx(ours, rel=1e-7)
    assert native != pytest.approx(ours, rel=1e-12)
    assert native - ours == pytest.approx(0.2 - float(np.float32(0.2)), rel=1e-4)
    # (2) a margin m < 0: the true class adds max(0, m) = 0 but m / C is still subtracted, so
    # every sample costs -m / C = 0.5 / 5 = 0.1 more than torch's loss
    ours_neg = float(LP.multi_margin_loss(px, pt, margin=-0.5))
    torch_neg = float(F.multi_margin_loss(torch.tensor(x), torch.tensor(t), margin=-0.5))
    assert ours_neg == pytest.approx(torch_neg, rel=1e-12)
    assert float(PF.multi_margin_loss(px, pt, margin=-0.5)) == pytest.approx(ours_neg + 0.1,
                                                                             rel=1e-7)


def test_paddle_native_names():
    # paddle spells the two multi-label losses with an extra underscore
    assert not hasattr(PF, "multilabel_soft_margin_loss")
    assert not hasattr(PF, "multilabel_margin_loss")
    assert hasattr(PF, "multi_label_soft_margin_loss") and hasattr(PF, "multi_label_margin_loss")
    # and calls the target `label` (the twins: `target`, as torch)
    for name in ["binary_cross_entropy", "cross_entropy", "nll_loss", "kl_div",
                 "soft_margin_loss", "multi_margin_loss"]:
        params = inspect.signature(getattr(PF, name)).parameters
        assert "label" in params and "size_average" not in params, name
        assert "target" in inspect.signature(getattr(LP, name)).parameters
    # no paddle op for the probability focal loss, weighted/balanced BCE or the hinge losses
    for name in ["focal_loss", "hinge_loss", "squared_hinge_loss",
                 "weighted_binary_cross_entropy", "balanced_binary_cross_entropy"]:
        assert not hasattr(PF, name)


def test_paddle_sigmoid_focal_default_sum_and_normalizer():
    z, y = _case("sigmoid_focal", "float64")[0]
    pz, py = _pt(z, "float64"), _pt(y, "float64")
    total = float(LP.sigmoid_focal_loss(pz, py, reduction="sum"))
    # paddle's default is reduction='sum' (the twin's: 'mean', as the torch twin)
    assert float(PF.sigmoid_focal_loss(pz, py)) == pytest.approx(total, rel=1e-12)
    assert float(LP.sigmoid_focal_loss(pz, py)) == pytest.approx(total / z.size, rel=1e-12)
    # the normalizer divides every element: sum / normalizer (RetinaNet: the number of positives)
    n_pos = float(y.sum())
    normalized = PF.sigmoid_focal_loss(pz, py, normalizer=_pt([n_pos], "float64"))
    assert float(normalized) == pytest.approx(total / n_pos, rel=1e-12)
    elements = PF.sigmoid_focal_loss(pz, py, normalizer=_pt([n_pos], "float64"), reduction="none")
    np.testing.assert_allclose(elements.numpy() * n_pos,
                               LP.sigmoid_focal_loss(pz, py, reduction="none").numpy(), rtol=1e-12)
    # with normalizer = N elements paddle's 'sum' is the twin's 'mean'
    mean_like = PF.sigmoid_focal_loss(pz, py, normalizer=_pt([float(z.size)], "float64"))
    assert float(mean_like) == pytest.approx(float(LP.sigmoid_focal_loss(pz, py)), rel=1e-12)


def test_soft_margin_stays_finite_where_both_natives_overflow():
    # -log sigmoid(y x) at y x = -100: 100 + log1p(e^-100) = 100 in float32; the kernels of
    # torch and paddle compute log(1 + exp(100)) and overflow
    x, y = np.array([-100.0, 100.0], dtype="float32"), np.array([1.0, 1.0], dtype="float32")
    ours = LP.soft_margin_loss(_pt(x), _pt(y), reduction="none").numpy()
    np.testing.assert_allclose(ours, [100.0, 0.0], atol=1e-30)
    assert np.isinf(PF.soft_margin_loss(_pt(x), _pt(y), reduction="none").numpy()[0])
    assert torch.isinf(F.soft_margin_loss(torch.tensor(x), torch.tensor(y), reduction="none")[0])
    np.testing.assert_allclose(ours, C.soft_margin_loss(torch.tensor(x), torch.tensor(y),
                                                        reduction="none").numpy(), atol=1e-30)


def test_bce_clamps_logs_at_minus_100_like_both_natives():
    # x = 0 with y = 1 and x = 1 with y = 0 cost exactly 100 (the clamped log), x = 1e-50 too
    # (log 1e-50 = -115 < -100); x = 0.5 costs log 2
    p = np.array([0.0, 1.0, 0.5, 1e-50])
    y = np.array([1.0, 0.0, 1.0, 1.0])
    expected = [100.0, 100.0, math.log(2.0), 100.0]
    for loss in (LP.binary_cross_entropy(_pt(p, "float64"), _pt(y, "float64"), reduction="none"),
                 PF.binary_cross_entropy(_pt(p, "float64"), _pt(y, "float64"), reduction="none")):
        np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-12)
    # the twin's gradient at a clamped term is 0 (no inf, no nan), as the torch twin's
    g_p = _paddle_run(lambda a, b: LP.binary_cross_entropy(a, b, reduction="sum"), [p, y], {},
                      False, grad_of=[0])[1][0]
    g_t = _torch_run(lambda a, b: C.binary_cross_entropy(a, b, reduction="sum"), [p, y], {},
                     False, grad_of=[0])[1][0]
    np.testing.assert_allclose(g_p, g_t, rtol=1e-12)
    assert np.isfinite(g_p).all() and g_p[0] == 0.0 and g_p[1] == 0.0


def test_bce_with_logits_is_exact_for_huge_logits():
    # (1 - y) x - log sigmoid(x): x = 200, y = 0 costs 200; x = -200, y = 1 costs 200
    x, y = np.array([200.0, -200.0, 0.0]), np.array([0.0, 1.0, 1.0])
    out = LP.binary_cross_entropy_with_logits(_pt(x, "float64"), _pt(y, "float64"),
                                              reduction="none").numpy()
    np.testing.assert_allclose(out, [200.0, 200.0, math.log(2.0)], rtol=1e-12)
    native = PF.binary_cross_entropy_with_logits(_pt(x, "float64"), _pt(y, "float64"),
                                                 reduction="none").numpy()
    np.testing.assert_allclose(native, out, rtol=1e-12)


def test_cross_entropy_huge_logits_via_log_sum_exp():
    # logits 1000 apart: softmax would overflow; log-sum-exp gives exactly 1000 and 0
    x = _pt([[1000.0, 0.0], [1000.0, 0.0]])
    out = LP.cross_entropy(x, _pi([1, 0]), reduction="none").numpy()
    np.testing.assert_allclose(out, [1000.0, 0.0], atol=1e-4)


# ------------------------------------------------------------ hand-derived numbers
def test_article_004_cross_entropy_numbers():
    x = _pt([[1.0, 2.0], [1.0, 3.0], [1.0, 3.0]], "float64")
    t = _pi([0, 1, 1])
    # row 1: -log softmax([1,2])_0 = log(1 + e) = 1.3133; rows 2, 3: log(1 + e^-2) = 0.1269
    none = LP.cross_entropy(x, t, reduction="none").numpy()
    np.testing.assert_allclose(none, [math.log(1 + math.e)] + [math.log(1 + math.exp(-2))] * 2,
                               rtol=1e-12)
    np.testing.assert_allclose(np.round(none, 4), [1.3133, 0.1269, 0.1269])
    # mean (1.3133 + 2 * 0.1269) / 3 = 0.5224
    assert round(float(LP.cross_entropy(x, t)), 4) == 0.5224
    # class weights [1, 2]: (1 * 1.3133 + 2 * 0.1269 + 2 * 0.1269) / (1 + 2 + 2) = 1.8210 / 5
    weighted = float(LP.cross_entropy(x, t, weight=_pt([1.0, 2.0], "float64")))
    expected = (math.log(1 + math.e) + 4 * math.log(1 + math.exp(-2))) / 5
    assert weighted == pytest.approx(expected, rel=1e-12)
    assert round(weighted, 4) == 0.3642 and round(expected * 5, 4) == 1.8210


def test_article_002_hinge_numbers():
    x, y = _pt([0.9, -0.1, 1.0], "float64"), _pt([1.0, -1.0, 1.0], "float64")
    # max(0, 1 - 0.9) + max(0, 1 - 0.1) + max(0, 1 - 1) = 0.1 + 0.9 + 0 = 1.0
    assert float(LP.hinge_loss(x, y, reduction="sum")) == pytest.approx(1.0, rel=1e-12)
    # squared: 0.01 + 0.81 + 0 = 0.82
    assert float(LP.squared_hinge_loss(x, y, reduction="sum")) == pytest.approx(0.82, rel=1e-12)
    # the third element sits on the margin (1 - y x = 0): the subgradient is torch clamp's, -y
    g_p = _paddle_run(lambda a, b: LP.hinge_loss(a, b, reduction="sum"),
                      [x.numpy(), y.numpy()], {}, False, grad_of=[0])[1][0]
    g_t = _torch_run(lambda a, b: C.hinge_loss(a, b, reduction="sum"),
                     [x.numpy(), y.numpy()], {}, False, grad_of=[0])[1][0]
    np.testing.assert_array_equal(g_p, g_t)
    np.testing.assert_array_equal(g_p, [-1.0, 1.0, -1.0])


def test_small_hand_numbers():
    # nll reads -x[y]: (1 + 0.5) / 2 = 0.75
    lp = _pt([[-1.0, -2.0], [-3.0, -0.5]], "float64")
    assert float(LP.nll_loss(lp, _pi([0, 1]))) == pytest.approx(0.75)
    # KL([0.9, 0.1] || [0.5, 0.5]) = 0.9 log 1.8 + 0.1 log 0.2 = 0.3681
    kl = float(LP.kl_div(paddle.log(_pt([[0.5, 0.5]], "float64")), _pt([[0.9, 0.1]], "float64"),
                         reduction="batchmean"))
    assert kl == pytest.approx(0.9 * math.log(1.8) + 0.1 * math.log(0.2), rel=1e-12)
    # multi-margin, target 3 of [0.1, 0.2, 0.4, 0.8]: (0.3 + 0.4 + 0.6) / 4 = 0.325
    mm = LP.multi_margin_loss(_pt([[0.1, 0.2, 0.4, 0.8]], "float64"), _pi([3]))
    assert float(mm) == pytest.approx(0.325, rel=1e-12)
    # multilabel-margin, {3, 0} vs {1, 2}: j=3: (1-0.6) + (1-0.4) = 1.0; j=0: (1+0.1) + (1+0.3)
    # = 2.4; total 3.4 / 4 = 0.85
    mlm = LP.multilabel_margin_loss(_pt([[0.1, 0.2, 0.4, 0.8]], "float64"), _pi([[3, 0, -1, 1]]))
    assert float(mlm) == pytest.approx(0.85, rel=1e-12)
    # soft margin: (log(1 + e^-2) + log(1 + e)) / 2 = 0.7201
    sm = LP.soft_margin_loss(_pt([2.0, -1.0], "float64"), _pt([1.0, 1.0], "float64"))
    assert float(sm) == pytest.approx((math.log1p(math.exp(-2)) + math.log1p(math.e)) / 2)


def test_identities():
    p, y = _case("focal_soft_no_alpha", "float64")[0]
    pp, py = _pt(p, "float64"), _pt(y, "float64")
    bce = LP.binary_cross_entropy(pp, py, reduction="none").numpy()
    # focal(gamma=0, alpha=None) = BCE; weighted BCE at pos_weight 1 = BCE; balanced at 0.5 = BCE/2
    for value in (LP.focal_loss(pp, py, alpha=None, gamma=0.0, reduction="none"),
                  LP.weighted_binary_cross_entropy(pp, py, reduction="none"),
                  2 * LP.balanced_binary_cross_entropy(pp, py, reduction="none")):
        np.testing.assert_allclose(value.numpy(), bce, rtol=1e-12)
    # a negative alpha switches the weighting off (torchvision's convention)
    np.testing.assert_allclose(LP.focal_loss(pp, py, alpha=-1.0, reduction="none").numpy(),
                               LP.focal_loss(pp, py, alpha=None, reduction="none").numpy())
    # sigmoid focal(gamma=0, alpha=None) = BCE with logits; sigmoid focal(z) = focal(sigmoid(z))
    z = _pt(_case("sigmoid_focal", "float64")[0][0], "float64")
    np.testing.assert_allclose(
        LP.sigmoid_focal_loss(z, py, alpha=None, gamma=0.0, reduction="none").numpy(),
        LP.binary_cross_entropy_with_logits(z, py, reduction="none").numpy(), rtol=1e-12)
    np.testing.assert_allclose(LP.sigmoid_focal_loss(z, py, reduction="none").numpy(),
                               LP.focal_loss(PF.sigmoid(z), py, reduction="none").numpy(),
                               rtol=1e-10)
    # cross entropy = nll of the log-softmax; multilabel soft margin = BCE with logits averaged
    x, t = _logits()
    px = _pt(x, "float64")
    np.testing.assert_allclose(LP.cross_entropy(px, _pi(t), reduction="none").numpy(),
                               LP.nll_loss(PF.log_softmax(px, 1), _pi(t), reduction="none").numpy(),
                               rtol=1e-12)
    xs, ys = _case("multilabel_soft_margin", "float64")[0]
    np.testing.assert_allclose(
        LP.multilabel_soft_margin_loss(_pt(xs, "float64"), _pt(ys, "float64"),
                                       reduction="none").numpy(),
        LP.binary_cross_entropy_with_logits(_pt(xs, "float64"), _pt(ys, "float64"),
                                            reduction="none").numpy().mean(1), rtol=1e-12)
    # probability targets that are one-hot = class-index targets
    np.testing.assert_allclose(float(LP.cross_entropy(px, _pt(np.eye(3)[t], "float64"))),
                               float(LP.cross_entropy(px, _pi(t))), rtol=1e-12)


# ------------------------------------------------------------ reduction and flags
@pytest.mark.parametrize("name", sorted(TORCH_NATIVE))
def test_reduction_validation_and_legacy_flags_like_torch(name):
    case = next(c for c, n in LOSS_OF.items() if n == name)
    args, kwargs = _case(case, "float64")
    p_args = [paddle.to_tensor(a) for a in args]
    t_args = [torch.tensor(a) for a in args]
    p_kw = {k: paddle.to_tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    t_kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}

    def outcome(fn, a, kw, **extra):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out, error = fn(*a, **kw, **extra), None
            except Exception as e:
                out, error = None, e
        return out, error, [(w.category, str(w.message)) for w in caught]

    for extra in [{"reduction": "bogus"}, {"reduction": "elementwise_mean"},
                  {"size_average": False}, {"reduce": False},
                  {"size_average": True, "reduce": True}]:
        out_p, err_p, warn_p = outcome(getattr(LP, name), p_args, p_kw, **extra)
        out_t, err_t, warn_t = outcome(getattr(F, name), t_args, t_kw, **extra)
        assert (err_p is None) == (err_t is None), (name, extra, err_p, err_t)
        if err_t is not None:
            assert isinstance(err_p, type(err_t)), (name, extra, err_p, err_t)
            continue
        assert [c for c, _ in warn_p] == [c for c, _ in warn_t], (name, extra)
        np.testing.assert_allclose(out_p.numpy(), out_t.numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", EXTRAS)
def test_extras_accept_only_none_mean_sum(name):
    case = next(c for c, n in LOSS_OF.items() if n == name)
    args = [paddle.to_tensor(a) for a in _case(case, "float64")[0]]
    for reduction in ["batchmean", "elementwise_mean", None]:
        with pytest.raises(ValueError, match="is not a valid value for reduction"):
            getattr(LP, name)(*args, reduction=reduction)


# ------------------------------------------------------------ bad input
def _bad_cases():
    x, p = _pt(np.full((2, 3), 0.5)), _pt(np.full((2, 3), 0.5))
    logits = _pt(np.zeros((2, 3)))
    return [
        # (call, the exception the torch twin raises for the same input, message pattern)
        (lambda: LP.binary_cross_entropy(_pt([1.5, 0.5]), _pt([1.0, 0.0])), InputError,
         "between 0 and 1"),
        (lambda: LP.binary_cross_entropy(x, _pt(np.ones((3, 2)))), ValueError,
         "different to the input size"),
        (lambda: LP.binary_cross_entropy(x, _pt(np.ones((2, 3)), "float64")), TypeError,
         "input's dtype"),
        (lambda: LP.binary_cross_entropy(x, p, weight=_pt(np.ones(2))), ValueError,
         "must broadcast"),
        (lambda: LP.binary_cross_entropy_with_logits(x, _pt(np.ones(3))), ValueError,
         "Target size"),
        (lambda: LP.binary_cross_entropy_with_logits(x, p, pos_weight=np.ones(3)), TypeError,
         "paddle.Tensor"),
        (lambda: LP.cross_entropy(logits, _pi([0, 3])), InputIndexError, "class index 3"),
        (lambda: LP.cross_entropy(logits, _pi([0, 1]), label_smoothing=1.5), InputError,
         "label_smoothing"),
        (lambda: LP.cross_entropy(logits, paddle.to_tensor([0, 1], dtype="int32")),
         InputDtypeError, "Long or Byte"),
        (lambda: LP.cross_entropy(logits, paddle.zeros([2, 3], dtype="int64")), InputDtypeError,
         "floating point type"),
        (lambda: LP.cross_entropy(logits, _pi([0, 1, 2])), ValueError, "batch_size"),
        (lambda: LP.cross_entropy(_pt(1.0), _pi(0)), InputIndexError, "dimensions"),
        (lambda: LP.cross_entropy(logits, _pi([0, 1]), weight=_pt(np.ones(2))), InputError,
         "weight tensor should be defined"),
        (lambda: LP.cross_entropy(logits, _pi([0, 1]), weight=_pt(np.ones(3), "float64")),
         TypeError, "input's dtype"),
        (lambda: LP.nll_loss(logits, _pi([-1, 1])), InputIndexError, "class index -1"),
        (lambda: LP.nll_loss(_pt(np.zeros((2, 3, 4))), _pi([[0, 1, 2], [0, 1, 2]])), ValueError,
         "Expected target size"),
        (lambda: LP.nll_loss(logits, _pi([0, 1]), reduction="batchmean"), ValueError,
         "not a valid value"),
        (lambda: LP.kl_div(logits, logits, reduction="bogus"), ValueError, "not a valid value"),
        (lambda: LP.kl_div(paddle.to_tensor([1, 2]), logits, reduction="sum"), TypeError,
         "floating-point"),
        (lambda: LP.soft_margin_loss(logits, _pt(np.ones(2))), InputError, "broadcast"),
        (lambda: LP.multilabel_soft_margin_loss(_pt(1.0), _pt(1.0)), ValueError, "0-d"),
        (lambda: LP.multilabel_soft_margin_loss(logits, p, reduction=1), TypeError, "str"),
        (lambda: LP.multi_margin_loss(logits, _pi([0, 1]), p=3), ValueError, "p == 1"),
        (lambda: LP.multi_margin_loss(logits, _pi([0, 5])), InputIndexError, "class index 5"),
        (lambda: LP.multi_margin_loss(logits, _pi([0, 1, 2])), InputError, "target tensor"),
        (lambda: LP.multi_margin_loss(logits, _pi([0, 1]), weight=_pt(np.ones(2))), InputError,
         "inconsistent weight size"),
        (lambda: LP.multi_margin_loss(_pt(np.zeros((2, 3, 4))), _pi([0, 1])), InputError,
         "vector or matrix"),
        (lambda: LP.multilabel_margin_loss(logits, _pi([[0, 3, -1], [0, 1, 2]])), InputIndexError,
         "outside the valid range"),
        (lambda: LP.multilabel_margin_loss(logits, _pi([0, 1])), InputError, "inconsistent target"),
        (lambda: LP.multilabel_margin_loss(logits, paddle.zeros([2, 3], dtype="int32")),
         InputDtypeError, "int64"),
        (lambda: LP.weighted_binary_cross_entropy(x, p, pos_weight=-1.0), ValueError,
         "pos_weight must be"),
        (lambda: LP.balanced_binary_cross_entropy(x, p, beta=1.5), ValueError, "beta must be"),
        (lambda: LP.focal_loss(x, p, gamma=-1.0), ValueError, "gamma must be"),
        (lambda: LP.focal_loss(_pt([2.0]), _pt([1.0])), InputError, "between 0 and 1"),
        (lambda: LP.sigmoid_focal_loss(x, p, alpha=2.0), ValueError, "alpha must be"),
        (lambda: LP.sigmoid_focal_loss(x, p, alpha="a"), TypeError, "alpha must be a number"),
        (lambda: LP.hinge_loss(x, _pt(np.ones(3))), ValueError, "input's shape"),
        (lambda: LP.squared_hinge_loss(x, p, reduction="batchmean"), ValueError,
         "not a valid value"),
        (lambda: LP.hinge_loss(np.ones(3), p), TypeError, "paddle.Tensor"),
    ]


BAD = _bad_cases()


@pytest.mark.parametrize("i", range(len(BAD)))
def test_bad_inputs_raise_the_torch_twins_errors(i):
    call, error, match = BAD[i]
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("case", ["bce", "ce", "ce_probs", "nll", "multi_margin",
                                  "multilabel_margin", "focal", "hinge"])
def test_same_errors_as_torch_twin_on_shared_bad_inputs(case):
    # the same corrupted numpy input makes both twins raise the same exception type
    args, kwargs = _case(case, "float64")
    bad = [a.copy() for a in args]
    if bad[1].dtype.kind == "i":
        bad[1].flat[0] = 99  # a class index out of range
    else:
        bad[0] = bad[0][..., :-1]  # a shape that does not fit
    name = LOSS_OF[case]
    errors = []
    for mod, conv in ((LP, paddle.to_tensor), (C, torch.tensor)):
        kw = {k: conv(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        with pytest.raises(Exception) as info:
            getattr(mod, name)(*[conv(a) for a in bad], **kw)
        errors.append(type(info.value))
    assert errors[0] is errors[1] or issubclass(errors[0], errors[1]), errors


def test_paddle_natives_give_some_targets_no_gradient():
    # paddle's bce, bce_with_logits, kl_div and soft-label cross_entropy leave the target out of
    # the graph (its .grad stays None); torch's kernels differentiate it, and so do both twins
    # (a soft target can be a network's output, as in distillation)
    rng = np.random.default_rng(4)
    p, y = rng.uniform(0.1, 0.9, (3, 4)), rng.uniform(0.1, 0.9, (3, 4))
    x = rng.normal(size=(3, 4))
    q = y / y.sum(1, keepdims=True)
    cases = [
        ("binary_cross_entropy", p, y, lambda a, b: PF.binary_cross_entropy(a, b)),
        ("binary_cross_entropy_with_logits", x, y,
         lambda a, b: PF.binary_cross_entropy_with_logits(a, b)),
        ("kl_div", np.log(p), y, lambda a, b: PF.kl_div(a, b, reduction="sum")),
        ("cross_entropy", x, q, lambda a, b: PF.cross_entropy(a, b, soft_label=True, axis=1)),
    ]
    for name, a, b, native in cases:
        kw = {"reduction": "sum"} if name == "kl_div" else {}
        tb = paddle.to_tensor(b, stop_gradient=False)
        native(paddle.to_tensor(a, stop_gradient=False), tb).backward()
        assert tb.grad is None, name
        _, (_, g_twin) = _paddle_run(lambda u, v, n=name, k=kw: getattr(LP, n)(u, v, **k),
                                     [a, b], {}, False)
        _, (_, g_torch) = _torch_run(lambda u, v, n=name, k=kw: getattr(F, n)(u, v, **k),
                                     [a, b], {}, False)
        np.testing.assert_allclose(g_twin, g_torch, rtol=1e-10, err_msg=name)
        assert np.abs(g_twin).sum() > 0


def test_float16_is_computed_in_float32_like_the_torch_twin():
    # every case, 'sum': a float16 result equal to the torch twin's (both compute in float32)
    tol = TOLERANCES[torch.float16]
    for case, name in LOSS_OF.items():
        args, kwargs = _case(case, "float32")
        args = [a.astype("float16") if _is_float(a) else a for a in args]
        kwargs = {k: v.astype("float16") if _is_float(v) else v for k, v in kwargs.items()}
        p_kw = {k: paddle.to_tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        t_kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        ours = getattr(LP, name)(*[paddle.to_tensor(a) for a in args], **p_kw, reduction="sum")
        theirs = getattr(C, name)(*[torch.tensor(a) for a in args], **t_kw, reduction="sum")
        assert ours.dtype == paddle.float16, case
        np.testing.assert_allclose(float(ours), float(theirs), **tol, err_msg=case)


@pytest.mark.parametrize("case", ["bce_logits", "kl", "soft_margin", "multilabel_soft_margin",
                                  "sigmoid_focal", "hinge", "focal"])
def test_mixed_dtypes_promote_like_the_torch_twin(case):
    # float64 input with a float32 target: torch's result dtype (bce_with_logits: the target's;
    # soft_margin: the input's; the others: the promotion, float64)
    name = LOSS_OF[case]
    args, kwargs = _case(case, "float64")
    args = [args[0], args[1].astype("float32")]
    red = {"reduction": "sum"}
    ours = getattr(LP, name)(paddle.to_tensor(args[0]), paddle.to_tensor(args[1]), **kwargs, **red)
    theirs = getattr(C, name)(torch.tensor(args[0]), torch.tensor(args[1]), **kwargs, **red)
    assert str(ours.dtype).rpartition(".")[2] == str(theirs.dtype).rpartition(".")[2], case
    np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-6)
