"""The Paddle twins of the embedding, ranking and CTC losses (``lossnotes.paddle``).

Each twin is checked on the same numpy inputs against three references: the torch twin in
``lossnotes.embedding`` / ``lossnotes.sequence`` (values and the gradients of every floating
argument, every reduction, float32 and float64), PyTorch's native op, and Paddle's native op where
the two frameworks mean the same thing. Every semantic difference of Paddle's native op is pinned
by its own ``test_paddle_*`` test, with the numbers; the module docstrings of
``lossnotes.paddle.embedding`` and ``lossnotes.paddle.sequence`` list them.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lossnotes.embedding as E
import lossnotes.paddle as LP
import lossnotes.paddle.embedding as LPE
import lossnotes.paddle.sequence as LPS
import lossnotes.sequence as S
from lossnotes._checks import InputError

pytestmark = pytest.mark.paddle

import paddle  # noqa: E402  (lossnotes.paddle has imported it quietly already)
import paddle.nn.functional as PF  # noqa: E402
from paddle_twins import DTYPES, REDUCTIONS, TOL  # noqa: E402
from paddle_twins import assert_same as _assert_same  # noqa: E402
from paddle_twins import paddle_run as _paddle_run  # noqa: E402
from paddle_twins import pt as _pt  # noqa: E402
from paddle_twins import torch_run as _torch_run  # noqa: E402


# ------------------------------------------------------------ helpers
def _l1(x, y):
    """An L1 distance written with methods both frameworks' tensors have."""
    return (x - y).abs().sum(-1)


# ------------------------------------------------------------ the cases
def _case(kind: str, dtype: str, seed: int = 0):
    """``(args, kwargs)``: numpy arrays (and options) for one case of one loss."""
    rng = np.random.default_rng(seed)
    n, d = 6, 4

    def f(*shape, scale=1.0):
        return np.asarray(rng.normal(size=shape) * scale).astype(dtype)

    def sign(*shape):
        return np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(dtype)

    def dist(*shape):
        return rng.uniform(0.05, 2.5, size=shape).astype(dtype)

    cases = {
        "ranking": lambda: ([f(n), f(n), sign(n)], {}),
        "ranking_margin": lambda: ([f(n), f(n), sign(n)], {"margin": 0.3}),
        "ranking_bcast": lambda: ([f(n), f(1), sign(n)], {"margin": 0.2}),
        "ranking_0d": lambda: ([f(), f(), sign()], {"margin": 0.5}),
        "hinge": lambda: ([dist(n, d), sign(n, d)], {}),
        "hinge_margin": lambda: ([dist(n, d), sign(n, d)], {"margin": 1.5}),
        "hinge_bcast": lambda: ([dist(n, d), sign(n, 1)], {}),
        "hinge_label0": lambda: ([dist(n, d), rng.integers(-1, 2, size=(n, d)).astype(dtype)], {}),
        "cosine": lambda: ([f(n, d), f(n, d), sign(n)], {}),
        "cosine_margin": lambda: ([f(n, d), f(n, d), sign(n)], {"margin": 0.2}),
        "cosine_1d": lambda: ([f(d), f(d), sign()], {"margin": -0.1}),
        "cosine_bcast": lambda: ([f(1, d), f(n, d), sign(n)], {}),
        "triplet": lambda: ([f(n, d), f(n, d), f(n, d)], {}),
        "triplet_swap_p1": lambda: ([f(n, d), f(n, d), f(n, d)], {"p": 1, "swap": True, "margin": 0.5}),
        "triplet_p3_eps": lambda: ([f(n, d), f(n, d), f(n, d)], {"p": 3, "eps": 1e-3, "margin": 2.0}),
        "triplet_pinf": lambda: ([f(n, d), f(n, d), f(n, d)], {"p": math.inf}),
        "triplet_bcast": lambda: ([f(1, d), f(n, d), f(n, d)], {"swap": True}),
        "triplet_1d": lambda: ([f(d), f(d), f(d)], {"margin": 3.0}),
        "triplet_dist": lambda: ([f(n, d), f(n, d), f(n, d)], {}),
        "triplet_dist_l1_swap": lambda: ([f(n, d), f(n, d), f(n, d)],
                                         {"distance_function": _l1, "swap": True, "margin": 0.7}),
    }
    return cases[kind]()


LOSS_OF = {
    "ranking": "margin_ranking_loss", "ranking_margin": "margin_ranking_loss",
    "ranking_bcast": "margin_ranking_loss", "ranking_0d": "margin_ranking_loss",
    "hinge": "hinge_embedding_loss", "hinge_margin": "hinge_embedding_loss",
    "hinge_bcast": "hinge_embedding_loss", "hinge_label0": "hinge_embedding_loss",
    "cosine": "cosine_embedding_loss", "cosine_margin": "cosine_embedding_loss",
    "cosine_1d": "cosine_embedding_loss", "cosine_bcast": "cosine_embedding_loss",
    "triplet": "triplet_margin_loss", "triplet_swap_p1": "triplet_margin_loss",
    "triplet_p3_eps": "triplet_margin_loss", "triplet_pinf": "triplet_margin_loss",
    "triplet_bcast": "triplet_margin_loss", "triplet_1d": "triplet_margin_loss",
    "triplet_dist": "triplet_margin_with_distance_loss",
    "triplet_dist_l1_swap": "triplet_margin_with_distance_loss",
}
PARAMS = [(c, r) for c in LOSS_OF for r in REDUCTIONS]


