"""The public API: lossnotes.functional and lossnotes.nn mirror torch, and nothing in lossnotes
uses a framework loss op.

(a) every loss of ``torch.nn.functional`` is in ``lossnotes.functional`` with the same signature;
(b) every ``torch.nn`` loss class has a ``lossnotes.nn`` twin with the same constructor, and each
    module gives exactly its function's values and gradients;
(c) with every torch loss op replaced by one that raises, every lossnotes loss still runs forward
    and backward;
(d) no source file in ``lossnotes/`` names a torch loss op;
(e) importing lossnotes does not import paddle;
(f) the catalogue agrees with the package and with torch.
"""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
import torch.nn.functional as TF

import lossnotes.functional as LF
import lossnotes.nn as LN
from lossnotes import catalog

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lossnotes"

# A name is a loss op if it says so: ``*_loss``, ``*Loss``, ``*entropy*`` or ``kl_div``.
_LOSS_NAME = re.compile(r"loss|Loss|entropy|^kl_div$")

# torch.nn classes ending in "Loss" that are not losses to mirror: AdaptiveLogSoftmaxWithLoss is
# a classifier layer with its own parameters and cutoffs (and no functional form in torch).
_NOT_MIRRORED = {"AdaptiveLogSoftmaxWithLoss"}


def _torch_functional_losses() -> set[str]:
    return {
        name for name in dir(TF)
        if not name.startswith("_") and callable(getattr(TF, name)) and not isinstance(getattr(TF, name), type)
        and (name.endswith("_loss") or "entropy" in name or name == "kl_div")
    }


def _torch_loss_classes() -> set[str]:
    return {
        name for name in dir(torch.nn)
        if name.endswith("Loss") and isinstance(getattr(torch.nn, name), type) and name not in _NOT_MIRRORED
    }


def _signature(fn) -> list[tuple[str, object, str]]:
    """Names, kinds and defaults (by repr, so 0 and 0.0 differ) of a callable's parameters."""
    return [(p.name, p.kind, repr(p.default)) for p in inspect.signature(fn).parameters.values()]


# ---------------------------------------------------------------------------------------------
# Small inputs for every loss
# ---------------------------------------------------------------------------------------------


def _leaf(x: torch.Tensor) -> torch.Tensor:
    return x.detach().requires_grad_(True)


def _inputs(name: str, dtype: torch.dtype = torch.float64) -> tuple[tuple, dict]:
    """Small random inputs for loss ``name`` (float leaves require grad) and its keyword options."""
    g = torch.Generator().manual_seed(sum(map(ord, name)))

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=dtype)

    def sign(*shape):
        return torch.randint(0, 2, shape, generator=g).to(dtype) * 2 - 1

    pair = (_leaf(randn(4, 3)), randn(4, 3))
    if name in {"l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss", "rmse_loss", "mean_bias_error",
                "log_cosh_loss", "quantile_loss"}:
        return pair, {}
    if name == "poisson_nll_loss":
        x = randn(4, 3) * 0.5
        return (_leaf(x), torch.poisson(x.exp(), generator=g)), {}
    if name == "gaussian_nll_loss":
        return (*pair, _leaf(torch.rand(4, 3, generator=g, dtype=dtype) + 0.1)), {}
    if name == "binary_cross_entropy":
        return (_leaf(torch.sigmoid(randn(4, 3))), torch.rand(4, 3, generator=g, dtype=dtype)), {}
    if name == "binary_cross_entropy_with_logits":
        return (pair[0], torch.rand(4, 3, generator=g, dtype=dtype)), {}
    if name in {"cross_entropy", "multi_margin_loss"}:
        return (_leaf(randn(4, 5)), torch.randint(0, 5, (4,), generator=g)), {}
    if name == "nll_loss":
        return (_leaf(torch.log_softmax(randn(4, 5), 1)), torch.randint(0, 5, (4,), generator=g)), {}
    if name == "kl_div":
        return (_leaf(torch.log_softmax(randn(4, 5), 1)), torch.softmax(randn(4, 5), 1)), {"reduction": "batchmean"}
    if name == "soft_margin_loss":
        return (pair[0], sign(4, 3)), {}
    if name == "multilabel_soft_margin_loss":
        return (_leaf(randn(4, 5)), torch.randint(0, 2, (4, 5), generator=g).to(dtype)), {}
    if name == "multilabel_margin_loss":
        target = torch.tensor([[3, 0, -1, 1, 2], [1, -1, 0, 0, 0], [0, 1, 2, 3, 4], [4, 2, -1, 0, 0]])
        return (_leaf(randn(4, 5)), target), {}
    if name == "margin_ranking_loss":
        return (_leaf(randn(6)), _leaf(randn(6)), sign(6)), {}
    if name == "hinge_embedding_loss":
        return (_leaf(randn(4, 3).abs()), sign(4, 3)), {}
    if name == "cosine_embedding_loss":
        return (_leaf(randn(4, 3)), _leaf(randn(4, 3)), sign(4)), {}
    if name in {"triplet_margin_loss", "triplet_margin_with_distance_loss"}:
        return (_leaf(randn(4, 3)), _leaf(randn(4, 3)), _leaf(randn(4, 3))), {}
    if name == "ctc_loss":
        log_probs = torch.log_softmax(randn(6, 2, 4), 2)
        targets = torch.randint(1, 4, (2, 3), generator=g)
        return (_leaf(log_probs), targets, torch.tensor([6, 5]), torch.tensor([3, 2])), {}
    if name == "linear_cross_entropy":
        return (_leaf(randn(4, 3)), _leaf(randn(5, 3)), torch.randint(0, 5, (4,), generator=g)), {}
    if name == "contrastive_loss":
        return (_leaf(randn(4, 3)), _leaf(randn(4, 3)), torch.randint(0, 2, (4,), generator=g).to(dtype)), {}
    if name == "info_nce_loss":
        return (_leaf(randn(4, 3)), _leaf(randn(4, 3))), {}
    raise KeyError(f"no test inputs for {name!r}")


