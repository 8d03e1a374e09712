"""The embedding, ranking and CTC teaching forms equal PyTorch's native ops and the fast functions.

The book prints ``lossnotes.teaching.embedding``; these tests prove each form equal to an
independent reference and to the fast ``lossnotes`` function: PyTorch's own kernel where PyTorch
has the loss (``F.margin_ranking_loss``, ``F.hinge_embedding_loss``, ``F.cosine_embedding_loss``,
``F.triplet_margin_loss`` with and without the swap, ``F.ctc_loss``), else numbers derived by hand
and PyTorch's ``cross_entropy`` on the normalised similarity matrix (InfoNCE). Values and gradients
of every floating argument (labels included), every reduction, float32 and float64, on continuous
random inputs (no ties, where a subgradient is a convention). ``tests/test_embedding_pml.py``
compares the contrastive and InfoNCE forms with pytorch-metric-learning as well.

The CTC forms work on one sequence: they are compared sample by sample with ``F.ctc_loss(...,
reduction='none')``, their alpha and beta tables with a brute-force sum over every alignment, and
with each other (the total probability read off any frame is the same).
"""

from __future__ import annotations

import inspect
import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from conftest import TOLERANCES, assert_matches

import lossnotes.embedding as E
from lossnotes.sequence import ctc_loss
from lossnotes.teaching import embedding as TE

REDUCTIONS = ["none", "mean", "sum"]


def _draw(gen, dtype, *shape, scale=1.0):
    return (scale * torch.randn(shape, generator=gen, dtype=torch.float64)).to(dtype)


def _signs(gen, dtype, n):
    return (2 * torch.randint(0, 2, (n,), generator=gen) - 1).to(dtype)


def _inputs(kind, gen, dtype):
    """The tensors one kind of loss takes, drawn in float64 and cast."""
    n, d = 9, 5
    if kind == "ranking":  # scores x1, x2 (N) and labels +-1
        return _draw(gen, dtype, n), _draw(gen, dtype, n), _signs(gen, dtype, n)
    if kind == "hinge":  # distances (N, D) >= 0 and labels +-1 of the same shape
        x = _draw(gen, dtype, n, d).abs() * 1.5
        return x, (2 * torch.randint(0, 2, (n, d), generator=gen) - 1).to(dtype)
    if kind == "cosine":  # embeddings (N, D) and labels +-1 (N)
        return _draw(gen, dtype, n, d), _draw(gen, dtype, n, d), _signs(gen, dtype, n)
    if kind == "triplet":  # anchor, positive, negative (N, D)
        a = _draw(gen, dtype, n, d)
        return a, a + _draw(gen, dtype, n, d, scale=0.8), a + _draw(gen, dtype, n, d, scale=1.2)
    if kind == "pairs01":  # embeddings (N, D) and labels 1 (similar) / 0 (dissimilar)
        x1 = _draw(gen, dtype, n, d, scale=0.3)
        return x1, x1 + _draw(gen, dtype, n, d, scale=0.3), torch.randint(0, 2, (n,), generator=gen).to(dtype)
    if kind == "nce":  # queries and keys (N, D)
        q = _draw(gen, dtype, n, d)
        return q, q + _draw(gen, dtype, n, d, scale=0.7)
    raise ValueError(kind)


