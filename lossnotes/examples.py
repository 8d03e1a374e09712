"""Example inputs for every loss, in one place: the benchmark and the tests both call from here.

:func:`make_inputs` returns ``(args, kwargs)`` such that ``lossnotes.functional.<name>(*args,
**kwargs)`` is a valid call (and, for a loss PyTorch ships, so is the same call of
``torch.nn.functional.<name>``). The floating arguments the loss is differentiated with respect
to are leaves that require grad; targets, labels and lengths do not. The problem sizes come
from :data:`SIZES`: ``'smoke'`` is tiny (the tests use it), ``'quick'`` and ``'full'`` are the
benchmark's sizes.

The keyword arguments of an example call live in the catalogue
(:attr:`lossnotes.catalog.LossRecord.example_kwargs`), so the names and options of a loss are
written down once.

Example:
    >>> import lossnotes.functional as LF
    >>> args, kwargs = make_inputs("kl_div")
    >>> kwargs
    {'reduction': 'batchmean'}
    >>> LF.kl_div(*args, **kwargs).shape
    torch.Size([])
    >>> args[0].requires_grad, args[1].requires_grad
    (True, False)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from lossnotes.catalog import by_name

__all__ = ["EXAMPLES", "SIZES", "Sizes", "make_inputs"]

# ---------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """Problem sizes, one set per mode."""

    rows: int  # batch rows of element-wise losses
    cols: int  # features per row of element-wise losses
    batch: int  # batch of classification / embedding losses
    classes: int  # classes of cross entropy, NLL, multi margin, KL
    labels: int  # classes of the multi-label margin losses (its cost grows with labels ** 2)
    embed: int  # embedding width
    ctc: tuple[int, int, int, int]  # (T, N, C, S): input length, batch, alphabet, max target length
    lce: tuple[int, int, int]  # (N, d, V): tokens, hidden size, vocabulary
    boxes: int  # box pairs of the IoU losses
    seg: tuple[int, int, int]  # (N, C, S): images, classes, side of the square image


SIZES: dict[str, Sizes] = {
    "full": Sizes(rows=4096, cols=1024, batch=4096, classes=1000, labels=128, embed=512,
                  ctc=(400, 32, 40, 100), lce=(8192, 1024, 32000),
                  boxes=262144, seg=(16, 21, 128)),
    "quick": Sizes(rows=512, cols=1024, batch=1024, classes=1000, labels=64, embed=256,
                   ctc=(150, 16, 30, 40), lce=(512, 128, 8000),
                   boxes=32768, seg=(8, 21, 64)),
    "smoke": Sizes(rows=8, cols=6, batch=8, classes=5, labels=6, embed=4,
                   ctc=(12, 3, 5, 4), lce=(16, 8, 32),
                   boxes=8, seg=(2, 3, 5)),
}

# ---------------------------------------------------------------------------------------------
# Inputs, one maker per kind of call: maker(sizes, device) -> (args, kwargs), float32
# ---------------------------------------------------------------------------------------------


def _leaf(x: torch.Tensor) -> torch.Tensor:
    return x.detach().requires_grad_(True)


def _sign(shape, device) -> torch.Tensor:
    return torch.randint(0, 2, shape, device=device).float() * 2 - 1


def _regression(s: Sizes, dev):
    return (_leaf(torch.randn(s.rows, s.cols, device=dev)), torch.randn(s.rows, s.cols, device=dev)), {}


def _poisson(s: Sizes, dev):
    x = torch.randn(s.rows, s.cols, device=dev) * 0.5
    return (_leaf(x), torch.poisson(x.exp())), {}


def _gaussian(s: Sizes, dev):
    var = torch.rand(s.rows, s.cols, device=dev) + 0.1
    return (_leaf(torch.randn(s.rows, s.cols, device=dev)), torch.randn(s.rows, s.cols, device=dev),
            _leaf(var)), {}


def _bce(s: Sizes, dev):
    p = torch.rand(s.rows, s.cols, device=dev) * 0.98 + 0.01
    return (_leaf(p), torch.rand(s.rows, s.cols, device=dev)), {}


def _bce_logits(s: Sizes, dev):
    return (_leaf(torch.randn(s.rows, s.cols, device=dev)), torch.rand(s.rows, s.cols, device=dev)), {}


def _class_index(s: Sizes, dev):
    x = torch.randn(s.batch, s.classes, device=dev)
    return (_leaf(x), torch.randint(0, s.classes, (s.batch,), device=dev)), {}


def _log_probs_index(s: Sizes, dev):
    x = torch.log_softmax(torch.randn(s.batch, s.classes, device=dev), dim=1)
    return (_leaf(x), torch.randint(0, s.classes, (s.batch,), device=dev)), {}


def _kl(s: Sizes, dev):
    log_q = torch.log_softmax(torch.randn(s.batch, s.classes, device=dev), dim=1)
    p = torch.softmax(torch.randn(s.batch, s.classes, device=dev), dim=1)
    return (_leaf(log_q), p), dict(by_name("kl_div").example_kwargs)


def _soft_margin(s: Sizes, dev):
    return (_leaf(torch.randn(s.rows, s.cols, device=dev)), _sign((s.rows, s.cols), dev)), {}


def _multilabel_soft(s: Sizes, dev):
    y = torch.randint(0, 2, (s.batch, s.labels), device=dev).float()
    return (_leaf(torch.randn(s.batch, s.labels, device=dev)), y), {}


def _multilabel_margin(s: Sizes, dev):
    perm = torch.argsort(torch.rand(s.batch, s.labels, device=dev), dim=1)
    k = torch.randint(1, max(2, s.labels // 4), (s.batch, 1), device=dev)
    target = torch.where(torch.arange(s.labels, device=dev) < k, perm, -1)
    return (_leaf(torch.randn(s.batch, s.labels, device=dev)), target), {}


def _margin_ranking(s: Sizes, dev):
    n = s.rows * s.cols
    return (_leaf(torch.randn(n, device=dev)), _leaf(torch.randn(n, device=dev)), _sign((n,), dev)), {}


def _hinge_embedding(s: Sizes, dev):
    return (_leaf(torch.rand(s.rows, s.cols, device=dev) * 2), _sign((s.rows, s.cols), dev)), {}


def _cosine_embedding(s: Sizes, dev):
    return (_leaf(torch.randn(s.batch, s.embed, device=dev)), _leaf(torch.randn(s.batch, s.embed, device=dev)),
            _sign((s.batch,), dev)), {}


def _triplet(s: Sizes, dev):
    return tuple(_leaf(torch.randn(s.batch, s.embed, device=dev)) for _ in range(3)), {}


def _ctc(s: Sizes, dev):
    t, n, c, smax = s.ctc
    log_probs = torch.log_softmax(torch.randn(t, n, c, device=dev), dim=2)
    targets = torch.randint(1, c, (n, smax), device=dev)
    input_lengths = torch.full((n,), t, dtype=torch.long, device=dev)
    target_lengths = torch.randint(max(1, smax // 2), smax + 1, (n,), device=dev)
    return (_leaf(log_probs), targets, input_lengths, target_lengths), {}


def _lce(s: Sizes, dev):
    n, d, v = s.lce
    x = torch.randn(n, d, device=dev)
    w = torch.randn(v, d, device=dev) / math.sqrt(d)
    return (_leaf(x), _leaf(w), torch.randint(0, v, (n,), device=dev)), {}


def _contrastive(s: Sizes, dev):
    same = torch.randint(0, 2, (s.batch,), device=dev).float()  # 1 similar, 0 dissimilar
    return (_leaf(torch.randn(s.batch, s.embed, device=dev)), _leaf(torch.randn(s.batch, s.embed, device=dev)),
            same), {}


def _info_nce(s: Sizes, dev):
    return (_leaf(torch.randn(s.batch, s.embed, device=dev)), _leaf(torch.randn(s.batch, s.embed, device=dev))), {}


def _random_boxes(n: int, dev) -> torch.Tensor:
    """``n`` boxes (x1, y1, x2, y2) with corners in [0, 1] and sides in [0.1, 0.6]."""
    corner = torch.rand(n, 2, device=dev) * 0.5
    return torch.cat([corner, corner + 0.1 + 0.5 * torch.rand(n, 2, device=dev)], dim=1)


def _boxes(s: Sizes, dev):
    # a predicted box near each target box: most pairs overlap, some do not
    target = _random_boxes(s.boxes, dev)
    return (_leaf(target + 0.15 * torch.randn(s.boxes, 4, device=dev).clamp(-1, 1)), target), {}


def _segmentation(s: Sizes, dev):
    n, c, side = s.seg
    return (_leaf(torch.randn(n, c, side, side, device=dev)), torch.randint(0, c, (n, side, side), device=dev)), {}


def _binary_mask(s: Sizes, dev):
    n, _, side = s.seg
    return (_leaf(torch.randn(n, side, side, device=dev)), torch.randint(0, 2, (n, side, side), device=dev)), {}


def _critic_pair(s: Sizes, dev):
    return (_leaf(torch.randn(s.batch, 1, device=dev)), _leaf(torch.randn(s.batch, 1, device=dev))), {}


def _critic_fake(s: Sizes, dev):
    return (_leaf(torch.randn(s.batch, 1, device=dev)),), {}


def _latent(s: Sizes, dev):
    mu, logvar = torch.randn(s.batch, s.embed, device=dev), 0.5 * torch.randn(s.batch, s.embed, device=dev)
    return (_leaf(mu), _leaf(logvar)), {}


def _vae(s: Sizes, dev):
    mu, logvar = _latent(s, dev)[0]
    x = torch.rand(s.batch, s.cols, device=dev)
    return (_leaf(torch.randn(s.batch, s.cols, device=dev)), x, mu, logvar), {}


#: The input maker of every loss in :mod:`lossnotes.functional`, by name.
EXAMPLES: dict[str, Callable[[Sizes, torch.device | str], tuple[tuple, dict]]] = {
    # regression
    "l1_loss": _regression,
    "mse_loss": _regression,
    "rmse_loss": _regression,
    "mean_bias_error": _regression,
    "huber_loss": _regression,
    "smooth_l1_loss": _regression,
    "log_cosh_loss": _regression,
    "quantile_loss": _regression,
    "poisson_nll_loss": _poisson,
    "gaussian_nll_loss": _gaussian,
    # classification
    "binary_cross_entropy": _bce,
    "binary_cross_entropy_with_logits": _bce_logits,
    "cross_entropy": _class_index,
    "nll_loss": _log_probs_index,
    "kl_div": _kl,
    "soft_margin_loss": _soft_margin,
    "multilabel_soft_margin_loss": _multilabel_soft,
    "multi_margin_loss": _class_index,
    "multilabel_margin_loss": _multilabel_margin,
    "weighted_binary_cross_entropy": _bce,
    "balanced_binary_cross_entropy": _bce,
    "focal_loss": _bce,
    "sigmoid_focal_loss": _bce_logits,
    "hinge_loss": _soft_margin,
    "squared_hinge_loss": _soft_margin,
    # embedding and ranking
    "margin_ranking_loss": _margin_ranking,
    "hinge_embedding_loss": _hinge_embedding,
    "cosine_embedding_loss": _cosine_embedding,
    "triplet_margin_loss": _triplet,
    "triplet_margin_with_distance_loss": _triplet,
    "contrastive_loss": _contrastive,
    "info_nce_loss": _info_nce,
    # detection, segmentation and generative models
    "iou_loss": _boxes,
    "generalized_box_iou_loss": _boxes,
    "distance_box_iou_loss": _boxes,
    "complete_box_iou_loss": _boxes,
    "dice_loss": _segmentation,
    "jaccard_loss": _segmentation,
    "tversky_loss": _segmentation,
    "focal_tversky_loss": _segmentation,
    "lovasz_softmax_loss": _segmentation,
    "lovasz_hinge_loss": _binary_mask,
    "gan_discriminator_loss": _critic_pair,
    "gan_generator_loss": _critic_fake,
    "lsgan_discriminator_loss": _critic_pair,
    "lsgan_generator_loss": _critic_fake,
    "hinge_discriminator_loss": _critic_pair,
    "hinge_generator_loss": _critic_fake,
    "wasserstein_critic_loss": _critic_pair,
    "wasserstein_generator_loss": _critic_fake,
    "gaussian_kl_loss": _latent,
    "vae_loss": _vae,
    # sequences and scale
    "ctc_loss": _ctc,
    "linear_cross_entropy": _lce,
}


def make_inputs(name: str, size: str | Sizes = "smoke", device: str | torch.device = "cpu", seed: int = 0,
                dtype: torch.dtype | None = None) -> tuple[tuple, dict]:
    """Return ``(args, kwargs)`` of an example call of the loss ``name``.

    Args:
        name: a name of :mod:`lossnotes.functional` (a key of :data:`EXAMPLES`).
        size: a key of :data:`SIZES` or a :class:`Sizes`.
        device: where the tensors are made.
        seed: the same seed gives the same inputs; the global random state is left as it was
            (on the CPU).
        dtype: the floating dtype of the inputs (default float32); integer tensors stay ``long``.

    Raises:
        KeyError: if ``name`` has no example; the message lists the known names.
        ValueError: if ``size`` is not a key of :data:`SIZES` or a :class:`Sizes`.
    """
    if name not in EXAMPLES:
        raise KeyError(f"no example inputs for {name!r}; known: {sorted(EXAMPLES)}")
    if not isinstance(size, Sizes):
        if size not in SIZES:
            raise ValueError(f"size must be one of {sorted(SIZES)} or a Sizes, got {size!r}")
        size = SIZES[size]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        args, kwargs = EXAMPLES[name](size, torch.device(device))
    if dtype is not None:
        args = tuple(_cast(a, dtype) for a in args)
    return args, kwargs


def _cast(t, dtype: torch.dtype):
    if not isinstance(t, torch.Tensor) or not t.is_floating_point():
        return t
    out = t.detach().to(dtype)
    return out.requires_grad_(t.requires_grad)