def _grads(args) -> list[torch.Tensor]:
    return [a.grad for a in args if isinstance(a, torch.Tensor) and a.requires_grad]


ALL_LOSSES = sorted(LF.TORCH_LOSSES + LF.EXTRA_LOSSES)

# ---------------------------------------------------------------------------------------------
# (a) functional: same names and signatures as torch.nn.functional
# ---------------------------------------------------------------------------------------------


def test_functional_exports_every_torch_loss():
    torch_losses = _torch_functional_losses()
    assert torch_losses, "found no losses in torch.nn.functional: the discovery rule is broken"
    assert torch_losses == set(LF.TORCH_LOSSES)
    missing = sorted(name for name in torch_losses if not hasattr(LF, name))
    assert missing == []
    assert set(LF.__all__) >= torch_losses | set(LF.EXTRA_LOSSES)


@pytest.mark.parametrize("name", sorted(_torch_functional_losses()))
def test_functional_signature_matches_torch(name):
    assert _signature(getattr(LF, name)) == _signature(getattr(TF, name))


@pytest.mark.parametrize("family", ["regression", "classification", "embedding", "sequence", "scale"])
def test_functional_exports_every_family_loss(family):
    module = __import__(f"lossnotes.{family}", fromlist=["__all__"])
    losses = {n for n in module.__all__ if _LOSS_NAME.search(n) or n.endswith("_error")}
    assert losses, family
    assert losses <= set(LF.__all__)
    for name in losses:
        assert getattr(LF, name) is getattr(module, name)


def test_functional_is_only_reexports():
    # every public function of lossnotes.functional is defined in a family module
    for name in LF.__all__:
        obj = getattr(LF, name)
        if callable(obj):
            assert obj.__module__ != "lossnotes.functional", name
            assert obj.__module__.startswith("lossnotes."), name


# ---------------------------------------------------------------------------------------------
# (b) nn: same classes and constructors as torch.nn; module == function
# ---------------------------------------------------------------------------------------------


def test_nn_has_every_torch_loss_class():
    classes = _torch_loss_classes()
    assert len(classes) >= 22
    assert sorted(name for name in classes if not hasattr(LN, name)) == []
    assert set(LN.__all__) >= classes


@pytest.mark.parametrize("name", sorted(_torch_loss_classes()))
def test_nn_constructor_signature_matches_torch(name):
    ours, theirs = getattr(LN, name), getattr(torch.nn, name)
    assert _signature(ours.__init__) == _signature(theirs.__init__)
    assert _signature(ours.forward) == _signature(theirs.forward)
    assert issubclass(ours, torch.nn.Module)