# name: (kind, teaching form, PyTorch's native op), each called (*tensors, reduction)
NATIVE = {
    "margin_ranking": ("ranking", lambda a, b, y, r: TE.margin_ranking(a, b, y, reduction=r),
                       lambda a, b, y, r: F.margin_ranking_loss(a, b, y, reduction=r)),
    "margin_ranking(margin=0.4)": (
        "ranking", lambda a, b, y, r: TE.margin_ranking(a, b, y, margin=0.4, reduction=r),
        lambda a, b, y, r: F.margin_ranking_loss(a, b, y, margin=0.4, reduction=r)),
    "hinge_embedding": ("hinge", lambda x, y, r: TE.hinge_embedding(x, y, reduction=r),
                        lambda x, y, r: F.hinge_embedding_loss(x, y, reduction=r)),
    "hinge_embedding(margin=2.5)": (
        "hinge", lambda x, y, r: TE.hinge_embedding(x, y, margin=2.5, reduction=r),
        lambda x, y, r: F.hinge_embedding_loss(x, y, margin=2.5, reduction=r)),
    "cosine_embedding": ("cosine", lambda a, b, y, r: TE.cosine_embedding(a, b, y, reduction=r),
                         lambda a, b, y, r: F.cosine_embedding_loss(a, b, y, reduction=r)),
    "cosine_embedding(margin=-0.3)": (
        "cosine", lambda a, b, y, r: TE.cosine_embedding(a, b, y, margin=-0.3, reduction=r),
        lambda a, b, y, r: F.cosine_embedding_loss(a, b, y, margin=-0.3, reduction=r)),
    "triplet": ("triplet", lambda a, p, n, r: TE.triplet(a, p, n, reduction=r),
                lambda a, p, n, r: F.triplet_margin_loss(a, p, n, reduction=r)),
    "triplet(swap)": ("triplet", lambda a, p, n, r: TE.triplet(a, p, n, swap=True, reduction=r),
                      lambda a, p, n, r: F.triplet_margin_loss(a, p, n, swap=True, reduction=r)),
    "triplet(p=1, margin=2, swap)": (
        "triplet", lambda a, p, n, r: TE.triplet(a, p, n, margin=2.0, p=1, swap=True, reduction=r),
        lambda a, p, n, r: F.triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True, reduction=r)),
    "triplet(p=3)": ("triplet", lambda a, p, n, r: TE.triplet(a, p, n, p=3, reduction=r),
                     lambda a, p, n, r: F.triplet_margin_loss(a, p, n, p=3, reduction=r)),
    "info_nce (cross_entropy)": (
        "nce", lambda q, k, r: TE.info_nce(q, k, reduction=r),
        lambda q, k, r: F.cross_entropy(F.normalize(q, dim=1) @ F.normalize(k, dim=1).T / 0.1,
                                        torch.arange(q.shape[0]), reduction=r)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(NATIVE))
def test_teaching_form_equals_pytorch(name, reduction, dtype, gen):
    kind, ours, native = NATIVE[name]
    tensors = _inputs(kind, gen, dtype)
    assert_matches(lambda *t: ours(*t, reduction), lambda *t: native(*t, reduction), *tensors)


