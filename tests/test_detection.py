"""lossnotes.detection and the sigmoid focal loss against torchvision.ops 0.28.0, hand-derived
numbers and identities."""

from __future__ import annotations

import inspect

import pytest
import torch
from torchvision_ops import ops as TVO

import lossnotes.functional as LF
from lossnotes import detection as D

DTYPES = [torch.float32, torch.float64]
REDUCTIONS = ["none", "mean", "sum"]
TV_LOSSES = ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]


def _tol(dtype):
    return {"rtol": 1e-5, "atol": 1e-6} if dtype == torch.float32 else {"rtol": 1e-12, "atol": 1e-12}


def _boxes(n, dtype, seed, spread=1.0):
    gen = torch.Generator().manual_seed(seed)
    corner = spread * torch.rand(n, 2, generator=gen, dtype=dtype)
    size = 0.05 + torch.rand(n, 2, generator=gen, dtype=dtype)
    return torch.cat([corner, corner + size], -1)


def _cases(dtype):
    """Predicted and target boxes: random (some overlap, some disjoint), nested, identical,
    touching, degenerate (zero width), far apart."""
    pred, target = _boxes(40, dtype, 0), _boxes(40, dtype, 1)
    special_pred = torch.tensor([[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 2.0, 3.0], [0.0, 0.0, 1.0, 1.0],
                                 [0.0, 0.0, 1.0, 2.0], [5.0, 5.0, 6.0, 7.0]], dtype=dtype)
    special_target = torch.tensor([[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 3.0], [1.0, 0.0, 2.0, 1.0],
                                   [0.5, 0.5, 0.5, 1.5], [0.0, 0.0, 1.0, 1.0]], dtype=dtype)
    return torch.cat([pred, special_pred]), torch.cat([target, special_target])


