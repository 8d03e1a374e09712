"""Teaching forms: each loss as the few lines of tensor code its formula reads as.

The book shows these. The package's public functions (``lossnotes.functional``) are the
fast, checked, drop-in versions, and the tests prove that the two agree. A teaching form
takes same-shape float tensors and has no argument checks, no dtype upcasting and no
memory tricks: it is there to be read.
"""

from lossnotes.teaching import (
    classification,
    detection,
    embedding,
    generative,
    regression,
    segmentation,
)
from lossnotes.teaching._reduce import reduce

__all__ = [
    "classification",
    "detection",
    "embedding",
    "generative",
    "reduce",
    "regression",
    "segmentation",
]