# name: (kind, teaching form, fast lossnotes function)
FAST = {
    "margin_ranking(margin=0.4)": (
        "ranking", lambda a, b, y, r: TE.margin_ranking(a, b, y, margin=0.4, reduction=r),
        lambda a, b, y, r: E.margin_ranking_loss(a, b, y, margin=0.4, reduction=r)),
    "hinge_embedding(margin=2.5)": (
        "hinge", lambda x, y, r: TE.hinge_embedding(x, y, margin=2.5, reduction=r),
        lambda x, y, r: E.hinge_embedding_loss(x, y, margin=2.5, reduction=r)),
    "cosine_embedding(margin=0.2)": (
        "cosine", lambda a, b, y, r: TE.cosine_embedding(a, b, y, margin=0.2, reduction=r),
        lambda a, b, y, r: E.cosine_embedding_loss(a, b, y, margin=0.2, reduction=r)),
    "triplet(swap)": ("triplet", lambda a, p, n, r: TE.triplet(a, p, n, swap=True, reduction=r),
                      lambda a, p, n, r: E.triplet_margin_loss(a, p, n, swap=True, reduction=r)),
    "triplet(p=1, margin=0.5)": (
        "triplet", lambda a, p, n, r: TE.triplet(a, p, n, margin=0.5, p=1, reduction=r),
        lambda a, p, n, r: E.triplet_margin_loss(a, p, n, margin=0.5, p=1, reduction=r)),
    "triplet = triplet_margin_with_distance_loss": (
        "triplet", lambda a, p, n, r: TE.triplet(a, p, n, swap=True, reduction=r),
        lambda a, p, n, r: E.triplet_margin_with_distance_loss(a, p, n, swap=True, reduction=r)),
    "contrastive": ("pairs01", lambda a, b, y, r: TE.contrastive(a, b, y, reduction=r),
                    lambda a, b, y, r: E.contrastive_loss(a, b, y, reduction=r)),
    "contrastive(margin=0.6)": (
        "pairs01", lambda a, b, y, r: TE.contrastive(a, b, y, margin=0.6, reduction=r),
        lambda a, b, y, r: E.contrastive_loss(a, b, y, margin=0.6, reduction=r)),
    "info_nce": ("nce", lambda q, k, r: TE.info_nce(q, k, reduction=r),
                 lambda q, k, r: E.info_nce_loss(q, k, reduction=r)),
    "info_nce(temperature=0.5)": (
        "nce", lambda q, k, r: TE.info_nce(q, k, temperature=0.5, reduction=r),
        lambda q, k, r: E.info_nce_loss(q, k, temperature=0.5, reduction=r)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(FAST))
def test_teaching_form_equals_fast_function(name, reduction, dtype, gen):
    kind, ours, fast = FAST[name]
    tensors = _inputs(kind, gen, dtype)
    assert_matches(lambda *t: ours(*t, reduction), lambda *t: fast(*t, reduction), *tensors)


def test_defaults_are_the_fast_functions_defaults():
    # the keyword defaults the book quotes for the two losses torch does not ship
    for form, fast in [(TE.contrastive, E.contrastive_loss), (TE.info_nce, E.info_nce_loss)]:
        ours = {k: p.default for k, p in inspect.signature(form).parameters.items()
                if p.default is not inspect.Parameter.empty}
        theirs = {k: p.default for k, p in inspect.signature(fast).parameters.items()
                  if p.default is not inspect.Parameter.empty}
        assert ours == theirs, form.__name__


def test_contrastive_by_hand():
    # d = ||(0.3, 0.4)|| = 0.5. Similar pair: d^2 = 0.25. Dissimilar pair, margin 1:
    # (1 - 0.5)^2 = 0.25; margin 0.8: 0.3^2 = 0.09; margin 0.4: 0 (already far enough).
    x1, x2 = torch.zeros(2, 2), torch.tensor([[0.3, 0.4], [0.3, 0.4]])
    y = torch.tensor([1.0, 0.0])
    torch.testing.assert_close(TE.contrastive(x1, x2, y, reduction="none"), torch.tensor([0.25, 0.25]))
    assert TE.contrastive(x1, x2, y, margin=0.8, reduction="sum").item() == pytest.approx(0.25 + 0.09)
    assert TE.contrastive(x1, x2, y, margin=0.4).item() == pytest.approx(0.25 / 2)


def test_info_nce_by_hand():
    # q = k = the two unit vectors, tau = 1: logits [[1, 0], [0, 1]], each row
    # -log(e / (e + 1)) = log(1 + e^-1) = 0.3133; tau = 0.5 doubles the logits: log(1 + e^-2).
    q = torch.eye(2)
    assert TE.info_nce(q, q, temperature=1.0).item() == pytest.approx(math.log1p(math.exp(-1)))
    assert TE.info_nce(q, q, temperature=0.5).item() == pytest.approx(math.log1p(math.exp(-2)))
    # scale does not matter (cosine), and uninformative keys cost log N
    assert TE.info_nce(5 * q, q, temperature=1.0).item() == pytest.approx(math.log1p(math.exp(-1)))
    k = torch.ones(3, 4)
    assert TE.info_nce(torch.randn(3, 4), k).item() == pytest.approx(math.log(3))


def test_margin_losses_by_hand():
    # the lossnotes docstrings' numbers: ranking 0.25, hinge 0.45, cosine 1 - 1/sqrt 2, triplet 5
    x1, x2 = torch.tensor([0.8, 0.2]), torch.tensor([0.5, 0.6])
    assert TE.margin_ranking(x1, x2, torch.tensor([1.0, 1.0]), margin=0.1).item() == pytest.approx(0.25)
    assert TE.hinge_embedding(torch.tensor([0.3, 0.4]), torch.tensor([1.0, -1.0])).item() == pytest.approx(0.45)
    cos = TE.cosine_embedding(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]), torch.tensor([1.0]))
    assert cos.item() == pytest.approx(1 - 1 / math.sqrt(2))
    a, p, n = torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]), torch.tensor([[0.0, 1.0]])
    assert TE.triplet(a, p, n).item() == pytest.approx(5.0, abs=1e-5)  # eps shifts it by ~1e-6


