"""The public API: lossnotes.functional and lossnotes.nn mirror torch, and nothing in lossnotes
uses a framework loss op.

(a) every loss of ``torch.nn.functional`` is in ``lossnotes.functional`` with the same signature;
(b) every ``torch.nn`` loss class has a ``lossnotes.nn`` twin with the same constructor, and each
    module gives exactly its function's values and gradients;
(c) with every torch loss op replaced by one that raises, every lossnotes loss still runs forward
    and backward;
(d) no source file in ``lossnotes/`` names a torch loss op;
(e) importing lossnotes does not import paddle;
(f) the catalogue agrees with the package and with torch, and every loss has one record and one
    example (lossnotes.examples);
(g) what every loss shares, written once over the catalogue: the extras' keyword-only options,
    finite losses and gradients at scores of +-1e4, and an empty batch handled as torch does.

The inputs come from ``lossnotes.examples.make_inputs`` (the benchmark's inputs at the 'smoke'
size); the comparisons from ``conftest.assert_matches`` and its ``TOLERANCES``.
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
from conftest import assert_matches

import lossnotes.functional as LF
import lossnotes.nn as LN
from lossnotes import catalog
from lossnotes.examples import EXAMPLES, SIZES, make_inputs

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
# Inputs: lossnotes.examples.make_inputs (the benchmark's inputs, at the 'smoke' size)
# ---------------------------------------------------------------------------------------------

SMOKE = SIZES["smoke"]
RECORDS = catalog.CATALOG
TORCH_RECORDS = [r for r in RECORDS if r.torch_op is not None]
EXTRA_RECORDS = [r for r in RECORDS if r.torch_op is None]


def _ids(record) -> str:
    return record.name


def _leaf(x: torch.Tensor) -> torch.Tensor:
    return x.detach().requires_grad_(True)


def _inputs(name: str, dtype: torch.dtype = torch.float64) -> tuple[tuple, dict]:
    """The example inputs of loss ``name`` in ``dtype`` (float leaves require grad) and its keyword options."""
    return make_inputs(name, dtype=dtype)


def _grads(args) -> list[torch.Tensor]:
    return [a.grad for a in args if isinstance(a, torch.Tensor) and a.requires_grad]


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


@pytest.mark.parametrize("family", catalog.FAMILIES)
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


# loss name -> non-default options (constructor options of its module, keyword options of its
# function), sized for the 'smoke' example inputs
OPTIONS: dict[str, dict] = {
    "l1_loss": {"reduction": "sum"},
    "mse_loss": {"reduction": "none"},
    "huber_loss": {"delta": 0.5},
    "smooth_l1_loss": {"beta": 0.5},
    "poisson_nll_loss": {"full": True, "eps": 1e-6},
    "gaussian_nll_loss": {"full": True, "eps": 1e-3},
    "binary_cross_entropy": {"weight": _rand(SMOKE.rows, SMOKE.cols)},
    "binary_cross_entropy_with_logits": {"weight": _rand(SMOKE.cols, seed=1),
                                         "pos_weight": _rand(SMOKE.cols, seed=2) + 0.5},
    "cross_entropy": {"weight": _rand(SMOKE.classes) + 0.5, "ignore_index": 1, "label_smoothing": 0.1},
    "nll_loss": {"weight": _rand(SMOKE.classes) + 0.5, "ignore_index": 2},
    "kl_div": {"reduction": "batchmean"},
    "soft_margin_loss": {"reduction": "sum"},
    "multilabel_soft_margin_loss": {"weight": _rand(SMOKE.labels)},
    "multi_margin_loss": {"p": 2, "margin": 0.5, "weight": _rand(SMOKE.classes)},
    "multilabel_margin_loss": {"reduction": "sum"},
    "weighted_binary_cross_entropy": {"pos_weight": 3.0, "weight": _rand(SMOKE.cols, seed=3)},
    "balanced_binary_cross_entropy": {"beta": 0.8, "reduction": "sum"},
    "focal_loss": {"alpha": 0.6, "gamma": 1.5},
    "sigmoid_focal_loss": {"alpha": None, "gamma": 3.0, "reduction": "none"},
    "hinge_loss": {"margin": 0.5, "weight": _rand(SMOKE.cols, seed=4)},
    "squared_hinge_loss": {"margin": 2.0, "reduction": "sum"},
    "margin_ranking_loss": {"margin": 0.3},
    "hinge_embedding_loss": {"margin": 0.7},
    "cosine_embedding_loss": {"margin": 0.2},
    "triplet_margin_loss": {"margin": 0.5, "p": 1.0, "swap": True},
    "triplet_margin_with_distance_loss": {"distance_function": _l1_distance, "margin": 0.5, "swap": True},
    "ctc_loss": {"reduction": "sum", "zero_infinity": True},
    "rmse_loss": {"eps": 1e-8},
    "mean_bias_error": {"reduction": "sum"},
    "log_cosh_loss": {"reduction": "sum"},
    "quantile_loss": {"quantile": 0.9},
    "contrastive_loss": {"margin": 2.0},
    "info_nce_loss": {"temperature": 0.5},
    "linear_cross_entropy": {"options": torch.nn.LinearCrossEntropyOptions(batch_chunk_size=3)},
    "iou_loss": {"reduction": "mean"},
    "generalized_box_iou_loss": {"reduction": "sum", "eps": 1e-6},
    "distance_box_iou_loss": {"reduction": "mean"},
    "complete_box_iou_loss": {"eps": 1e-5},
    "dice_loss": {"average": "macro", "weight": _rand(SMOKE.seg[1]) + 0.5, "smooth": 1.0},
    "jaccard_loss": {"smooth": 1.0, "reduction": "none"},
    "tversky_loss": {"alpha": 0.3, "beta": 0.7, "ignore_index": 1},
    "focal_tversky_loss": {"gamma": 1.5, "average": "macro"},
    "lovasz_softmax_loss": {"classes": "all"},
    "lovasz_hinge_loss": {"reduction": "sum"},
    "gan_discriminator_loss": {"reduction": "sum"},
    "gan_generator_loss": {"saturating": True},
    "lsgan_discriminator_loss": {"reduction": "none"},
    "lsgan_generator_loss": {"reduction": "sum"},
    "hinge_discriminator_loss": {"reduction": "none"},
    "hinge_generator_loss": {"reduction": "sum"},
    "wasserstein_critic_loss": {"reduction": "sum"},
    "wasserstein_generator_loss": {"reduction": "none"},
    "gaussian_kl_loss": {"reduction": "sum"},
    "vae_loss": {"beta": 4.0, "likelihood": "gaussian"},
}
MODULE_RECORDS = [r for r in RECORDS if r.module is not None and r.name != "linear_cross_entropy"]


def test_options_table_covers_every_loss():
    assert set(OPTIONS) == {r.name for r in RECORDS}


def test_module_records_cover_every_module():
    wrapped = set(LN.__all__) - {"LinearCrossEntropyLoss"}
    assert wrapped == {r.module.rsplit(".", 1)[1] for r in MODULE_RECORDS}


def _run(fn, args, kwargs):
    out = fn(*args, **kwargs)
    out.sum().backward()
    return out.detach(), [g.clone() for g in _grads(args)]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("record", MODULE_RECORDS, ids=_ids)
def test_module_equals_function(record, dtype):
    fn_name = record.name
    options = {k: (v.to(dtype) if isinstance(v, torch.Tensor) else v) for k, v in OPTIONS[fn_name].items()}
    module = catalog.resolve(record.module)(**options)
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


@pytest.mark.parametrize("record", RECORDS, ids=_ids)
def test_runs_without_framework_loss_ops(record, torch_losses_disabled):
    name = record.name
    args, kwargs = _inputs(name)
    out = getattr(LF, name)(*args, **kwargs)
    out.sum().backward()
    assert torch.isfinite(out).all()
    grads = _grads(args)
    assert grads and all(g is not None and torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("record", MODULE_RECORDS, ids=_ids)
def test_modules_run_without_framework_loss_ops(record, torch_losses_disabled):
    args, _ = _inputs(record.name)
    out = catalog.resolve(record.module)(**OPTIONS[record.name])(*args)
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


def test_every_loss_has_exactly_one_record_and_one_example():
    # the names are written in functional.TORCH_LOSSES / EXTRA_LOSSES, catalog.CATALOG and
    # examples.EXAMPLES: each name once in each, and no name in one that is missing from another
    names = [*LF.TORCH_LOSSES, *LF.EXTRA_LOSSES]
    assert len(names) == len(set(names)), "a name is in both TORCH_LOSSES and EXTRA_LOSSES"
    assert sorted(r.name for r in catalog.CATALOG) == sorted(names)
    assert sorted(EXAMPLES) == sorted(names)


@pytest.mark.parametrize("record", catalog.CATALOG, ids=lambda r: r.name)
def test_every_loss_function_has_a_docstring_example(record):
    # ``--doctest-modules`` runs the examples; this makes sure a new loss has one to run
    doc = record.resolve().__doc__ or ""
    assert ">>>" in doc and "Args:" in doc, record.name


def test_make_inputs_is_seeded_and_leaves_the_global_generator_alone():
    state = torch.get_rng_state()
    (a1, *_), _ = make_inputs("mse_loss", seed=3)
    (a2, *_), _ = make_inputs("mse_loss", seed=3)
    (b, *_), _ = make_inputs("mse_loss", seed=4)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(a1, a2) and not torch.equal(a1, b)
    assert a1.shape == (SMOKE.rows, SMOKE.cols) and a1.dtype == torch.float32
    (c, *_), _ = make_inputs("mse_loss", seed=3, dtype=torch.float64)
    assert c.dtype == torch.float64 and c.requires_grad and torch.equal(c, a1.double())


def test_make_inputs_rejects_unknown_names_and_sizes():
    with pytest.raises(KeyError, match="no example inputs for 'mse'"):
        make_inputs("mse")
    with pytest.raises(ValueError, match="size must be one of"):
        make_inputs("mse_loss", size="huge")


@pytest.mark.parametrize("record", catalog.CATALOG, ids=lambda r: r.name)
def test_catalog_record(record):
    assert record.family in catalog.FAMILIES
    assert make_inputs(record.name)[1] == dict(record.example_kwargs)
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


# -- the table of PyTorch's loss modules (book/pytorch/catalogue.ipynb) -------------------------

TORCH_MODULE_RECORDS = catalog.torch_module_records()


def _torch_classes_named_like_losses() -> set[str]:
    """Every class in torch.nn's namespace whose name ends in "Loss", and every subclass of its loss base."""
    base = torch.nn.modules.loss._Loss
    return {name for name, obj in vars(torch.nn).items()
            if isinstance(obj, type) and (name.endswith("Loss") or issubclass(obj, base))}


