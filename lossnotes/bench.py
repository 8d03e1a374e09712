"""Benchmark: every lossnotes loss against PyTorch's native op, forward plus backward, float32.

Run ``python -m lossnotes.bench`` (``--quick`` for a run of a minute or two on a laptop CPU,
``--compile`` to add lossnotes under ``torch.compile``, ``--json PATH`` to save the results,
``--threads 1`` for steadier CPU timings on a machine shared with other work: a multi-threaded
kernel waits for its slowest thread, so one busy core can multiply its time).

Two numbers per loss, both ratios lossnotes / native (below 1 means lossnotes is cheaper):

* **time**: the native op and lossnotes run alternately in one process, round after round on the
  same inputs; each round gives one ratio of the two wall times, and the table shows the median
  ratio. Pairing cancels most of the drift a shared machine adds (clock boost, other load).
* **peak memory**: each (loss, implementation) runs again in a fresh process, forked from a
  server that has imported torch but run nothing: one warm-up step (lazy initialisation,
  compilation), then the measured step. On a GPU the number is
  ``torch.cuda.max_memory_allocated`` above what was allocated before the call; on the CPU it is
  the peak resident set size above the resident size before the call (large blocks are forced to
  ``mmap`` so that freed memory leaves the process and a peak is a real peak).

The losses PyTorch does not ship are compared with the reference library the tests check them
against, where one has them: the box losses and the sigmoid focal loss with ``torchvision.ops``,
the Dice, Tversky and Lovász losses with ``kornia.losses`` (both test-only dependencies, imported
when those rows run), and the GAN losses with the same formula written with PyTorch's
``binary_cross_entropy_with_logits``.

Linear cross entropy gets extra rows: lossnotes against the naive ``cross_entropy(x @ W.T, y)``,
against ``torch.nn.functional.linear_cross_entropy`` and against the same with its batch-chunking
option (``options=LinearCrossEntropyOptions()``).

This module calls PyTorch's loss ops on purpose: it is the comparison harness, not a loss.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as TF

import lossnotes
from lossnotes import functional as LF
from lossnotes.examples import (
    SIZES,
    Sizes,
    _bce,
    _bce_logits,
    _binary_mask,
    _boxes,
    _class_index,
    _cosine_embedding,
    _critic_fake,
    _critic_pair,
    _ctc,
    _gaussian,
    _hinge_embedding,
    _kl,
    _lce,
    _log_probs_index,
    _margin_ranking,
    _multilabel_margin,
    _multilabel_soft,
    _poisson,
    _regression,
    _segmentation,
    _soft_margin,
    _triplet,
)

__all__ = ["CASES", "SIZES", "Row", "main", "measure_peak", "run", "time_ratios"]

# The sizes and the per-loss input makers live in lossnotes.examples: the tests use them too.

# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


def _naive_linear_cross_entropy(input, linear_weight, target):
    return TF.cross_entropy(input @ linear_weight.T, target)


def _torch_chunked_linear_cross_entropy(input, linear_weight, target):
    return TF.linear_cross_entropy(input, linear_weight, target,
                                   options=torch.nn.LinearCrossEntropyOptions())


@dataclass(frozen=True)
class Case:
    """One loss: how to make its inputs, and the implementations to compare.

    ``references`` maps a label to a native callable; lossnotes is compared with each.
    """

    name: str
    make: Callable
    ours: Callable
    references: dict[str, Callable] = field(default_factory=dict)


def _case(name: str, make: Callable) -> Case:
    return Case(name, make, getattr(LF, name), {"torch": getattr(TF, name)})


CASES: dict[str, Case] = {c.name: c for c in (
    _case("l1_loss", _regression),
    _case("mse_loss", _regression),
    _case("huber_loss", _regression),
    _case("smooth_l1_loss", _regression),
    _case("poisson_nll_loss", _poisson),
    _case("gaussian_nll_loss", _gaussian),
    _case("binary_cross_entropy", _bce),
    _case("binary_cross_entropy_with_logits", _bce_logits),
    _case("cross_entropy", _class_index),
    _case("nll_loss", _log_probs_index),
    _case("kl_div", _kl),
    _case("soft_margin_loss", _soft_margin),
    _case("multilabel_soft_margin_loss", _multilabel_soft),
    _case("multi_margin_loss", _class_index),
    _case("multilabel_margin_loss", _multilabel_margin),
    _case("margin_ranking_loss", _margin_ranking),
    _case("hinge_embedding_loss", _hinge_embedding),
    _case("cosine_embedding_loss", _cosine_embedding),
    _case("triplet_margin_loss", _triplet),
    _case("triplet_margin_with_distance_loss", _triplet),
    _case("ctc_loss", _ctc),
    Case("linear_cross_entropy", _lce, LF.linear_cross_entropy, {
        "naive": _naive_linear_cross_entropy,
        "torch": TF.linear_cross_entropy,
        "torch chunked": _torch_chunked_linear_cross_entropy,
    }),
)}



# -- the reference libraries' losses (imported on first use: they are test-only dependencies) ----


def _torchvision(name: str) -> Callable:
    def call(*args, **kwargs):
        from lossnotes._references import torchvision_ops

        return getattr(torchvision_ops(), name)(*args, **kwargs)

    call.__name__ = f"torchvision_{name}"
    return call


def _kornia(name: str, **fixed) -> Callable:
    def call(*args, **kwargs):
        import kornia.losses

        return getattr(kornia.losses, name)(*args, **fixed, **kwargs)

    call.__name__ = f"kornia_{name}"
    return call


def _mean(make: Callable) -> Callable:
    """``make`` with ``reduction='mean'`` added (torchvision's losses default to ``'none'``)."""

    def make_mean(sizes: Sizes, dev):
        args, kwargs = make(sizes, dev)
        return args, {**kwargs, "reduction": "mean"}

    return make_mean


def _lovasz_hinge_kornia(input, target):
    # kornia's lovasz_hinge_loss takes (B, 1, H, W) logits and (B, H, W) targets
    return _kornia("lovasz_hinge_loss")(input.unsqueeze(1), target)


def _bce_discriminator(real, fake):
    return (TF.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + TF.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


def _bce_generator(fake):
    return TF.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))