# ------------------------------------------------------------------------------------ CTC
# (T, C, blank, input lengths, targets with their lengths): a repeated label (needs a blank
# in between), an empty target, a blank that is the last class, a sequence using every frame
CTC_CASES = {
    "blank=0": (10, 5, 0, [10, 8, 6], [[1, 2, 2, 3], [4, 1, 0, 0], [0, 0, 0, 0]], [4, 2, 0]),
    "blank=last": (9, 4, 3, [9, 7, 9], [[0, 0, 1], [2, 1, 2], [1, 1, 1]], [3, 3, 2]),
}


def _ctc_case(name, gen, dtype):
    n_frames, n_classes, blank, in_len, targets, tg_len = CTC_CASES[name]
    logits = _draw(gen, dtype, n_frames, len(in_len), n_classes, scale=1.5)
    return logits, blank, in_len, torch.tensor(targets), tg_len


def _teaching_batch(log_probs, blank, in_len, targets, tg_len):
    """The teaching form sample by sample: (N) negative log-likelihoods."""
    return torch.stack([TE.ctc(log_probs[:t, i], targets[i, :s], blank)
                        for i, (t, s) in enumerate(zip(in_len, tg_len, strict=True))])


def _by_length(nll, tg_len, reduction):
    """ctc_loss's reductions: 'mean' divides each loss by its target length (at least 1)."""
    if reduction == "none":
        return nll
    if reduction == "sum":
        return nll.sum()
    return (nll / torch.tensor(tg_len).clamp(min=1).to(nll.dtype)).mean()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(CTC_CASES))
def test_ctc_equals_pytorch(name, reduction, dtype, gen):
    # PyTorch's backward returns the gradient for logits fed through log_softmax, so the
    # comparison is taken with respect to the logits
    logits, blank, in_len, targets, tg_len = _ctc_case(name, gen, dtype)

    def ours(z):
        return _by_length(_teaching_batch(z.log_softmax(-1), blank, in_len, targets, tg_len), tg_len, reduction)

    def native(z):
        return F.ctc_loss(z.log_softmax(-1), targets, in_len, tg_len, blank=blank, reduction=reduction)

    assert_matches(ours, native, logits)


@pytest.mark.parametrize("name", list(CTC_CASES))
def test_ctc_equals_fast_function(name, dtype, gen):
    # with respect to the log-probabilities themselves (lossnotes' gradient is the exact one)
    logits, blank, in_len, targets, tg_len = _ctc_case(name, gen, dtype)
    log_probs = logits.log_softmax(-1)
    assert_matches(lambda lp: _teaching_batch(lp, blank, in_len, targets, tg_len),
                   lambda lp: ctc_loss(lp, targets, in_len, tg_len, blank=blank, reduction="none"),
                   log_probs)


def _ext(target, blank):
    return [blank] + [v for label in target for v in (label, blank)]