def test_torch_table_lists_every_loss_class_of_torch_nn():
    # fails when PyTorch gains a loss class the book's table does not list (or explain away)
    rows = [r.torch_module.rsplit(".", 1)[1] for r in TORCH_MODULE_RECORDS]
    assert len(rows) == len(set(rows)) >= 22
    assert set(rows).isdisjoint(catalog.NOT_IN_TORCH_TABLE)
    assert set(rows) | set(catalog.NOT_IN_TORCH_TABLE) == _torch_classes_named_like_losses()
    assert set(catalog.TORCH_USAGE) == {r.name for r in TORCH_MODULE_RECORDS}
    for part in ("shapes", "links"):
        table = catalog.torch_modules_table(part)
        assert [line.split(" | ")[0].strip("| `") for line in table.splitlines() if line.startswith("| `")] == rows
    # what the table says of the two it leaves out
    assert issubclass(torch.nn.NLLLoss2d, torch.nn.NLLLoss) and torch.nn.NLLLoss2d.forward is torch.nn.NLLLoss.forward
    assert not issubclass(torch.nn.AdaptiveLogSoftmaxWithLoss, torch.nn.modules.loss._Loss)
    with pytest.raises(ValueError, match="part must be"):
        catalog.torch_modules_table("formulas")


def test_torch_table_links_resolve_from_its_page():
    table = catalog.torch_modules_table("links", page_dir="book/pytorch")
    links = re.findall(r"\{doc\}`([^`]+)`", table)
    assert links == ["../" + r.book_page.removeprefix("book/") for r in TORCH_MODULE_RECORDS if r.book_page]
    assert all((ROOT / "book" / "pytorch" / f"{link}.ipynb").resolve().exists() for link in links)


