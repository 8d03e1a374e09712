"""Every loss traces into one graph under ``torch.compile`` and gives its eager value there.

Value checks that read the device are skipped while compiling (``lossnotes._checks.value_checks``)
and the fused autograd Functions give way to their plain expressions
(``lossnotes._numerics.fused_or_reference``), so no loss has a graph break. The smoke sizes of
the benchmark keep this fast; ``aot_eager`` traces forward and backward as inductor would,
without generating code.
"""

from __future__ import annotations

import warnings

import pytest
import torch
import torch._dynamo

import lossnotes.functional as LF
from lossnotes import bench, catalog
from lossnotes.examples import make_inputs

SMOKE = bench.SIZES["smoke"]

# torch 2.13's inductor calls torch.jit.script_method, and torch warns about that itself.
pytestmark = [pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")]


def _inputs(name):
    return bench._inputs(bench.CASES[name], SMOKE, torch.device("cpu"))


def _fresh(args):
    """The same inputs, as new leaves where the originals want gradients."""
    return tuple(a.detach().clone().requires_grad_() if isinstance(a, torch.Tensor) and a.requires_grad else a
                 for a in args)


def _leaves(args):
    return [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad]


@pytest.fixture(autouse=True)
def _reset_dynamo():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


@pytest.mark.parametrize("name", [r.name for r in catalog.CATALOG])
def test_no_graph_break(name):
    # every catalogued loss, on its example in lossnotes.examples
    args, kwargs = make_inputs(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explained = torch._dynamo.explain(getattr(LF, name))(*args, **kwargs)
    reasons = [str(b.reason).splitlines()[0] for b in explained.break_reasons]
    assert explained.graph_count == 1 and explained.graph_break_count == 0, reasons


@pytest.mark.parametrize("name", list(bench.CASES))
def test_compiled_matches_eager(name):
    fn = bench.CASES[name].ours
    args, kwargs = _inputs(name)
    eager_args, compiled_args = _fresh(args), _fresh(args)
    want = fn(*eager_args, **kwargs)
    want_grads = torch.autograd.grad(want, _leaves(eager_args))
    compiled = torch.compile(fn, backend="aot_eager", fullgraph=True)
    got = compiled(*compiled_args, **kwargs)
    got_grads = torch.autograd.grad(got, _leaves(compiled_args))
    torch.testing.assert_close(got, want)
    for g, w in zip(got_grads, want_grads, strict=True):
        torch.testing.assert_close(g, w)


@pytest.mark.parametrize("name", ["multilabel_margin_loss", "nll_loss"])
def test_compiled_unreduced(name):
    # the multi-label reference and the masked NLL, which replace eager's data-dependent paths
    fn = bench.CASES[name].ours
    args, _ = _inputs(name)
    want = fn(*args, reduction="none")
    got = torch.compile(fn, backend="aot_eager", fullgraph=True)(*args, reduction="none")
    torch.testing.assert_close(got, want)


def test_compiled_ctc_concatenated_targets():
    # under compile the extended sequence is as wide as the targets allow, and every frame may
    # end a sequence: the values are those of eager, which reads the lengths
    log_probs, targets, _, target_lengths = _inputs("ctc_loss")[0]
    log_probs = log_probs.detach()[:8]
    input_lengths = torch.tensor([8, 7, 6])
    flat = torch.cat([t[:n] for t, n in zip(targets, target_lengths.tolist(), strict=True)])
    fn = bench.CASES["ctc_loss"].ours
    want = fn(log_probs, flat, input_lengths, target_lengths, reduction="none")
    got = torch.compile(fn, backend="aot_eager", fullgraph=True)(
        log_probs, flat, input_lengths, target_lengths, reduction="none")
    torch.testing.assert_close(got, want)


@pytest.mark.parametrize("name", ["mse_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy_with_logits"])
def test_plain_expression_under_compile(name):
    # no autograd.Function in the graph: inductor can fuse the loss with its neighbours
    targets = []

    def backend(gm, example_inputs):
        targets.extend(str(node.target) for node in gm.graph.nodes)
        return gm.forward

    args, kwargs = _inputs(name)
    torch.compile(bench.CASES[name].ours, backend=backend, fullgraph=True)(*args, **kwargs)
    assert targets and not any("autograd_function" in t for t in targets), targets


def test_ctc_inductor_matches_eager():
    # the CTC recursions are custom operators, opaque to inductor: it compiles in seconds instead
    # of unrolling T frames of kernels into one generated kernel, and gives eager's value and gradient
    fn = bench.CASES["ctc_loss"].ours
    args, kwargs = _inputs("ctc_loss")
    eager_args, compiled_args = _fresh(args), _fresh(args)
    want = fn(*eager_args, **kwargs)
    want_grads = torch.autograd.grad(want, _leaves(eager_args))
    got = torch.compile(fn, backend="inductor", fullgraph=True)(*compiled_args, **kwargs)
    got_grads = torch.autograd.grad(got, _leaves(compiled_args))
    torch.testing.assert_close(got, want)
    assert want_grads
    for g, w in zip(got_grads, want_grads, strict=True):
        torch.testing.assert_close(g, w)


def test_ctc_recursions_are_opaque_ops():
    # dynamo records one node per recursion, not T frames of kernels
    targets = []

    def backend(gm, example_inputs):
        targets.extend(str(node.target) for node in gm.graph.nodes)
        return gm.forward

    args, kwargs = _inputs("ctc_loss")
    torch.compile(bench.CASES["ctc_loss"].ours, backend=backend, fullgraph=True)(*args, **kwargs)
    assert targets.count("lossnotes.ctc_forward.default") == 1, targets
    assert len(targets) < 100, len(targets)


def test_each_loss_compiled_on_its_own_gets_its_own_graphs():
    # torch.compile caches compiled frames per code object and gives up on one after
    # torch._dynamo.config.recompile_limit (8) variants, running it eagerly from then on. The
    # autocast wrapper that most torch-named losses share must not be one code object, or
    # compiling the ninth of them would silently run it uncompiled.
    from torch._dynamo.testing import CompileCounter

    names = [n for n in bench.CASES if hasattr(bench.CASES[n].ours, "__wrapped__")]
    assert len(names) > torch._dynamo.config.recompile_limit
    for name in names:
        args, kwargs = _inputs(name)
        counter = CompileCounter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.compile(bench.CASES[name].ours, backend=counter)(*args, **kwargs)
        assert counter.frame_count >= 1, f"{name} ran without being compiled"


def test_each_module_compiled_on_its_own_gets_its_own_graphs():
    # The same rule for the nn modules: those made by one factory must not share one forward.
    # (LinearCrossEntropyLoss holds a linear layer of its own and takes other inputs.)
    from torch._dynamo.testing import CompileCounter

    import lossnotes.nn as LN

    records = [r for r in catalog.CATALOG if r.module is not None and r.name != "linear_cross_entropy"]
    assert len(records) > torch._dynamo.config.recompile_limit
    for record in records:
        module = getattr(LN, record.module.rsplit(".", 1)[-1])()
        args, _ = make_inputs(record.name)
        counter = CompileCounter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.compile(module, backend=counter)(*args)
        assert counter.frame_count >= 1, f"{record.module} ran without being compiled"


# The losses whose element-wise comparisons run inside lossnotes._numerics.recomputed_under_compile.
RECOMPUTED = ["hinge_embedding_loss", "margin_ranking_loss", "multi_margin_loss", "lovasz_hinge_loss",
              "dice_loss", "tversky_loss"]


@pytest.mark.parametrize("name", RECOMPUTED)
def test_compiled_forward_saves_no_boolean_mask(name):
    # With inductor's partitioner (min-cut, as in torch.compile's default backend) the forward of
    # these losses would save one-byte masks of its comparisons for the backward; inside a
    # checkpoint it saves only float and index tensors, and the backward recomputes the masks.
    args, kwargs = _inputs(name)
    saved = []

    def pack(t):
        saved.append(t.dtype)
        return t

    compiled = torch.compile(bench.CASES[name].ours, backend="aot_eager_decomp_partition", fullgraph=True)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        compiled(*args, **kwargs)
    assert saved, "nothing saved for the backward: the test no longer looks at a backward"
    assert torch.bool not in saved, saved


def _kinks(name):
    """Inputs of the hinge losses placed exactly on their kinks, and at both sides of them; the
    scores want gradients."""
    if name == "hinge_embedding_loss":  # max(0, 1 - x) at x = 1 for the label -1
        x = torch.tensor([[1.0, 0.5, 1.5, 1.0], [0.0, 1.0, 2.0, 1.0]], requires_grad=True)
        y = torch.tensor([[-1.0, -1.0, -1.0, 1.0], [-1.0, -1.0, 1.0, -1.0]])
        return (x, y), {}
    if name == "margin_ranking_loss":  # max(0, -y (x1 - x2) + 0.5) at x1 - x2 = 0.5 for y = 1
        x1 = torch.tensor([1.5, 1.0, 2.0, 0.0, 1.0], requires_grad=True)
        x2 = torch.tensor([1.0, 1.0, 1.0, 0.5, 1.5], requires_grad=True)
        return (x1, x2, torch.tensor([1.0, 1.0, 1.0, -1.0, -1.0])), {"margin": 0.5}
    # multi_margin_loss: max(0, 1 - x_y + x_i) at x_y - x_i = 1
    x = torch.tensor([[2.0, 1.0, 0.0, 1.5], [0.0, 1.0, 0.0, -1.0], [3.0, 0.0, 2.0, 2.5]], requires_grad=True)
    return (x, torch.tensor([0, 1, 2])), {}


@pytest.mark.parametrize("name", ["hinge_embedding_loss", "margin_ranking_loss", "multi_margin_loss"])
def test_compiled_hinges_at_their_kinks_match_torch(name):
    # the recomputed masks must make the same choice at a tie as torch's kernels
    args, kwargs = _kinks(name)
    native = getattr(torch.nn.functional, name)
    torch_args, compiled_args = _fresh(args), _fresh(args)
    want = native(*torch_args, **kwargs)
    want_grads = torch.autograd.grad(want, _leaves(torch_args))
    compiled = torch.compile(bench.CASES[name].ours, backend="aot_eager_decomp_partition", fullgraph=True)
    got = compiled(*compiled_args, **kwargs)
    got_grads = torch.autograd.grad(got, _leaves(compiled_args))
    torch.testing.assert_close(got, want)
    for g, w in zip(got_grads, want_grads, strict=True):
        torch.testing.assert_close(g, w)
