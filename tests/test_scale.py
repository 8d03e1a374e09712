"""Tests for lossnotes.scale.linear_cross_entropy: against torch's reference path
(``options=None``, which builds the full logits), against ``cross_entropy(x @ W.T + b, y)``,
gradients, chunking, errors and peak memory."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
import textwrap

import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES, assert_matches

from lossnotes.scale import CHUNK_BYTES, CHUNK_BYTES_ACCELERATOR, auto_chunk_rows, linear_cross_entropy

REDUCTIONS = ("none", "mean", "sum")
DTYPES = (torch.float32, torch.float64)
Options = torch.nn.LinearCrossEntropyOptions


def _case(seed, dtype, *, out_features=(), prob=False, bias=True, ignore=None, n=7, d=5, c=6):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, dtype=dtype, generator=g)
    w = torch.randn(c, *out_features, d, dtype=dtype, generator=g)
    b = torch.randn(c, *out_features, dtype=dtype, generator=g) if bias else None
    if prob:
        y = torch.randn(n, c, *out_features, dtype=dtype, generator=g).softmax(1)
    else:
        y = torch.randint(0, c, (n, *out_features), generator=g)
        if ignore is not None:
            y.view(-1)[::3] = ignore
    return x, w, b, y


def _lce(fn, **kwargs):
    """``fn`` (a linear cross entropy) with the arguments in the order (input, weight, bias, target)."""
    return lambda x, w, b, y: fn(x, w, y, linear_bias=b, **kwargs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("out_features", [(), (3,)])
def test_class_indices_match_torch_every_option(dtype, reduction, out_features):
    for seed, (weighted, bias, smoothing, ignore) in enumerate(
        itertools.product([False, True], [False, True], [0.0, 0.25], [None, 2])
    ):
        x, w, b, y = _case(seed, dtype, out_features=out_features, bias=bias, ignore=ignore)
        cw = torch.rand(6, dtype=dtype) + 0.1 if weighted else None
        kwargs = dict(weight=cw, reduction=reduction, ignore_index=ignore, label_smoothing=smoothing)
        for rows in (1, 3, None):  # several chunks, uneven chunks, the automatic size
            options = None if rows is None else Options(batch_chunk_size=rows)
            assert_matches(_lce(linear_cross_entropy, options=options, **kwargs),
                           _lce(F.linear_cross_entropy, **kwargs), x, w, b, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("out_features", [(), (2,)])
def test_probability_targets_match_torch_every_option(dtype, reduction, out_features):
    for seed, (weighted, bias, smoothing) in enumerate(
        itertools.product([False, True], [False, True], [0.0, 0.3])
    ):
        x, w, b, y = _case(seed, dtype, out_features=out_features, bias=bias, prob=True)
        cw = torch.rand(6, dtype=dtype) + 0.1 if weighted else None
        kwargs = dict(weight=cw, reduction=reduction, label_smoothing=smoothing)
        # the gradients include d loss / d target
        assert_matches(_lce(linear_cross_entropy, options=Options(batch_chunk_size=2), **kwargs),
                       _lce(F.linear_cross_entropy, **kwargs), x, w, b, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_equals_cross_entropy_of_linear(reduction):
    # the identity the function is named after, with torch's own ops on the full logits
    x, w, b, y = _case(11, torch.float64, n=40, d=8, c=30)
    got = linear_cross_entropy(x, w, y, linear_bias=b, reduction=reduction, label_smoothing=0.1,
                               options=Options(batch_chunk_size=16))
    want = F.cross_entropy(x @ w.T + b, y, reduction=reduction, label_smoothing=0.1)
    torch.testing.assert_close(got, want, **TOLERANCES[torch.float64])


def test_unbatched_input():
    x, w, b, y = _case(12, torch.float64)
    for target in (y[0], F.one_hot(y[0], 6).double()):
        for reduction in REDUCTIONS:
            got = linear_cross_entropy(x[0], w, target, linear_bias=b, reduction=reduction)
            want = F.linear_cross_entropy(x[0], w, target, linear_bias=b, reduction=reduction)
            assert got.shape == want.shape == ()
            torch.testing.assert_close(got, want, **TOLERANCES[torch.float64])


def test_hand_value():
    # logits of row 1: (1, 0) + bias (0, 1) = (1, 1): loss log 2 for either class.
    # row 2: (0, 2) + (0, 1) = (0, 3), target 0: logsumexp - 0 = log(1 + e^3) = 3.048587
    x = torch.tensor([[1.0, 0.0], [0.0, 2.0]], dtype=torch.float64)
    w = torch.eye(2, dtype=torch.float64)
    b = torch.tensor([0.0, 1.0], dtype=torch.float64)
    got = linear_cross_entropy(x, w, torch.tensor([1, 0]), linear_bias=b, reduction="none")
    torch.testing.assert_close(got, torch.tensor([math.log(2), math.log1p(math.exp(3))], dtype=torch.float64))
    # ignore_index drops row 2 from the sum and from the mean's denominator
    mean = linear_cross_entropy(x, w, torch.tensor([1, -100]), linear_bias=b)
    assert mean.item() == pytest.approx(math.log(2))


def test_gradcheck_float64():
    x, w, b, y = _case(13, torch.float64, n=5, d=3, c=4, ignore=1)
    cw = torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=torch.float64)
    options = Options(batch_chunk_size=2)
    leaves = [t.requires_grad_() for t in (x, w, b)]
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda x, w, b, reduction=reduction: linear_cross_entropy(
                x, w, y, linear_bias=b, weight=cw, ignore_index=1, label_smoothing=0.2,
                reduction=reduction, options=options), leaves)
    q = torch.rand(5, 4, dtype=torch.float64).softmax(1).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda x, w, q: linear_cross_entropy(x, w, q, weight=cw, label_smoothing=0.1, options=options),
        (x, w, q))


def test_second_backward_with_retain_graph():
    x, w, b, y = _case(14, torch.float64)
    x.requires_grad_()
    loss = linear_cross_entropy(x, w, y, linear_bias=b, options=Options(batch_chunk_size=2))
    (first,) = torch.autograd.grad(loss, x, retain_graph=True)
    (second,) = torch.autograd.grad(loss, x)
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    # and it is the gradient of the full-logit cross entropy
    x2 = x.detach().clone().requires_grad_()
    (want,) = torch.autograd.grad(F.cross_entropy(x2 @ w.T + b, y), x2)
    torch.testing.assert_close(first, want, **TOLERANCES[torch.float64])


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gradients_from_the_forward_pass_scale_with_the_incoming_gradient(reduction):
    # with 'mean' / 'sum' the gradients are formed in the forward pass and scaled afterwards:
    # an incoming gradient of 2.5 must give 2.5 times torch's gradients, for every leaf
    for prob in (False, True):
        x, w, b, y = _case(19, torch.float64, prob=prob, ignore=None if prob else 2)
        kwargs = dict(reduction=reduction, label_smoothing=0.1, weight=torch.rand(6, dtype=torch.float64) + 0.5)
        if not prob:
            kwargs["ignore_index"] = 2
        leaves = [t.detach().clone().requires_grad_() for t in ((x, w, b, y) if prob else (x, w, b))]
        target = leaves[3] if prob else y
        loss = linear_cross_entropy(leaves[0], leaves[1], target, linear_bias=leaves[2],
                                    options=Options(batch_chunk_size=3), **kwargs)
        got = torch.autograd.grad(loss * 2.5, leaves)
        ref_leaves = [t.detach().clone().requires_grad_() for t in leaves]
        ref_target = ref_leaves[3] if prob else y
        ref = F.linear_cross_entropy(ref_leaves[0], ref_leaves[1], ref_target, linear_bias=ref_leaves[2], **kwargs)
        want = torch.autograd.grad(ref * 2.5, ref_leaves)
        torch.testing.assert_close(loss, ref, **TOLERANCES[torch.float64])
        for u, v in zip(got, want, strict=True):
            torch.testing.assert_close(u, v, **TOLERANCES[torch.float64])


def test_no_grad_computes_no_gradients(monkeypatch):
    # under torch.no_grad the forward pass must not form gradients (3 matmuls instead of 1)
    import lossnotes.scale as scale

    calls = []  # one entry per pass over the chunks: whether it formed gradients (a scale given)
    one_pass = scale._chunk_pass
    monkeypatch.setattr(scale, "_chunk_pass",
                        lambda *a, **k: calls.append(int(len(a) > 10 and a[10] is not None)) or one_pass(*a, **k))
    x, w, b, y = _case(21, torch.float64)
    leaves = [t.requires_grad_() for t in (x, w, b)]
    with torch.no_grad():
        got = linear_cross_entropy(leaves[0], leaves[1], y, linear_bias=leaves[2])
    assert calls == [0] and not got.requires_grad
    torch.testing.assert_close(got, F.cross_entropy(x.detach() @ w.detach().T + b.detach(), y),
                               **TOLERANCES[torch.float64])
    linear_cross_entropy(leaves[0], leaves[1], y, linear_bias=leaves[2]).backward()
    assert calls == [0, 1]


def test_second_backward_unaffected_by_edits_of_the_first_gradients():
    # the first backward hands its gradients over; editing them in place must not change what
    # a second backward (retain_graph=True) returns
    x, w, b, y = _case(20, torch.float64)
    leaves = [t.requires_grad_() for t in (x, w, b)]
    loss = linear_cross_entropy(*leaves[:2], y, linear_bias=leaves[2], reduction="sum",
                                options=Options(batch_chunk_size=2))
    first = torch.autograd.grad(loss, leaves, retain_graph=True)
    kept = [g.clone() for g in first]
    for g in first:
        g.zero_()
    second = torch.autograd.grad(loss, leaves)
    for u, v in zip(second, kept, strict=True):
        torch.testing.assert_close(u, v, rtol=0, atol=0)
    ref = [t.detach().clone().requires_grad_() for t in (x, w, b)]
    want = torch.autograd.grad(F.cross_entropy(ref[0] @ ref[1].T + ref[2], y, reduction="sum"), ref)
    for u, v in zip(second, want, strict=True):
        torch.testing.assert_close(u, v, **TOLERANCES[torch.float64])


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_low_precision_keeps_dtype_and_tracks_torch(dtype):
    x, w, b, y = _case(15, torch.float32, n=16, d=8, c=20)
    x, w, b = x.to(dtype), w.to(dtype), b.to(dtype)
    # looser than TOLERANCES[float16]: torch sums the half-precision logits in one pass, lossnotes
    # chunk by chunk, and the rounding of each partial sum shows in the gradients
    assert_matches(_lce(linear_cross_entropy, options=Options(batch_chunk_size=5)), _lce(F.linear_cross_entropy),
                   x, w, b, y, tol=dict(rtol=5e-2, atol=2e-2))
    assert linear_cross_entropy(x, w, y, linear_bias=b).dtype == dtype


def test_auto_chunk_rows_follows_the_memory_budget():
    cpu, gpu = torch.device("cpu"), torch.device("cuda")
    # 16000 float32 columns are 64,000 bytes a row
    assert auto_chunk_rows(10**6, 16000, torch.float32, cpu) == CHUNK_BYTES["cpu"] // 64000
    assert auto_chunk_rows(10**6, 16000, torch.float32, gpu) == CHUNK_BYTES_ACCELERATOR // 64000
    # float16 logits are accumulated in float32; float64 take twice the room
    assert auto_chunk_rows(10**6, 16000, torch.float16, cpu) == CHUNK_BYTES["cpu"] // 64000
    assert auto_chunk_rows(10**6, 16000, torch.float64, cpu) == CHUNK_BYTES["cpu"] // 128000
    # clamped to [1, N]
    assert auto_chunk_rows(10, 16000, torch.float32, cpu) == 10
    assert auto_chunk_rows(10, 10**9, torch.float32, cpu) == 1


def test_options_chunking_method_conflict_raises_like_torch():
    # aspect_ratio: ceil(C / d) = 8, ceil(N / 8) = 8 rows, which 4 contradicts
    x, w, _, y = _case(17, torch.float32, n=64, d=4, c=32)
    options = Options(batch_chunk_size=4, chunking_method="aspect_ratio")
    with pytest.raises(ValueError, match="give different chunk sizes"):
        F.linear_cross_entropy(x, w, y, options=options)
    with pytest.raises(ValueError, match="give different chunk sizes"):
        linear_cross_entropy(x, w, y, options=options)
    agreeing = linear_cross_entropy(
        x, w, y, options=Options(batch_chunk_size=8, chunking_method="aspect_ratio"))
    torch.testing.assert_close(agreeing, F.cross_entropy(x @ w.T, y))


def _bad_calls():
    """(args, kwargs, torch's exception, ours, our message)."""
    x, w, _, y = _case(18, torch.float32)
    one_hot = F.one_hot(y, 6)
    return [
        ((x, w, y), dict(label_smoothing=1.5), RuntimeError, ValueError, "label_smoothing must be between"),
        ((x, w, torch.tensor([0, 1, 6, 2, 0, 1, 2])), {}, IndexError, ValueError, "class index 6"),
        ((x, w, y[:3]), {}, ValueError, ValueError, r"target must have shape \(7,\)"),
        ((x, w, y), dict(weight=torch.ones(4)), RuntimeError, RuntimeError, r"weight must have shape \(6,\)"),
        ((x, w.double(), y), {}, RuntimeError, RuntimeError, "linear_weight dtype torch.float64 must match"),
        ((x, w, y), dict(linear_bias=torch.ones(4)), RuntimeError, RuntimeError,
         r"linear_bias must have shape \(6,\)"),
        ((x, w, one_hot.float()), dict(ignore_index=1), RuntimeError, RuntimeError,
         "ignore_index cannot be specified"),
        ((x, w, one_hot), {}, RuntimeError, TypeError, "probability target must be floating point"),
        ((x.unsqueeze(0), w, y), {}, RuntimeError, RuntimeError, r"input must be \(N, in_features\)"),
        ((x[0], torch.randn(6, 2, 5), y[0]), {}, RuntimeError, RuntimeError, "needs batched input"),
        ((x, w[:, :4], y), {}, RuntimeError, RuntimeError, "must share their last dimension"),
        ((x, w, y), dict(reduction="avg"), ValueError, ValueError, "is not a valid value for reduction"),
    ]


@pytest.mark.parametrize(("args", "kwargs", "torch_error", "our_error", "match"), _bad_calls())
def test_bad_input_raises_where_torch_raises(args, kwargs, torch_error, our_error, match):
    with pytest.raises(torch_error):
        F.linear_cross_entropy(*args, **kwargs)
    with pytest.raises(our_error, match=match):
        linear_cross_entropy(*args, **kwargs)


_MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, re, sys
    import torch
    import torch.nn.functional as F
    from lossnotes.scale import linear_cross_entropy

    torch.manual_seed(0)
    n, d, v = 4096, 64, 16000
    x = torch.randn(n, d, requires_grad=True)
    w = (torch.randn(v, d) * 0.05).requires_grad_()
    y = torch.randint(0, v, (n,))

    def step(x, w, y):
        if sys.argv[1] == "naive":
            F.cross_entropy(x @ w.T, y).backward()
        else:
            linear_cross_entropy(x, w, y).backward()

    def status_kib(field):
        with open("/proc/self/status") as f:
            return int(re.search(field + r":\\s+(\\d+) kB", f.read()).group(1))

    step(x[:8].detach().requires_grad_(), w[:50].detach().requires_grad_(), y[:8] % 50)  # warm-up
    # getrusage's ru_maxrss would be no use: Linux carries it over from the parent through
    # fork / exec, so a child of a large pytest process starts with the parent's peak. The
    # peak of this process's own memory map (VmHWM), reset here, is this step's alone.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base = status_kib("VmRSS")
    step(x, w, y)
    peak = status_kib("VmHWM")
    print(json.dumps({"base_kib": base, "peak_kib": peak}))
    """
)


def test_peak_memory_is_a_fraction_of_the_full_logits():
    # N = 4096 rows and V = 16000 classes: the full float32 logits alone are 262 MB, and the
    # naive forward + backward holds several such tensors. Measured as the growth of the peak
    # resident set of a fresh process, so allocations outside torch's view count too.
    runs = {kind: subprocess.Popen([sys.executable, "-c", _MEMORY_SCRIPT, kind], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
            for kind in ("naive", "lossnotes")}  # separate processes, run side by side
    growth = {}
    for kind, proc in runs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        rss = json.loads(stdout.strip().splitlines()[-1])
        growth[kind] = rss["peak_kib"] - rss["base_kib"]
    assert growth["naive"] > 262_144  # KiB: at least the 262 MB of logits, or the test is void
    assert growth["lossnotes"] / growth["naive"] < 0.3, growth


@pytest.mark.filterwarnings("ignore:`torch.jit.script_method` is deprecated:DeprecationWarning")  # torch's own
@pytest.mark.parametrize("backend", ["aot_eager", "inductor"])
def test_compiled_matches_torch(backend):
    # under torch.compile the chunk passes run as custom operators; every reduction, with and
    # without a bias, class indices (some ignored, label smoothing) and probability targets
    import torch._dynamo

    cases = [(reduction, bias, prob) for reduction in REDUCTIONS for bias in (False, True) for prob in (False, True)]
    if backend == "inductor":  # slower to compile: one case of each target kind
        cases = [("mean", True, False), ("none", False, True)]
    for seed, (reduction, bias, prob) in enumerate(cases):
        torch._dynamo.reset()  # a fresh cache each time: no case may fall back to eager
        x, w, b, y = _case(seed, torch.float64, bias=bias, prob=prob, ignore=None if prob else 2)
        kwargs = dict(reduction=reduction, label_smoothing=0.2, options=Options(batch_chunk_size=3))
        if not prob:
            kwargs["ignore_index"] = 2
        compiled = torch.compile(_lce(linear_cross_entropy, **kwargs), backend=backend, fullgraph=True)
        torch_kwargs = {k: v for k, v in kwargs.items() if k != "options"}
        assert_matches(compiled, _lce(F.linear_cross_entropy, **torch_kwargs), x, w, b, y)


def test_compiled_peak_memory_stays_chunked():
    # Traced, the chunk loop became one graph whose memory plan kept every chunk's logits alive:
    # 500 MiB at N = 2048, d = 256, V = 32000, twice the 250 MiB of the full logits (eager:
    # 96 MiB). As custom operators the compiled step holds what eager holds.
    from lossnotes import bench

    sizes = bench.Sizes(**{**bench.SIZES["smoke"].__dict__, "lce": (2048, 128, 32000)})
    eager = bench.measure_peak("linear_cross_entropy", "lossnotes", sizes, "cpu")
    compiled = bench.measure_peak("linear_cross_entropy", "lossnotes compiled", sizes, "cpu")
    logits = 2048 * 32000 * 4
    assert eager < 0.5 * logits, eager / 2**20
    assert compiled <= 1.25 * eager, (compiled / 2**20, eager / 2**20)
