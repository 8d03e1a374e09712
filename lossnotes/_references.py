"""The reference libraries of the tests and the benchmark, imported on demand.

``torchvision.ops`` is the reference of the box losses and the sigmoid focal loss. Its compiled
extension (``torchvision/_C.so``) links against the build of torch it was made for; PyPI's
torchvision 0.28.0 needs torch's CUDA libraries. Beside the CPU build the extension does not load,
and ``import torchvision`` then fails while registering the fake kernel of ``torchvision::nms``,
an operator only the extension defines. The losses compared here (``box_iou``, the three IoU losses,
``sigmoid_focal_loss``) are Python on tensor primitives and need no compiled operator, so when the
extension cannot load, :func:`torchvision_ops` first declares the two operator schemas the import
registers (they are never called: nothing here uses non-maximum suppression).

Neither the package's losses nor ``import lossnotes`` import torchvision.
"""

from __future__ import annotations

import importlib.util
import os
from types import ModuleType

import torch

__all__ = ["torchvision_ops"]

_LIBRARY: torch.library.Library | None = None


def _extension_loads() -> bool:
    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("torchvision is not installed (it is pinned in requirements.txt)")
    folder = next(iter(spec.submodule_search_locations))
    names = [f for f in os.listdir(folder) if f.startswith("_C.") and f.endswith((".so", ".pyd"))]
    if not names:
        return False
    try:
        torch.ops.load_library(os.path.join(folder, names[0]))
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


def torchvision_ops() -> ModuleType:
    """Return ``torchvision.ops``, importable beside a CPU build of torch."""
    if not _extension_loads():
        _declare_schemas()
    import torchvision.ops

    return torchvision.ops
