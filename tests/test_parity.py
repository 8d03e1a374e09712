"""lossnotes accepts, warns and raises exactly where PyTorch does.

(a) ``reduction``: for every loss of the catalogue that has a torch op, every reduction value
    (the three valid ones, the deprecated ``'elementwise_mean'``, kl_div's ``'batchmean'``, a bad
    string, ``None`` and an int) and every combination of the deprecated ``size_average`` /
    ``reduce`` flags the signature has: the same acceptance, the same warnings (category and
    text) and an exception of torch's type. The same for the ``nn`` modules and the Paddle twins
    (against their torch counterparts); the extras without a torch twin accept exactly
    ``'none'`` | ``'mean'`` | ``'sum'``.
(b) bad input: wrong shapes, dtypes, class indices out of range, forbidden values, empty
    batches. Where torch raises, lossnotes raises an exception that *is* torch's type (it may be
    a subclass that is also a ``ValueError``); where torch does not raise, neither does lossnotes.
"""

from __future__ import annotations

import inspect
import itertools
import warnings

import pytest
import torch
import torch.nn.functional as TF
from test_api import _inputs  # lossnotes.examples.make_inputs in float64

import lossnotes.functional as LF
from lossnotes import catalog

TORCH_RECORDS = [r for r in catalog.CATALOG if r.torch_op is not None]
EXTRA_RECORDS = [r for r in catalog.CATALOG if r.torch_op is None]

REDUCTION_VALUES = ["none", "mean", "sum", "elementwise_mean", "batchmean", "bogus", None, 1]
FLAG_VALUES = [None, True, False]
LEGACY_FLAGS = [(s, r) for s, r in itertools.product(FLAG_VALUES, FLAG_VALUES) if (s, r) != (None, None)]


def _outcome(call):
    """``(exception or None, [(warning category, message)])`` of ``call()``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
            error = None
        except Exception as e:
            error = e
    return error, [(w.category, str(w.message)) for w in caught]


def assert_same_outcome(ours, theirs, what: str, *, same_warnings: bool = True) -> None:
    """lossnotes' call ``ours`` accepts, warns and raises like torch's call ``theirs``."""
    their_error, their_warnings = _outcome(theirs)
    our_error, our_warnings = _outcome(ours)
    if their_error is None:
        assert our_error is None, f"{what}: torch accepts, lossnotes raises {our_error!r}"
    else:
        assert our_error is not None, f"{what}: torch raises {their_error!r}, lossnotes accepts"
        assert isinstance(our_error, type(their_error)), (
            f"{what}: torch raises {type(their_error).__name__}, lossnotes {type(our_error).__name__}: {our_error}"
        )
    if same_warnings:
        assert our_warnings == their_warnings, what


def _functional_case(name: str, weighted: bool = False):
    args, kwargs = _inputs(name)
    kwargs = {k: v for k, v in kwargs.items() if k != "reduction"}
    if weighted:
        kwargs["weight"] = torch.rand(args[0].shape, generator=torch.Generator().manual_seed(0),
                                      dtype=args[0].dtype)
    return args, kwargs


def _has_legacy_flags(fn) -> bool:
    return "size_average" in inspect.signature(fn).parameters


# ---------------------------------------------------------------------------------------------
# (a) reduction
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTION_VALUES, ids=repr)
@pytest.mark.parametrize("record", TORCH_RECORDS, ids=lambda r: r.name)
def test_reduction_like_torch(record, reduction):
    args, kwargs = _functional_case(record.name)
    ours, theirs = record.resolve(), catalog.resolve(record.torch_op)
    assert_same_outcome(lambda: ours(*args, **kwargs, reduction=reduction),
                        lambda: theirs(*args, **kwargs, reduction=reduction), f"{record.name}({reduction!r})")


@pytest.mark.parametrize("reduction", REDUCTION_VALUES, ids=repr)
@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "huber_loss"])
def test_weighted_reduction_like_torch(name, reduction):
    # with a weight, torch reduces in Python and refuses 'elementwise_mean'
    args, kwargs = _functional_case(name, weighted=True)
    assert_same_outcome(lambda: getattr(LF, name)(*args, **kwargs, reduction=reduction),
                        lambda: getattr(TF, name)(*args, **kwargs, reduction=reduction),
                        f"{name}(weight=..., reduction={reduction!r})")


@pytest.mark.parametrize("reduction", ["mean", "bogus", "elementwise_mean"])
@pytest.mark.parametrize("size_average, reduce_", LEGACY_FLAGS)
@pytest.mark.parametrize("record", [r for r in TORCH_RECORDS if _has_legacy_flags(catalog.resolve(r.torch_op))],
                         ids=lambda r: r.name)
def test_legacy_flags_like_torch(record, size_average, reduce_, reduction):
    args, kwargs = _functional_case(record.name)
    kwargs = {**kwargs, "size_average": size_average, "reduce": reduce_, "reduction": reduction}
    ours, theirs = record.resolve(), catalog.resolve(record.torch_op)
    assert_same_outcome(lambda: ours(*args, **kwargs), lambda: theirs(*args, **kwargs),
                        f"{record.name}(size_average={size_average}, reduce={reduce_}, reduction={reduction!r})")


def test_every_torch_loss_has_a_legacy_signature_like_torch():
    for record in TORCH_RECORDS:
        assert _has_legacy_flags(record.resolve()) == _has_legacy_flags(catalog.resolve(record.torch_op))


def _module_call(record, cls, **options):
    """Construct ``cls`` with ``options`` and call it on the record's inputs."""
    if record.name == "linear_cross_entropy":
        args, _ = _inputs(record.name)
        x, w, y = args
        return lambda: cls(w.shape[1], w.shape[0], dtype=x.dtype, **options)(x, y)
    args, _ = _functional_case(record.name)
    return lambda: cls(**options)(*args)