def _compare(ours_fn, theirs_fn, b1, b2, dtype, **kwargs):
    """Values, dtypes and the gradients of both box arguments, against one random cotangent (so a
    reduction='none' output is checked in every direction, not only through its sum)."""
    p1, p2 = b1.clone().requires_grad_(), b2.clone().requires_grad_()
    q1, q2 = b1.clone().requires_grad_(), b2.clone().requires_grad_()
    ours, theirs = ours_fn(p1, p2, **kwargs), theirs_fn(q1, q2, **kwargs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    torch.testing.assert_close(ours, theirs, equal_nan=True, **_tol(dtype))
    cot = torch.randn(theirs.shape, generator=torch.Generator().manual_seed(7)).to(theirs.dtype)
    for a, b in zip(torch.autograd.grad(ours, [p1, p2], cot), torch.autograd.grad(theirs, [q1, q2], cot),
                    strict=True):
        torch.testing.assert_close(a, b, equal_nan=True, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", TV_LOSSES)
def test_equals_torchvision(name, reduction, dtype):
    b1, b2 = _cases(dtype)
    _compare(getattr(D, name), getattr(TVO, name), b1, b2, dtype, reduction=reduction)


@pytest.mark.parametrize("name", TV_LOSSES)
def test_equals_torchvision_with_leading_dims_and_eps(name):
    b1, b2 = _cases(torch.float64)
    _compare(getattr(D, name), getattr(TVO, name), b1[:40].reshape(4, 10, 4), b2[:40].reshape(4, 10, 4),
             torch.float64, eps=1e-3)


@pytest.mark.parametrize("name", TV_LOSSES)
def test_integer_boxes_are_computed_in_float32_like_torchvision(name):
    b1 = torch.tensor([[0, 0, 4, 4], [1, 1, 3, 5]])
    b2 = torch.tensor([[1, 1, 5, 3], [0, 0, 2, 2]])
    ours, theirs = getattr(D, name)(b1, b2), getattr(TVO, name)(b1, b2)
    assert ours.dtype == theirs.dtype == torch.float32
    torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize("name", TV_LOSSES)
def test_signature_is_torchvisions(name):
    ours = [(p.name, p.kind, p.default) for p in inspect.signature(getattr(D, name)).parameters.values()]
    theirs = [(p.name, p.kind, p.default) for p in inspect.signature(getattr(TVO, name)).parameters.values()]
    assert ours == theirs


@pytest.mark.parametrize("dtype", DTYPES)
def test_box_iou_equals_torchvision(dtype):
    b1, b2 = _cases(dtype)
    torch.testing.assert_close(D.box_iou(b1, b2[:30]), TVO.box_iou(b1, b2[:30]), **_tol(dtype))
    torch.testing.assert_close(D.box_area(b1), TVO.box_area(b1), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_iou_loss_is_one_minus_the_diagonal_of_box_iou(dtype, reduction):
    b1, b2 = _cases(dtype)
    # with eps = 0 the loss is exactly 1 - IoU; torchvision's box_iou has no eps
    theirs = 1 - torch.diagonal(TVO.box_iou(b1, b2))
    expected = {"none": theirs, "mean": theirs.mean(), "sum": theirs.sum()}[reduction]
    torch.testing.assert_close(D.iou_loss(b1, b2, reduction, 0.0), expected, **_tol(dtype))


def test_hand_derived_values():
    b = torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64)
    shifted = torch.tensor([[0.5, 0.0, 1.5, 1.0]], dtype=torch.float64)
    # two unit boxes offset by 0.5: intersection 0.5, union 1.5, IoU 1/3
    assert D.iou_loss(b, shifted, eps=0.0).item() == pytest.approx(2 / 3, rel=1e-12)
    # enclosing box 1.5 x 1 = union: GIoU = IoU, loss 2/3
    assert D.generalized_box_iou_loss(b, shifted, eps=0.0).item() == pytest.approx(2 / 3, rel=1e-12)
    # centres 0.5 apart, enclosing diagonal^2 = 1.5^2 + 1 = 3.25: DIoU loss 2/3 + 0.25 / 3.25
    assert D.distance_box_iou_loss(b, shifted, eps=0.0).item() == pytest.approx(2 / 3 + 0.25 / 3.25, rel=1e-12)
    # the same aspect ratios: v = 0, CIoU = DIoU (whose IoU part keeps torchvision's eps of 1e-7)
    assert D.complete_box_iou_loss(b, shifted, eps=0.0).item() == pytest.approx(2 / 3 + 0.25 / 3.25, rel=1e-6)


def test_disjoint_boxes_iou_has_no_gradient_giou_and_diou_do():
    b = torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64, requires_grad=True)
    far = torch.tensor([[3.0, 0.0, 4.0, 1.0]], dtype=torch.float64)
    (g_iou,) = torch.autograd.grad(D.iou_loss(b, far).sum(), b)
    assert D.iou_loss(b, far).item() == 1.0 and torch.all(g_iou == 0)
    for fn in (D.generalized_box_iou_loss, D.distance_box_iou_loss, D.complete_box_iou_loss):
        (g,) = torch.autograd.grad(fn(b, far).sum(), b)
        # moving the box right (towards the target) lowers the loss: the x-gradient is negative
        assert g[0, 0] + g[0, 2] < 0, fn.__name__


def test_identities():
    b1, b2 = _cases(torch.float64)
    for fn in (D.iou_loss, D.generalized_box_iou_loss, D.distance_box_iou_loss):
        # (not the zero-area box at index 43, whose IoU with itself is 0 / 0 without eps)
        same = torch.cat([b2[:43], b2[44:]])
        assert torch.allclose(fn(same, same, eps=0.0), torch.zeros(len(same), dtype=torch.float64),
                              atol=1e-12), fn.__name__
    # CIoU's alpha = v / (1 - IoU + v + eps) is 0 / eps for identical boxes: the loss is DIoU's
    torch.testing.assert_close(D.complete_box_iou_loss(b2, b2), D.distance_box_iou_loss(b2, b2))
    # DIoU = IoU loss + centre term, and CIoU >= DIoU with equality for equal aspect ratios
    assert torch.all(D.distance_box_iou_loss(b1, b2) >= D.iou_loss(b1, b2) - 1e-12)
    assert torch.all(D.complete_box_iou_loss(b1, b2) >= D.distance_box_iou_loss(b1, b2) - 1e-12)
    scaled = torch.cat([b2[:, :2], b2[:, :2] + 2 * (b2[:, 2:] - b2[:, :2])], -1)
    torch.testing.assert_close(D.complete_box_iou_loss(scaled, b2), D.distance_box_iou_loss(scaled, b2))


def test_gradcheck_float64():
    b1, b2 = _cases(torch.float64)
    b1, b2 = b1[:6].requires_grad_(), b2[:6].requires_grad_()
    # not CIoU: its alpha is held constant (no gradient, as in the paper), so its gradient is
    # deliberately not the derivative gradcheck measures; test_equals_torchvision checks it
    for fn in (D.iou_loss, D.generalized_box_iou_loss, D.distance_box_iou_loss):
        assert torch.autograd.gradcheck(lambda a, b, fn=fn: fn(a, b, "sum"), (b1, b2))


def test_empty_mean_is_zero_like_torchvision():
    e = torch.zeros(0, 4, requires_grad=True)
    for name in TV_LOSSES:
        assert getattr(D, name)(e, e.detach(), "mean").item() == getattr(TVO, name)(e, e.detach(), "mean").item() == 0
    assert D.iou_loss(e, e.detach(), "mean").item() == 0


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: D.iou_loss(torch.zeros(2, 3), torch.zeros(2, 3)), ValueError, r"boxes1 must have shape \(\.\.\., 4\)"),
    (lambda: D.generalized_box_iou_loss(torch.zeros(2, 4), torch.zeros(3, 4)), ValueError, "same shape"),
    (lambda: D.distance_box_iou_loss(torch.zeros(2, 4), torch.zeros(2, 4), "avg"), ValueError, "reduction"),
    (lambda: D.complete_box_iou_loss([0, 0, 1, 1], torch.zeros(4)), TypeError, "boxes1 must be a torch.Tensor"),
])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- the sigmoid focal loss of one-stage detectors --------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (-1.0, 2.0), (0.25, 0.0), (0.75, 1.5)])
def test_sigmoid_focal_equals_torchvision(alpha, gamma, reduction, dtype):
    gen = torch.Generator().manual_seed(0)
    z = 4 * torch.randn(6, 5, generator=gen, dtype=dtype)
    y = torch.randint(0, 2, (6, 5), generator=gen).to(dtype)
    _compare(lambda a, t, **k: LF.sigmoid_focal_loss(a, t, **k),
             lambda a, t, **k: TVO.sigmoid_focal_loss(a, t, **k), z, y, dtype,
             alpha=alpha, gamma=gamma, reduction=reduction)


