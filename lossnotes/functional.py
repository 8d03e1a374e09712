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
from lossnotes.detection import (
    box_area,
    box_iou,
    complete_box_iou_loss,
    distance_box_iou_loss,
    generalized_box_iou_loss,
    iou_loss,
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
from lossnotes.generative import (
    gan_discriminator_loss,
    gan_generator_loss,
    gaussian_kl_loss,
    gradient_penalty,
    hinge_discriminator_loss,
    hinge_generator_loss,
    lsgan_discriminator_loss,
    lsgan_generator_loss,
    vae_loss,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
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
from lossnotes.segmentation import (
    dice_loss,
    focal_tversky_loss,
    jaccard_loss,
    lovasz_hinge_loss,
    lovasz_softmax_loss,
    tversky_loss,
)
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
    # detection: torchvision.ops' names and signatures (positional options, reduction='none')
    "iou_loss",
    "generalized_box_iou_loss",
    "distance_box_iou_loss",
    "complete_box_iou_loss",
    # segmentation
    "dice_loss",
    "jaccard_loss",
    "tversky_loss",
    "focal_tversky_loss",
    "lovasz_softmax_loss",
    "lovasz_hinge_loss",
    # generative models
    "gan_discriminator_loss",
    "gan_generator_loss",
    "lsgan_discriminator_loss",
    "lsgan_generator_loss",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "gaussian_kl_loss",
    "vae_loss",
)

#: The box losses, which take ``torchvision.ops``' signatures (three are drop-in twins of its losses;
#: ``iou_loss``, which it does not ship, follows them): options may be passed by position and the
#: default reduction is ``'none'``.
TORCHVISION_LOSSES = ("iou_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss")

#: Functions that are not losses but go with them: box geometry and the WGAN-GP penalty.
HELPERS = ("box_area", "box_iou", "gradient_penalty")

__all__ = ["EXTRA_LOSSES", "HELPERS", "TORCHVISION_LOSSES", "TORCH_LOSSES", *TORCH_LOSSES, *EXTRA_LOSSES, *HELPERS]
