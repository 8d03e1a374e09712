"""``torchvision.ops``, the reference for the box and focal losses, on any build of torch.

torchvision's compiled extension (``torchvision/_C.so``) links against the build of torch it was
made for; PyPI's torchvision 0.28.0 needs torch's CUDA libraries. Beside the CPU build its
extension does not load, and ``import torchvision`` then fails while registering the fake kernel
of ``torchvision::nms``, an operator that only the extension defines. The losses the tests compare
against (``box_iou``, the three IoU losses and ``sigmoid_focal_loss``) are plain Python on tensor
primitives and need no compiled operator, so when the extension cannot load, the two operator
schemas the import registers are declared here first (never called: the tests use no NMS).
"""

from __future__ import annotations

import importlib.util
import os

import torch

_LIBRARY = None


def _extension_loads() -> bool:
    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("torchvision is not installed (it is pinned in requirements.txt)")
    folder = next(iter(spec.submodule_search_locations))
    candidates = [f for f in os.listdir(folder) if f.startswith("_C.") and f.endswith((".so", ".pyd"))]
    if not candidates:
        return False
    try:
        torch.ops.load_library(os.path.join(folder, candidates[0]))
    except OSError:
        return False
    return True


def _declare_schemas() -> None:
    global _LIBRARY
    if _LIBRARY is not None or hasattr(torch.ops.torchvision, "nms"):
        return
    _LIBRARY = torch.library.Library("torchvision", "FRAGMENT")
    for name in ("nms", "qnms"):
        _LIBRARY.define(f"{name}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")


if not _extension_loads():
    _declare_schemas()

import torchvision.ops as ops  # noqa: E402

__all__ = ["ops"]
