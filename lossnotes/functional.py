"""The public functional API of lossnotes.

Every loss of ``torch.nn.functional`` is here under its torch name and with its exact signature,
so ``import lossnotes.functional as F`` can stand in for ``import torch.nn.functional as F``.
The extras (losses PyTorch does not ship) follow the same conventions. This module only
re-exports: each function lives, with its documentation, in the module of its family.
"""

from __future__ import annotations

from lossnotes.classification import (
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
from lossnotes.embedding import (
    contrastive_loss,
    cosine_embedding_loss,
    hinge_embedding_loss,
    info_nce_loss,
    margin_ranking_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from lossnotes.regression import (
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
from lossnotes.scale import linear_cross_entropy
from lossnotes.sequence import ctc_loss

#: The losses of ``torch.nn.functional`` (torch 2.13), under their torch names.
TORCH_LOSSES = (
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cosine_embedding_loss",
    "cross_entropy",
    "ctc_loss",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "linear_cross_entropy",
    "margin_ranking_loss",
    "mse_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "nll_loss",
    "poisson_nll_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
)

#: Losses PyTorch does not ship; same conventions (two tensors first, ``reduction='mean'``).
EXTRA_LOSSES = (
    "balanced_binary_cross_entropy",
    "contrastive_loss",
    "focal_loss",
    "hinge_loss",
    "info_nce_loss",
    "log_cosh_loss",
    "mean_bias_error",
    "quantile_loss",
    "rmse_loss",
    "sigmoid_focal_loss",
    "squared_hinge_loss",
    "weighted_binary_cross_entropy",
)

__all__ = ["EXTRA_LOSSES", "TORCH_LOSSES", *TORCH_LOSSES, *EXTRA_LOSSES]