LIBRARY_CASES: dict[str, Case] = {c.name: c for c in (
    Case("iou_loss", _mean(_boxes), LF.iou_loss, {}),
    Case("generalized_box_iou_loss", _mean(_boxes), LF.generalized_box_iou_loss,
         {"torchvision": _torchvision("generalized_box_iou_loss")}),
    Case("distance_box_iou_loss", _mean(_boxes), LF.distance_box_iou_loss,
         {"torchvision": _torchvision("distance_box_iou_loss")}),
    Case("complete_box_iou_loss", _mean(_boxes), LF.complete_box_iou_loss,
         {"torchvision": _torchvision("complete_box_iou_loss")}),
    Case("sigmoid_focal_loss", _mean(_bce_logits), LF.sigmoid_focal_loss,
         {"torchvision": _torchvision("sigmoid_focal_loss")}),
    Case("dice_loss", _segmentation, LF.dice_loss, {"kornia": _kornia("dice_loss")}),
    Case("tversky_loss", _segmentation, LF.tversky_loss,
         {"kornia": _kornia("tversky_loss", alpha=0.5, beta=0.5)}),
    Case("lovasz_softmax_loss", _segmentation, LF.lovasz_softmax_loss,
         {"kornia": _kornia("lovasz_softmax_loss")}),
    Case("lovasz_hinge_loss", _binary_mask, LF.lovasz_hinge_loss, {"kornia": _lovasz_hinge_kornia}),
    Case("gan_discriminator_loss", _critic_pair, LF.gan_discriminator_loss, {"torch": _bce_discriminator}),
    Case("gan_generator_loss", _critic_fake, LF.gan_generator_loss, {"torch": _bce_generator}),
)}
LIBRARY_CASES = {name: case for name, case in LIBRARY_CASES.items() if case.references}
CASES.update(LIBRARY_CASES)

