"""The contrastive and InfoNCE losses equal pytorch-metric-learning's, where the conventions are set to match.

pytorch-metric-learning (PML) is a test-only, independent reference: every assertion here compares
``lossnotes.embedding.contrastive_loss`` / ``info_nce_loss`` (and the teaching forms
``lossnotes.teaching.embedding.contrastive`` / ``info_nce``) with PML's ``ContrastiveLoss`` /
``NTXentLoss`` on random batches, values and gradients with respect to the embeddings, float64
with the project's tolerances and float32 with looser ones (PML computes distances with
``torch.cdist`` and the softmax by hand, so rounding differs).

Convention mapping (PML 2.x):

* Contrastive. PML forms every ordered pair ``(i, j)``, ``i != j``, of one labelled batch
  (``lmu.get_all_pairs_indices``); a pair is positive when the labels agree. Its per-pair terms are
  ``relu(D - pos_margin)`` (positives) and ``relu(neg_margin - D)`` (negatives), ``D`` from its
  ``distance``. lossnotes' term is ``y d^2 + (1 - y) max(0, m - d)^2`` with ``y = 1`` similar.
  Hence, with ``reducer=DoNothingReducer()`` (per-pair losses and their indices):
  positive term = PML pos loss with ``LpDistance(normalize_embeddings=False, power=2)``,
  ``pos_margin=0``; negative term = (PML neg loss with ``LpDistance(normalize_embeddings=False)``,
  ``neg_margin=m``) squared. The hinge is squared after the ``relu`` in lossnotes, on the distance
  (not on ``D = d^2``), so no single PML setting gives the negative term: ``power=2`` would give
  ``relu(m - d^2)``. PML's default ``AvgNonZeroReducer`` averages the non-zero positive terms and
  the non-zero negative terms separately and adds the two means; it equals lossnotes' ``mean`` over
  the positive pairs when every negative pair is already beyond the margin.
* InfoNCE. lossnotes' loss is one-directional (query i against the N keys, positive on the
  diagonal). It equals ``NTXentLoss(temperature=t)`` called with ``embeddings=query``,
  ``labels=arange(N)``, ``ref_emb=key``, ``ref_labels=arange(N)``: with a separate reference set PML
  keeps the diagonal as the positive pair and takes the other N - 1 keys as negatives; its cosine
  similarity normalises like ``F.normalize`` and its default ``MeanReducer`` averages over the N
  positive pairs (lossnotes' ``mean``). PML's ``log(p + tiny)`` differs from ``log p`` by far less
  than the tolerances. SimCLR's NT-Xent on the 2N batch ``cat(q, k)`` (labels ``arange(N)`` twice)
  is *not* lossnotes' loss: each anchor there has 2N - 2 negatives (the other view's and its own
  view's), so it is strictly larger than the matching row of ``info_nce_loss(q, k)`` or
  ``info_nce_loss(k, q)``; ``test_simclr_ntxent_has_more_negatives_than_info_nce`` checks this.
"""

from __future__ import annotations

import pytest
import torch
from conftest import TOLERANCES
from pytorch_metric_learning import losses as pml_losses
from pytorch_metric_learning import reducers as pml_reducers
from pytorch_metric_learning.distances import LpDistance
from pytorch_metric_learning.utils import loss_and_miner_utils as lmu

import lossnotes.embedding as E
from lossnotes.teaching import embedding as TE

# float32: PML builds the pair distances with torch.cdist and the softmax with exp / sum / log.
PML_TOLERANCES = {torch.float64: TOLERANCES[torch.float64], torch.float32: {"rtol": 1e-4, "atol": 1e-5}}
DTYPES = pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
CASES = [(0, 8, 4, 3, 1.0), (1, 12, 5, 4, 2.0), (2, 16, 3, 5, 0.7)]  # seed, batch, dim, classes, margin


def _draw(gen, dtype, *shape, scale=1.0):
    return (scale * torch.randn(shape, generator=gen, dtype=torch.float64)).to(dtype)