def _rand(*shape, seed=0):
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _l1_distance(a, b):
    return (a - b).abs().sum(-1)


# class name -> (function name, constructor (= function) options); non-default options throughout
MODULES: dict[str, tuple[str, dict]] = {
    "L1Loss": ("l1_loss", {"reduction": "sum"}),
    "MSELoss": ("mse_loss", {"reduction": "none"}),
    "HuberLoss": ("huber_loss", {"delta": 0.5}),
    "SmoothL1Loss": ("smooth_l1_loss", {"beta": 0.5}),
    "PoissonNLLLoss": ("poisson_nll_loss", {"full": True, "eps": 1e-6}),
    "GaussianNLLLoss": ("gaussian_nll_loss", {"full": True, "eps": 1e-3}),
    "BCELoss": ("binary_cross_entropy", {"weight": _rand(4, 3)}),
    "BCEWithLogitsLoss": ("binary_cross_entropy_with_logits",
                          {"weight": _rand(3, seed=1), "pos_weight": _rand(3, seed=2) + 0.5}),
    "CrossEntropyLoss": ("cross_entropy", {"weight": _rand(5) + 0.5, "ignore_index": 1, "label_smoothing": 0.1}),
    "NLLLoss": ("nll_loss", {"weight": _rand(5) + 0.5, "ignore_index": 2}),
    "KLDivLoss": ("kl_div", {"reduction": "batchmean"}),
    "SoftMarginLoss": ("soft_margin_loss", {"reduction": "sum"}),
    "MultiLabelSoftMarginLoss": ("multilabel_soft_margin_loss", {"weight": _rand(5)}),
    "MultiMarginLoss": ("multi_margin_loss", {"p": 2, "margin": 0.5, "weight": _rand(5)}),
    "MultiLabelMarginLoss": ("multilabel_margin_loss", {"reduction": "sum"}),
    "MarginRankingLoss": ("margin_ranking_loss", {"margin": 0.3}),
    "HingeEmbeddingLoss": ("hinge_embedding_loss", {"margin": 0.7}),
    "CosineEmbeddingLoss": ("cosine_embedding_loss", {"margin": 0.2}),
    "TripletMarginLoss": ("triplet_margin_loss", {"margin": 0.5, "p": 1.0, "swap": True}),
    "TripletMarginWithDistanceLoss": ("triplet_margin_with_distance_loss",
                                      {"distance_function": _l1_distance, "margin": 0.5, "swap": True}),
    "CTCLoss": ("ctc_loss", {"reduction": "sum", "zero_infinity": True}),
    "RMSELoss": ("rmse_loss", {"eps": 1e-8}),
    "LogCoshLoss": ("log_cosh_loss", {"reduction": "sum"}),
    "QuantileLoss": ("quantile_loss", {"quantile": 0.9}),
    "ContrastiveLoss": ("contrastive_loss", {"margin": 2.0}),
    "InfoNCELoss": ("info_nce_loss", {"temperature": 0.5}),
}


def test_module_table_covers_every_module():
    wrapped = set(LN.__all__) - {"LinearCrossEntropyLoss"}
    assert wrapped == set(MODULES)


def _run(fn, args, kwargs):
    out = fn(*args, **kwargs)
    out.sum().backward()
    return out.detach(), [g.clone() for g in _grads(args)]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("cls_name", sorted(MODULES))
