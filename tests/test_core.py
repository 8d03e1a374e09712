"""The package core: device selection, seeding, rounding, the reduction helper and the checks."""

from __future__ import annotations

import math
import random
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import lossnotes
from lossnotes import _checks
from lossnotes._reduction import check_reduction, legacy_get_string, reduce


def test_device_defaults_to_an_available_device(monkeypatch):
    monkeypatch.delenv("LOSSNOTES_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert lossnotes.device().type == expected


def test_device_honours_the_environment(monkeypatch):
    monkeypatch.setenv("LOSSNOTES_DEVICE", "cpu")
    assert lossnotes.device() == torch.device("cpu")


@pytest.mark.parametrize("value, match", [("tpu", "must name one of"), ("gpu0", "must name one of")])
def test_device_rejects_unknown_names(monkeypatch, value, match):
    monkeypatch.setenv("LOSSNOTES_DEVICE", value)
    with pytest.raises(ValueError, match=match):
        lossnotes.device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="only meaningful without CUDA")
def test_device_refuses_cuda_without_cuda(monkeypatch):
    monkeypatch.setenv("LOSSNOTES_DEVICE", "cuda")
    with pytest.raises(ValueError, match="CUDA is not available"):
        lossnotes.device()


def test_seed_everything_makes_every_generator_repeat():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()  # noqa: NPY002

    lossnotes.seed_everything(123)
    first = draw()
    lossnotes.seed_everything(123)
    assert draw() == first
    lossnotes.seed_everything(124)
    assert draw() != first


@pytest.mark.parametrize("bad, exc", [(1.5, TypeError), ("0", TypeError), (True, TypeError), (-1, ValueError)])
def test_seed_everything_rejects_bad_seeds(bad, exc):
    with pytest.raises(exc, match="seed"):
        lossnotes.seed_everything(bad)


def test_rounded_is_device_free_and_sign_free():
    assert lossnotes.rounded(torch.tensor([1.23456, -0.00001]), 3) == [1.235, 0.0]
    assert str(lossnotes.rounded(torch.tensor(-0.00001), 3)) == "0.0"  # no "-0.0"
    assert lossnotes.rounded(np.float32(2 / 3), 4) == 0.6667
    assert lossnotes.rounded([[1, 2.5]], 1) == [[1.0, 2.5]]


# ---- reduction -------------------------------------------------------------------------------
LOSS = torch.tensor([1.0, 2.0, 3.0, 6.0], dtype=torch.float64)
W = torch.tensor([1.0, 1.0, 2.0, 0.0], dtype=torch.float64)


def test_reduce_plain():
    assert torch.equal(reduce(LOSS, "none"), LOSS)
    assert reduce(LOSS, "sum").item() == 12.0  # 1 + 2 + 3 + 6
    assert reduce(LOSS, "mean").item() == 3.0  # 12 / 4


def test_reduce_weighted_mean_divides_by_the_weight_sum():
    # sum(w * l) = 1 + 2 + 6 + 0 = 9; sum(w) = 4  ->  9 / 4
    assert reduce(LOSS, "mean", weight=W).item() == 2.25
    assert reduce(LOSS, "sum", weight=W).item() == 9.0
    assert reduce(LOSS, "none", weight=W).tolist() == [1.0, 2.0, 6.0, 0.0]
    # scaling every weight by the same factor leaves the weighted mean unchanged
    assert reduce(LOSS, "mean", weight=10 * W).item() == pytest.approx(2.25)


def test_reduce_weighted_mean_broadcasts_the_weight():
    loss = torch.arange(6.0).reshape(2, 3)
    w = torch.tensor([1.0, 0.0, 1.0])
    # (0 + 2 + 3 + 5) / (1 + 0 + 1 + 1 + 0 + 1) = 10 / 4
    assert reduce(loss, "mean", weight=w).item() == 2.5


def test_reduce_empty_follows_torch_and_keeps_the_graph():
    empty = torch.zeros(0, requires_grad=True)
    mean = reduce(empty, "mean")
    assert math.isnan(mean.item()) and math.isnan(torch.nn.functional.l1_loss(empty, empty).item())
    assert mean.requires_grad
    assert reduce(empty, "sum").item() == 0.0


@pytest.mark.parametrize("bad", ["avg", "Mean", None, 1])
def test_unknown_reduction_raises(bad):
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        reduce(LOSS, bad)
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        check_reduction(bad)


@pytest.mark.parametrize("size_average", [None, True, False])
@pytest.mark.parametrize("reduce_", [None, True, False])
def test_legacy_flags_map_like_torch(size_average, reduce_):
    from torch.nn import _reduction as torch_reduction

    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        got = legacy_get_string(size_average, reduce_)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        want = torch_reduction.legacy_get_string(size_average, reduce_)
    assert got == want
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


# ---- checks ----------------------------------------------------------------------------------
def test_checks_name_the_argument_and_the_value():
    with pytest.raises(TypeError, match="input must be a torch.Tensor, got list"):
        _checks.check_tensor([1.0], "input")
    with pytest.raises(TypeError, match="target must be a floating-point tensor, got dtype torch.int64"):
        _checks.check_floating(torch.tensor([1]), "target")
    with pytest.raises(TypeError, match="target must be an integer tensor"):
        _checks.check_integer(torch.tensor([1.0]), "target")
    with pytest.raises(ValueError, match=r"target size \(\(3,\)\) must be the same as input size \(\(2,\)\)"):
        _checks.check_same_shape(torch.zeros(2), torch.zeros(3), "input", "target")
    with pytest.raises(ValueError, match="between 0 and 1, got 1.5"):
        _checks.check_in_range(torch.tensor([0.5, 1.5]), "input", 0, 1)
    with pytest.raises(ValueError, match=r"class index 3, outside the valid range \[0, 2\]"):
        _checks.check_class_indices(torch.tensor([0, 3]), 3)
    _checks.check_class_indices(torch.tensor([0, -100]), 3, ignore_index=-100)  # ignored: no error
    _checks.check_in_range(torch.tensor([0.0, 1.0]), "input", 0, 1)  # bounds included: no error


def test_importing_lossnotes_does_not_import_paddle():
    code = "import sys, lossnotes, lossnotes.plotting; print('paddle' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