def _labels(gen, n, classes):
    """Labels in ``range(classes)`` in which every class occurs at least twice (so positives exist)."""
    base = torch.arange(classes).repeat_interleave(2)
    extra = torch.randint(0, classes, (n - base.numel(),), generator=gen)
    return torch.cat([base, extra])[torch.randperm(n, generator=gen)]


def _pml_pair_terms(x, labels, *, margin, power):
    """PML's per-pair contrastive terms: ``(pos_losses, (a1, p)), (neg_losses, (a2, n))``."""
    loss_fn = pml_losses.ContrastiveLoss(
        pos_margin=0,
        neg_margin=margin,
        distance=LpDistance(normalize_embeddings=False, p=2, power=power),
        reducer=pml_reducers.DoNothingReducer(),
    )
    out = loss_fn(x, labels)
    pos, neg = out["pos_loss"], out["neg_loss"]
    return (pos["losses"], pos["indices"]), (neg["losses"], neg["indices"])


def _grad(value, x, cotangent):
    """The gradient of ``<value, cotangent>`` with respect to ``x`` (a tensor or a tuple of tensors)."""
    if isinstance(x, tuple):
        return torch.autograd.grad(value, x, cotangent)
    (g,) = torch.autograd.grad(value, x, cotangent)
    return g


def _close(a, b, dtype):
    torch.testing.assert_close(a, b, **PML_TOLERANCES[dtype])


@pytest.mark.parametrize("ours", [E.contrastive_loss, TE.contrastive], ids=["fast", "teaching"])
@pytest.mark.parametrize(("seed", "n", "d", "classes", "margin"), CASES)
@DTYPES
def test_contrastive_similar_pairs_match_pml_squared_distance(ours, seed, n, d, classes, margin, dtype):
    """Positive pairs: lossnotes' ``d^2`` (target 1) is PML's ``relu(d^2 - 0)`` with ``power=2``."""
    gen = torch.Generator().manual_seed(seed)
    x = _draw(gen, dtype, n, d).requires_grad_(True)
    labels = _labels(gen, n, classes)
    (pml_pos, (a1, p)), _ = _pml_pair_terms(x, labels, margin=margin, power=2)
    assert torch.equal(labels[a1], labels[p]) and bool((a1 != p).all())
    ones = torch.ones(a1.shape, dtype=dtype)
    mine = ours(x[a1], x[p], ones, margin=margin, reduction="none")
    _close(mine, pml_pos, dtype)
    cot = _draw(gen, dtype, *mine.shape)
    _close(_grad(mine, x, cot), _grad(pml_pos, x, cot), dtype)


@pytest.mark.parametrize("ours", [E.contrastive_loss, TE.contrastive], ids=["fast", "teaching"])
@pytest.mark.parametrize(("seed", "n", "d", "classes", "margin"), CASES)
@DTYPES
def test_contrastive_dissimilar_pairs_match_pml_hinge_squared(ours, seed, n, d, classes, margin, dtype):
    """Negative pairs: lossnotes' ``max(0, m - d)^2`` (target 0) is PML's ``relu(m - d)``, squared."""
    gen = torch.Generator().manual_seed(seed)
    x = _draw(gen, dtype, n, d, scale=0.5).requires_grad_(True)  # small spread: many pairs inside the margin
    labels = _labels(gen, n, classes)
    _, (pml_neg, (a2, nn)) = _pml_pair_terms(x, labels, margin=margin, power=1)
    assert bool((labels[a2] != labels[nn]).all())
    assert bool((pml_neg > 0).any()) and bool((pml_neg == 0).any())  # both sides of the hinge are exercised
    zeros = torch.zeros(a2.shape, dtype=dtype)
    mine = ours(x[a2], x[nn], zeros, margin=margin, reduction="none")
    _close(mine, pml_neg**2, dtype)
    cot = _draw(gen, dtype, *mine.shape)
    _close(_grad(mine, x, cot), _grad(pml_neg**2, x, cot), dtype)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(("seed", "n", "d", "classes", "margin"), CASES)
