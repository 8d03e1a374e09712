"""Cross entropy at scale: a linear layer fused with cross entropy, chunked over the batch so the
``(N, C)`` logits are never held in memory whole.

In eager mode ``linear_cross_entropy`` reads the device once, to check that the class indices
lie in ``[0, C)`` (:func:`lossnotes._checks.check_class_indices`); under ``torch.compile`` that
check is skipped (:func:`lossnotes._checks.value_checks`) and nothing is read.
"""

from __future__ import annotations

import math

import torch
from torch.autograd.function import once_differentiable

from lossnotes._checks import (
    InputDtypeError,
    InputError,
    check_class_indices,
    check_floating,
    check_integer,
    check_tensor,
)
from lossnotes._numerics import as_dtype, autocast_like_torch, compute_dtype
from lossnotes._reduction import reduce_grad, resolve_reduction

__all__ = ["auto_chunk_rows", "linear_cross_entropy"]

# Memory budget for one chunk's (rows, C) logits buffer in the accumulation dtype. With class
# indices the loss and the gradient are formed in that one buffer, in place; probability targets
# add a buffer of the same size. On a CPU, at C = 32000 and float32 (512 rows a chunk), the time
# of forward + backward was flat from about 256 to 1024 rows and some 15 % higher at 128 rows
# (one thread, N = 2048, d = 1024); 64 MiB stays far below the full logits, whose size is
# N / rows times larger. On an accelerator fewer, larger chunks keep
# the matmuls efficient and the kernel-launch overhead small.
CHUNK_BYTES = {"cpu": 64 * 2**20}
CHUNK_BYTES_ACCELERATOR = 256 * 2**20