def test_teaching_forms_equal_the_fast_functions():
    from lossnotes.teaching import detection as T

    b1, b2 = _cases(torch.float64)
    torch.testing.assert_close(T.iou(b1, b2), D.iou_loss(b1, b2, eps=0.0))
    torch.testing.assert_close(T.giou(b1, b2), D.generalized_box_iou_loss(b1, b2, eps=0.0))
    torch.testing.assert_close(T.diou(b1, b2), D.distance_box_iou_loss(b1, b2, eps=0.0))
    # CIoU's alpha is 0 / 0 for identical boxes without eps: compare the random pairs
    torch.testing.assert_close(T.ciou(b1[:40], b2[:40]), D.complete_box_iou_loss(b1[:40], b2[:40], eps=0.0),
                               rtol=1e-6, atol=1e-6)


# -- further cases: leading shapes, degenerate boxes, formats, dtypes ---------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", TV_LOSSES)
def test_single_box_and_batched_boxes_equal_torchvision(name, dtype):
    b1, b2 = _cases(dtype)
    # one pair of shape (4,), and (B, N, 4) with B = 5, N = 9
    _compare(getattr(D, name), getattr(TVO, name), b1[0], b2[0], dtype)
    _compare(getattr(D, name), getattr(TVO, name), b1.reshape(5, 9, 4), b2.reshape(5, 9, 4), dtype, reduction="mean")