def _call(name, reduction, lib):
    return lambda *args, **kwargs: getattr(lib, name)(*args, **kwargs, reduction=reduction)


# ------------------------------------------------------------ vs the torch twins
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", PARAMS, ids=[f"{c}-{r}" for c, r in PARAMS])
def test_twin_equals_torch_twin(case, reduction, dtype):
    # values and the gradients of every floating argument, the labels included
    name = LOSS_OF[case]
    args, kwargs = _case(case, dtype)
    none = reduction == "none"
    _assert_same(_paddle_run(_call(name, reduction, LP), args, kwargs, none),
                 _torch_run(_call(name, reduction, E), args, kwargs, none), dtype)


# ------------------------------------------------------------ vs torch's native ops
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", PARAMS, ids=[f"{c}-{r}" for c, r in PARAMS])
def test_twin_equals_torch_native(case, reduction, dtype):
    name = LOSS_OF[case]
    args, kwargs = _case(case, dtype)
    none = reduction == "none"
    _assert_same(_paddle_run(_call(name, reduction, LP), args, kwargs, none),
                 _torch_run(_call(name, reduction, F), args, kwargs, none), dtype)


def test_every_twin_is_covered_and_exported():
    assert set(LOSS_OF.values()) | {"pairwise_distance"} == set(LPE.__all__)
    for module in (LPE, LPS):
        assert set(module.__all__) <= set(LP.__all__)
        for name in module.__all__:
            assert getattr(LP, name) is getattr(module, name)


def test_signatures_match_torch_twins():
    for module, torch_module in ((LPE, E), (LPS, S)):
        for name in module.__all__:
            p_sig = inspect.signature(getattr(LP, name))
            t_sig = inspect.signature(getattr(torch_module, name))
            assert [(p.name, p.kind, p.default) for p in p_sig.parameters.values()] == \
                   [(p.name, p.kind, p.default) for p in t_sig.parameters.values()], name


# ------------------------------------------------------------ vs paddle's native ops
def _paddle_native(name, reduction):
    """Paddle's op called with torch's meaning (its own argument names)."""
    natives = {
        "margin_ranking_loss": lambda x1, x2, y, margin=0.0: PF.margin_ranking_loss(
            x1, x2, y, margin=margin, reduction=reduction),
        "hinge_embedding_loss": lambda x, y, margin=1.0: PF.hinge_embedding_loss(
            x, y, margin=margin, reduction=reduction),
        "cosine_embedding_loss": lambda a, b, y, margin=0.0: PF.cosine_embedding_loss(
            a, b, y, margin=margin, reduction=reduction),
        "triplet_margin_loss": lambda a, p, n, margin=1.0, p_norm=2, eps=1e-6, swap=False:
            PF.triplet_margin_loss(a, p, n, margin=margin, p=p_norm, epsilon=eps, swap=swap,
                                   reduction=reduction),
        "triplet_margin_with_distance_loss": lambda a, p, n, **kw:
            PF.triplet_margin_with_distance_loss(a, p, n, reduction=reduction, **kw),
    }
    return natives[name]


# the cases where paddle's op means what torch's does (the others are pinned below): no
# broadcasting across dimensions, no 0-d tensors, no label 0, a 1-D label
PADDLE_SAME = ["ranking", "ranking_margin", "hinge", "hinge_margin", "hinge_bcast", "cosine",
               "cosine_margin", "triplet", "triplet_swap_p1", "triplet_p3_eps", "triplet_pinf",
               "triplet_dist", "triplet_dist_l1_swap"]
PADDLE_PARAMS = [(c, r) for c in PADDLE_SAME for r in REDUCTIONS]
# paddle's p_norm raises to float32-rounded powers (pinned below): float32's accuracy only
FLOAT32_ACCURATE = {"triplet_p3_eps"}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", PADDLE_PARAMS, ids=[f"{c}-{r}" for c, r in PADDLE_PARAMS])
def test_twin_equals_paddle_native(case, reduction, dtype):
    name = LOSS_OF[case]
    args, kwargs = _case(case, dtype)
    none = reduction == "none"
    native_kwargs = {("p_norm" if k == "p" else k): v for k, v in kwargs.items()}
    tol = TOL["float32"] if case in FLOAT32_ACCURATE else None
    _assert_same(_paddle_run(_call(name, reduction, LP), args, kwargs, none),
                 _paddle_run(_paddle_native(name, reduction), args, native_kwargs, none), dtype, tol)


# ------------------------------------------------------------ paddle's differences
def test_paddle_margin_ranking_broadcasts_mismatched_dimensions():
    # x1 (3, 1), x2 (3,), y (3,): paddle forms every (i, j) pair, l_ij = max(0, -y_j (x1_i - x2_j)):
    # j = 0 (x2 .3, y 1): .2, 0, 0; j = 1 (.2, -1): 0, .3, .7; j = 2 (.7, 1): .6, .2, 0 -> 2.0 / 9
    x1, x2, y = [[0.1], [0.5], [0.9]], [0.3, 0.2, 0.7], [1.0, -1.0, 1.0]
    native = PF.margin_ranking_loss(_pt(x1), _pt(x2), _pt(y), reduction="none")
    assert tuple(native.shape) == (3, 3)
    assert float(native.mean()) == pytest.approx(2.0 / 9, abs=1e-7)
    with pytest.raises(RuntimeError, match="same dimension"):
        F.margin_ranking_loss(torch.tensor(x1), torch.tensor(x2), torch.tensor(y))
    with pytest.raises(InputError, match="same number of dimensions"):
        LP.margin_ranking_loss(_pt(x1), _pt(x2), _pt(y))