def auto_chunk_rows(n_rows: int, n_cols: int, dtype: torch.dtype, device: torch.device) -> int:
    """Rows per chunk so that one ``(rows, n_cols)`` buffer fits the device's chunk budget.

    ``rows = budget // (n_cols * bytes per element)``, clamped to ``[1, n_rows]``; the budget is
    :data:`CHUNK_BYTES` for the CPU and :data:`CHUNK_BYTES_ACCELERATOR` otherwise, and float16 /
    bfloat16 count as float32 because the softmax is computed in float32.
    """
    acc = compute_dtype(dtype)
    element = torch.empty((), dtype=acc).element_size()
    budget = CHUNK_BYTES.get(torch.device(device).type, CHUNK_BYTES_ACCELERATOR)
    return max(1, min(max(n_rows, 1), budget // max(n_cols * element, 1)))


def _options_chunk_rows(options, n_rows: int, in_features: int, n_cols: int, dtype, device) -> int:
    """Honour a ``torch.nn.LinearCrossEntropyOptions``: an explicit ``batch_chunk_size``, the
    ``'aspect_ratio[:k]'`` heuristic, or (for ``'auto'``) this module's memory budget."""
    size = getattr(options, "batch_chunk_size", None)
    method = getattr(options, "chunking_method", "auto")
    if method == "auto" and size is not None:
        method = None
    if method == "auto":
        return auto_chunk_rows(n_rows, n_cols, dtype, device)
    if method is None:
        return max(1, min(size if size is not None else n_rows, n_rows))
    _, _, factor = str(method).partition(":")
    factor = int(factor) if factor else 1
    # torch's aspect-ratio rule: a chunk's logits about as large as the input, rounded up to
    # a power of two, divided by the factor
    target = -(-n_rows // -(-n_cols // in_features))
    rows = min((1 << (target - 1).bit_length()) // factor, n_rows)
    if size is not None and size != rows:
        raise ValueError(
            f"batch_chunk_size (={size}) and chunking_method ('{method}') give different chunk sizes "
            f"({size} vs {rows}); pass only one."
        )
    return max(1, rows)


def _index_terms(target, class_weight, smoothing, ignore_index, n_classes, dtype):
    """For class-index targets: the kept mask, the safe (in-range) indices, the weight
    ``(1 - eps) w_y`` of the target's one-hot, and ``sum_c a_c``.

    The coefficients of ``loss = -sum_c a_c log softmax(z)_c`` are
    ``a = m (1 - eps) w_y onehot(y) + m (eps / C) w`` with ``m = [y != ignore_index]``.
    """
    keep = target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    keep_f = keep.to(dtype)
    w_y = keep_f if class_weight is None else class_weight.to(dtype)[safe] * keep_f
    total = w_y * (1 - smoothing)
    if smoothing > 0:
        w_sum = n_classes if class_weight is None else class_weight.to(dtype).sum()
        total = total + (smoothing / n_classes) * keep_f * w_sum
    return keep_f, safe, w_y * (1 - smoothing), total


def _prob_coefficients(target, class_weight, smoothing, n_classes, dtype):
    """For probability targets: ``a = w ((1 - eps) q + eps / C)``, shape (rows, C, P)."""
    a = target.to(dtype)
    if smoothing > 0:
        a = a * (1 - smoothing) + smoothing / n_classes
    if class_weight is not None:
        a = a * class_weight.to(dtype)[None, :, None]
    return a


def _chunk_logits(x, weight, bias, n_classes, acc_dtype):
    """``x @ weight.T + bias`` for one chunk, as (rows, C, P) in the accumulation dtype."""
    z = x @ weight.T
    if bias is not None:
        z += bias
    return z.to(acc_dtype).view(x.shape[0], n_classes, -1)


def _chunk(z, target, prob_target, class_weight, smoothing, ignore_index, n_classes, scale=None, grad_t=None):
    """One chunk's loss (rows, P), and with ``scale`` its ``scale * dL/dz``, built in place in ``z``.

    ``z`` holds the chunk's logits (rows, C, P) and is overwritten. The loss is
    ``(sum_c a_c) logsumexp(z) - sum_c a_c z_c`` and ``dL/dz = (sum_c a_c) softmax(z) - a``;
    ``scale`` is a scalar (the forward pass of a reduced loss) or one factor per (row, position)
    (the incoming gradient of ``reduction='none'``). For a probability target whose gradient is
    wanted, ``scale * dL/dq`` is written into ``grad_t`` (the chunk's rows) on the way. Without
    ``scale`` the gradient is ``None``.
    """
    if prob_target:
        a = _prob_coefficients(target, class_weight, smoothing, n_classes, z.dtype)
        a_sum = a.sum(1)
        lse = torch.logsumexp(z, dim=1)
        # -sum_c a_c (z_c - lse) = (sum_c a_c) lse - sum_c a_c z_c
        loss = a_sum * lse - (a * z).sum(1)
        if scale is None:
            return loss, None
        s = scale if scale.dim() == 0 else scale[:, None, :]
        z.sub_(lse[:, None, :])  # log softmax
        if grad_t is not None:
            # d/dq_c of -sum_c w_c (1 - eps) q_c log p_c
            coef = -(1 - smoothing) * s
            if class_weight is not None:
                coef = coef * class_weight.to(z.dtype)[None, :, None]
            torch.mul(z, coef, out=grad_t)
        return loss, z.exp_().mul_(a_sum[:, None, :]).sub_(a).mul_(s)
    keep, safe, hot, total = _index_terms(target, class_weight, smoothing, ignore_index, n_classes, z.dtype)
    a_dot_z = hot * z.gather(1, safe[:, None, :]).squeeze(1)
    if smoothing > 0:
        w = torch.ones(n_classes, dtype=z.dtype, device=z.device) if class_weight is None else class_weight
        a_dot_z = a_dot_z + (smoothing / n_classes) * keep * torch.einsum("ncp,c->np", z, w.to(z.dtype))
    # logsumexp in place: shift by the row maximum, exponentiate, sum
    peak = z.amax(dim=1, keepdim=True)
    peak = torch.where(torch.isfinite(peak), peak, torch.zeros_like(peak))
    total_exp = z.sub_(peak).exp_().sum(1)
    loss = total * (peak.squeeze(1) + total_exp.log()) - a_dot_z
    if scale is None:
        return loss, None
    z.mul_((total * scale / total_exp)[:, None, :])  # (sum_c a_c) softmax(z), scaled
    z.scatter_add_(1, safe[:, None, :], -(hot * scale)[:, None, :])
    if smoothing > 0:
        z.sub_((smoothing / n_classes) * (keep * scale)[:, None, :] * w.to(z.dtype)[None, :, None])
    return loss, z


def _chunk_pass(x, weight, bias, target, class_weight, prob_target, smoothing, ignore_index, n_classes,
                rows, scale=None, needs=(False, False, False, False)):
    """The one loop over the chunks: the losses (N, P) and, with ``scale``, the gradients of
    ``sum(scale * losses)`` for the inputs ``needs`` flags (input, weight, bias, target).

    Per chunk: the logits, the loss, ``dL/dz`` in place in the logits buffer (:func:`_chunk`),
    then ``grad_input[chunk] = dz @ W``, ``grad_weight += dz.T @ x[chunk]`` and
    ``grad_bias += sum(dz)``: three matmuls, as for the full logits. ``scale`` is a scalar (a
    reduced loss: the gradients are formed in the forward pass) or (N, P) (the incoming
    gradient of ``reduction='none'``, in the backward pass, which so recomputes the logits).
    """
    acc = compute_dtype(x.dtype)
    n = x.shape[0]
    n_pos = weight.shape[0] // n_classes
    need_x, need_w, need_b, need_t = needs if scale is not None else (False,) * 4
    losses = torch.empty((n, n_pos), dtype=acc, device=x.device)
    grad_x = torch.empty_like(x) if need_x else None
    grad_w = torch.zeros(weight.shape, dtype=acc, device=weight.device) if need_w else None
    grad_b = torch.zeros(bias.shape, dtype=acc, device=bias.device) if need_b else None
    grad_t = torch.empty(target.shape, dtype=acc, device=target.device) if need_t else None
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        xc = x[start:stop]
        z = _chunk_logits(xc, weight, bias, n_classes, acc)
        losses[start:stop], dz = _chunk(
            z, target[start:stop], prob_target, class_weight, smoothing, ignore_index, n_classes,
            None if scale is None else scale if scale.dim() == 0 else scale[start:stop],
            None if grad_t is None else grad_t[start:stop],
        )
        if dz is not None:
            dz = as_dtype(dz.reshape(stop - start, -1), x.dtype)
            if need_x:
                torch.matmul(dz, weight, out=grad_x[start:stop])
            if need_w:
                if acc == x.dtype:
                    grad_w.addmm_(dz.T, xc)
                else:
                    grad_w += (dz.T @ xc).to(acc)
            if need_b:
                grad_b += dz.sum(0).to(acc)
        del z, dz
    return losses, [grad_x, grad_w, grad_b, grad_t]


def _forward_pass(x, weight, bias, target, class_weight, prob_target, smoothing, ignore_index, reduction,
                  n_classes, rows, needs):
    """The reduced (or per-row) loss in ``x``'s dtype; and, for ``'mean'`` / ``'sum'`` with a
    gradient wanted (``needs``: input, weight, bias, target), the gradients of that loss, formed
    chunk by chunk right after each chunk's loss (else ``None``)."""
    acc = compute_dtype(x.dtype)
    fused = reduction != "none" and any(needs)
    denominator = None
    if reduction == "mean":
        denominator = _mean_denominator(target, prob_target, class_weight, ignore_index, acc)
    scale = _unit_scale(reduction, denominator, acc, x.device) if fused else None
    losses, grads = _chunk_pass(x, weight, bias, target, class_weight, prob_target, smoothing,
                                ignore_index, n_classes, rows, scale, needs)
    if reduction == "none":
        out = losses
    elif reduction == "sum":
        out = losses.sum()
    else:
        out = losses.sum() / denominator
    return out.to(x.dtype), grads if fused else None


def _recomputed_grads(grad_out, x, weight, bias, target, class_weight, prob_target, smoothing,
                      ignore_index, reduction, n_classes, rows, needs):
    """The gradients (input, weight, bias, target; ``None`` where not wanted) in the accumulation
    dtype, by a pass that recomputes every chunk's logits: for ``'none'``, whose incoming gradient
    ``grad_out`` (N, P) weights each row, and for a second backward of a reduced loss."""
    acc = compute_dtype(x.dtype)
    if reduction == "none":
        scale = grad_out.to(acc)
    else:
        denominator = None
        if reduction == "mean":
            denominator = _mean_denominator(target, prob_target, class_weight, ignore_index, acc)
        scale = _unit_scale(reduction, denominator, acc, x.device)
    _, grads = _chunk_pass(x, weight, bias, target, class_weight, prob_target, smoothing,
                           ignore_index, n_classes, rows, scale, needs)
    if reduction != "none":
        grads = [None if g is None else g.mul_(grad_out.to(g.dtype)) for g in grads]
    return grads


def _unit_scale(reduction, denominator, dtype, device):
    """The derivative of the reduced loss with respect to each element loss: 1 for ``'sum'``,
    ``1 / denominator`` for ``'mean'``."""
    return reduce_grad(torch.ones((), dtype=dtype, device=device), reduction, denominator)


def _in_dtypes(grads, x, weight, bias, target):
    return [None if g is None else as_dtype(g, t.dtype) for g, t in zip(grads, (x, weight, bias, target), strict=True)]


class _ChunkedLinearCrossEntropy(torch.autograd.Function):
    """Chunked over the rows (:func:`_chunk_pass`), two strategies.

    * ``'mean'`` / ``'sum'`` with gradients wanted (the training case): the forward pass forms
      each chunk's ``dL/dz`` right after its loss, in place in the logits buffer, and
      accumulates the input, weight and bias (and probability-target) gradients at once.
      They are kept (``N x d + C x d`` numbers, not ``N x C``), and the
      backward pass multiplies them in place by the scalar incoming gradient and hands them
      over, without a copy. A second backward (``retain_graph=True``) finds them gone and runs
      the same pass again, so it returns the same bits.
    * ``'none'``, or no gradient wanted: the forward pass forms the losses only; the backward
      pass runs the pass again with the incoming gradient as the scale, recomputing each chunk's
      logits (a fourth matmul). With ``'none'`` the incoming gradient has one entry per row,
      which must weight every row's contribution to the weight gradient *before* the sum over
      rows, and it is only known in the backward pass.

    Under ``torch.compile`` the same two passes run as the custom operators below instead.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, target, class_weight, prob_target, smoothing, ignore_index,
                reduction, n_classes, rows, grad_enabled):
        # grad_enabled: grad mode outside (inside forward it is always off, and
        # needs_input_grad does not see a surrounding torch.no_grad())
        needs = tuple(ctx.needs_input_grad[:4]) if grad_enabled else (False,) * 4
        ctx.settings = (prob_target, smoothing, ignore_index, reduction, n_classes, rows)
        out, ctx.grads = _forward_pass(x, weight, bias, target, class_weight, prob_target, smoothing,
                                       ignore_index, reduction, n_classes, rows, needs)
        ctx.save_for_backward(x, weight, bias, target, class_weight)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        x, weight, bias, target, class_weight = ctx.saved_tensors
        grads, ctx.grads = ctx.grads, None  # hand them over: nothing else refers to them
        if grads is None:  # 'none', no gradient wanted in the forward pass, or a second backward
            grads = _recomputed_grads(grad_out, x, weight, bias, target, class_weight, *ctx.settings,
                                      tuple(ctx.needs_input_grad[:4]))
        else:
            grads = [None if g is None else g.mul_(grad_out.to(g.dtype)) for g in grads]
        return (*_in_dtypes(grads, x, weight, bias, target), None, None, None, None, None, None, None, None)


# Under torch.compile the two passes are custom operators (torch.library.custom_op), opaque to
# the compiler. Traced, the chunk loop would be unrolled into one graph whose memory plan keeps
# every chunk's logits alive at once: more than the whole logits the chunking exists to avoid.
# Operators return tensors, so a gradient that is not wanted is an empty tensor there.


def _or_empty(grads, x):
    return tuple(x.new_empty(0) if g is None else g for g in grads)


@torch.library.custom_op("lossnotes::linear_cross_entropy", mutates_args=())
def _lce_op(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, target: torch.Tensor,
            class_weight: torch.Tensor | None, prob_target: bool, smoothing: float, ignore_index: int,
            reduction: str, n_classes: int, rows: int, needs: list[bool],
            ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`_forward_pass`: the loss and the four gradients (empty where not formed)."""
    out, grads = _forward_pass(x, weight, bias, target, class_weight, prob_target, smoothing,
                               ignore_index, reduction, n_classes, rows, tuple(needs))
    return (out, *_or_empty(grads or (None,) * 4, x))


def _fake_grads(x, weight, bias, target, formed):
    """Fakes of the four gradients, in :func:`_chunk_pass`'s dtypes, for the ``formed`` flags."""
    acc = compute_dtype(x.dtype)
    dtypes = (x.dtype, acc, acc, acc)
    return tuple(t.new_empty(t.shape, dtype=d) if need else x.new_empty(0)
                 for t, d, need in zip((x, weight, bias, target), dtypes, formed, strict=True))


@_lce_op.register_fake
def _(x, weight, bias, target, class_weight, prob_target, smoothing, ignore_index, reduction, n_classes,
      rows, needs):
    n_pos = weight.shape[0] // n_classes
    out = x.new_empty((x.shape[0], n_pos) if reduction == "none" else ())
    formed = needs if reduction != "none" else [False] * 4  # see _forward_pass
    return (out, *_fake_grads(x, weight, bias, target, formed))


@torch.library.custom_op("lossnotes::linear_cross_entropy_backward", mutates_args=())
def _lce_backward_op(grad_out: torch.Tensor, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                     target: torch.Tensor, class_weight: torch.Tensor | None, prob_target: bool,
                     smoothing: float, ignore_index: int, reduction: str, n_classes: int, rows: int,
                     needs: list[bool]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`_recomputed_grads` for ``'none'``: the four gradients (empty where not wanted)."""
    grads = _recomputed_grads(grad_out, x, weight, bias, target, class_weight, prob_target, smoothing,
                              ignore_index, reduction, n_classes, rows, tuple(needs))
    return _or_empty(grads, x)


@_lce_backward_op.register_fake
def _(grad_out, x, weight, bias, target, class_weight, prob_target, smoothing, ignore_index, reduction,
      n_classes, rows, needs):
    return _fake_grads(x, weight, bias, target, needs)


def _lce_setup_context(ctx, inputs, output):
    x, weight, bias, target, class_weight, *settings = inputs
    _, *grads = output
    ctx.save_for_backward(x, weight, bias, target, class_weight, *grads)
    ctx.settings = settings
    ctx.mark_non_differentiable(*grads)
    ctx.set_materialize_grads(False)  # else autograd fills zero gradients the size of the four


def _lce_grad(ctx, grad_out, *_):
    x, weight, bias, target, class_weight, *grads = ctx.saved_tensors
    prob_target, smoothing, ignore_index, reduction, n_classes, rows, needs = ctx.settings
    if grad_out is None:
        return (None,) * 12
    if reduction == "none":
        grads = _lce_backward_op(grad_out, x, weight, bias, target, class_weight, prob_target, smoothing,
                                 ignore_index, reduction, n_classes, rows, needs)
    else:
        grads = [g * grad_out.to(g.dtype) for g in grads]
    grads = [g if need else None for g, need in zip(grads, needs, strict=True)]
    return (*_in_dtypes(grads, x, weight, bias, target), *(None,) * 8)


_lce_op.register_autograd(_lce_grad, setup_context=_lce_setup_context)


def _mean_denominator(target, prob_target, class_weight, ignore_index, dtype):
    """Class indices: the total weight of the kept targets (their count without ``weight``).
    Probabilities: the number of (row, position) pairs."""
    if prob_target:
        return torch.tensor(target.shape[0] * target.shape[2], dtype=dtype, device=target.device)
    keep = target != ignore_index
    if class_weight is None:
        return keep.sum().to(dtype)
    safe = torch.where(keep, target, torch.zeros_like(target))
    return (class_weight.to(dtype)[safe] * keep).sum()


@autocast_like_torch
def linear_cross_entropy(
    input: torch.Tensor,
    linear_weight: torch.Tensor,
    target: torch.Tensor,
    *,
    linear_bias: torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options=None,
) -> torch.Tensor:
    r"""Cross entropy of a linear layer's output, computed chunk by chunk so that the
    ``(N, C)`` logits never exist in memory whole.

    For a language model's output head, ``C`` is the vocabulary (tens of thousands of classes),
    and the logits, their softmax and their gradient are each ``N x C``: the largest tensors of
    the whole step. Cross entropy only needs, per row, the log-sum-exp of the logits and the
    target's logit, and its gradient only needs the softmax of one row at a time. So the batch
    is cut into chunks. When gradients are wanted and the loss is reduced to a scalar (the
    training case), each chunk's ``softmax - target`` is formed right after its loss, in the
    chunk's own logits buffer, and multiplied into the gradients of ``input``,
    ``linear_weight`` and ``linear_bias`` at once: three matmuls in all, as with the full
    logits, and only ``N x d + C x d`` numbers kept for the backward pass, which scales them by
    the incoming gradient. With ``reduction='none'`` the incoming gradient weights each row
    differently and is only known in the backward pass, so the forward pass keeps one
    logsumexp per row and the backward pass recomputes each chunk's logits: a fourth matmul.

    With :math:`z_n = W x_n + b` and target coefficients :math:`a_{n,c}`,

    .. math::
        l_n = -\sum_{c=1}^{C} a_{n,c} \log \operatorname{softmax}(z_n)_c
            = \Bigl(\sum_c a_{n,c}\Bigr) \operatorname{logsumexp}(z_n) - \sum_c a_{n,c} z_{n,c},
        \qquad
        \frac{\partial l_n}{\partial z_{n,c}}
            = \Bigl(\sum_{c'} a_{n,c'}\Bigr)\operatorname{softmax}(z_n)_c - a_{n,c},

    where for a class index :math:`y_n` (not ignored),
    :math:`a_{n,c} = (1-\varepsilon) w_{y_n} [c = y_n] + \frac{\varepsilon}{C} w_c`, and for
    class probabilities :math:`q_n`, :math:`a_{n,c} = w_c((1-\varepsilon) q_{n,c} + \varepsilon/C)`
    (:math:`w = 1` without ``weight``, :math:`\varepsilon` = ``label_smoothing``). ``'sum'``
    adds the :math:`l_n`; ``'mean'`` divides by :math:`\sum_n w_{y_n}` over the kept targets
    (class indices) or by the number of rows (probabilities), exactly as ``cross_entropy``.

    The result equals ``F.cross_entropy(F.linear(input, linear_weight, linear_bias), target, ...)``
    for every option, including K-dimensional heads (``linear_weight`` of shape
    ``(C, d_1, ..., d_K, in_features)``).

    Args:
        input: shape ``(N, in_features)``, or ``(in_features)`` for one row.
        linear_weight: shape ``(C, in_features)`` or ``(C, d_1, ..., d_K, in_features)``.
        target: class indices of integer dtype, shape ``(N)`` / ``()`` / ``(N, d_1, ..., d_K)``,
            or class probabilities of the logits' shape ``(N, C, d_1, ..., d_K)`` / ``(C)``.
        linear_bias: shape ``(C)`` or ``(C, d_1, ..., d_K)``. Default ``None``.
        weight: per-class rescaling weight, shape ``(C)``. Default ``None``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.
        ignore_index: a class index whose rows contribute nothing (class-index targets only);
            ``None`` means -100. Default ``None``.
        label_smoothing: :math:`\varepsilon \in [0, 1]`. Default ``0.0``.
        options: ``None`` (rows per chunk from :func:`auto_chunk_rows`) or a
            ``torch.nn.LinearCrossEntropyOptions``, whose ``batch_chunk_size`` and
            ``chunking_method='aspect_ratio[:k]'`` set the rows per chunk (``'auto'`` uses
            :func:`auto_chunk_rows`). Its precision fields are not used: the softmax is always
            accumulated in float32 or better. Default ``None``.

    Shape:
        Input: ``(N, in_features)`` or ``(in_features)``; ``linear_weight`` ``(C, in_features)``.
        Target: ``()``, ``(N)`` or ``(N, d_1, ..., d_K)`` class indices, or class probabilities
        of the logits' shape.
        Output: scalar unless ``reduction='none'``, then ``(N)``, ``(N, d_1, ..., d_K)`` or
        ``()``, in the dtype of ``input``.

    Raises:
        InputError: (a ``ValueError`` and a ``RuntimeError``) for inputs of the wrong rank,
            mismatched ``in_features``, a bias or weight of the wrong shape, mismatched dtypes,
            or ``ignore_index`` with probability targets.
        ValueError: for a class index outside ``[0, C)``, ``label_smoothing`` outside
            ``[0, 1]``, or a bad ``reduction``.
        TypeError: for a floating-point class-index target or an integer probability target.

    Notes:
        Gradients flow to ``input``, ``linear_weight``, ``linear_bias`` and probability targets,
        not to ``weight``; they are first-order only. Unlike PyTorch's chunked path, every
        option is chunked (nothing falls back to the full logits), and a second backward with
        ``retain_graph=True`` is allowed: it recomputes the gradients, bit for bit. Class-index
        targets are range-checked with one read of the device (a host synchronisation) in eager
        mode; under ``torch.compile`` the check is skipped.

    Example:
        >>> import torch
        >>> from lossnotes.scale import linear_cross_entropy
        >>> x, w = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> # logits (1, 0): -log(e / (e + 1))
        >>> round(linear_cross_entropy(x, w, torch.tensor([0])).item(), 4)
        0.3133

    References:
        Wijmans, Huval, Hertzberg, Koltun, Krähenbühl, "Cut Your Losses in Large-Vocabulary
        Language Models", ICLR 2025. Hsu et al., "Liger Kernel: Efficient Triton Kernels for LLM
        Training", arXiv:2410.10989, 2024.

    See also:
        ``torch.nn.functional.linear_cross_entropy`` (chunked only when ``options`` is given, and
        then not for label smoothing, probability targets or K-dimensional heads). Paddle has
        no fused op.
    """
    reduction = resolve_reduction(reduction)
    check_floating(input, "input")
    check_floating(linear_weight, "linear_weight")
    check_tensor(target, "target")
    if input.dim() not in (1, 2):
        raise InputError(f"input must be (N, in_features) or (in_features), got shape {tuple(input.shape)}")
    if linear_weight.dim() < 2:
        raise InputError(
            f"linear_weight must be (C, in_features) or (C, d_1, ..., d_K, in_features), "
            f"got shape {tuple(linear_weight.shape)}"
        )
    in_features = input.shape[-1]
    if linear_weight.shape[-1] != in_features:
        raise InputError(
            f"input and linear_weight must share their last dimension (in_features), "
            f"got {in_features} and {linear_weight.shape[-1]}"
        )
    if linear_weight.dtype != input.dtype:
        raise InputError(f"linear_weight dtype {linear_weight.dtype} must match input dtype {input.dtype}")
    n_classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None:
        check_floating(linear_bias, "linear_bias")
        if tuple(linear_bias.shape) != (n_classes, *out_features):
            raise InputError(
                f"linear_bias must have shape {(n_classes, *out_features)}, got {tuple(linear_bias.shape)}"
            )
        if linear_bias.dtype != input.dtype:
            raise InputError(f"linear_bias dtype {linear_bias.dtype} must match input dtype {input.dtype}")
    if out_features and input.dim() == 1:
        raise InputError(
            f"a K-dimensional head (linear_weight {tuple(linear_weight.shape)}) needs batched input "
            f"(N, {in_features}), got shape {tuple(input.shape)}"
        )
    if weight is not None:
        check_floating(weight, "weight")
        if tuple(weight.shape) != (n_classes,):
            raise InputError(
                f"weight must have shape ({n_classes},), one entry per class, got {tuple(weight.shape)}"
            )
    if not 0.0 <= label_smoothing <= 1.0:
        raise InputError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")

    batch_shape = tuple(input.shape[:-1])
    logits_shape = (*batch_shape, n_classes, *out_features)
    prob_target = tuple(target.shape) == logits_shape
    if prob_target:
        if ignore_index is not None:
            raise InputError("ignore_index cannot be specified when target contains probabilities")
        if not target.is_floating_point():
            raise InputDtypeError(f"a probability target must be floating point, got dtype {target.dtype}")
    else:
        check_integer(target, "target", f"class indices (an integer dtype) or class probabilities of shape "
                      f"{logits_shape} (it has shape {tuple(target.shape)})")
        if tuple(target.shape) != (*batch_shape, *out_features):
            raise InputError(
                f"target must have shape {(*batch_shape, *out_features)} (class indices) or "
                f"{logits_shape} (probabilities), got {tuple(target.shape)}"
            )
    ignore = -100 if ignore_index is None else ignore_index
    if not prob_target:
        check_class_indices(target, n_classes, "target", ignore_index=ignore)

    # Canonical layout: x (N, d), W (C*P, d), b (C*P), target (N, P) or (N, C, P).
    x = input if input.dim() == 2 else input.unsqueeze(0)
    n_rows = x.shape[0]
    n_pos = math.prod(out_features)
    w2 = linear_weight.reshape(n_classes * n_pos, in_features)
    b1 = None if linear_bias is None else linear_bias.reshape(n_classes * n_pos)
    if prob_target:
        t = target.reshape(n_rows, n_classes, n_pos)
    else:
        t = target.reshape(n_rows, n_pos).to(torch.long)
    cw = None if weight is None else weight.detach()
    if options is None:
        rows = auto_chunk_rows(n_rows, n_classes * n_pos, x.dtype, x.device)
    else:
        rows = _options_chunk_rows(options, n_rows, in_features, n_classes * n_pos, x.dtype, x.device)

    settings = (prob_target, float(label_smoothing), ignore, reduction, n_classes, rows)
    if torch.compiler.is_compiling():
        grad_mode = torch.is_grad_enabled()
        needs = [grad_mode and v is not None and v.requires_grad for v in (x, w2, b1, t)]
        out = _lce_op(x, w2, b1, t, cw, *settings, needs)[0]
    else:
        out = _ChunkedLinearCrossEntropy.apply(x, w2, b1, t, cw, *settings, torch.is_grad_enabled())
    if reduction == "none":
        out = out.reshape(batch_shape + out_features)
    return out