@pytest.mark.parametrize("name", list(CTC_CASES))
def test_ctc_alpha_beta_agree_at_every_frame(name, dtype, gen):
    # sum_s alpha_t(s) beta_t(s) / p_t(y'_s) = P(y | x) at every frame t (both tables include
    # the emission at t, hence the division), and beta's first frame gives P too
    logits, blank, in_len, targets, tg_len = _ctc_case(name, gen, dtype)
    tol = TOLERANCES[dtype]
    for i, (t, s) in enumerate(zip(in_len, tg_len, strict=True)):
        lp, target = logits.log_softmax(-1)[:t, i], targets[i, :s]
        alpha, beta = TE.ctc_alpha(lp, target, blank), TE.ctc_beta(lp, target, blank)
        ext = _ext(target.tolist(), blank)
        assert alpha.shape == beta.shape == (t, 2 * s + 1)
        nll = TE.ctc(lp, target, blank)
        per_frame = torch.logsumexp(alpha + beta - lp[:, ext], dim=1)
        torch.testing.assert_close(per_frame, (-nll).expand(t), **tol)
        torch.testing.assert_close(torch.logsumexp(beta[0, :2], 0), -nll, **tol)


def _collapse(path, blank):
    """Merge repeats, then drop blanks."""
    return [c for c, _ in itertools.groupby(path) if c != blank]


@pytest.mark.parametrize("target", [[1, 2], [1, 1], [2], []])
def test_ctc_alpha_is_a_sum_over_partial_alignments(target):
    # alpha[t, 2k] sums the probabilities of frame paths 0..t that collapse to y_1..y_k and end
    # in a blank; alpha[t, 2k - 1] those that collapse to y_1..y_k and end in y_k. beta is alpha
    # of the time-reversed input and the reversed target, read backwards.
    n_frames, n_classes, blank = 5, 3, 0
    lp = torch.randn(n_frames, n_classes, generator=torch.Generator().manual_seed(3),
                     dtype=torch.float64).log_softmax(-1)
    width = 2 * len(target) + 1
    brute = torch.zeros(n_frames, width, dtype=torch.float64)
    for t in range(n_frames):
        for path in itertools.product(range(n_classes), repeat=t + 1):
            labels = _collapse(path, blank)
            k = len(labels)
            if labels != target[:k]:
                continue
            state = 2 * k if path[-1] == blank else 2 * k - 1
            brute[t, state] += math.exp(sum(lp[u, c].item() for u, c in enumerate(path)))
    torch.testing.assert_close(TE.ctc_alpha(lp, torch.tensor(target, dtype=torch.long)), brute.log())
    reverse = TE.ctc_alpha(lp.flip(0), torch.tensor(target[::-1], dtype=torch.long)).flip(0, 1)
    torch.testing.assert_close(TE.ctc_beta(lp, torch.tensor(target, dtype=torch.long)), reverse)
    # and the loss: every full path that collapses to the target
    total = sum(math.exp(sum(lp[u, c].item() for u, c in enumerate(path)))
                for path in itertools.product(range(n_classes), repeat=n_frames)
                if _collapse(path, blank) == target)
    assert TE.ctc(lp, torch.tensor(target, dtype=torch.long)).item() == pytest.approx(-math.log(total))


def test_ctc_impossible_target_is_infinite():
    # 2 frames cannot hold "1 1" (it needs a blank between the two 1s): P = 0, loss +inf
    lp = torch.full((2, 3), 1 / 3).log()
    assert TE.ctc(lp, torch.tensor([1, 1])).item() == math.inf
    assert F.ctc_loss(lp[:, None], torch.tensor([[1, 1]]), (2,), (2,), reduction="sum").item() == math.inf


def test_ctc_by_hand():
    # T = 2, C = 2 uniform: "1" has the alignments (1,1), (blank,1), (1,blank): P = 3/4
    lp = torch.full((2, 2), 0.5).log()
    assert TE.ctc(lp, torch.tensor([1])).item() == pytest.approx(-math.log(0.75))
    assert TE.ctc(lp, torch.tensor([], dtype=torch.long)).item() == pytest.approx(-math.log(0.25))


def test_embedding_teaching_forms_fit_the_book_page():
    wide = [line for line in inspect.getsource(TE).splitlines() if len(line) > 88]
    assert wide == [], wide
