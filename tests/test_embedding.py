"""Tests for lossnotes.embedding against torch.nn.functional, hand-derived numbers and identities."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES, assert_matches

from lossnotes import embedding as E

REDUCTIONS = ("none", "mean", "sum")
DTYPES = (torch.float32, torch.float64)
def _pm1(shape, generator=None):
    return torch.randint(0, 2, shape, generator=generator) * 2 - 1


# ---------------------------------------------------------------------------- margin ranking
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3])
def test_margin_ranking_matches_torch(dtype, reduction, margin):
    torch.manual_seed(0)
    x1, x2 = torch.randn(9, dtype=dtype), torch.randn(9, dtype=dtype)
    y = _pm1((9,)).to(dtype)
    assert_matches(E.margin_ranking_loss, F.margin_ranking_loss, x1, x2, y, margin=margin, reduction=reduction)
    # equal-ndim broadcasting, (4, 1) against (1, 3), is allowed in torch and here
    a, b, t = torch.randn(4, 1, dtype=dtype), torch.randn(1, 3, dtype=dtype), _pm1((4, 3)).to(dtype)
    assert_matches(E.margin_ranking_loss, F.margin_ranking_loss, a, b, t, margin=margin, reduction=reduction)


def test_margin_ranking_hand_value():
    # y = 1, x1 - x2 = 0.3 - 0.5 = -0.2, margin 0.1: max(0, 0.2 + 0.1) = 0.3
    # y = -1, x1 - x2 = 0.9 - 0.1 = 0.8: max(0, 0.8 + 0.1) = 0.9; mean = 0.6
    got = E.margin_ranking_loss(torch.tensor([0.3, 0.9]), torch.tensor([0.5, 0.1]),
                                torch.tensor([1.0, -1.0]), margin=0.1)
    assert got.item() == pytest.approx(0.6, abs=1e-6)


def test_margin_ranking_legacy_flags_warn_like_torch():
    x1, x2, y = torch.randn(5), torch.randn(5), _pm1((5,)).float()
    with pytest.warns(UserWarning, match="reduction='sum'"):
        want = F.margin_ranking_loss(x1, x2, y, size_average=False)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        got = E.margin_ranking_loss(x1, x2, y, size_average=False)
    torch.testing.assert_close(got, want)


def test_margin_ranking_rejects_different_ndim_like_torch():
    x1, x2, y = torch.randn(5, 1), torch.randn(5, 1), torch.ones(5)
    with pytest.raises(RuntimeError, match="same dimension"):
        F.margin_ranking_loss(x1, x2, y)
    with pytest.raises(ValueError, match="same number of dimensions"):
        E.margin_ranking_loss(x1, x2, y)
    with pytest.raises(RuntimeError, match="must broadcast"):
        E.margin_ranking_loss(torch.randn(3), torch.randn(2), torch.ones(3))


# ---------------------------------------------------------------------------- hinge embedding
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.4])
def test_hinge_embedding_matches_torch(dtype, reduction, margin):
    torch.manual_seed(1)
    x = torch.rand(6, 4, dtype=dtype) * 2
    y = _pm1((6, 4)).to(dtype)
    assert_matches(E.hinge_embedding_loss, F.hinge_embedding_loss, x, y, margin=margin, reduction=reduction)
    # torch broadcasts silently: a (6, 1) target against a (6, 4) input gives a (6, 4) loss
    assert_matches(E.hinge_embedding_loss, F.hinge_embedding_loss, x, y[:, :1], margin=margin, reduction=reduction)
    # a label 0 pays both terms, as torch's where(y != 1) / where(y != -1) does
    y0 = torch.tensor([0.0, 1.0, -1.0, 0.0], dtype=dtype)
    assert_matches(E.hinge_embedding_loss, F.hinge_embedding_loss, x[0], y0, margin=margin, reduction=reduction)


def test_hinge_embedding_hand_value():
    # y = 1: loss = x = 0.3; y = -1: max(0, 1 - 0.4) = 0.6; y = 0: 0.2 + max(0, 1 - 0.2) = 1.0
    got = E.hinge_embedding_loss(torch.tensor([0.3, 0.4, 0.2]), torch.tensor([1.0, -1.0, 0.0]),
                                 reduction="none")
    torch.testing.assert_close(got, torch.tensor([0.3, 0.6, 1.0]))


def test_hinge_embedding_broadcast_error_is_a_runtime_error():
    x, y = torch.randn(3, 4), torch.ones(3)
    with pytest.raises(RuntimeError):
        F.hinge_embedding_loss(x, y)
    with pytest.raises(RuntimeError, match=r"input \(3, 4\), target \(3,\)"):
        E.hinge_embedding_loss(x, y)


# ---------------------------------------------------------------------------- cosine embedding
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5, -0.3])
def test_cosine_embedding_matches_torch(dtype, reduction, margin):
    torch.manual_seed(2)
    a, b = torch.randn(7, 5, dtype=dtype), torch.randn(7, 5, dtype=dtype)
    y = torch.tensor([1, -1, 1, -1, 0, 1, -1], dtype=dtype)  # 0: neither branch, loss 0
    assert_matches(E.cosine_embedding_loss, F.cosine_embedding_loss, a, b, y, margin=margin, reduction=reduction)
    # unbatched: 1-D inputs with a 0-D target
    for label in (1.0, -1.0):
        assert_matches(E.cosine_embedding_loss, F.cosine_embedding_loss,
                       a[0], b[0], torch.tensor(label, dtype=dtype), margin=margin, reduction=reduction)
    # broadcasting (1, D) against (N, D), as torch allows
    assert_matches(E.cosine_embedding_loss, F.cosine_embedding_loss, a, b[:1], y, margin=margin,
                   reduction=reduction)


def test_cosine_embedding_zero_vectors_use_torch_eps():
    # torch adds 1e-12 to each squared norm, so cos(0, 0) = 0: loss 1 for y = 1, 0 for y = -1
    z = torch.zeros(2, 3, dtype=torch.float64)
    got = E.cosine_embedding_loss(z, z, torch.tensor([1.0, -1.0]), reduction="none")
    want = F.cosine_embedding_loss(z, z, torch.tensor([1.0, -1.0]), reduction="none")
    torch.testing.assert_close(got, want)
    torch.testing.assert_close(got, torch.tensor([1.0, 0.0], dtype=torch.float64))


def test_cosine_embedding_hand_value():
    # cos((1, 0), (1, 1)) = 1 / sqrt(2); y = 1: 1 - 0.70711 = 0.29289
    # cos((1, 0), (-1, 0)) = -1; y = -1, margin -0.5: max(0, -1 + 0.5) = 0
    # cos((0, 2), (0, 1)) = 1; y = -1: max(0, 1 + 0.5) = 1.5
    a = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    b = torch.tensor([[1.0, 1.0], [-1.0, 0.0], [0.0, 1.0]])
    got = E.cosine_embedding_loss(a, b, torch.tensor([1.0, -1.0, -1.0]), margin=-0.5, reduction="none")
    torch.testing.assert_close(got, torch.tensor([1 - 1 / math.sqrt(2), 0.0, 1.5]))


@pytest.mark.parametrize(
    ("a", "b", "y", "match"),
    [
        ((3, 4), (3, 4), (3, 1), "0-D or 1-D"),
        ((3, 4), (3, 4), (), "needs 1-D input1"),
        ((4,), (4,), (3,), "needs 2-D input1"),
        ((3, 4), (2, 4), (3,), "must broadcast"),
        ((3, 4), (3, 4), (2,), "must broadcast"),
    ],
)
def test_cosine_embedding_bad_shapes_raise_like_torch(a, b, y, match):
    args = (torch.randn(a), torch.randn(b), torch.ones(y))
    with pytest.raises(RuntimeError):
        F.cosine_embedding_loss(*args)
    with pytest.raises(ValueError, match=match):
        E.cosine_embedding_loss(*args)


# ---------------------------------------------------------------------------- triplet
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("p", "swap"), list(itertools.product([1, 2, 3, 0.5, math.inf], [False, True])))
def test_triplet_matches_torch(dtype, reduction, p, swap):
    torch.manual_seed(3)
    a, pos, neg = (torch.randn(8, 6, dtype=dtype) for _ in range(3))
    for margin, eps in ((1.0, 1e-6), (0.3, 1e-2)):
        assert_matches(E.triplet_margin_loss, F.triplet_margin_loss, a, pos, neg, margin=margin, p=p, eps=eps,
                       swap=swap, reduction=reduction)
    # unbatched (D,) inputs
    assert_matches(E.triplet_margin_loss, F.triplet_margin_loss, a[0], pos[0], neg[0], p=p, swap=swap,
                   reduction=reduction)


def test_pairwise_distance_matches_torch_and_puts_eps_inside():
    torch.manual_seed(4)
    x1, x2 = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    for p in (1, 2, 3.5, math.inf):
        torch.testing.assert_close(E.pairwise_distance(x1, x2, p=p, eps=0.1),
                                   F.pairwise_distance(x1, x2, p=p, eps=0.1))
    # ||(0, 0) - (0, 0) + 1e-6||_2 = sqrt(2) * 1e-6: eps is added to each component
    zero = torch.zeros(2, dtype=torch.float64)
    assert E.pairwise_distance(zero, zero).item() == pytest.approx(math.sqrt(2) * 1e-6, rel=1e-12)


def test_triplet_hand_value():
    # d(a, p) = ||(-3, -4)|| = 5, d(a, n) = ||(0, -1)|| = 1 (eps = 0): max(0, 5 - 1 + 1) = 5
    # swap: d(p, n) = ||(3, 3)|| = 4.2426 > 1, so the negative distance stays 1
    a, p, n = torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]), torch.tensor([[0.0, 1.0]])
    assert E.triplet_margin_loss(a, p, n, eps=0.0).item() == pytest.approx(5.0)
    assert E.triplet_margin_loss(a, p, n, eps=0.0, swap=True).item() == pytest.approx(5.0)
    # here d(p, n) = ||(0.5, 0)|| = 0.5 < d(a, n) = 2, so swap uses 0.5:
    # without swap max(0, 1.5 - 2 + 1) = 0.5; with swap max(0, 1.5 - 0.5 + 1) = 2
    a, p, n = torch.tensor([[0.0, 0.0]]), torch.tensor([[1.5, 0.0]]), torch.tensor([[2.0, 0.0]])
    assert E.triplet_margin_loss(a, p, n, eps=0.0).item() == pytest.approx(0.5)
    assert E.triplet_margin_loss(a, p, n, eps=0.0, swap=True).item() == pytest.approx(2.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
def test_triplet_with_distance_matches_torch(dtype, reduction, swap):
    torch.manual_seed(5)
    a, pos, neg = (torch.randn(8, 6, dtype=dtype) for _ in range(3))

    def cosine_distance(x, y):
        return 1 - F.cosine_similarity(x, y)

    for fn in (None, cosine_distance):
        assert_matches(E.triplet_margin_with_distance_loss, F.triplet_margin_with_distance_loss, a, pos, neg,
                       distance_function=fn, margin=0.5, swap=swap, reduction=reduction)


@pytest.mark.parametrize("swap", [False, True])
def test_triplet_with_pairwise_distance_equals_triplet_margin(swap):
    torch.manual_seed(6)
    a, pos, neg = (torch.randn(8, 6, dtype=torch.float64, requires_grad=True) for _ in range(3))
    for p in (1, 2, 3):
        one = E.triplet_margin_with_distance_loss(
            a, pos, neg, distance_function=lambda x, y, p=p: E.pairwise_distance(x, y, p=p), swap=swap)
        other = E.triplet_margin_loss(a, pos, neg, p=p, swap=swap)
        torch.testing.assert_close(one, other, **TOLERANCES[torch.float64])
        torch.testing.assert_close(torch.autograd.grad(one, (a, pos, neg)),
                                   torch.autograd.grad(other, (a, pos, neg)), **TOLERANCES[torch.float64])


def test_triplet_errors_like_torch():
    a = torch.randn(3, 4)
    for margin in (0.0, -1.0):
        with pytest.raises(ValueError, match="margin must be greater than 0"):
            F.triplet_margin_loss(a, a, a, margin=margin)
        with pytest.raises(ValueError, match="margin must be greater than 0"):
            E.triplet_margin_loss(a, a, a, margin=margin)
        with pytest.raises(ValueError, match="margin must be greater than 0"):
            E.triplet_margin_with_distance_loss(a, a, a, margin=margin)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_loss(a, a, a[0])
    with pytest.raises(RuntimeError, match=r"anchor 2D, positive 2D and negative 1D"):
        E.triplet_margin_loss(a, a, a[0])
    with pytest.raises(ValueError, match="same number of dimensions"):
        E.triplet_margin_with_distance_loss(a, a[0], a)


# ---------------------------------------------------------------------------- all torch twins
def _ranking_args(n, dtype):
    return (torch.randn(n, dtype=dtype), torch.randn(n, dtype=dtype), _pm1((n,)).to(dtype))


def _hinge_args(n, dtype):
    return (torch.rand(n, 3, dtype=dtype) * 2, _pm1((n, 3)).to(dtype))


def _cosine_args(n, dtype):
    return (torch.randn(n, 3, dtype=dtype), torch.randn(n, 3, dtype=dtype), _pm1((n,)).to(dtype))


def _triplet_args(n, dtype):
    return tuple(torch.randn(n, 3, dtype=dtype) for _ in range(3))


# (lossnotes function, torch function, builder of (batch size, dtype) -> arguments)
TWINS = [
    (E.margin_ranking_loss, F.margin_ranking_loss, _ranking_args),
    (E.hinge_embedding_loss, F.hinge_embedding_loss, _hinge_args),
    (E.cosine_embedding_loss, F.cosine_embedding_loss, _cosine_args),
    (E.triplet_margin_loss, F.triplet_margin_loss, _triplet_args),
    (E.triplet_margin_with_distance_loss, F.triplet_margin_with_distance_loss, _triplet_args),
]


@pytest.mark.parametrize(("ours", "theirs", "make"), TWINS)
def test_twins_reject_unknown_reduction(ours, theirs, make):
    args = make(4, torch.float32)
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        theirs(*args, reduction="xyz")
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        ours(*args, reduction="xyz")


def test_twins_gradcheck_float64():
    torch.manual_seed(7)
    dt = torch.float64
    x1, x2 = torch.randn(5, dtype=dt, requires_grad=True), torch.randn(5, dtype=dt, requires_grad=True)
    y = torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0], dtype=dt)
    assert torch.autograd.gradcheck(lambda a, b: E.margin_ranking_loss(a, b, y, margin=0.1), (x1, x2))
    d = (torch.rand(5, dtype=dt) * 2).requires_grad_()
    assert torch.autograd.gradcheck(lambda a: E.hinge_embedding_loss(a, y, reduction="none"), (d,))
    a, b = torch.randn(5, 3, dtype=dt, requires_grad=True), torch.randn(5, 3, dtype=dt, requires_grad=True)
    assert torch.autograd.gradcheck(lambda u, v: E.cosine_embedding_loss(u, v, y, margin=-0.5), (a, b))
    c = torch.randn(5, 3, dtype=dt, requires_grad=True)
    for p in (1, 2, 3):
        assert torch.autograd.gradcheck(
            lambda u, v, w, p=p: E.triplet_margin_loss(u, v, w, margin=2.0, p=p, swap=True, reduction="none"),
            (a, b, c))
    assert torch.autograd.gradcheck(
        lambda u, v, w: E.triplet_margin_with_distance_loss(u, v, w, margin=2.0, reduction="sum"), (a, b, c))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_twins_keep_low_precision_dtype(dtype):
    torch.manual_seed(8)
    for ours, theirs, make in TWINS:
        args32 = make(6, torch.float32)
        args = tuple(t.to(dtype) for t in args32)
        got = ours(*args, reduction="none")
        assert got.dtype == dtype == theirs(*args, reduction="none").dtype
        torch.testing.assert_close(got.float(), ours(*args32, reduction="none"), **TOLERANCES[dtype])


# ---------------------------------------------------------------------------- contrastive
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_contrastive_identities(dtype, reduction):
    torch.manual_seed(9)
    x1, x2 = torch.randn(10, 4, dtype=dtype), torch.randn(10, 4, dtype=dtype) * 0.3
    y = torch.randint(0, 2, (10,))
    got = E.contrastive_loss(x1, x2, y, margin=1.5, reduction="none")
    # similar pairs: the squared Euclidean distance, i.e. D times the per-pair MSE
    similar = F.mse_loss(x1, x2, reduction="none").sum(-1)
    # dissimilar pairs: the squared hinge max(0, m - d)^2, via torch's hinge_embedding_loss(d, -1)
    d = F.pairwise_distance(x1, x2, eps=0.0)
    dissimilar = F.hinge_embedding_loss(d, -torch.ones_like(d), margin=1.5, reduction="none") ** 2
    want = torch.where(y == 1, similar, dissimilar)
    torch.testing.assert_close(got, want, **TOLERANCES[dtype])
    reduced = E.contrastive_loss(x1, x2, y, margin=1.5, reduction=reduction)
    expected = {"none": want, "mean": want.mean(), "sum": want.sum()}[reduction]
    torch.testing.assert_close(reduced, expected, **TOLERANCES[dtype])


def test_contrastive_hand_value_and_zero_distance_gradient():
    # d = ||(0.3, 0.4)|| = 0.5; similar: 0.5^2 = 0.25; dissimilar, m = 1: (1 - 0.5)^2 = 0.25
    x1 = torch.zeros(2, 2)
    x2 = torch.tensor([[0.3, 0.4], [0.3, 0.4]])
    torch.testing.assert_close(E.contrastive_loss(x1, x2, torch.tensor([1, 0]), reduction="none"),
                               torch.tensor([0.25, 0.25]))
    # identical dissimilar pair: loss m^2 = 1, gradient finite (taken as 0 at d = 0)
    a = torch.ones(1, 3, requires_grad=True)
    loss = E.contrastive_loss(a, torch.ones(1, 3), torch.tensor([0]))
    (grad,) = torch.autograd.grad(loss, a)
    assert loss.item() == pytest.approx(1.0)
    assert torch.isfinite(grad).all()


def test_contrastive_gradcheck_and_errors():
    torch.manual_seed(10)
    x1 = torch.randn(6, 3, dtype=torch.float64, requires_grad=True)
    x2 = (torch.randn(6, 3, dtype=torch.float64) * 0.4).requires_grad_()
    y = torch.tensor([1, 0, 1, 0, 0, 1])
    assert torch.autograd.gradcheck(lambda a, b: E.contrastive_loss(a, b, y, margin=2.0), (x1, x2))
    with pytest.raises(ValueError, match=r"x2 shape \(5, 3\)"):
        E.contrastive_loss(torch.randn(6, 3), torch.randn(5, 3), y)
    with pytest.raises(ValueError, match="target shape"):
        E.contrastive_loss(torch.randn(6, 3), torch.randn(6, 3), y[:5])
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        E.contrastive_loss(torch.randn(6, 3), torch.randn(6, 3), y, margin=0.0)
    with pytest.raises(TypeError, match="x1 must be a floating-point tensor"):
        E.contrastive_loss(torch.ones(6, 3, dtype=torch.long), torch.randn(6, 3), y)
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        E.contrastive_loss(torch.randn(6, 3), torch.randn(6, 3), y, reduction="avg")


# ---------------------------------------------------------------------------- InfoNCE
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("temperature", [0.07, 1.0])
def test_info_nce_equals_cross_entropy_on_cosine_logits(dtype, reduction, temperature):
    torch.manual_seed(11)
    q, k = torch.randn(12, 8, dtype=dtype), torch.randn(12, 8, dtype=dtype)

    def reference(q, k, reduction):
        logits = F.normalize(q, dim=1) @ F.normalize(k, dim=1).T / temperature
        return F.cross_entropy(logits, torch.arange(q.shape[0]), reduction=reduction)

    assert_matches(lambda a, b, reduction: E.info_nce_loss(a, b, temperature=temperature, reduction=reduction),
                   reference, q, k, reduction=reduction)


def test_info_nce_hand_values():
    # q = k = I_2, tau = 1: logits [[1, 0], [0, 1]]; each row -log(e / (e + 1)) = 0.31326
    eye = torch.eye(2, dtype=torch.float64)
    assert E.info_nce_loss(eye, eye, temperature=1.0).item() == pytest.approx(math.log1p(math.exp(-1)))
    # all keys equal: every logit ties, the loss is log N exactly
    q = torch.randn(5, 3, dtype=torch.float64)
    k = torch.ones(5, 3, dtype=torch.float64)
    assert E.info_nce_loss(q, k, temperature=0.3).item() == pytest.approx(math.log(5), rel=1e-12)


def test_info_nce_gradcheck_and_errors():
    torch.manual_seed(12)
    q = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    k = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: E.info_nce_loss(a, b, temperature=0.5, reduction="none"),
                                    (q, k))
    with pytest.raises(ValueError, match="temperature must be greater than 0"):
        E.info_nce_loss(torch.randn(4, 3), torch.randn(4, 3), temperature=0.0)
    with pytest.raises(ValueError, match=r"key shape \(5, 3\)"):
        E.info_nce_loss(torch.randn(4, 3), torch.randn(5, 3))
    with pytest.raises(ValueError, match="query must be 2-D"):
        E.info_nce_loss(torch.randn(3), torch.randn(3))
    with pytest.raises(TypeError, match="query must be a torch.Tensor"):
        E.info_nce_loss([[1.0]], torch.randn(1, 1))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_extras_keep_low_precision_dtype(dtype):
    torch.manual_seed(13)
    q, k = torch.randn(6, 4), torch.randn(6, 4)
    y = torch.tensor([1, 0, 1, 0, 1, 0])
    for fn, args in ((lambda a, b: E.info_nce_loss(a, b), (q, k)),
                     (lambda a, b: E.contrastive_loss(a, b, y), (q, k))):
        low = fn(*(t.to(dtype) for t in args))
        assert low.dtype == dtype
        torch.testing.assert_close(low.float(), fn(*args), **TOLERANCES[dtype])


LEGACY_TWINS = [t for t in TWINS if t[0] is not E.triplet_margin_with_distance_loss]


@pytest.mark.parametrize(("ours", "theirs", "make"), LEGACY_TWINS)
@pytest.mark.parametrize(("size_average", "reduce", "expected"),
                         [(False, None, "sum"), (None, False, "none"), (True, True, "mean")])
def test_twins_map_legacy_flags_like_torch(ours, theirs, make, size_average, reduce, expected):
    args = make(5, torch.float64)
    with pytest.warns(UserWarning, match=f"reduction='{expected}'"):
        want = theirs(*args, size_average=size_average, reduce=reduce)
    with pytest.warns(UserWarning, match=f"reduction='{expected}'"):
        got = ours(*args, size_average=size_average, reduce=reduce)
    torch.testing.assert_close(got, want, **TOLERANCES[torch.float64])
    torch.testing.assert_close(got, ours(*args, reduction=expected), rtol=0, atol=0)