def _match_shape(pattern: str, shape: tuple[int, ...], bound: dict) -> bool:
    """Whether ``shape`` has the form ``pattern`` ('(N, C, *)'), binding its symbols in ``bound``."""
    tokens = [t.strip() for t in pattern.strip("()").split(",") if t.strip()]
    if "*" in tokens:
        i = tokens.index("*")
        head, tail = tokens[:i], tokens[i + 1:]
        if len(shape) < len(head) + len(tail):
            return False
        rest = len(shape) - len(tail)
        pairs = [*zip(head, shape[:len(head)], strict=True), *zip(tail, shape[rest:], strict=True),
                 ("*", tuple(shape[len(head):rest]))]
    elif len(tokens) == len(shape):
        pairs = list(zip(tokens, shape, strict=True))
    else:
        return False
    return all(size == int(sym) if sym.isdigit() else bound.setdefault(sym, size) == size for sym, size in pairs)


def _shape_of(pattern: str, bound: dict) -> tuple[int, ...]:
    shape: list[int] = []
    for sym in (t.strip() for t in pattern.strip("()").split(",") if t.strip()):
        shape += list(bound[sym]) if sym == "*" else [int(sym) if sym.isdigit() else bound[sym]]
    return tuple(shape)


# What the table's "holds" words claim of a tensor's values (b: the bound sizes)
HOLDS = {
    **dict.fromkeys(["", "logits", "scores", "means", "log-rates", "embeddings", "hidden states"],
                    lambda x, b: bool(torch.isfinite(x).all())),
    "probabilities": lambda x, b: bool(((x >= 0) & (x <= 1)).all()),
    "log-probabilities": lambda x, b: bool((x <= 0).all()),
    "variances": lambda x, b: bool((x > 0).all()),
    "distances": lambda x, b: bool((x >= 0).all()),
    "counts": lambda x, b: bool(((x >= 0) & (x == x.round())).all()),
    "±1": lambda x, b: bool((x.abs() == 1).all()),
    "0/1": lambda x, b: bool(((x == 0) | (x == 1)).all()),
    "class indices": lambda x, b: bool(((x >= 0) & (x < b["C"])).all()),
    "class indices ended by -1": lambda x, b: bool(((x >= -1) & (x < b["C"])).all()),
    "class indices except the blank": lambda x, b: bool(((x >= 1) & (x < b["C"])).all()),  # blank=0
    "lengths up to T": lambda x, b: bool(((x >= 1) & (x <= b["T"])).all()),
    "lengths up to S": lambda x, b: bool(((x >= 1) & (x <= b["S"])).all()),
}
DTYPES = {"float": lambda t: t.is_floating_point(), "int64": lambda t: t.dtype == torch.int64}


