"""Mixed-precision inputs: every pointwise loss returns the dtype PyTorch's kernel returns.

A drop-in replacement must not change a model's dtypes. PyTorch is not uniform here (Huber and
soft margin keep the input's dtype, BCE-with-logits the target's, most others promote), so each
case is compared with the native op rather than with a rule.
"""

from __future__ import annotations

import contextlib
import warnings

import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES

import lossnotes.functional as LF

PAIRS = [(torch.float32, torch.float64), (torch.float64, torch.float32), (torch.float16, torch.float32)]


def _cases(x, y):
    return {
        "l1_loss": (x, y),
        "mse_loss": (x, y),
        "huber_loss": (x, y),
        "smooth_l1_loss": (x, y),
        "soft_margin_loss": (x, y.sign()),
        "binary_cross_entropy_with_logits": (x, y.sigmoid()),
        "poisson_nll_loss": (x, y.abs()),
        "kl_div": (x.log_softmax(-1), y.softmax(-1)),
    }


@pytest.mark.parametrize("input_dtype, target_dtype", PAIRS, ids=lambda d: str(d).removeprefix("torch."))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_mixed_dtypes_give_torchs_output_dtype_and_value(input_dtype, target_dtype, reduction):
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, generator=gen).to(input_dtype).requires_grad_(True)
    y = torch.randn(4, 3, generator=gen).to(target_dtype)
    for name, args in _cases(x, y).items():
        warns = name == "kl_div" and reduction == "mean"  # both warn: 'mean' is not the true KL
        with pytest.warns(UserWarning, match="batchmean") if warns else contextlib.nullcontext():
            ours = getattr(LF, name)(*args, reduction=reduction)
        with pytest.warns(UserWarning, match="batchmean") if warns else contextlib.nullcontext():
            theirs = getattr(F, name)(*args, reduction=reduction)
        assert ours.dtype == theirs.dtype, f"{name}: {ours.dtype} vs torch {theirs.dtype}"
        # as exact as the least precise of the two inputs
        tol = TOLERANCES[max(input_dtype, target_dtype, key=lambda d: torch.finfo(d).eps)]
        torch.testing.assert_close(ours, theirs, **tol, msg=name)
        (g_ours,) = torch.autograd.grad(ours.sum(), x)
        # Reference gradient: the native op in float64 (torch's own mixed-dtype backward raises
        # for several of these losses, "Found dtype Double but expected Float").
        x64 = x.detach().double().requires_grad_(True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kl_div's 'mean' warning, checked above
            ref = getattr(F, name)(*_cases(x64, y.double())[name], reduction=reduction)
        (g_ref,) = torch.autograd.grad(ref.sum(), x64)
        assert g_ours.dtype == x.dtype
        torch.testing.assert_close(g_ours.double(), g_ref, **tol, msg=name)