def test_module_equals_function(cls_name, dtype):
    fn_name, options = MODULES[cls_name]
    options = {k: (v.to(dtype) if isinstance(v, torch.Tensor) else v) for k, v in options.items()}
    module = getattr(LN, cls_name)(**options)
    args, extra = _inputs(fn_name, dtype)
    kwargs = {**extra, **options}
    fn_out, fn_grads = _run(getattr(LF, fn_name), args, kwargs)
    for a in args:
        if isinstance(a, torch.Tensor):
            a.grad = None
    mod_out, mod_grads = _run(module, args, {})
    assert mod_out.dtype == fn_out.dtype == dtype
    torch.testing.assert_close(mod_out, fn_out, rtol=0, atol=0)
    assert len(mod_grads) == len(fn_grads) > 0
    for a, b in zip(mod_grads, fn_grads, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("bias", [False, True])
def test_linear_cross_entropy_module_equals_function(bias):
    torch.manual_seed(0)
    module = LN.LinearCrossEntropyLoss(3, 5, bias=bias, dtype=torch.float64, weight=_rand(5) + 0.5,
                                       label_smoothing=0.1)
    x, y = _leaf(torch.randn(4, 3, dtype=torch.float64)), torch.randint(0, 5, (4,))
    out = module(x, y)
    out.backward()
    w = _leaf(module.linear.weight)
    b = _leaf(module.linear.bias) if bias else None
    x2 = _leaf(x)
    ref = LF.linear_cross_entropy(x2, w, y, linear_bias=b, weight=module.weight, label_smoothing=0.1)
    ref.backward()
    torch.testing.assert_close(out, ref, rtol=0, atol=0)
    torch.testing.assert_close(x.grad, x2.grad, rtol=0, atol=0)
    torch.testing.assert_close(module.linear.weight.grad, w.grad, rtol=0, atol=0)
    if bias:
        torch.testing.assert_close(module.linear.bias.grad, b.grad, rtol=0, atol=0)


@pytest.mark.parametrize("bias", [False, True])
def test_linear_cross_entropy_module_state_matches_torch(bias):
    ours = LN.LinearCrossEntropyLoss(3, 5, out_features=(2,), bias=bias, weight=torch.ones(5))
    theirs = torch.nn.LinearCrossEntropyLoss(3, 5, out_features=(2,), bias=bias, weight=torch.ones(5))
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in theirs.state_dict().items()}
    # same parameters -> same loss as torch's module, with K-dimensional targets
    ours.load_state_dict(theirs.state_dict())
    x, y = torch.randn(4, 3), torch.randint(0, 5, (4, 2))
    torch.testing.assert_close(ours(x, y), theirs(x, y))


@pytest.mark.parametrize("name", ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
                                  "MultiLabelSoftMarginLoss", "MultiMarginLoss"])
