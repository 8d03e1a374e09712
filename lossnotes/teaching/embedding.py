r"""Teaching forms of the embedding, ranking and sequence losses.

``x1``, ``x2`` are paired scores or embeddings (one row per pair, features in the last
dimension), ``y`` the pair labels: -1/+1 for the PyTorch losses, 1 (similar) / 0
(dissimilar) for ``contrastive``. Distances follow PyTorch's ``pairwise_distance``: the
p-norm of ``x1 - x2 + 1e-6``. The CTC forms work on ONE sequence, ``log_probs`` of shape
``(T, C)`` and a 1-D ``target`` of labels, in log space. Each function is the book's
formula followed by the reduction. ``lossnotes.embedding`` and ``lossnotes.sequence``
compute the same values (the tests check it) with PyTorch's signatures, checks, batching
and memory behaviour.
"""

import torch
import torch.nn.functional as F

from lossnotes.teaching._reduce import reduce

__all__ = ["contrastive", "cosine_embedding", "ctc", "ctc_alpha", "ctc_beta",
           "hinge_embedding", "info_nce", "margin_ranking", "triplet"]


def margin_ranking(x1, x2, y, margin=0.0, reduction="mean"):
    """max(0, -y (x1 - x2) + margin): y = 1 wants x1 above x2 by the margin, y = -1
    the reverse."""
    return reduce(torch.clamp(-y * (x1 - x2) + margin, min=0), reduction)


def hinge_embedding(x, y, margin=1.0, reduction="mean"):
    """x is a distance: a similar pair (y = 1) pays x, a dissimilar one (y = -1)
    pays max(0, margin - x)."""
    loss = torch.where(y == 1, x, torch.clamp(margin - x, min=0))
    return reduce(loss, reduction)


def cosine_embedding(x1, x2, y, margin=0.0, reduction="mean"):
    """1 - cos for y = 1, max(0, cos - margin) for y = -1. As in PyTorch, 1e-12 is
    added to each squared norm, so two zero vectors have cosine 0."""
    eps = 1e-12
    dot = (x1 * x2).sum(dim=-1)
    cos = dot / torch.sqrt(((x1**2).sum(dim=-1) + eps) * ((x2**2).sum(dim=-1) + eps))
    loss = torch.where(y == 1, 1 - cos, torch.clamp(cos - margin, min=0))
    return reduce(loss, reduction)


def triplet(anchor, positive, negative, margin=1.0, p=2, swap=False, reduction="mean"):
    """max(0, d(a, pos) - d(a, neg) + margin) with d(u, v) = ||u - v + 1e-6||_p;
    swap=True uses min(d(a, neg), d(pos, neg)), the harder of the two negatives."""
    def d(u, v):
        return torch.linalg.vector_norm(u - v + 1e-6, ord=p, dim=-1)

    d_neg = d(anchor, negative)
    if swap:
        d_neg = torch.minimum(d_neg, d(positive, negative))
    return reduce(torch.clamp(d(anchor, positive) - d_neg + margin, min=0), reduction)


def contrastive(x1, x2, y, margin=1.0, reduction="mean"):
    """y d^2 + (1 - y) max(0, margin - d)^2 with d = ||x1 - x2||_2, for y = 1
    (similar) or 0 (dissimilar); no 1/2 in front of either term."""
    d_sq = ((x1 - x2) ** 2).sum(dim=-1)
    d = torch.sqrt(d_sq)
    loss = y * d_sq + (1 - y) * torch.clamp(margin - d, min=0) ** 2
    return reduce(loss, reduction)


def info_nce(query, key, temperature=0.1, reduction="mean"):
    """Cross entropy over the N keys whose correct class is the query's own key:
    logits are cosine similarities / temperature, the positives on the diagonal."""
    q = F.normalize(query, dim=1)
    k = F.normalize(key, dim=1)
    logits = q @ k.T / temperature  # (N, N): query i against every key j
    loss = -torch.log_softmax(logits, dim=1).diagonal()
    return reduce(loss, reduction)


def _extend(target, blank):
    """The extended label sequence (blank, y1, blank, y2, ..., yL, blank)."""
    ext = [blank]
    for label in target:
        ext += [int(label), blank]
    return ext


def _logsumexp(terms, like):
    """log sum exp of a list of 0-d tensors. -inf terms (no path) are left out, and
    no terms give -inf: PyTorch's gradient of logsumexp over only -inf is nan."""
    terms = [a for a in terms if a > float("-inf")]
    if not terms:
        return like.new_tensor(float("-inf"))
    return torch.logsumexp(torch.stack(terms), dim=0)


def _can_skip(ext, s, blank):
    """s - 2 -> s may skip the blank between two labels only if they differ."""
    return s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]


def ctc_alpha(log_probs, target, blank=0):
    """Forward table (T, 2L+1): alpha[t, s] is the log-probability of frames 0..t
    ending in state s of the extended sequence (emission at t included)."""
    ext = _extend(target, blank)
    T, S = log_probs.shape[0], len(ext)
    alpha = [[log_probs.new_tensor(float("-inf"))] * S for _ in range(T)]
    alpha[0][0] = log_probs[0, blank]  # start in the first blank ...
    if S > 1:
        alpha[0][1] = log_probs[0, ext[1]]  # ... or in the first label
    for t in range(1, T):
        for s in range(S):
            prev = [alpha[t - 1][s]]  # stay
            if s >= 1:
                prev.append(alpha[t - 1][s - 1])  # step from the previous state
            if _can_skip(ext, s, blank):
                prev.append(alpha[t - 1][s - 2])  # skip the blank in between
            alpha[t][s] = _logsumexp(prev, log_probs) + log_probs[t, ext[s]]
    return torch.stack([torch.stack(row) for row in alpha])


def ctc_beta(log_probs, target, blank=0):
    """Backward table (T, 2L+1): beta[t, s] is the log-probability of frames t..T-1
    starting from state s at t (emission at t included) and ending in a final state."""
    ext = _extend(target, blank)
    T, S = log_probs.shape[0], len(ext)
    beta = [[log_probs.new_tensor(float("-inf"))] * S for _ in range(T)]
    for s in range(max(S - 2, 0), S):  # end in the last blank or the last label
        beta[T - 1][s] = log_probs[T - 1, ext[s]]
    for t in range(T - 2, -1, -1):
        for s in range(S):
            nxt = [beta[t + 1][s]]  # stay
            if s + 1 < S:
                nxt.append(beta[t + 1][s + 1])  # step to the next state
            if s + 2 < S and _can_skip(ext, s + 2, blank):
                nxt.append(beta[t + 1][s + 2])  # skip the blank in between
            beta[t][s] = _logsumexp(nxt, log_probs) + log_probs[t, ext[s]]
    return torch.stack([torch.stack(row) for row in beta])


def ctc(log_probs, target, blank=0):
    """-log P(target | x): every alignment ends in the last label or the last blank
    at the last frame."""
    alpha = ctc_alpha(log_probs, target, blank)
    return -_logsumexp(list(alpha[-1, -2:]), log_probs)
