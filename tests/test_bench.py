"""The benchmark runs, covers every loss, and measures what it claims to measure."""

from __future__ import annotations

import json
import math

import pytest

import lossnotes
import lossnotes.functional as LF
from lossnotes import bench


@pytest.fixture(scope="module")
def smoke_rows() -> list[bench.Row]:
    """Every case at tiny sizes, two timing rounds, no memory processes."""
    return bench.run("smoke", rounds=2, memory=False)


def test_every_torch_loss_is_benchmarked():
    # every torch loss against torch; the extras with a reference library against that library
    assert set(bench.CASES) == set(LF.TORCH_LOSSES) | set(bench.LIBRARY_CASES)
    assert set(bench.LIBRARY_CASES) <= set(LF.EXTRA_LOSSES)
    for case in bench.CASES.values():
        assert case.ours is getattr(LF, case.name)
        assert case.references


def test_smoke_run_gives_finite_time_ratios(smoke_rows):
    expected = sum(len(case.references) for case in bench.CASES.values())
    assert len(smoke_rows) == expected
    assert {row.loss for row in smoke_rows} == set(bench.CASES)
    for row in smoke_rows:
        assert math.isfinite(row.time_ratio) and row.time_ratio > 0, row
        assert row.impl_ms > 0 and row.reference_ms > 0, row
        assert row.memory_ratio is None  # memory=False
    lce = {row.reference for row in smoke_rows if row.loss == "linear_cross_entropy"}
    assert lce == {"naive", "torch", "torch chunked"}


def test_median_of_paired_ratios():
    # pairs (2, 1), (4, 1), (6, 3): ratios 2, 4, 2, median 2 (the ratio of medians would be 4)
    assert bench._median_ratio([2.0, 4.0, 6.0], [1.0, 1.0, 3.0]) == 2.0


def test_cli_writes_json_and_table(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert bench.main(["--smoke", "--only", "mse_loss", "linear_cross_entropy", "--rounds", "2",
                       "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "time ratio" in out and "mem ratio" in out
    assert "mse_loss" in out and "torch chunked" in out
    payload = json.loads(path.read_text())
    assert payload["size"] == "smoke"
    assert [r["loss"] for r in payload["rows"]] == ["mse_loss"] + ["linear_cross_entropy"] * 3
    for row in payload["rows"]:
        assert math.isfinite(row["time_ratio"])
        assert row["impl_mib"] is not None and row["impl_mib"] >= 0
        assert row["reference_mib"] is not None and row["reference_mib"] >= 0


def test_unknown_loss_is_rejected():
    with pytest.raises(ValueError, match="unknown loss name"):
        bench.run("smoke", only=["mse"], memory=False)


def test_peak_memory_sees_the_step_allocations():
    # mse_loss on a (1024, 1024) float32 input: the backward pass must allocate the input's
    # gradient, 1024 * 1024 * 4 B = 4 MiB, so the peak is at least that; and a step of an
    # element-wise loss holds a handful of such tensors, not hundreds.
    # (The linear-cross-entropy memory claim is asserted in test_scale.py.)
    sizes = bench.Sizes(**{**bench.SIZES["smoke"].__dict__, "rows": 1024, "cols": 1024})
    peak = bench.measure_peak("mse_loss", "torch", sizes, lossnotes.device())
    assert 4 * 2**20 <= peak <= 64 * 2**20, peak / 2**20