OURS = "lossnotes"
COMPILED = "lossnotes compiled"


def _implementations(case: Case, compiled: bool) -> dict[str, Callable]:
    impls = dict(case.references)
    impls[OURS] = case.ours
    if compiled:
        impls[COMPILED] = torch.compile(case.ours, dynamic=False)
    return impls


def _inputs(case: Case, sizes: Sizes, dev: torch.device, seed: int = 0):
    torch.manual_seed(seed)
    return case.make(sizes, dev)


def _step(fn: Callable, args: tuple, kwargs: dict) -> None:
    """One forward and backward pass; gradients are dropped first so every step allocates alike."""
    for a in args:
        if isinstance(a, torch.Tensor) and a.requires_grad:
            a.grad = None
    loss = fn(*args, **kwargs)
    loss.backward()


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    elif dev.type == "mps":
        torch.mps.synchronize()


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------


def time_ratios(impls: dict[str, Callable], args: tuple, kwargs: dict, dev: torch.device,
                rounds: int, warmup: int = 1, budget_s: float = 0.0,
                max_rounds: int = 0) -> dict[str, list[float]]:
    """Time every implementation once per round, interleaved; return each one's wall times (s).

    The order inside a round rotates, so no implementation always runs first (right after
    another's memory was freed) or last. At least ``rounds`` rounds run; cheap cases run more,
    up to ``max_rounds``, while the estimated total stays within ``budget_s`` seconds.
    """
    names = list(impls)
    start = time.perf_counter()
    for _ in range(warmup):
        for name in names:
            _step(impls[name], args, kwargs)
    _sync(dev)
    per_round = (time.perf_counter() - start) / max(warmup, 1)
    if budget_s > 0 and max_rounds > rounds and per_round > 0:
        rounds = max(rounds, min(max_rounds, int(budget_s / per_round)))
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            _sync(dev)
            start = time.perf_counter()
            _step(impls[name], args, kwargs)
            _sync(dev)
            times[name].append(time.perf_counter() - start)
    return times


def _median_ratio(ours: list[float], ref: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(ours, ref, strict=True))