def test_weights_are_buffers_like_torch(name):
    kwargs = {"weight": torch.ones(5)}
    if name == "BCEWithLogitsLoss":
        kwargs["pos_weight"] = torch.full((5,), 2.0)
    ours, theirs = getattr(LN, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert dict(ours.named_buffers()).keys() == dict(theirs.named_buffers()).keys()
    assert list(ours.parameters()) == []
    moved = ours.to(torch.float64)
    assert all(b.dtype == torch.float64 for b in moved.buffers())


def _legacy_classes() -> list[str]:
    return sorted(name for name in _torch_loss_classes()
                  if "size_average" in inspect.signature(getattr(torch.nn, name).__init__).parameters)


@pytest.mark.parametrize("size_average, reduce_", [(False, None), (None, False), (True, True), (False, True)])
@pytest.mark.parametrize("name", _legacy_classes())
def test_deprecated_size_average_reduce_like_torch(name, size_average, reduce_):
    kwargs = {"size_average": size_average, "reduce": reduce_}
    with warnings.catch_warnings(record=True) as theirs_w:
        warnings.simplefilter("always")
        theirs = getattr(torch.nn, name)(**kwargs)
    with warnings.catch_warnings(record=True) as ours_w:
        warnings.simplefilter("always")
        ours = getattr(LN, name)(**kwargs)
    assert ours.reduction == theirs.reduction
    assert [(w.category, str(w.message)) for w in ours_w] == [(w.category, str(w.message)) for w in theirs_w]
    assert len(ours_w) == 1


@pytest.mark.parametrize("name, kwargs", [
    ("MultiMarginLoss", {"p": 3}),
    ("MultiMarginLoss", {"weight": torch.ones(2, 2)}),
    ("TripletMarginLoss", {"margin": 0.0}),
    ("TripletMarginWithDistanceLoss", {"margin": -1.0}),
    ("HuberLoss", {"delta": "1"}),
])
def test_constructor_rejects_what_torch_rejects(name, kwargs):
    with pytest.raises((ValueError, TypeError)):
        getattr(torch.nn, name)(**kwargs)
    with pytest.raises((ValueError, TypeError)):
        getattr(LN, name)(**kwargs)


def test_triplet_with_distance_default_distance_is_pairwise():
    module = LN.TripletMarginWithDistanceLoss()
    assert isinstance(module.distance_function, torch.nn.PairwiseDistance)
    args, _ = _inputs("triplet_margin_loss")
    torch.testing.assert_close(module(*args), TF.triplet_margin_loss(*args))


# ---------------------------------------------------------------------------------------------
# (c) from scratch, at run time: every torch loss op raises, lossnotes still works
# ---------------------------------------------------------------------------------------------


def _forbidden_attributes() -> list[tuple[object, str]]:
    """(namespace, name) of every torch loss entry point: functional, torch.*, torch._C._nn.*."""
    required = {
        TF: set(LF.TORCH_LOSSES),
        torch: {"ctc_loss", "binary_cross_entropy_with_logits", "kl_div", "hinge_embedding_loss",
                "margin_ranking_loss", "cosine_embedding_loss", "triplet_margin_loss", "poisson_nll_loss"},
        torch._C._nn: {"nll_loss", "nll_loss2d", "nll_loss_nd", "cross_entropy_loss", "binary_cross_entropy",
                       "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss",
                       "multi_margin_loss", "multilabel_margin_loss"},
    }
    found = []
    for space, names in required.items():
        discovered = {n for n in dir(space) if _LOSS_NAME.search(n) and not n.startswith("__")}
        assert names <= discovered, f"expected loss entry points missing: {names - discovered}"
        found += [(space, n) for n in sorted(discovered)]
    return found


def _raiser(name):
    def raise_(*args, **kwargs):
        raise AssertionError(f"lossnotes called the framework loss op {name}")
    return raise_


@pytest.fixture
def torch_losses_disabled(monkeypatch):
    for space, name in _forbidden_attributes():
        monkeypatch.setattr(space, name, _raiser(name))
    # the patch is live: the native ops now raise
    with pytest.raises(AssertionError, match="framework loss op"):
        TF.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]))
    with pytest.raises(AssertionError, match="framework loss op"):
        torch._C._nn.nll_loss_nd(torch.randn(2, 3), torch.tensor([0, 1]), None, 1, -100)
    yield


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_runs_without_framework_loss_ops(name, torch_losses_disabled):
    args, kwargs = _inputs(name)
    out = getattr(LF, name)(*args, **kwargs)
    out.sum().backward()
    assert torch.isfinite(out).all()
    grads = _grads(args)
    assert grads and all(g is not None and torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("cls_name", sorted(MODULES))
def test_modules_run_without_framework_loss_ops(cls_name, torch_losses_disabled):
    fn_name, options = MODULES[cls_name]
    args, _ = _inputs(fn_name)
    out = getattr(LN, cls_name)(**options)(*args)
    out.sum().backward()
    assert torch.isfinite(out).all()


def test_linear_cross_entropy_module_runs_without_framework_loss_ops(torch_losses_disabled):
    module = LN.LinearCrossEntropyLoss(3, 5, bias=True)
    x = _leaf(torch.randn(4, 3))
    module(x, torch.tensor([0, 4, 2, 1])).backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(module.linear.weight.grad).all()


# ---------------------------------------------------------------------------------------------
# (d) from scratch, statically: no source file names a torch loss op
# ---------------------------------------------------------------------------------------------

# The benchmark compares lossnotes with torch's native ops, so it calls them on purpose.
_SCAN_EXEMPT = {PACKAGE / "bench.py"}


def _torch_loss_references(source: str) -> list[str]:
    """Dotted names of torch loss ops that ``source`` imports, calls or refers to."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}  # local name -> dotted origin
    bad: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                origin = f"{node.module}.{a.name}"
                aliases[a.asname or a.name] = origin
                if node.module.split(".")[0] == "torch" and _LOSS_NAME.search(a.name):
                    bad.append(origin)

    def dotted(node) -> str | None:
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = dotted(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name):
            name = dotted(node)
            if name and name.split(".")[0] == "torch" and _LOSS_NAME.search(name.rsplit(".", 1)[-1]):
                bad.append(name)
    return sorted(set(bad))


def test_static_scan_detects_loss_ops():
    # the scanner itself, on code that does what lossnotes must not
    sample = (
        "import torch\nimport torch.nn.functional as F\nfrom torch.nn.functional import nll_loss as n\n"
        "from torch import nn\n"
        "def f(x, y):\n"
        "    a = F.cross_entropy(x, y) + torch.kl_div(x, y) + torch._C._nn.mse_loss(x, y, 1)\n"
        "    return a + nn.functional.l1_loss(x, y) + nn.MSELoss()(x, y) + n(x, y)\n"
    )
    assert _torch_loss_references(sample) == [
        "torch._C._nn.mse_loss", "torch.kl_div", "torch.nn.MSELoss", "torch.nn.functional.cross_entropy",
        "torch.nn.functional.l1_loss", "torch.nn.functional.nll_loss",
    ]
    clean = "import torch\nfrom lossnotes import functional as F\ndef f(x, y):\n    return F.cross_entropy(x, y)\n"
    assert _torch_loss_references(clean) == []


def test_no_source_names_a_torch_loss_op():
    files = sorted(p for p in PACKAGE.rglob("*.py") if p not in _SCAN_EXEMPT)
    assert len(files) >= 8
    offenders = {str(p.relative_to(ROOT)): refs for p in files
                 if (refs := _torch_loss_references(p.read_text(encoding="utf-8")))}
    assert offenders == {}


# ---------------------------------------------------------------------------------------------
# (e) importing lossnotes never imports paddle
# ---------------------------------------------------------------------------------------------


def test_import_does_not_import_paddle():
    code = (
        "import sys\n"
        "import lossnotes, lossnotes.functional, lossnotes.nn, lossnotes.catalog\n"
        "print(sorted(m for m in sys.modules if m == 'paddle' or m.startswith('paddle.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, check=True)
    assert result.stdout.strip() == "[]"
    assert result.stderr == ""


# ---------------------------------------------------------------------------------------------
# (f) the catalogue
# ---------------------------------------------------------------------------------------------

# Standard Chinese terms, as used in Chinese textbooks and the PyTorch Chinese documentation.
STANDARD_TERMS = {
    "mse_loss": "均方误差",
    "l1_loss": "平均绝对误差",
    "rmse_loss": "均方根误差",
    "cross_entropy": "交叉熵",
    "binary_cross_entropy": "二元交叉熵",
    "nll_loss": "负对数似然",
    "kl_div": "KL 散度",
    "triplet_margin_loss": "三元组损失",
    "contrastive_loss": "对比损失",
    "quantile_loss": "分位数损失",
}


def test_catalog_names_are_the_functional_api():
    names = [r.name for r in catalog.CATALOG]
    assert len(names) == len(set(names))
    assert set(names) == set(LF.TORCH_LOSSES) | set(LF.EXTRA_LOSSES)


@pytest.mark.parametrize("record", catalog.CATALOG, ids=lambda r: r.name)
def test_catalog_record(record):
    assert record.family in catalog.FAMILIES
    assert record.resolve() is getattr(LF, record.name)
    assert re.search(r"[\u4e00-\u9fff]", record.chinese_name), record.chinese_name
    assert record.formula.count("{") == record.formula.count("}") and record.formula.strip()
    if record.name in LF.TORCH_LOSSES:
        assert record.torch_op == f"torch.nn.functional.{record.name}"
        assert catalog.resolve(record.torch_op) is getattr(TF, record.name)
    else:
        assert record.torch_op is None
    if record.module is not None:
        assert issubclass(catalog.resolve(record.module), torch.nn.Module)
    if record.torch_module is not None:
        assert record.torch_module.rsplit(".", 1)[1] == record.module.rsplit(".", 1)[1]
        assert issubclass(catalog.resolve(record.torch_module), torch.nn.Module)
    if record.paddle_op is not None:
        assert record.paddle_op.startswith("paddle.nn.functional.")
    if record.book_page is not None:
        assert (ROOT / f"{record.book_page}.ipynb").exists() or (ROOT / f"{record.book_page}.md").exists()


def test_catalog_covers_every_module():
    modules = {r.module.rsplit(".", 1)[1] for r in catalog.CATALOG if r.module}
    assert modules == set(LN.__all__)


@pytest.mark.parametrize("name, term", sorted(STANDARD_TERMS.items()))
def test_catalog_chinese_terms(name, term):
    assert catalog.by_name(name).chinese_name.startswith(term)


def test_catalog_unknown_name():
    with pytest.raises(KeyError, match="no loss named 'mse'"):
        catalog.by_name("mse")