@pytest.mark.parametrize("name", TV_LOSSES)
def test_degenerate_boxes_equal_torchvision_nan_included(name):
    # zero height (CIoU's atan(w / 0)), a point, and a zero-area box against itself (0 / eps)
    b1 = torch.tensor([[0.0, 1.0, 2.0, 1.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 2.0]], dtype=torch.float64)
    b2 = torch.tensor([[0.5, 0.0, 1.5, 2.0], [0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 0.0, 2.0]], dtype=torch.float64)
    _compare(getattr(D, name), getattr(TVO, name), b1, b2, torch.float64)


@pytest.mark.parametrize("name", TV_LOSSES)
def test_half_precision_boxes_are_computed_in_float32_like_torchvision(name):
    b1, b2 = _cases(torch.float32)
    ours, theirs = getattr(D, name)(b1.half(), b2.half()), getattr(TVO, name)(b1.half(), b2.half())
    assert ours.dtype == theirs.dtype == torch.float32
    torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_iou_loss_gradients_equal_those_of_torchvision_box_iou(dtype, reduction):
    # the random pairs (overlapping or disjoint, none touching): with eps = 0 the loss is
    # 1 - diag(box_iou), values and gradients in both box arguments
    b1, b2 = _cases(dtype)

    def theirs(a, b, reduction):
        loss = 1 - torch.diagonal(TVO.box_iou(a, b))
        return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]

    _compare(lambda a, b, reduction: D.iou_loss(a, b, reduction, 0.0), theirs, b1[:40], b2[:40], dtype,
             reduction=reduction)


def test_box_signatures_are_torchvisions():
    for name in ("box_area", "box_iou"):
        ours = [(p.name, p.kind, p.default) for p in inspect.signature(getattr(D, name)).parameters.values()]
        theirs = [(p.name, p.kind, p.default) for p in inspect.signature(getattr(TVO, name)).parameters.values()]
        assert ours == theirs, name


@pytest.mark.parametrize("fmt", ["xyxy", "xywh", "cxcywh"])
@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64, torch.int64, torch.int16])
def test_box_iou_and_area_formats_and_dtypes_equal_torchvision(fmt, dtype):
    # xyxy boxes reinterpreted in each format: widths and heights are positive in all three
    b1, b2 = _cases(torch.float64)
    b1, b2 = (10 * b1).to(dtype), (10 * b2[:30]).to(dtype)
    for ours, theirs in ((D.box_area(b1, fmt), TVO.box_area(b1, fmt)),
                         (D.box_iou(b1, b2, fmt), TVO.box_iou(b1, b2, fmt)),
                         (D.box_iou(b1.reshape(5, 9, 4), b2[:27].reshape(3, 1, 9, 4), fmt),
                          TVO.box_iou(b1.reshape(5, 9, 4), b2[:27].reshape(3, 1, 9, 4), fmt))):
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        torch.testing.assert_close(ours, theirs, equal_nan=True)


