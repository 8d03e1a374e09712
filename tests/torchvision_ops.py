"""``torchvision.ops``, the tests' reference for the box and focal losses, on any build of torch
(see :mod:`lossnotes._references` for why it needs a loader)."""

from lossnotes._references import torchvision_ops

ops = torchvision_ops()

__all__ = ["ops"]