MODULE_RECORDS = [r for r in TORCH_RECORDS if r.torch_module is not None]


@pytest.mark.parametrize("reduction", REDUCTION_VALUES, ids=repr)
@pytest.mark.parametrize("record", MODULE_RECORDS, ids=lambda r: r.name)
def test_module_reduction_like_torch(record, reduction):
    ours, theirs = catalog.resolve(record.module), catalog.resolve(record.torch_module)
    assert_same_outcome(_module_call(record, ours, reduction=reduction),
                        _module_call(record, theirs, reduction=reduction), f"{record.module}({reduction!r})")


@pytest.mark.parametrize("size_average, reduce_", LEGACY_FLAGS)
@pytest.mark.parametrize("record", [r for r in MODULE_RECORDS
                                    if _has_legacy_flags(catalog.resolve(r.torch_module).__init__)],
                         ids=lambda r: r.name)
def test_module_legacy_flags_like_torch(record, size_average, reduce_):
    ours, theirs = catalog.resolve(record.module), catalog.resolve(record.torch_module)
    options = {"size_average": size_average, "reduce": reduce_, "reduction": "bogus"}
    assert_same_outcome(_module_call(record, ours, **options), _module_call(record, theirs, **options),
                        f"{record.module}(size_average={size_average}, reduce={reduce_})")


@pytest.mark.parametrize("reduction", REDUCTION_VALUES, ids=repr)
@pytest.mark.parametrize("record", EXTRA_RECORDS, ids=lambda r: r.name)
def test_extra_reduction(record, reduction):
    # no torch twin: exactly 'none' | 'mean' | 'sum' ('mean' alone for the RMSE), else ValueError
    args, kwargs = _functional_case(record.name)
    valid = ("mean",) if record.name == "rmse_loss" else ("none", "mean", "sum")
    modules = [] if record.module is None else [catalog.resolve(record.module)]
    calls = [lambda: record.resolve()(*args, **kwargs, reduction=reduction)]
    calls += [lambda m=m: m(reduction=reduction)(*args) for m in modules]
    for call in calls:
        error, caught = _outcome(call)
        assert caught == []
        if reduction in valid:
            assert error is None
        else:
            assert type(error) is ValueError and "is not a valid value for reduction" in str(error)


# The Paddle twins follow the rule of their torch counterparts.
PADDLE_TWINS = ["gaussian_nll_loss", "huber_loss", "l1_loss", "mse_loss", "poisson_nll_loss", "smooth_l1_loss",
                "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
                "kl_div", "soft_margin_loss", "multilabel_soft_margin_loss", "multi_margin_loss",
                "multilabel_margin_loss", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
                "triplet_margin_loss", "triplet_margin_with_distance_loss", "ctc_loss"]
