"""lossnotes under ``torch.autocast`` behaves as PyTorch's own losses do.

Inside a CPU autocast region (bfloat16 and float16), for every loss of the catalogue that has a
torch op, on the example inputs given in low precision and in float32: the result has torch's
dtype (float32 for the losses autocast runs in float32, the low dtype for the composites it
does not list), the same value, and gradients of the same dtype and value. Outside autocast
nothing changes (the other test modules check that). The reference is always torch's native
op, called in the same region on the same inputs.

The CUDA branch of the policy (``binary_cross_entropy`` refused) cannot run without a GPU; the
policy function is checked on its own with autocast reported as enabled for another device.
"""

from __future__ import annotations

import pytest
import torch

import lossnotes._numerics as N
import lossnotes.functional as LF
from lossnotes import catalog
from lossnotes.examples import make_inputs

TORCH_RECORDS = [r for r in catalog.CATALOG if r.torch_op is not None]
LOW = [torch.bfloat16, torch.float16]


def _call(name, fn, args, kwargs):
    """``fn(*args, **kwargs)``; for CTC through a log-softmax of the leaf: torch's CTC backward
    returns the gradient through a log-softmax it assumes, lossnotes the true one, and the two
    agree as gradients of the logits (tests/test_sequence.py)."""
    if name == "ctc_loss":
        return fn(args[0].log_softmax(-1), *args[1:], **kwargs)
    return fn(*args, **kwargs)


def _tol(exact: bool) -> dict:
    return {"rtol": 1e-5, "atol": 1e-6} if exact else {"rtol": 2e-2, "atol": 2e-2}


@pytest.mark.parametrize("input_dtype", [torch.float32, "low"], ids=["float32-in", "low-in"])
@pytest.mark.parametrize("low", LOW, ids=lambda d: str(d).rpartition(".")[2])
@pytest.mark.parametrize("record", TORCH_RECORDS, ids=lambda r: r.name)
def test_autocast_cpu_matches_torch(record, low, input_dtype):
    dtype = low if input_dtype == "low" else input_dtype
    theirs_fn, ours_fn = catalog.resolve(record.torch_op), record.resolve()
    outcomes = []
    for fn in (theirs_fn, ours_fn):
        args, kwargs = make_inputs(record.name, seed=0, dtype=dtype)
        leaves = [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad]
        with torch.autocast("cpu", dtype=low):
            out = _call(record.name, fn, args, kwargs)
        outcomes.append((out, torch.autograd.grad(out.float().sum(), leaves, allow_unused=True)))
    theirs, ours = outcomes
    (t_out, t_grads), (o_out, o_grads) = theirs, ours
    assert o_out.dtype == t_out.dtype, (o_out.dtype, t_out.dtype)
    # float32 results agree to float32 rounding; a linear layer's logits are rounded to the low
    # dtype in torch, not in lossnotes, and low-precision results differ in their last bits
    exact = t_out.dtype == torch.float32 and record.name not in N.AUTOCAST_LINEAR_THEN_FP32
    torch.testing.assert_close(o_out.float(), t_out.float(), **_tol(exact))
    for tg, og in zip(t_grads, o_grads, strict=True):
        if tg is None or og is None:
            assert (tg is None or not tg.any()) and (og is None or not og.any())
            continue
        assert og.dtype == tg.dtype
        torch.testing.assert_close(og.float(), tg.float(), **_tol(exact and tg.dtype == torch.float32))


def test_the_cpu_list_is_what_torch_does():
    # every name autocast runs in float32 on the CPU returns float32 from torch's own op there,
    # on bfloat16 inputs; a name left off the list returns bfloat16 (or has no bfloat16 kernel)
    for record in TORCH_RECORDS:
        args, kwargs = make_inputs(record.name, seed=0, dtype=torch.bfloat16)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            try:
                out = _call(record.name, catalog.resolve(record.torch_op), args, kwargs)
            except (NotImplementedError, RuntimeError):
                assert record.name not in N.AUTOCAST_FP32_CPU, record.name
                continue
        listed = record.name in N.AUTOCAST_FP32_CPU | N.AUTOCAST_LINEAR_THEN_FP32
        assert (out.dtype == torch.float32) == listed, (record.name, out.dtype)


def test_binary_cross_entropy_is_refused_off_the_cpu(monkeypatch):
    # torch's CUDA autocast replaces aten::binary_cross_entropy with a kernel that raises a
    # RuntimeError beginning with these words (aten/src/ATen/autocast_mode.cpp)
    torch_words = "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast"
    p = torch.rand(4, device="meta")
    monkeypatch.setattr(torch.amp, "is_autocast_available", lambda device_type: True)
    monkeypatch.setattr(torch, "is_autocast_enabled", lambda device_type=None: device_type == "meta")
    with pytest.raises(RuntimeError, match=torch_words):
        LF.binary_cross_entropy(p, p)
    # the logits form is on the float32 list instead: its inputs are cast and it runs
    q = torch.rand(4, device="meta", dtype=torch.float16)
    monkeypatch.setattr(torch, "autocast", _NoAutocast)
    assert LF.binary_cross_entropy_with_logits(q, q).dtype == torch.float32


class _NoAutocast:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_device_type_without_autocast_is_left_alone():
    # the meta device has no autocast: asking it whether autocast is on raises, so the policy
    # must not ask; the loss then runs as torch's does (shapes and dtypes only, no data)
    x, y = torch.randn(4, 3, device="meta"), torch.randn(4, 3, device="meta", dtype=torch.float16)
    for reduction in ("none", "mean"):
        theirs = torch.nn.functional.mse_loss(x, y, reduction=reduction)
        ours = LF.mse_loss(x, y, reduction=reduction)
        assert (ours.device, ours.shape, ours.dtype) == (theirs.device, theirs.shape, theirs.dtype)