@DTYPES
def test_contrastive_over_all_pairs_matches_pml(seed, n, d, classes, margin, reduction, dtype):
    """lossnotes on every ordered pair i != j (target = same label) against PML's per-pair terms."""
    gen = torch.Generator().manual_seed(seed)
    x = _draw(gen, dtype, n, d, scale=0.5).requires_grad_(True)
    labels = _labels(gen, n, classes)
    (pml_pos, _), _ = _pml_pair_terms(x, labels, margin=margin, power=2)
    _, (pml_neg, _) = _pml_pair_terms(x, labels, margin=margin, power=1)
    pml_total = pml_pos.sum() + (pml_neg**2).sum()
    if reduction == "mean":
        pml_total = pml_total / (pml_pos.numel() + pml_neg.numel())
    a, b, _, _ = lmu.get_all_pairs_indices(torch.zeros(n))  # one class: every ordered pair i != j
    target = (labels[a] == labels[b]).to(dtype)
    mine = E.contrastive_loss(x[a], x[b], target, margin=margin, reduction=reduction)
    _close(mine, pml_total, dtype)
    _close(_grad(mine, x, torch.ones((), dtype=dtype)), _grad(pml_total, x, torch.ones((), dtype=dtype)), dtype)


@pytest.mark.parametrize(("seed", "n", "d", "classes"), [c[:4] for c in CASES])
@DTYPES
def test_contrastive_mean_matches_pml_default_reducer_when_negatives_clear_margin(seed, n, d, classes, dtype):
    """PML's AvgNonZeroReducer, untouched, equals lossnotes' mean over the positive pairs when no negative
    pair is inside the margin (its negative mean is then 0; every positive ``d^2`` is non-zero)."""
    gen = torch.Generator().manual_seed(seed)
    x = _draw(gen, dtype, n, d).requires_grad_(True)
    labels = _labels(gen, n, classes)
    a2, nn = lmu.get_all_pairs_indices(labels)[2:]
    margin = 0.5 * float(torch.linalg.vector_norm(x[a2] - x[nn], dim=1).min().detach())
    pml = pml_losses.ContrastiveLoss(
        pos_margin=0, neg_margin=margin, distance=LpDistance(normalize_embeddings=False, power=2)
    )(x, labels)
    a1, p = lmu.get_all_pairs_indices(labels)[:2]
    mine = E.contrastive_loss(x[a1], x[p], torch.ones(a1.shape, dtype=dtype), margin=margin)
    _close(mine, pml, dtype)
    _close(_grad(mine, x, torch.ones((), dtype=dtype)), _grad(pml, x, torch.ones((), dtype=dtype)), dtype)


def test_contrastive_conventions_that_differ_from_pml():
    """Two places where the conventions differ, shown against PML: the label (lossnotes: 1 similar;
    Hadsell et al. and article 001's derivation: Y = 0 similar) and the unsquared PML hinge."""
    gen = torch.Generator().manual_seed(3)
    dtype = torch.float64
    x = _draw(gen, dtype, 10, 4, scale=0.5)
    labels = _labels(gen, 10, 3)
    margin = 1.0
    (pml_pos, _), _ = _pml_pair_terms(x, labels, margin=margin, power=2)
    _, (pml_neg, _) = _pml_pair_terms(x, labels, margin=margin, power=1)
    pml_sum = pml_pos.sum() + (pml_neg**2).sum()
    a, b, _, _ = lmu.get_all_pairs_indices(torch.zeros(10))
    same = (labels[a] == labels[b]).to(dtype)
    torch.testing.assert_close(E.contrastive_loss(x[a], x[b], same, margin=margin, reduction="sum"), pml_sum)
    # Hadsell's Y (0 = similar) fed to lossnotes swaps the two terms: no longer PML's loss.
    hadsell = E.contrastive_loss(x[a], x[b], 1 - same, margin=margin, reduction="sum")
    assert not torch.isclose(hadsell, pml_sum, rtol=1e-3)
    # PML's negative term is the unsquared hinge relu(m - d); lossnotes' is its square (smaller inside m < 1).
    _, (neg_idx_a, neg_idx_b) = _pml_pair_terms(x, labels, margin=margin, power=1)[1]
    ours_neg = E.contrastive_loss(
        x[neg_idx_a], x[neg_idx_b], torch.zeros(neg_idx_a.shape, dtype=dtype), margin=margin, reduction="none"
    )
    active = pml_neg > 0
    assert bool(active.any())
    assert bool((ours_neg[active] < pml_neg[active]).all())
    torch.testing.assert_close(ours_neg, pml_neg**2)