PADDLE_EXTRAS = ["log_cosh_loss", "mean_bias_error", "quantile_loss", "rmse_loss"]


def _paddle_case(name: str, weighted: bool = False):
    import paddle

    args, kwargs = _functional_case(name, weighted)
    kwargs = {k: paddle.to_tensor(v.detach().numpy()) for k, v in kwargs.items()}
    return [paddle.to_tensor(a.detach().numpy()) for a in args], kwargs


# (name, weighted): every twin plain, and the three that take a weight with one
PADDLE_CASES = [(n, False) for n in PADDLE_TWINS] + [(n, True) for n in ("huber_loss", "l1_loss", "mse_loss")]


@pytest.mark.paddle
@pytest.mark.parametrize("reduction", REDUCTION_VALUES, ids=repr)
@pytest.mark.parametrize(("name", "weighted"), PADDLE_CASES, ids=[f"{n}{'-weighted' * w}" for n, w in PADDLE_CASES])
def test_paddle_twin_reduction_like_torch(name, weighted, reduction):
    import lossnotes.paddle as LP  # paddlepaddle is pinned in requirements.txt: never skip
    p_args, p_kwargs = _paddle_case(name, weighted)
    args, kwargs = _functional_case(name, weighted)
    assert_same_outcome(lambda: getattr(LP, name)(*p_args, **p_kwargs, reduction=reduction),
                        lambda: getattr(TF, name)(*args, **kwargs, reduction=reduction),
                        f"paddle {name}(reduction={reduction!r})")


@pytest.mark.paddle
@pytest.mark.parametrize("size_average, reduce_", LEGACY_FLAGS)
@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "poisson_nll_loss", "smooth_l1_loss", "margin_ranking_loss",
                                  "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss"])
def test_paddle_twin_legacy_flags_like_torch(name, size_average, reduce_):
    import lossnotes.paddle as LP  # paddlepaddle is pinned in requirements.txt: never skip
    assert _has_legacy_flags(getattr(LP, name))
    p_args, _ = _paddle_case(name)
    args, _ = _functional_case(name)
    kwargs = {"size_average": size_average, "reduce": reduce_, "reduction": "bogus"}
    assert_same_outcome(lambda: getattr(LP, name)(*p_args, **kwargs), lambda: getattr(TF, name)(*args, **kwargs),
                        f"paddle {name}(size_average={size_average}, reduce={reduce_})")


@pytest.mark.paddle
@pytest.mark.parametrize("reduction", REDUCTION_VALUES, ids=repr)
@pytest.mark.parametrize("name", PADDLE_EXTRAS)
def test_paddle_extra_reduction(name, reduction):
    import lossnotes.paddle as LP  # paddlepaddle is pinned in requirements.txt: never skip
    p_args, _ = _paddle_case(name)
    valid = ("mean",) if name == "rmse_loss" else ("none", "mean", "sum")
    error, caught = _outcome(lambda: getattr(LP, name)(*p_args, reduction=reduction))
    assert caught == []
    if reduction in valid:
        assert error is None
    else:
        assert type(error) is ValueError and "is not a valid value for reduction" in str(error)


# ---------------------------------------------------------------------------------------------
# (b) bad input
# ---------------------------------------------------------------------------------------------

def _r(*shape, dtype=torch.float64, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)

def _p(*shape):  # probabilities in (0, 1)
    return torch.sigmoid(_r(*shape))

def _lp(*shape):  # log-probabilities over the last dim
    return torch.log_softmax(_r(*shape), -1)

def _idx(*values):
    return torch.tensor(values)

def _ctc(targets=None, in_len=(6, 5), tg_len=(3, 2), log_probs=None, **kw):
    lp = torch.log_softmax(_r(6, 2, 4), 2) if log_probs is None else log_probs
    tg = torch.tensor([[1, 2, 3], [2, 1, 1]]) if targets is None else targets
    return (lp, tg, torch.tensor(in_len), torch.tensor(tg_len)), kw

_NAN = float("nan")

