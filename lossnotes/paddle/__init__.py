"""Paddle twins of the lossnotes losses: same names, arguments and results, built from paddle ops.

Importing this module imports paddle, quietly: paddle 3 warns at import time that it found no
``ccache`` (a compiler cache for its C++ extensions, irrelevant here) and prints an absolute path
with it; that one warning is filtered, so nothing reaches stderr. Importing :mod:`lossnotes`
itself never imports paddle.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"No ccache found", category=UserWarning)
    import paddle  # noqa: F401  (imported here, once, with the warning above filtered)

from lossnotes.paddle.classification import (
    balanced_binary_cross_entropy,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    focal_loss,
    hinge_loss,
    kl_div,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    sigmoid_focal_loss,
    soft_margin_loss,
    squared_hinge_loss,
    weighted_binary_cross_entropy,
)
from lossnotes.paddle.embedding import (
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    pairwise_distance,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from lossnotes.paddle.regression import (
    gaussian_nll_loss,
    huber_loss,
    l1_loss,
    log_cosh_loss,
    mean_bias_error,
    mse_loss,
    poisson_nll_loss,
    quantile_loss,
    rmse_loss,
    smooth_l1_loss,
)
from lossnotes.paddle.sequence import ctc_loss

__all__ = [
    "balanced_binary_cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cosine_embedding_loss",
    "cross_entropy",
    "ctc_loss",
    "focal_loss",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "hinge_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "log_cosh_loss",
    "margin_ranking_loss",
    "mean_bias_error",
    "mse_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "pairwise_distance",
    "poisson_nll_loss",
    "quantile_loss",
    "rmse_loss",
    "sigmoid_focal_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "squared_hinge_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "weighted_binary_cross_entropy",
]