def test_paddle_zero_dim_inputs_give_shape_one():
    x1, x2, y = _pt(0.5), _pt(0.2), _pt(-1.0)
    assert tuple(PF.margin_ranking_loss(x1, x2, y, margin=0.1, reduction="none").shape) == (1,)
    assert tuple(PF.margin_ranking_loss(x1, x2, y, reduction="none").shape) == ()  # margin 0
    assert tuple(PF.hinge_embedding_loss(x1, y, reduction="none").shape) == (1,)
    assert tuple(LP.margin_ranking_loss(x1, x2, y, margin=0.1, reduction="none").shape) == ()
    assert tuple(LP.hinge_embedding_loss(x1, y, reduction="none").shape) == ()
    assert F.margin_ranking_loss(torch.tensor(0.5), torch.tensor(0.2), torch.tensor(-1.0), margin=0.1,
                                 reduction="none").shape == ()
    assert float(LP.margin_ranking_loss(x1, x2, y, margin=0.1, reduction="none")) == pytest.approx(0.4)


def _grad(fn, *arrays):
    """Paddle's gradient of ``fn(*tensors).sum()`` with respect to the first array."""
    ts = [_pt(a, "float64", stop_gradient=i > 0) for i, a in enumerate(arrays)]
    fn(*ts).sum().backward()
    return ts[0].grad.numpy()


def _tgrad(fn, *arrays):
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=i == 0) for i, a in enumerate(arrays)]
    fn(*ts).sum().backward()
    return ts[0].grad.numpy()


def test_paddle_hinges_pass_no_gradient_at_the_corner():
    # margin ranking with x1 = x2 and margin 0: the hinge sits at its corner. torch's clamp (and
    # the twin) pass the gradient -y there; paddle's relu passes 0
    ranking = ([0.5, 0.5], [0.5, 0.5], [1.0, -1.0])
    np.testing.assert_array_equal(_grad(lambda a, b, y: PF.margin_ranking_loss(a, b, y, reduction="sum"),
                                        *ranking), [0.0, 0.0])
    np.testing.assert_array_equal(_grad(lambda a, b, y: LP.margin_ranking_loss(a, b, y, reduction="sum"),
                                        *ranking), [-1.0, 1.0])
    np.testing.assert_array_equal(_tgrad(lambda a, b, y: F.margin_ranking_loss(a, b, y, reduction="sum"),
                                         *ranking), [-1.0, 1.0])
    # hinge embedding: a dissimilar pair exactly at the margin
    hinge = ([1.0], [-1.0])
    assert _grad(lambda x, y: PF.hinge_embedding_loss(x, y, reduction="sum"), *hinge)[0] == 0.0
    assert _grad(lambda x, y: LP.hinge_embedding_loss(x, y, reduction="sum"), *hinge)[0] == -1.0
    assert _tgrad(lambda x, y: F.hinge_embedding_loss(x, y, reduction="sum"), *hinge)[0] == -1.0
    # triplet: d(a, p) = 1, d(a, n) = 2, margin 1 (eps 0): d/da = (a - p)/1 - (a - n)/2 = (-1, 1).
    # paddle's clip passes the gradient at the corner, as torch's clamp does: no difference here
    triplet = ([[0.0, 0.0]], [[1.0, 0.0]], [[0.0, 2.0]])
    for grad in (_grad(lambda a, p, n: PF.triplet_margin_loss(a, p, n, epsilon=0.0), *triplet),
                 _grad(lambda a, p, n: LP.triplet_margin_loss(a, p, n, eps=0.0), *triplet),
                 _tgrad(lambda a, p, n: F.triplet_margin_loss(a, p, n, eps=0.0), *triplet)):
        np.testing.assert_allclose(grad, [[-1.0, 1.0]])