# name, case id, builder -> (args, kwargs)
BAD_INPUTS = [
    # -- regression
    *[(n, "shapes-do-not-broadcast", lambda: ((_r(4, 3), _r(4, 2)), {}))
      for n in ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss", "poisson_nll_loss"]],
    *[(n, "integer-input", lambda: ((_idx(1, 2), _idx(1, 3)), {}))
      for n in ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss"]],
    *[(n, "empty-batch", lambda: ((_r(0, 3), _r(0, 3)), {}))
      for n in ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss", "poisson_nll_loss"]],
    ("l1_loss", "weight-wrong-shape", lambda: ((_r(4, 3), _r(4, 3)), {"weight": _r(3)})),
    ("huber_loss", "negative-delta", lambda: ((_r(4, 3), _r(4, 3)), {"delta": -1.0})),
    ("smooth_l1_loss", "negative-beta", lambda: ((_r(4, 3), _r(4, 3)), {"beta": -1.0})),
    ("gaussian_nll_loss", "negative-var", lambda: ((_r(4, 3), _r(4, 3), -_p(4, 3)), {})),
    ("gaussian_nll_loss", "var-wrong-size", lambda: ((_r(4, 3), _r(4, 3), _p(2)), {})),
    ("gaussian_nll_loss", "nan-var", lambda: ((_r(4, 3), _r(4, 3), torch.full((4, 3), _NAN, dtype=torch.float64)), {})),
    ("gaussian_nll_loss", "empty-batch", lambda: ((_r(0, 3), _r(0, 3), _p(0, 3)), {})),
    # -- classification
    ("binary_cross_entropy", "input-above-1", lambda: ((_p(4) + 1, _p(4)), {})),
    ("binary_cross_entropy", "input-negative", lambda: ((-_p(4), _p(4)), {})),
    ("binary_cross_entropy", "input-nan", lambda: ((torch.full((4,), _NAN, dtype=torch.float64), _p(4)), {})),
    ("binary_cross_entropy", "target-above-1", lambda: ((_p(4), _p(4) + 1), {})),
    ("binary_cross_entropy", "shape-mismatch", lambda: ((_p(4, 1), _p(4)), {})),
    ("binary_cross_entropy", "empty-batch", lambda: ((_p(0), _p(0)), {})),
    ("binary_cross_entropy_with_logits", "shape-mismatch", lambda: ((_r(4, 1), _p(4)), {})),
    ("binary_cross_entropy_with_logits", "empty-batch", lambda: ((_r(0), _p(0)), {})),
    *[(n, case, build) for n in ["cross_entropy", "nll_loss"] for case, build in [
        ("class-index-too-large", lambda: ((_lp(4, 5), _idx(0, 1, 5, 2)), {})),
        ("class-index-negative", lambda: ((_lp(4, 5), _idx(0, 1, -1, 2)), {})),
        ("class-index-too-large-2d", lambda: ((_lp(2, 5, 3), torch.tensor([[0, 1, 7], [0, 0, 0]])), {})),
        ("float-class-indices", lambda: ((_lp(4, 5), _idx(0, 1, 2, 3).double()), {})),
        ("batch-mismatch", lambda: ((_lp(4, 5), _idx(0, 1, 2)), {})),
        ("weight-wrong-size", lambda: ((_lp(4, 5), _idx(0, 1, 2, 3)), {"weight": _p(3)})),
        ("empty-batch", lambda: ((_lp(0, 5), torch.zeros(0, dtype=torch.long)), {})),
        ("ignored-out-of-range", lambda: ((_lp(4, 5), _idx(0, 1, -100, 2)), {})),
        ("0-d-input", lambda: ((_r(), _idx(0)), {})),
        ("byte-targets", lambda: ((_lp(4, 5), _idx(0, 1, 2, 3).to(torch.uint8)), {})),
        ("byte-targets-2d", lambda: ((_lp(2, 5, 3), torch.tensor([[0, 1, 4], [0, 0, 0]], dtype=torch.uint8)), {})),
    ]],
    ("cross_entropy", "probability-target-wrong-shape", lambda: ((_r(4, 5), _p(4, 4)), {})),
    ("cross_entropy", "label-smoothing-above-1", lambda: ((_r(4, 5), _idx(0, 1, 2, 3)), {"label_smoothing": 1.5})),
    ("kl_div", "shapes-do-not-broadcast", lambda: ((_lp(4, 5), _p(4, 3)), {"reduction": "batchmean"})),
    ("kl_div", "empty-batch", lambda: ((_lp(0, 5), _p(0, 5)), {"reduction": "batchmean"})),
    ("soft_margin_loss", "shapes-do-not-broadcast", lambda: ((_r(4, 3), _r(4, 2)), {})),
    ("soft_margin_loss", "empty-batch", lambda: ((_r(0, 3), _r(0, 3)), {})),
    ("multilabel_soft_margin_loss", "shapes-do-not-broadcast", lambda: ((_r(4, 3), _p(4, 2)), {})),
    ("multilabel_soft_margin_loss", "empty-batch", lambda: ((_r(0, 3), _p(0, 3)), {})),
    ("multi_margin_loss", "class-index-too-large", lambda: ((_r(4, 5), _idx(0, 1, 5, 2)), {})),
    ("multi_margin_loss", "class-index-negative", lambda: ((_r(4, 5), _idx(0, 1, -1, 2)), {})),
    ("multi_margin_loss", "3-d-input", lambda: ((_r(4, 5, 2), _idx(0, 1, 2, 3)), {})),
    ("multi_margin_loss", "batch-mismatch", lambda: ((_r(4, 5), _idx(0, 1, 2)), {})),
    ("multi_margin_loss", "float-target", lambda: ((_r(4, 5), _idx(0, 1, 2, 3).double()), {})),
    ("multi_margin_loss", "weight-wrong-size", lambda: ((_r(4, 5), _idx(0, 1, 2, 3)), {"weight": _p(3)})),
    ("multi_margin_loss", "empty-batch", lambda: ((_r(0, 5), torch.zeros(0, dtype=torch.long)), {})),
    ("multilabel_margin_loss", "class-index-too-large",
     lambda: ((_r(2, 3), torch.tensor([[0, 3, -1], [1, -1, 0]])), {})),
    ("multilabel_margin_loss", "target-wrong-shape", lambda: ((_r(2, 3), torch.tensor([[0, 1], [1, -1]])), {})),
    ("multilabel_margin_loss", "3-d-input", lambda: ((_r(2, 3, 1), torch.zeros(2, 3, 1, dtype=torch.long)), {})),
    ("multilabel_margin_loss", "float-target", lambda: ((_r(2, 3), torch.zeros(2, 3, dtype=torch.float64)), {})),
    ("multilabel_margin_loss", "empty-batch", lambda: ((_r(0, 3), torch.zeros(0, 3, dtype=torch.long)), {})),
    # -- embedding
    ("margin_ranking_loss", "dims-differ", lambda: ((_r(4), _r(4), _r(4, 1)), {})),
    ("margin_ranking_loss", "shapes-do-not-broadcast", lambda: ((_r(4), _r(3), _r(4)), {})),
    ("margin_ranking_loss", "empty-batch", lambda: ((_r(0), _r(0), _r(0)), {})),
    ("hinge_embedding_loss", "shapes-do-not-broadcast", lambda: ((_r(4, 3), _r(4, 2)), {})),
    ("hinge_embedding_loss", "empty-batch", lambda: ((_r(0, 3), _r(0, 3)), {})),
    ("cosine_embedding_loss", "3-d-input", lambda: ((_r(4, 3, 2), _r(4, 3, 2), _r(4)), {})),
    ("cosine_embedding_loss", "target-wrong-dims", lambda: ((_r(4, 3), _r(4, 3), _r(4, 1)), {})),
    ("cosine_embedding_loss", "input-shapes-differ", lambda: ((_r(4, 3), _r(4, 2), _r(4)), {})),
    ("cosine_embedding_loss", "empty-batch", lambda: ((_r(0, 3), _r(0, 3), _r(0)), {})),
    *[(n, case, build) for n in ["triplet_margin_loss", "triplet_margin_with_distance_loss"] for case, build in [
        ("dims-differ", lambda: ((_r(4, 3), _r(4, 3), _r(3)), {})),
        ("shapes-do-not-broadcast", lambda: ((_r(4, 3), _r(4, 2), _r(4, 3)), {})),
        ("3-d-input", lambda: ((_r(4, 3, 2), _r(4, 3, 2), _r(4, 3, 2)), {})),
        ("non-positive-margin", lambda: ((_r(4, 3), _r(4, 3), _r(4, 3)), {"margin": 0.0})),
        ("empty-batch", lambda: ((_r(0, 3), _r(0, 3), _r(0, 3)), {})),
    ]],
    # -- sequence
    ("ctc_loss", "label-out-of-range", lambda: _ctc(targets=torch.tensor([[1, 2, 4], [2, 1, 1]]))),
    ("ctc_loss", "label-negative", lambda: _ctc(targets=torch.tensor([[1, 2, -1], [2, 1, 1]]))),
    ("ctc_loss", "input-length-too-long", lambda: _ctc(in_len=(7, 5))),
    ("ctc_loss", "target-length-too-long", lambda: _ctc(tg_len=(4, 2))),
    ("ctc_loss", "negative-target-length", lambda: _ctc(tg_len=(-1, 2))),
    ("ctc_loss", "float-targets", lambda: _ctc(targets=torch.tensor([[1.0, 2, 3], [2, 1, 1]]))),
    ("ctc_loss", "blank-out-of-range", lambda: _ctc(blank=4)),
    ("ctc_loss", "4-d-log-probs", lambda: _ctc(log_probs=torch.log_softmax(_r(6, 2, 4, 1), 2))),
    ("ctc_loss", "wrong-number-of-lengths", lambda: _ctc(in_len=(6, 5, 4))),
    # -- scale
    ("linear_cross_entropy", "class-index-too-large", lambda: ((_r(4, 3), _r(5, 3), _idx(0, 1, 5, 2)), {})),
    ("linear_cross_entropy", "class-index-negative", lambda: ((_r(4, 3), _r(5, 3), _idx(0, 1, -1, 2)), {})),
    ("linear_cross_entropy", "in-features-differ", lambda: ((_r(4, 3), _r(5, 2), _idx(0, 1, 2, 3)), {})),
    ("linear_cross_entropy", "3-d-input", lambda: ((_r(4, 2, 3), _r(5, 3), _idx(0, 1, 2, 3)), {})),
    ("linear_cross_entropy", "1-d-weight", lambda: ((_r(4, 3), _r(3), _idx(0, 1, 2, 3)), {})),
    ("linear_cross_entropy", "batch-mismatch", lambda: ((_r(4, 3), _r(5, 3), _idx(0, 1, 2)), {})),
    ("linear_cross_entropy", "float-class-indices", lambda: ((_r(4, 3), _r(5, 3), _idx(0, 1, 2, 3).double()), {})),
    ("linear_cross_entropy", "bias-wrong-shape",
     lambda: ((_r(4, 3), _r(5, 3), _idx(0, 1, 2, 3)), {"linear_bias": _r(4)})),
    ("linear_cross_entropy", "label-smoothing-above-1",
     lambda: ((_r(4, 3), _r(5, 3), _idx(0, 1, 2, 3)), {"label_smoothing": 1.5})),
    ("linear_cross_entropy", "empty-batch", lambda: ((_r(0, 3), _r(5, 3), torch.zeros(0, dtype=torch.long)), {})),
]

# Where lossnotes is deliberately stricter than torch (torch does not raise): (name, case) -> why.
STRICTER = {
    ("ctc_loss", "label-out-of-range"): "torch's CPU kernel reads past the class axis (undefined values)",
    ("ctc_loss", "label-negative"): "torch's CPU kernel reads before the class axis (undefined values)",
    ("ctc_loss", "float-targets"): "torch truncates float labels to integers silently",
}


@pytest.mark.parametrize("name, case, build", BAD_INPUTS, ids=[f"{n}-{c}" for n, c, _ in BAD_INPUTS])
def test_bad_input_like_torch(name, case, build):
    their_args, their_kwargs = build()
    our_args, our_kwargs = build()
    ours = lambda: getattr(LF, name)(*our_args, **our_kwargs)  # noqa: E731
    theirs = lambda: getattr(TF, name)(*their_args, **their_kwargs)  # noqa: E731
    if (name, case) in STRICTER:
        assert _outcome(theirs)[0] is None
        assert isinstance(_outcome(ours)[0], ValueError | TypeError)
        return
    # warnings differ in wording here (lossnotes names the arguments), so only the outcome counts
    assert_same_outcome(ours, theirs, f"{name} [{case}]", same_warnings=False)


def test_bad_input_table_covers_every_torch_loss():
    assert {n for n, _, _ in BAD_INPUTS} == {r.name for r in TORCH_RECORDS}