def test_box_iou_hand_value():
    # unit box against the same box shifted right by 0.5: intersection 0.5 x 1, union 2 - 0.5,
    # IoU = 0.5 / 1.5 = 1/3; in cxcywh the same boxes are (0.5, 0.5, 1, 1) and (1, 0.5, 1, 1)
    a = torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64)
    b = torch.tensor([[0.5, 0.0, 1.5, 1.0]], dtype=torch.float64)
    assert D.box_iou(a, b).item() == pytest.approx(1 / 3, rel=1e-12)
    ca, cb = torch.tensor([[0.5, 0.5, 1.0, 1.0]]), torch.tensor([[1.0, 0.5, 1.0, 1.0]])
    assert D.box_iou(ca, cb, "cxcywh").item() == pytest.approx(1 / 3, rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_diou_is_iou_loss_plus_the_centre_term(dtype):
    b1, b2 = _cases(dtype)
    c1, c2 = (b1[:, :2] + b1[:, 2:]) / 2, (b2[:, :2] + b2[:, 2:]) / 2
    lo, hi = torch.minimum(b1[:, :2], b2[:, :2]), torch.maximum(b1[:, 2:], b2[:, 2:])
    # rho^2 / (d^2 + eps), d the diagonal of the enclosing box
    centre = ((c1 - c2) ** 2).sum(-1) / (((hi - lo) ** 2).sum(-1) + 1e-7)
    torch.testing.assert_close(D.distance_box_iou_loss(b1, b2), D.iou_loss(b1, b2) + centre, **_tol(dtype))


def test_ciou_gradient_holds_alpha_constant():
    # CIoU = DIoU + alpha v with alpha frozen at the current boxes: its gradient is that of
    # DIoU + alpha0 * v, v written out here, and that function passes gradcheck
    b1, b2 = _cases(torch.float64)
    b1, b2 = b1[:8], b2[:8]

    def v_of(a, b):
        wa, ha = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
        wb, hb = b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]
        return 4 / torch.pi**2 * (torch.atan(wb / hb) - torch.atan(wa / ha)) ** 2

    v0 = v_of(b1, b2)
    alpha0 = v0 / (D.iou_loss(b1, b2) + v0 + 1e-7)

    def frozen(a, b):
        return (D.distance_box_iou_loss(a, b) + alpha0 * v_of(a, b)).sum()

    p = [b1.clone().requires_grad_(), b2.clone().requires_grad_()]
    q = [b1.clone().requires_grad_(), b2.clone().requires_grad_()]
    for g_ours, g_frozen in zip(torch.autograd.grad(D.complete_box_iou_loss(*p, "sum"), p),
                                torch.autograd.grad(frozen(*q), q), strict=True):
        torch.testing.assert_close(g_ours, g_frozen)
    assert torch.autograd.gradcheck(frozen, tuple(q))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_empty_input_every_reduction_like_torchvision(reduction):
    for name in [*TV_LOSSES, "iou_loss"]:
        e = torch.zeros(0, 4, requires_grad=True)
        ours = getattr(D, name)(e, e.detach(), reduction)
        theirs = getattr(TVO, "generalized_box_iou_loss" if name == "iou_loss" else name)(e, e.detach(), reduction)
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        (g,) = torch.autograd.grad(ours.sum(), e)
        assert g.shape == (0, 4)
    assert D.box_iou(torch.zeros(0, 4), torch.zeros(3, 4)).shape == (0, 3)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: D.iou_loss(torch.zeros(2, 4), [[0, 0, 1, 1]] * 2), TypeError, "boxes2 must be a torch.Tensor"),
    (lambda: D.generalized_box_iou_loss(torch.tensor(1.0), torch.tensor(1.0)), ValueError, "boxes1 must have shape"),
    (lambda: D.complete_box_iou_loss(torch.zeros(4), torch.zeros(4), None), ValueError, "reduction"),
    (lambda: D.distance_box_iou_loss(torch.zeros(2, 4), torch.zeros(2, 5)), ValueError, "boxes2 must have shape"),
    (lambda: D.box_iou(torch.zeros(2, 4), torch.zeros(2, 4), "xyxyxyxy"), ValueError, "fmt"),
    (lambda: D.box_area(torch.zeros(2, 3)), ValueError, r"boxes must have shape \(\.\.\., 4\)"),
])
def test_more_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("gamma", [0.0, 2.0])
def test_sigmoid_focal_alpha_none_is_torchvisions_minus_one(reduction, gamma):
    gen = torch.Generator().manual_seed(3)
    z = 4 * torch.randn(7, 3, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 2, (7, 3), generator=gen).double()
    _compare(lambda a, t, **k: LF.sigmoid_focal_loss(a, t, alpha=None, **k),
             lambda a, t, **k: TVO.sigmoid_focal_loss(a, t, alpha=-1, **k), z, y, torch.float64,
             gamma=gamma, reduction=reduction)