def test_paddle_hinge_embedding_label_zero_costs_nothing():
    # label 0 with x = 0.5, margin 1: torch (and the twin) pay x + max(0, 1 - x) = 1.0; paddle 0
    x, y = [0.3, 0.4, 0.5], [1.0, -1.0, 0.0]
    np.testing.assert_allclose(PF.hinge_embedding_loss(_pt(x), _pt(y), reduction="none").numpy(),
                               [0.3, 0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(LP.hinge_embedding_loss(_pt(x), _pt(y), reduction="none").numpy(),
                               [0.3, 0.6, 1.0], rtol=1e-6)
    np.testing.assert_allclose(F.hinge_embedding_loss(torch.tensor(x), torch.tensor(y), reduction="none"),
                               [0.3, 0.6, 1.0], rtol=1e-6)


def test_paddle_cosine_embedding_eps_is_1e_11():
    # x1 = x2 = [1e-6], y = 1: |x|^2 = 1e-12. torch: cos = 1e-12 / (1e-12 + 1e-12) = 1/2, loss 0.5;
    # paddle adds 10e-12: cos = 1e-12 / 1.1e-11 = 1/11, loss 10/11 = 0.9091
    v = [[1e-6]]
    assert float(PF.cosine_embedding_loss(_pt(v, "float64"), _pt(v, "float64"), _pt([1.0], "float64"))) == \
        pytest.approx(10 / 11, rel=1e-9)
    assert float(LP.cosine_embedding_loss(_pt(v, "float64"), _pt(v, "float64"), _pt([1.0], "float64"))) == \
        pytest.approx(0.5, rel=1e-8)
    assert F.cosine_embedding_loss(torch.tensor(v, dtype=torch.float64), torch.tensor(v, dtype=torch.float64),
                                   torch.tensor([1.0])).item() == pytest.approx(0.5, rel=1e-8)
    # two zero vectors: cosine 0 in both, loss 1
    z = _pt([[0.0, 0.0]])
    assert float(PF.cosine_embedding_loss(z, z, _pt([1.0]))) == float(LP.cosine_embedding_loss(z, z, _pt([1.0]))) == 1.0


def test_paddle_cosine_embedding_needs_1d_label_and_equal_shapes():
    a, b = [1.0, 2.0], [1.0, 3.0]  # cos = 7 / sqrt(50) = 0.98995, 1 - cos = 0.0101
    with pytest.raises(ValueError, match="1D target tensor expected"):
        PF.cosine_embedding_loss(_pt(a), _pt(b), _pt(1.0))
    assert float(LP.cosine_embedding_loss(_pt(a), _pt(b), _pt(1.0))) == pytest.approx(1 - 7 / math.sqrt(50), rel=1e-5)
    assert F.cosine_embedding_loss(torch.tensor(a), torch.tensor(b), torch.tensor(1.0)).item() == \
        pytest.approx(1 - 7 / math.sqrt(50), rel=1e-5)
    # 1-D inputs with a (1,) label: paddle returns (1,); torch and the twin refuse the pairing
    assert tuple(PF.cosine_embedding_loss(_pt(a), _pt(b), _pt([1.0]), reduction="none").shape) == (1,)
    with pytest.raises(InputError):
        LP.cosine_embedding_loss(_pt(a), _pt(b), _pt([1.0]))
    with pytest.raises(RuntimeError):
        F.cosine_embedding_loss(torch.tensor(a), torch.tensor(b), torch.tensor([1.0]))
    # broadcasting (1, D) against (N, D): torch and the twin do, paddle refuses
    one, many, y = [[1.0, 2.0]], [[1.0, 3.0], [2.0, 2.0]], [1.0, 1.0]
    with pytest.raises(ValueError, match="should be equal"):
        PF.cosine_embedding_loss(_pt(one), _pt(many), _pt(y))
    expected = F.cosine_embedding_loss(torch.tensor(one), torch.tensor(many), torch.tensor(y)).item()
    assert float(LP.cosine_embedding_loss(_pt(one), _pt(many), _pt(y))) == pytest.approx(expected, rel=1e-6)


def test_paddle_triplet_accepts_zero_margin_and_needs_equal_shapes():
    # d(a, p) = 5, d(a, n) = 1 (eps 0): margin 0 gives 4 in paddle; torch and the twin refuse it
    a, p, n = [[0.0, 0.0]], [[3.0, 4.0]], [[0.0, 1.0]]
    assert float(PF.triplet_margin_loss(_pt(a), _pt(p), _pt(n), margin=0.0, epsilon=0.0)) == 4.0
    assert float(PF.triplet_margin_with_distance_loss(_pt(a), _pt(p), _pt(n), margin=0.0)) == \
        pytest.approx(4.0, abs=1e-5)
    for call in (lambda: LP.triplet_margin_loss(_pt(a), _pt(p), _pt(n), margin=0.0),
                 lambda: LP.triplet_margin_with_distance_loss(_pt(a), _pt(p), _pt(n), margin=0.0),
                 lambda: F.triplet_margin_loss(torch.tensor(a), torch.tensor(p), torch.tensor(n), margin=0.0)):
        with pytest.raises(ValueError, match="margin must be greater than 0"):
            call()
    with pytest.raises(ValueError, match="greater than 0"):  # a negative margin: all three
        PF.triplet_margin_loss(_pt(a), _pt(p), _pt(n), margin=-1.0)
    # an anchor (1, D) against (2, D) positives and negatives: torch and the twin broadcast
    n2 = [[0.0, 1.0], [1.0, 1.0]]
    p2 = [[3.0, 4.0], [3.0, 4.0]]
    with pytest.raises(ValueError, match="shape must equal"):
        PF.triplet_margin_loss(_pt(a), _pt(p2), _pt(n2))
    expected = F.triplet_margin_loss(torch.tensor(a), torch.tensor(p2), torch.tensor(n2)).item()
    assert float(LP.triplet_margin_loss(_pt(a), _pt(p2), _pt(n2))) == pytest.approx(expected, rel=1e-6)


def test_paddle_p_norm_is_float32_accurate_in_float64():
    # p = 3: paddle's p_norm rounds 1/3 to float32 (0.3333333433), an error of ~1e-8 relative in
    # the float64 distance; the twin and torch agree to the last bits. p = 2 is exact in both.
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(50, 8)), rng.normal(size=(50, 8))
    exact = torch.linalg.vector_norm(torch.tensor(x - y + 1e-6), ord=3, dim=-1).numpy()
    native = PF.pairwise_distance(_pt(x, "float64"), _pt(y, "float64"), p=3.0).numpy()
    twin = LP.pairwise_distance(_pt(x, "float64"), _pt(y, "float64"), p=3.0).numpy()
    native_error = np.abs(native / exact - 1).max()
    assert 1e-9 < native_error < 1e-7
    np.testing.assert_allclose(twin, exact, rtol=1e-14)
    np.testing.assert_allclose(PF.pairwise_distance(_pt(x, "float64"), _pt(y, "float64")).numpy(),
                               torch.linalg.vector_norm(torch.tensor(x - y + 1e-6), dim=-1).numpy(), rtol=1e-14)


def test_twin_log_sum_exp_of_no_path_is_minus_inf():
    # the CTC twin's log-sum-exp: -inf (and a zero gradient) where every term is -inf, at every
    # position of a long tensor. paddle 3.3's CPU exp returns a subnormal number for -inf at some
    # positions (seen here: exp(-inf) = 2.9e-39 in float32), so the twin masks -inf terms instead
    # of relying on exp(-inf) = 0.
    for dtype in DTYPES:
        a = _pt(np.full(40, -np.inf), dtype, stop_gradient=False)
        b = _pt(np.r_[np.full(20, -np.inf), np.zeros(20)], dtype, stop_gradient=False)
        out = LPS._logsumexp([a, b])
        assert (out.numpy()[:20] == -np.inf).all()
        np.testing.assert_allclose(out.numpy()[20:], 0.0, atol=0)
        paddle.where(paddle.isinf(out), paddle.zeros_like(out), out).sum().backward()
        assert np.isfinite(a.grad.numpy()).all() and np.isfinite(b.grad.numpy()).all()
        np.testing.assert_array_equal(b.grad.numpy(), np.r_[np.zeros(20), np.ones(20)])


def test_paddle_triplet_with_distance_rejects_negative_distances():
    def negative(x, y):
        return -_l1(x, y)

    a, p, n = [[0.0, 0.0]], [[3.0, 4.0]], [[0.0, 1.0]]
    with pytest.raises(ValueError, match="should be greater than 0"):
        PF.triplet_margin_with_distance_loss(_pt(a), _pt(p), _pt(n), distance_function=negative)
    # torch and the twin compute max(0, -7 + 1 + 1) = 0
    assert float(LP.triplet_margin_with_distance_loss(_pt(a), _pt(p), _pt(n), distance_function=negative)) == 0.0
    assert F.triplet_margin_with_distance_loss(torch.tensor(a), torch.tensor(p), torch.tensor(n),
                                               distance_function=negative).item() == 0.0


def test_paddle_native_signatures():
    # paddle's argument names, and no size_average / reduce
    names = {
        "margin_ranking_loss": ["input", "other", "label", "margin", "reduction", "name"],
        "hinge_embedding_loss": ["input", "label", "margin", "reduction", "name"],
        "cosine_embedding_loss": ["input1", "input2", "label", "margin", "reduction", "name"],
        "triplet_margin_loss": ["input", "positive", "negative", "margin", "p", "epsilon", "swap",
                                "reduction", "name"],
        "triplet_margin_with_distance_loss": ["input", "positive", "negative", "distance_function",
                                              "margin", "swap", "reduction", "name"],
        "ctc_loss": ["log_probs", "labels", "input_lengths", "label_lengths", "blank", "reduction",
                     "norm_by_times", "zero_infinity"],
    }
    for name, params in names.items():
        assert list(inspect.signature(getattr(PF, name)).parameters) == params, name
    args, _ = _case("ranking", "float32")
    with pytest.raises(ValueError, match="reduction"):
        PF.margin_ranking_loss(*[_pt(a) for a in args], reduction="bogus")
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        LP.margin_ranking_loss(*[_pt(a) for a in args], reduction="bogus")


@pytest.mark.parametrize("name", ["margin_ranking_loss", "hinge_embedding_loss",
                                  "cosine_embedding_loss", "triplet_margin_loss"])
def test_legacy_flags_map_like_torch(name):
    case = {"margin_ranking_loss": "ranking", "hinge_embedding_loss": "hinge",
            "cosine_embedding_loss": "cosine", "triplet_margin_loss": "triplet"}[name]
    args, _ = _case(case, "float64")
    with pytest.warns(UserWarning, match="reduction='sum'"):
        ours = getattr(LP, name)(*[_pt(a, "float64") for a in args], size_average=False)
    theirs = getattr(F, name)(*[torch.tensor(a) for a in args], reduction="sum")
    assert float(ours) == pytest.approx(theirs.item(), rel=1e-12)


# ------------------------------------------------------------ bad inputs
BAD = {
    "ranking dims": ("margin_ranking_loss", lambda: ([np.zeros((3, 1)), np.zeros(3), np.ones(3)], {})),
    "ranking shapes": ("margin_ranking_loss", lambda: ([np.zeros(3), np.zeros(2), np.ones(3)], {})),
    "hinge shapes": ("hinge_embedding_loss", lambda: ([np.zeros((3, 2)), np.ones(3)], {})),
    "cosine 2-D target": ("cosine_embedding_loss",
                          lambda: ([np.zeros((3, 2)), np.zeros((3, 2)), np.ones((3, 1))], {})),
    "cosine 3-D input": ("cosine_embedding_loss",
                         lambda: ([np.zeros((3, 2, 2)), np.zeros((3, 2, 2)), np.ones(3)], {})),
    "triplet margin 0": ("triplet_margin_loss",
                         lambda: ([np.zeros((3, 2)), np.zeros((3, 2)), np.ones((3, 2))], {"margin": 0.0})),
    "triplet dims": ("triplet_margin_loss",
                     lambda: ([np.zeros((3, 2)), np.zeros(2), np.ones((3, 2))], {})),
    "triplet_with_distance bad reduction": (
        "triplet_margin_with_distance_loss",
        lambda: ([np.zeros((3, 2)), np.zeros((3, 2)), np.ones((3, 2))], {"reduction": "elementwise_mean"})),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_inputs_raise_the_torch_twins_errors(case):
    name, make = BAD[case]
    args, kwargs = make()
    with pytest.raises(Exception) as theirs:
        getattr(E, name)(*[torch.tensor(a) for a in args], **kwargs)
    with pytest.raises(type(theirs.value)):
        getattr(LP, name)(*[_pt(a, "float64") for a in args], **kwargs)


# ------------------------------------------------------------ CTC
# (T, C, blank, input lengths, padded targets, target lengths)
CTC_CASES = {
    "padded": (8, 5, 0, [8, 6, 7], [[1, 2, 2], [3, 1, 0], [4, 4, 4]], [3, 2, 3]),
    "empty_target": (6, 4, 0, [6, 5], [[2, 3], [0, 0]], [2, 0]),
    "blank_last": (7, 4, 3, [7, 7], [[0, 0, 1], [2, 1, 0]], [3, 2]),
    "zero_frames": (5, 3, 0, [5, 0], [[1, 2], [0, 0]], [2, 0]),
}


def _ctc_case(name, dtype, seed=0):
    n_frames, n_classes, blank, in_len, targets, tg_len = CTC_CASES[name]
    rng = np.random.default_rng(seed)
    logits = (1.5 * rng.normal(size=(n_frames, len(in_len), n_classes))).astype(dtype)
    return logits, blank, np.array(in_len), np.array(targets), np.array(tg_len)


def _log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


CTC_PARAMS = [(c, r) for c in CTC_CASES for r in REDUCTIONS]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", CTC_PARAMS, ids=[f"{c}-{r}" for c, r in CTC_PARAMS])
def test_ctc_twin_equals_torch_twin(case, reduction, dtype):
    # with respect to the log-probabilities: both give the exact gradient -gamma
    logits, blank, in_len, targets, tg_len = _ctc_case(case, dtype)
    log_probs = _log_softmax(logits)
    none = reduction == "none"
    ours = _paddle_run(lambda lp: LP.ctc_loss(lp, paddle.to_tensor(targets), paddle.to_tensor(in_len),
                                              tuple(tg_len.tolist()), blank=blank, reduction=reduction),
                       [log_probs], {}, none)
    theirs = _torch_run(lambda lp: S.ctc_loss(lp, torch.tensor(targets), torch.tensor(in_len),
                                              tuple(tg_len.tolist()), blank=blank, reduction=reduction),
                        [log_probs], {}, none)
    _assert_same(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case,reduction", CTC_PARAMS, ids=[f"{c}-{r}" for c, r in CTC_PARAMS])
def test_ctc_twin_equals_torch_native(case, reduction, dtype):
    # torch's native backward is for logits through log_softmax: compare with respect to logits
    logits, blank, in_len, targets, tg_len = _ctc_case(case, dtype)
    none = reduction == "none"
    ours = _paddle_run(lambda z: LP.ctc_loss(PF.log_softmax(z, -1), paddle.to_tensor(targets),
                                             paddle.to_tensor(in_len), paddle.to_tensor(tg_len),
                                             blank=blank, reduction=reduction), [logits], {}, none)
    theirs = _torch_run(lambda z: F.ctc_loss(z.log_softmax(-1), torch.tensor(targets), torch.tensor(in_len),
                                             torch.tensor(tg_len), blank=blank, reduction=reduction),
                        [logits], {}, none)
    _assert_same(ours, theirs, dtype)


def _concatenated(targets, tg_len):
    return np.concatenate([row[:n] for row, n in zip(targets, tg_len, strict=True)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("form", ["concatenated", "unbatched", "impossible"])
def test_ctc_twin_other_forms_equal_torch_twin(form, zero_infinity, dtype):
    logits, blank, in_len, targets, tg_len = _ctc_case("padded", dtype)
    log_probs = _log_softmax(logits)
    if form == "concatenated":
        targets = _concatenated(targets, tg_len)
    elif form == "unbatched":  # the first sequence alone, (T, C) and (S)
        log_probs, in_len, targets, tg_len = log_probs[:, 0], in_len[:1], targets[0], tg_len[:1]
    else:  # "4 4 4" needs 5 frames: give it 3 (an infinite loss, zeroed with zero_infinity)
        in_len = np.array([8, 6, 3])
    for reduction in REDUCTIONS:
        none = reduction == "none"
        kw = {"blank": blank, "reduction": reduction, "zero_infinity": zero_infinity}
        ours = _paddle_run(lambda lp, kw=kw: LP.ctc_loss(lp, paddle.to_tensor(targets), in_len.tolist(),
                                                         paddle.to_tensor(tg_len), **kw), [log_probs], {}, none)
        theirs = _torch_run(lambda lp, kw=kw: S.ctc_loss(lp, torch.tensor(targets), in_len.tolist(),
                                                         torch.tensor(tg_len), **kw), [log_probs], {}, none)
        _assert_same(ours, theirs, dtype)
    if form == "impossible":
        value = LP.ctc_loss(_pt(log_probs, dtype), paddle.to_tensor(targets), in_len.tolist(),
                            tg_len.tolist(), reduction="none", zero_infinity=zero_infinity).numpy()
        assert value[2] == (0.0 if zero_infinity else math.inf)


def _paddle_native_ctc(z, targets, in_len, tg_len, **kw):
    return PF.ctc_loss(z, paddle.to_tensor(targets.astype("int32")), paddle.to_tensor(in_len),
                       paddle.to_tensor(tg_len), **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", ["padded", "blank_last"])
def test_paddle_ctc_equals_twin(case, dtype):
    # paddle's op on logits z equals the twin on log_softmax(z), values and gradients (both
    # p - gamma with respect to z); 'none' and 'sum'
    logits, blank, in_len, targets, tg_len = _ctc_case(case, dtype)
    for reduction in ("none", "sum"):
        none = reduction == "none"
        ours = _paddle_run(lambda z, r=reduction: LP.ctc_loss(PF.log_softmax(z, -1), paddle.to_tensor(targets),
                                                              in_len.tolist(), tg_len.tolist(), blank=blank,
                                                              reduction=r), [logits], {}, none)
        theirs = _paddle_run(lambda z, r=reduction: _paddle_native_ctc(z, targets, in_len, tg_len, blank=blank,
                                                                       reduction=r), [logits], {}, none)
        _assert_same(ours, theirs, dtype)


def test_paddle_ctc_applies_softmax_itself():
    logits, _blank, in_len, targets, tg_len = _ctc_case("padded", "float64")
    log_probs = _log_softmax(logits)
    twin = LP.ctc_loss(_pt(log_probs, "float64"), paddle.to_tensor(targets), in_len.tolist(), tg_len.tolist(),
                       reduction="none").numpy()
    # log-probabilities in: the same value (their softmax is the probabilities)
    np.testing.assert_allclose(_paddle_native_ctc(_pt(log_probs, "float64"), targets, in_len, tg_len,
                                                  reduction="none").numpy(), twin, rtol=1e-10)
    # raw logits in: paddle normalises them; torch takes them as log-probabilities and returns a
    # meaningless (here negative) number
    np.testing.assert_allclose(_paddle_native_ctc(_pt(logits, "float64"), targets, in_len, tg_len,
                                                  reduction="none").numpy(), twin, rtol=1e-10)
    raw = F.ctc_loss(torch.tensor(logits), torch.tensor(targets), torch.tensor(in_len), torch.tensor(tg_len),
                     reduction="none").numpy()
    assert (raw < 0).all() and (twin > 0).all()
    # the gradient with respect to the log-probabilities themselves: the twin's is -gamma (each
    # frame's sum is -1), paddle's is p - gamma (each frame's sum is 0)
    lp_t = _pt(log_probs, "float64", stop_gradient=False)
    LP.ctc_loss(lp_t, paddle.to_tensor(targets), in_len.tolist(), tg_len.tolist(), reduction="sum").backward()
    lp_n = _pt(log_probs, "float64", stop_gradient=False)
    _paddle_native_ctc(lp_n, targets, in_len, tg_len, reduction="sum").backward()
    frame_sums_twin, frame_sums_native = lp_t.grad.numpy().sum(-1), lp_n.grad.numpy().sum(-1)
    active = np.arange(len(logits))[:, None] < in_len[None, :]
    np.testing.assert_allclose(frame_sums_twin[active], -1.0, rtol=1e-10)
    np.testing.assert_allclose(frame_sums_native, 0.0, atol=1e-10)
    np.testing.assert_allclose(lp_n.grad.numpy() - lp_t.grad.numpy(), np.exp(log_probs) * active[..., None],
                               rtol=1e-8, atol=1e-12)


def test_paddle_ctc_mean_divides_by_unclamped_label_lengths():
    logits, _blank, in_len, targets, tg_len = _ctc_case("empty_target", "float64")
    log_probs = _log_softmax(logits)
    none = LP.ctc_loss(_pt(log_probs, "float64"), paddle.to_tensor(targets), in_len.tolist(), tg_len.tolist(),
                       reduction="none").numpy()
    # the empty target's loss is -sum_t log p_t(blank)
    assert none[1] == pytest.approx(-log_probs[:5, 1, 0].sum(), rel=1e-12)
    # torch and the twin divide it by max(0, 1) = 1; paddle by 0
    expected = (none[0] / 2 + none[1] / 1) / 2
    assert float(LP.ctc_loss(_pt(log_probs, "float64"), paddle.to_tensor(targets), in_len.tolist(),
                             tg_len.tolist())) == pytest.approx(expected, rel=1e-12)
    assert F.ctc_loss(torch.tensor(log_probs), torch.tensor(targets), torch.tensor(in_len),
                      torch.tensor(tg_len)).item() == pytest.approx(expected, rel=1e-10)
    assert float(_paddle_native_ctc(_pt(logits, "float64"), targets, in_len, tg_len)) == math.inf
    # with non-empty targets paddle's 'mean' is torch's
    logits, _blank, in_len, targets, tg_len = _ctc_case("padded", "float64")
    assert float(_paddle_native_ctc(_pt(logits, "float64"), targets, in_len, tg_len)) == pytest.approx(
        F.ctc_loss(torch.tensor(logits).log_softmax(-1), torch.tensor(targets), torch.tensor(in_len),
                   torch.tensor(tg_len)).item(), rel=1e-10)


def test_paddle_ctc_impossible_alignment_costs_zero():
    # "4 4 4" in 3 frames (it needs 5) next to a possible target: paddle 0, torch and the twin inf
    logits, _blank, in_len, targets, tg_len = _ctc_case("padded", "float64")
    in_len = np.array([8, 6, 3])
    native = _paddle_native_ctc(_pt(logits, "float64"), targets, in_len, tg_len, reduction="none").numpy()
    twin = LP.ctc_loss(PF.log_softmax(_pt(logits, "float64"), -1), paddle.to_tensor(targets), in_len.tolist(),
                       tg_len.tolist(), reduction="none").numpy()
    torch_native = F.ctc_loss(torch.tensor(logits).log_softmax(-1), torch.tensor(targets), torch.tensor(in_len),
                              torch.tensor(tg_len), reduction="none").numpy()
    assert native[2] == 0.0
    assert twin[2] == torch_native[2] == math.inf
    np.testing.assert_allclose(native[:2], twin[:2], rtol=1e-10)


def test_paddle_ctc_input_formats():
    logits, _blank, in_len, targets, tg_len = _ctc_case("padded", "float32")
    z = _pt(logits)
    labels32, lengths = paddle.to_tensor(targets.astype("int32")), paddle.to_tensor(in_len)
    with pytest.raises(ValueError):  # int64 labels
        PF.ctc_loss(z, paddle.to_tensor(targets), lengths, paddle.to_tensor(tg_len))
    with pytest.raises(ValueError):  # int32 lengths
        PF.ctc_loss(z, labels32, paddle.to_tensor(in_len.astype("int32")), paddle.to_tensor(tg_len))
    with pytest.raises(ValueError):  # lengths as a tuple
        PF.ctc_loss(z, labels32, tuple(in_len.tolist()), tuple(tg_len.tolist()))
    with pytest.raises(ValueError):  # concatenated 1-D labels
        PF.ctc_loss(z, paddle.to_tensor(_concatenated(targets, tg_len).astype("int32")), lengths,
                    paddle.to_tensor(tg_len))
    with pytest.raises(ValueError):  # unbatched (T, C)
        PF.ctc_loss(z[:, 0], labels32[0], lengths[:1], paddle.to_tensor(tg_len[:1]))
    with pytest.raises(AssertionError):  # a bad reduction
        PF.ctc_loss(z, labels32, lengths, paddle.to_tensor(tg_len), reduction="bogus")
    # the twin takes all of these, as the torch twin does
    for tg, il, tl in [(paddle.to_tensor(targets), lengths, paddle.to_tensor(tg_len)),
                       (labels32, paddle.to_tensor(in_len.astype("int32")), tuple(tg_len.tolist())),
                       (paddle.to_tensor(_concatenated(targets, tg_len)), in_len.tolist(), tg_len.tolist())]:
        np.testing.assert_allclose(float(LP.ctc_loss(PF.log_softmax(z, -1), tg, il, tl)),
                                   float(_paddle_native_ctc(z, targets, in_len, tg_len)), rtol=1e-5)
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        LP.ctc_loss(z, labels32, lengths, tuple(tg_len.tolist()), reduction="bogus")


def test_paddle_ctc_norm_by_times_scales_only_the_gradient():
    logits, _blank, in_len, targets, tg_len = _ctc_case("padded", "float64")
    runs = {}
    for norm in (False, True):
        z = _pt(logits, "float64", stop_gradient=False)
        loss = _paddle_native_ctc(z, targets, in_len, tg_len, reduction="sum", norm_by_times=norm)
        loss.backward()
        runs[norm] = float(loss), z.grad.numpy()
    assert runs[True][0] == runs[False][0]
    active = np.arange(len(logits))[:, None] < in_len[None, :]
    expected = runs[False][1] / in_len[None, :, None] * active[..., None]
    np.testing.assert_allclose(runs[True][1], expected, rtol=1e-10, atol=1e-14)


BAD_CTC = {
    "blank out of range": lambda lp, tg, il, tl: ((lp, tg, il, tl), {"blank": 5}),
    "input length > T": lambda lp, tg, il, tl: ((lp, tg, [9, 6, 7], tl), {}),
    "too few lengths": lambda lp, tg, il, tl: ((lp, tg, il[:2], tl), {}),
    "label out of range": lambda lp, tg, il, tl: ((lp, np.array([[1, 2, 7], [3, 1, 0], [4, 4, 4]]), il, tl), {}),
    "targets too short": lambda lp, tg, il, tl: ((lp, tg[:, :2], il, tl), {}),
    "float targets": lambda lp, tg, il, tl: ((lp, tg.astype("float32"), il, tl), {}),
    "float lengths": lambda lp, tg, il, tl: ((lp, tg, np.array(il, dtype="float32"), tl), {}),
    "4-D log_probs": lambda lp, tg, il, tl: ((lp[None], tg, il, tl), {}),
}


@pytest.mark.parametrize("case", list(BAD_CTC))
def test_ctc_bad_inputs_raise_the_torch_twins_errors(case):
    logits, _blank, in_len, targets, tg_len = _ctc_case("padded", "float32")
    (lp, tg, il, tl), kwargs = BAD_CTC[case](_log_softmax(logits), targets, in_len.tolist(), tg_len.tolist())
    with pytest.raises(Exception) as theirs:
        S.ctc_loss(torch.tensor(lp), torch.tensor(tg), torch.tensor(il) if isinstance(il, np.ndarray) else il,
                   tl, **kwargs)
    with pytest.raises(type(theirs.value)):
        LP.ctc_loss(paddle.to_tensor(lp), paddle.to_tensor(tg),
                    paddle.to_tensor(il) if isinstance(il, np.ndarray) else il, tl, **kwargs)


def test_ctc_float16_is_computed_in_float32_like_the_torch_twin():
    logits, _blank, in_len, targets, tg_len = _ctc_case("padded", "float32")
    log_probs = _log_softmax(logits).astype("float16")
    ours = LP.ctc_loss(paddle.to_tensor(log_probs), paddle.to_tensor(targets), in_len.tolist(), tg_len.tolist())
    theirs = S.ctc_loss(torch.tensor(log_probs), torch.tensor(targets), in_len.tolist(), tg_len.tolist())
    assert ours.dtype == paddle.float16 and theirs.dtype == torch.float16
    assert float(ours) == float(theirs)