def _pml_ntxent(temperature, reducer=None):
    kwargs = {} if reducer is None else {"reducer": reducer}
    return pml_losses.NTXentLoss(temperature=temperature, **kwargs)


@pytest.mark.parametrize("ours", [E.info_nce_loss, TE.info_nce], ids=["fast", "teaching"])
@pytest.mark.parametrize(("seed", "n", "d", "temperature"), [(0, 4, 3, 0.1), (1, 8, 6, 0.5), (2, 16, 5, 1.0)])
@DTYPES
def test_info_nce_matches_pml_ntxent_with_reference_keys(ours, seed, n, d, temperature, dtype):
    """One-directional InfoNCE = NT-Xent(query, labels=arange(N), ref_emb=key, ref_labels=arange(N)):
    per query with DoNothingReducer, and its mean with PML's default MeanReducer."""
    gen = torch.Generator().manual_seed(seed)
    q = _draw(gen, dtype, n, d).requires_grad_(True)
    k = _draw(gen, dtype, n, d).requires_grad_(True)
    idx = torch.arange(n)
    out = _pml_ntxent(temperature, pml_reducers.DoNothingReducer())(q, idx, ref_emb=k, ref_labels=idx.clone())
    pml_rows, (a1, p) = out["loss"]["losses"], out["loss"]["indices"]
    assert torch.equal(a1, idx) and torch.equal(p, idx)  # the positives are the diagonal, in query order
    mine = ours(q, k, temperature=temperature, reduction="none")
    _close(mine, pml_rows, dtype)
    cot = _draw(gen, dtype, n)
    _close(_grad(mine, (q, k), cot), _grad(pml_rows, (q, k), cot), dtype)
    pml_mean = _pml_ntxent(temperature)(q, idx, ref_emb=k, ref_labels=idx.clone())
    mine_mean = ours(q, k, temperature=temperature)
    _close(mine_mean, pml_mean, dtype)
    one = torch.ones((), dtype=dtype)
    _close(_grad(mine_mean, (q, k), one), _grad(pml_mean, (q, k), one), dtype)


@pytest.mark.parametrize(("seed", "n", "d", "temperature"), [(0, 4, 3, 0.1), (1, 8, 6, 0.5)])
def test_simclr_ntxent_has_more_negatives_than_info_nce(seed, n, d, temperature):
    """SimCLR's NT-Xent on the 2N batch is not lossnotes' InfoNCE: anchor i's softmax also holds the
    N - 1 other rows of its own view, so each PML term is strictly larger than the matching
    ``info_nce_loss(q, k)`` (anchors 0..N-1, positive i + N) or ``info_nce_loss(k, q)`` row."""
    gen = torch.Generator().manual_seed(seed)
    dtype = torch.float64
    q, k = _draw(gen, dtype, n, d), _draw(gen, dtype, n, d)
    labels = torch.arange(n).repeat(2)
    out = _pml_ntxent(temperature, pml_reducers.DoNothingReducer())(torch.cat([q, k]), labels)
    pml_rows, (a1, p) = out["loss"]["losses"], out["loss"]["indices"]
    torch.testing.assert_close(p, (a1 + n) % (2 * n), rtol=0, atol=0)
    ours_rows = torch.cat(
        [
            E.info_nce_loss(q, k, temperature=temperature, reduction="none"),
            E.info_nce_loss(k, q, temperature=temperature, reduction="none"),
        ]
    )[a1]
    assert bool((pml_rows > ours_rows).all())
    assert not torch.isclose(pml_rows.mean(), ours_rows.mean(), rtol=1e-3)