@pytest.mark.parametrize("record", TORCH_MODULE_RECORDS, ids=_ids)
def test_torch_table_row_holds(record):
    # the row's shapes, dtypes and values describe the example inputs, and torch's module takes
    # them, every form the row states, and every reduction it states (and raises for another one)
    usage = catalog.TORCH_USAGE[record.name]
    cls = catalog.resolve(record.torch_module)
    assert list(inspect.signature(cls.forward).parameters)[1:] == [s.name for s in usage.tensors]
    args, _ = _inputs(record.name, torch.float32)
    args = [a.detach() for a in args]
    make = cls
    if record.name == "linear_cross_entropy":  # the module owns the example's linear_weight (C, H)
        (classes, hidden), args = args[1].shape, [args[0], args[2]]
        make = lambda **kw: cls(hidden, classes, **kw)  # noqa: E731
    assert len(args) == len(usage.tensors)
    bound: dict = {"C": classes} if record.name == "linear_cross_entropy" else {}
    for spec, tensor in zip(usage.tensors, args, strict=True):
        shape, dtype, holds = spec.forms[0]
        assert _match_shape(shape, tuple(tensor.shape), bound), (spec.name, shape, tuple(tensor.shape), bound)
        assert DTYPES[dtype](tensor), (spec.name, dtype, tensor.dtype)
    for spec, tensor in zip(usage.tensors, args, strict=True):  # after every symbol is bound
        assert HOLDS[spec.forms[0][2]](tensor, bound), (spec.name, spec.forms[0][2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KLDivLoss warns about 'mean'
        for reduction in usage.reductions:
            out = make(reduction=reduction)(*args)
            want = usage.none_shape if reduction == "none" else "()"
            assert _match_shape(want, tuple(out.shape), dict(bound)), (reduction, tuple(out.shape))
        other = "xyz" if "batchmean" in usage.reductions else "batchmean"
        with pytest.raises(ValueError, match="is not( a)? valid"):
            make(reduction=other)(*args)
        for i, spec in enumerate(usage.tensors):
            for shape, dtype, holds in spec.forms[1:]:
                assert dtype == "float", "an alternative form needs a maker here"
                g = torch.Generator().manual_seed(i)
                alternative = torch.rand(_shape_of(shape, bound), generator=g) * 0.9 + 0.05
                assert HOLDS[holds](alternative, bound)
                out = make()(*args[:i], alternative, *args[i + 1:])
                assert out.shape == () and torch.isfinite(out)



# ---------------------------------------------------------------------------------------------
# (g) behaviour every loss shares, once for the whole catalogue
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("record", [r for r in EXTRA_RECORDS if r.name not in LF.TORCHVISION_LOSSES], ids=_ids)
def test_extras_take_their_options_keyword_only(record):
    # the extras follow torch's conventions: the tensors first, every option keyword-only
    params = list(inspect.signature(record.resolve()).parameters.values())
    tensors = [p for p in params if p.default is inspect.Parameter.empty]
    assert tensors and all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in tensors)
    options = params[len(tensors):]
    assert [p.name for p in options if p.name == "reduction"] == ["reduction"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in options), record.name


@pytest.mark.parametrize("name", LF.TORCHVISION_LOSSES)
def test_box_losses_take_torchvisions_signature(name):
    # drop-in twins of torchvision.ops: the same parameters, kinds and defaults (iou_loss, which
    # torchvision does not ship, takes the signature of its siblings)
    from torchvision_ops import ops

    reference = getattr(ops, "generalized_box_iou_loss" if name == "iou_loss" else name)
    assert _signature(getattr(LF, name)) == _signature(reference)


# Losses whose score inputs can be huge, and how: "scale" multiplies the listed arguments,
# "log_softmax" takes the log-softmax (over the given dim) of the scaled scores, as a model would.
HUGE: dict[str, tuple[tuple[int, ...], int | None]] = {
    "cross_entropy": ((0,), None),
    "binary_cross_entropy_with_logits": ((0,), None),
    "sigmoid_focal_loss": ((0,), None),
    "hinge_loss": ((0,), None),
    "squared_hinge_loss": ((0,), None),
    "soft_margin_loss": ((0,), None),
    "multilabel_soft_margin_loss": ((0,), None),
    "multi_margin_loss": ((0,), None),
    "multilabel_margin_loss": ((0,), None),
    "linear_cross_entropy": ((0,), None),
    "nll_loss": ((0,), 1),
    "kl_div": ((0,), 1),
    "ctc_loss": ((0,), 2),
    "margin_ranking_loss": ((0, 1), None),
    "hinge_embedding_loss": ((0,), None),
    "cosine_embedding_loss": ((0, 1), None),
    "triplet_margin_loss": ((0, 1, 2), None),
    "triplet_margin_with_distance_loss": ((0, 1, 2), None),
    "contrastive_loss": ((0, 1), None),
    "info_nce_loss": ((0, 1), None),
    "log_cosh_loss": ((0,), None),
    "dice_loss": ((0,), None),
    "jaccard_loss": ((0,), None),
    "tversky_loss": ((0,), None),
    "focal_tversky_loss": ((0,), None),
    "lovasz_softmax_loss": ((0,), None),
    "lovasz_hinge_loss": ((0,), None),
    "gan_discriminator_loss": ((0, 1), None),
    "gan_generator_loss": ((0,), None),
    "lsgan_discriminator_loss": ((0, 1), None),
    "lsgan_generator_loss": ((0,), None),
    "hinge_discriminator_loss": ((0, 1), None),
    "hinge_generator_loss": ((0,), None),
    "wasserstein_critic_loss": ((0, 1), None),
    "wasserstein_generator_loss": ((0,), None),
    "vae_loss": ((0,), None),
}
# Where the example's options are not those the scale test needs (the default distance of the
# triplet with distance, a temperature that multiplies the scores by 100).
HUGE_OPTIONS = {"triplet_margin_with_distance_loss": {}, "info_nce_loss": {"temperature": 0.01}}




def _soft_margin_by_softplus(input, target, reduction="mean"):
    # l_n = log(1 + exp(-y_n x_n)) = softplus(-y_n x_n); torch's softplus is linear past 20, exact here
    loss = TF.softplus(-target * input)
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


# torch's soft_margin_loss kernel computes log(1 + exp(-y x)) as written and overflows to inf at
# |x| = 1e4, so the reference there is the same formula through softplus
HUGE_REFERENCES = {"soft_margin_loss": _soft_margin_by_softplus}


def test_huge_table_names_losses_of_the_catalogue():
    assert set(HUGE) <= {r.name for r in RECORDS}
    # the losses left out take probabilities, variances, counts or residuals near 1 by construction,
    # box coordinates, or a log-variance (whose exp is the variance)
    assert {r.name for r in RECORDS} - set(HUGE) == {
        "binary_cross_entropy", "gaussian_nll_loss", "poisson_nll_loss", "l1_loss", "mse_loss", "rmse_loss",
        "mean_bias_error", "huber_loss", "smooth_l1_loss", "quantile_loss",
        "weighted_binary_cross_entropy", "balanced_binary_cross_entropy", "focal_loss",
        "iou_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss",
        "gaussian_kl_loss"}


def _huge_call(name: str, scale: float, dtype: torch.dtype):
    """``(wrap, args, kwargs)``: ``wrap(fn)(*args, **kwargs)`` calls loss ``fn`` on huge scores."""
    args, kwargs = _inputs(name, dtype)
    which, dim = HUGE[name]
    out = list(args)
    for i in which:
        if dim is not None:  # the example holds log-probabilities: the leaf is now huge logits
            x = torch.randn(args[i].shape, generator=torch.Generator().manual_seed(i), dtype=dtype)
        else:
            x = args[i].detach()
        out[i] = _leaf(scale * x)

    def wrap(fn):
        if dim is None:
            return fn
        # differentiate through log_softmax, as a model does: torch's ctc_loss gives the gradient
        # with respect to the logits of a log_softmax, not with respect to free log-probabilities
        return lambda *a, **k: fn(*(torch.log_softmax(t, dim) if i in which else t for i, t in enumerate(a)), **k)

    options = HUGE_OPTIONS.get(name, {k: v for k, v in OPTIONS[name].items() if not isinstance(v, torch.Tensor)})
    return wrap, tuple(out), {**kwargs, **options}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("scale", [1e4, -1e4])
@pytest.mark.parametrize("name", sorted(HUGE))
def test_huge_scores_give_finite_loss_and_gradients(name, scale, dtype):
    wrap, args, kwargs = _huge_call(name, scale, dtype)
    out = wrap(getattr(LF, name))(*args, **kwargs)
    grads = torch.autograd.grad(out.sum(), [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad])
    assert torch.isfinite(out).all(), out
    assert all(torch.isfinite(g).all() for g in grads)
    record = catalog.by_name(name)
    reference = HUGE_REFERENCES.get(name, record.torch_op and catalog.resolve(record.torch_op))
    if reference is not None:
        # scores of 1e4 carry an absolute rounding error of about 1e4 * 2**-24 ~ 1e-3 in float32,
        # so float32 is compared that loosely; float64 takes the shared tolerance
        tol = None if dtype == torch.float64 else {"rtol": 1e-3, "atol": 1e-2}
        assert_matches(wrap(getattr(LF, name)), wrap(reference), *args, tol=tol,
                       wrt="given", **kwargs)


# PyTorch 2.13's multi_margin_loss and multilabel_margin_loss return uninitialised memory for an
# empty batch, so those two are checked against the identities below instead of against torch.
_EMPTY_TORCH_UNRELIABLE = {"multi_margin_loss", "multilabel_margin_loss"}


def _empty_args(name: str) -> tuple:
    """The example inputs with the batch cut to 0 rows (every argument that has the batch)."""
    args, _ = _inputs(name)
    if name == "ctc_loss":  # (T, N, C) log-probabilities: the batch is dim 1
        log_probs, targets, input_lengths, target_lengths = args
        return log_probs.detach()[:, :0], targets[:0], input_lengths[:0], target_lengths[:0]
    n = args[0].shape[0]
    return tuple(a.detach()[:0] if isinstance(a, torch.Tensor) and a.dim() and a.shape[0] == n else a
                 for a in args)


def _reductions(record) -> list[str]:
    # rmse_loss is the root of a mean: it has no per-element or summed form
    return ["mean"] if record.name == "rmse_loss" else ["none", "mean", "sum"]


@pytest.mark.parametrize(("record", "reduction"), [
    pytest.param(r, red, id=f"{r.name}-{red}") for r in RECORDS for red in _reductions(r)])
def test_empty_batch_like_torch(record, reduction):
    name = record.name
    fn = record.resolve()
    args = _empty_args(name)
    # the non-default options (those that are not tensors sized for the full batch)
    options = {k: v for k, v in OPTIONS[name].items() if k != "reduction" and not isinstance(v, torch.Tensor)}
    assert args[0].numel() == 0
    if "reduction" not in inspect.signature(fn).parameters:
        pytest.fail(f"{name} has no reduction argument")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's 'mean' warning: its parity is test_parity's
        if record.torch_op is not None and name not in _EMPTY_TORCH_UNRELIABLE:
            theirs = catalog.resolve(record.torch_op)
            try:
                theirs(*args, reduction=reduction, **options)
            except Exception as e:  # torch refuses (ctc_loss: "log_probs tensor must not be empty")
                with pytest.raises(type(e)):
                    fn(*args, reduction=reduction, **options)
                return
            assert_matches(fn, theirs, *args, wrt="given", reduction=reduction, **options)
            return
        # no usable torch op: the reduction of an empty set, as torch defines it for its losses
        value = fn(*(_leaf(a) if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args),
                   reduction=reduction, **options)
    if reduction == "mean" and name in LF.TORCHVISION_LOSSES:
        # torchvision.ops' rule for its box losses: the mean of no boxes is 0.0 * sum, not 0 / 0
        from torchvision_ops import ops

        box_args = [torch.zeros(0, 4, dtype=torch.float64, requires_grad=True), torch.zeros(0, 4, dtype=torch.float64)]
        theirs = getattr(ops, "generalized_box_iou_loss" if name == "iou_loss" else name)(*box_args, reduction="mean")
        assert value.shape == theirs.shape == () and value.item() == theirs.item() == 0.0
    elif reduction == "mean" or name == "rmse_loss":
        assert value.shape == () and torch.isnan(value)  # 0 / 0 (rmse: sqrt(0 / 0))
    elif reduction == "sum":
        assert value.shape == () and value.item() == 0.0  # an empty sum
    else:
        assert value.numel() == 0


# ---------------------------------------------------------------------------------------------
# The decision table (book/pytorch/choosing)
# ---------------------------------------------------------------------------------------------


def test_every_choice_names_catalogued_losses_and_a_real_option():
    names = {r.name for r in catalog.CATALOG}
    for choice in catalog.CHOICES:
        assert choice.losses and set(choice.losses) <= names, choice
        if choice.option:
            # the option is a parameter of the first loss's function, so a rename breaks the table
            option = choice.option.partition("=")[0]
            params = inspect.signature(catalog.by_name(choice.losses[0]).resolve()).parameters
            assert option in params, (choice.losses[0], option)


def test_every_torch_loss_module_is_somewhere_in_the_decision_table():
    chosen = {name for choice in catalog.CHOICES for name in choice.losses}
    missing = [r.name for r in catalog.torch_module_records() if r.name not in chosen]
    assert missing == []


def test_the_decision_table_links_each_loss_to_its_page():
    table = catalog.decision_table()
    for choice in catalog.CHOICES:
        for name in choice.losses:
            page = catalog.by_name(name).book_page
            if page is not None:
                assert f"{{doc}}`{name} <../{page.removeprefix('book/')}>`" in table
    assert table.count("| **") == len({c.task for c in catalog.CHOICES})


# ---------------------------------------------------------------------------------------------
# Meta tensors: shapes and dtypes without values
# ---------------------------------------------------------------------------------------------

def _to_meta(a):
    return a.detach().to("meta") if isinstance(a, torch.Tensor) else a


@pytest.mark.parametrize(("record", "reduction"), [
    pytest.param(r, red, id=f"{r.name}-{red}") for r in RECORDS for red in _reductions(r)])
def test_meta_tensors_give_the_shape_and_dtype_of_the_result(record, reduction):
    """On the meta device (shapes, no values) a loss skips its value checks and returns a meta
    tensor shaped like its result on real inputs, and like torch's own loss on meta inputs
    where torch's runs there (gaussian_nll_loss and ctc_loss do not in torch 2.13)."""
    fn = record.resolve()
    args, kwargs = _inputs(record.name)
    kwargs = {**kwargs, "reduction": reduction}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's 'mean' warning: its parity is test_parity's
        real = fn(*args, **kwargs)
        meta_args = [_to_meta(a) for a in args]
        meta_kwargs = {k: _to_meta(v) for k, v in kwargs.items()}
        out = fn(*meta_args, **meta_kwargs)
        assert out.is_meta
        assert (out.shape, out.dtype) == (real.shape, real.dtype)
        if record.torch_op is not None and record.name not in ("gaussian_nll_loss", "ctc_loss"):
            theirs = catalog.resolve(record.torch_op)(*meta_args, **meta_kwargs)
            assert (out.shape, out.dtype) == (theirs.shape, theirs.dtype)


def test_formula_table_gives_each_part_of_a_formula_its_own_equation():
    # "loss, \quad definition" becomes two inline equations, so a narrow page can wrap the row;
    # every other formula stays one equation, and no row splits into more table cells
    table = catalog.markdown_table(formulas=True)
    rows = {line.split("`")[1]: line for line in table.splitlines() if line.startswith("| `")}
    assert set(rows) == {r.name for r in catalog.CATALOG}
    for record in catalog.CATALOG:
        parts = record.formula.count(r", \quad ") + 1
        assert rows[record.name].count("$") == 2 * parts, rows[record.name]
        assert rows[record.name].count(" | ") == 1, rows[record.name]
    assert rows["binary_cross_entropy_with_logits"].count("$") == 4