# ---------------------------------------------------------------------------------------------
# Peak memory, in a fresh process each
# ---------------------------------------------------------------------------------------------

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_now() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def _rss_peak_reset() -> bool:
    """Reset the kernel's peak-RSS counter (Linux >= 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _rss_peak() -> int:
    with open("/proc/self/status") as f:
        match = re.search(r"VmHWM:\s+(\d+) kB", f.read())
    if match is None:
        raise RuntimeError("cannot read VmHWM from /proc/self/status")
    return int(match.group(1)) * 1024


def _sizes(size: str | Sizes | dict) -> Sizes:
    if isinstance(size, Sizes):
        return size
    if isinstance(size, dict):  # as sent to the memory server
        return Sizes(**{k: tuple(v) if isinstance(v, list) else v for k, v in size.items()})
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)} or a Sizes, got {size!r}")
    return SIZES[size]


def _peak_in_child(case_name: str, impl: str, size: str | dict, device: str, threads: int) -> int:
    """Run in a fresh process: one warm-up step, then the measured step; return peak bytes."""
    torch.set_num_threads(threads)
    dev = torch.device(device)
    case = CASES[case_name]
    fn = _implementations(case, compiled=impl == COMPILED)[impl]
    args, kwargs = _inputs(case, _sizes(size), dev)
    _step(fn, args, kwargs)  # warm-up: lazy initialisation, compilation
    for a in args:
        if isinstance(a, torch.Tensor):
            a.grad = None
    gc.collect()
    _sync(dev)
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats(dev)
        base = torch.cuda.memory_allocated(dev)
        _step(fn, args, kwargs)
        _sync(dev)
        return torch.cuda.max_memory_allocated(dev) - base
    if dev.type == "mps":
        base = torch.mps.driver_allocated_memory()
        _step(fn, args, kwargs)
        _sync(dev)
        return torch.mps.driver_allocated_memory() - base  # MPS has no peak counter: an estimate
    if not _rss_peak_reset():
        raise RuntimeError("peak-RSS measurement needs Linux's /proc/self/clear_refs")
    base = _rss_now()
    _step(fn, args, kwargs)
    return _rss_peak() - base


def _serve() -> None:
    """The memory server's loop; it imports torch and lossnotes but runs no tensor op.

    Each line on stdin is one JSON request; the server forks a child, which measures one step
    and dies, and writes the child's JSON answer as one line on stdout. Forking a process that
    has not yet started any thread pool is safe, and costs milliseconds instead of an import.
    """
    for line in sys.stdin:
        request = json.loads(line)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read_fd)
            os.dup2(2, 1)  # anything the child prints goes to stderr, not into the answers
            try:
                answer = {"peak": _peak_in_child(**request)}
            except BaseException as exc:  # report it to the parent instead of dying silently
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            with os.fdopen(write_fd, "w") as f:
                f.write(json.dumps(answer))
            os._exit(0)
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            data = f.read()
        _, status = os.waitpid(pid, 0)
        if not data:
            data = json.dumps({"error": f"the measuring process died (wait status {status})"})
        sys.stdout.write(data + "\n")
        sys.stdout.flush()


class _MemoryServer:
    """Parent side of :func:`_serve`: one server per benchmark run, started on first use."""

    def __init__(self) -> None:
        env = dict(os.environ)
        # Blocks of 64 KiB and more go to mmap and back to the OS when freed, so the peak RSS
        # of a step is the memory that step held, not what an earlier step left in the heap.
        env.setdefault("MALLOC_MMAP_THRESHOLD_", str(64 * 1024))
        env.setdefault("MALLOC_TRIM_THRESHOLD_", str(128 * 1024))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from lossnotes.bench import _serve; _serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )

    def measure(self, **request) -> int:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the memory server exited (code {self.proc.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"memory measurement of {request} failed: {answer['error']}")
        return answer["peak"]

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


_SERVER: _MemoryServer | None = None


def measure_peak(case_name: str, impl: str, size: str | Sizes, device: str | torch.device) -> int:
    """Peak bytes of one forward + backward step of ``impl`` on ``case_name``, in a fresh process.

    ``size`` is a key of :data:`SIZES` or a :class:`Sizes`.
    """
    global _SERVER
    if _SERVER is None or _SERVER.proc.poll() is not None:
        _SERVER = _MemoryServer()
        atexit.register(_SERVER.close)
    size = asdict(size) if isinstance(size, Sizes) else size
    return _SERVER.measure(case_name=case_name, impl=impl, size=size, device=str(device),
                           threads=torch.get_num_threads())


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    """lossnotes (or lossnotes compiled) against one reference implementation of one loss."""

    loss: str
    impl: str
    reference: str
    time_ratio: float
    memory_ratio: float | None
    impl_ms: float
    reference_ms: float
    impl_mib: float | None
    reference_mib: float | None


def run(size: str | Sizes = "quick", *, only: list[str] | None = None, compiled: bool = False,
        rounds: int | None = None, memory: bool = True, device: torch.device | None = None,
        log: Callable[[str], None] | None = None) -> list[Row]:
    """Benchmark the cases named in ``only`` (default: all) at ``size``; return one row per comparison."""
    sizes = _sizes(size)
    names = list(CASES) if only is None else list(only)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise ValueError(f"unknown loss name(s) {unknown}; known: {sorted(CASES)}")
    dev = lossnotes.device() if device is None else torch.device(device)
    if memory and dev.type == "cpu" and not os.path.exists("/proc/self/clear_refs"):
        memory = False  # the CPU peak needs Linux's resettable peak-RSS counter
        if log is not None:
            log("(peak memory skipped: the CPU measurement needs Linux's /proc/self/clear_refs)")
    mode = size if isinstance(size, str) else "custom"
    fixed = rounds
    if rounds is None:
        rounds = {"full": 9, "quick": 5}.get(mode, 3)
    # cheap cases get more rounds within this many seconds each (a fixed --rounds disables it)
    budget_s, max_rounds = {"full": (8.0, 51), "quick": (1.5, 25)}.get(mode, (0.0, 0)) if fixed is None else (0, 0)
    rows: list[Row] = []
    for name in names:
        case = CASES[name]
        # The full-size linear cross entropy steps take seconds each on a CPU.
        case_rounds = min(rounds, 5) if name == "linear_cross_entropy" and sizes.lce[0] >= 4096 else rounds
        impls = _implementations(case, compiled)
        args, kwargs = _inputs(case, sizes, dev)
        times = time_ratios(impls, args, kwargs, dev, case_rounds, budget_s=budget_s, max_rounds=max_rounds)
        del args
        peaks = {impl: measure_peak(name, impl, sizes, dev) for impl in impls} if memory else {}
        ours_list = [OURS, COMPILED] if compiled else [OURS]
        for ours in ours_list:
            for ref in case.references:
                row = Row(
                    loss=name, impl=ours, reference=ref,
                    time_ratio=_median_ratio(times[ours], times[ref]),
                    memory_ratio=(peaks[ours] / peaks[ref] if memory and peaks[ref] > 0 else None),
                    impl_ms=1e3 * statistics.median(times[ours]),
                    reference_ms=1e3 * statistics.median(times[ref]),
                    impl_mib=peaks[ours] / 2**20 if memory else None,
                    reference_mib=peaks[ref] / 2**20 if memory else None,
                )
                rows.append(row)
                if log is not None:
                    log(format_row(row))
    return rows


def _fmt(x: float | None, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


HEADER = (f"{'loss':<34} {'against':<14} {'time ratio':>10} {'mem ratio':>10} "
          f"{'ms':>9} {'ref ms':>9} {'MiB':>9} {'ref MiB':>9}")


def format_row(row: Row) -> str:
    label = row.loss if row.impl == OURS else f"{row.loss} (compiled)"
    return (f"{label:<34} {row.reference:<14} {row.time_ratio:>10.2f} {_fmt(row.memory_ratio, '.2f'):>10} "
            f"{row.impl_ms:>9.2f} {row.reference_ms:>9.2f} {_fmt(row.impl_mib, '.1f'):>9} "
            f"{_fmt(row.reference_mib, '.1f'):>9}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossnotes.bench", description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="smaller sizes, fewer rounds (a minute or two)")
    mode.add_argument("--smoke", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--compile", action="store_true", help="also time lossnotes under torch.compile")
    parser.add_argument("--json", metavar="PATH", help="write the rows and the set-up to PATH")
    parser.add_argument("--only", nargs="+", metavar="LOSS", help="benchmark only these losses")
    parser.add_argument("--rounds", type=int, help="timing rounds per loss")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory processes")
    parser.add_argument("--threads", type=int, help="CPU threads for torch (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be at least 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    dev = lossnotes.device()
    s = SIZES[size]
    print(f"lossnotes {lossnotes.__version__}, torch {torch.__version__}, device {dev}, "
          f"{torch.get_num_threads()} threads, size {size!r}, float32, forward + backward")
    print(f"sizes: {s}")
    print("ratios are lossnotes / reference: below 1 means lossnotes is faster or lighter\n")
    print(HEADER)
    print("-" * len(HEADER))
    start = time.perf_counter()
    rows = run(size, only=args.only, compiled=args.compile, rounds=args.rounds,
               memory=not args.no_memory, device=dev, log=lambda line: print(line, flush=True))
    elapsed = time.perf_counter() - start
    print(f"\n{len(rows)} rows in {elapsed:.1f} s")
    if args.json:
        payload = {
            "lossnotes": lossnotes.__version__, "torch": torch.__version__, "device": str(dev),
            "threads": torch.get_num_threads(), "python": sys.version.split()[0],
            "machine": platform.machine(), "size": size, "sizes": asdict(s), "compile": args.compile,
            "elapsed_s": elapsed, "rows": [asdict(r) for r in rows],
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(payload, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
