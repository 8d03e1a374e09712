"""lossnotes.segmentation against kornia.losses 0.9.0, a brute-force Lovász extension,
hand-derived numbers and identities between the overlap losses."""

from __future__ import annotations

import itertools

import kornia.losses as KL
import pytest
import torch

from lossnotes import segmentation as S

DTYPES = [torch.float32, torch.float64]
REDUCTIONS = ["none", "mean", "sum"]


def _tol(dtype):
    return {"rtol": 1e-5, "atol": 1e-6} if dtype == torch.float32 else {"rtol": 1e-10, "atol": 1e-12}


def _case(dtype, n=3, c=4, h=5, w=6, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = 2 * torch.randn(n, c, h, w, generator=gen, dtype=dtype)
    y = torch.randint(0, c, (n, h, w), generator=gen)
    y[0] = torch.where(y[0] == c - 1, 0, y[0])  # image 0 lacks the last class
    return x, y


def _compare(ours_fn, theirs_fn, x, y, dtype):
    a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
    ours, theirs = ours_fn(a, y), theirs_fn(b, y)
    torch.testing.assert_close(ours, theirs.to(ours.dtype), **_tol(dtype))
    (ga,), (gb,) = torch.autograd.grad(ours, a), torch.autograd.grad(theirs, b)
    torch.testing.assert_close(ga, gb, **_tol(dtype))


# -- against kornia -----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("average", ["micro", "macro"])
@pytest.mark.parametrize("weighted", [False, True])
def test_dice_equals_kornia(dtype, average, weighted):
    x, y = _case(dtype)
    w = torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=dtype) if weighted else None
    _compare(lambda a, t: S.dice_loss(a, t, average=average, weight=w),
             lambda a, t: KL.dice_loss(a, t, average=average, weight=w, eps=1e-8), x, y, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_dice_ignore_index_equals_kornia(dtype):
    x, y = _case(dtype)
    y[:, 0, :] = 255
    _compare(lambda a, t: S.dice_loss(a, t, ignore_index=255),
             lambda a, t: KL.dice_loss(a, t, ignore_index=255, eps=1e-8), x, y, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("alpha", "beta"), [(0.5, 0.5), (0.3, 0.7), (1.0, 1.0)])
def test_tversky_macro_equals_kornia(dtype, alpha, beta):
    x, y = _case(dtype)
    _compare(lambda a, t: S.tversky_loss(a, t, alpha=alpha, beta=beta, average="macro"),
             lambda a, t: KL.tversky_loss(a, t, alpha=alpha, beta=beta, eps=1e-8), x, y, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lovasz_softmax_all_classes_equals_kornia(dtype):
    x, y = _case(dtype)
    _compare(lambda a, t: S.lovasz_softmax_loss(a, t, classes="all"), KL.lovasz_softmax_loss, x, y, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lovasz_hinge_equals_kornia(dtype):
    gen = torch.Generator().manual_seed(3)
    x = 2 * torch.randn(3, 5, 6, generator=gen, dtype=dtype)
    y = torch.randint(0, 2, (3, 5, 6), generator=gen)
    _compare(S.lovasz_hinge_loss, lambda a, t: KL.lovasz_hinge_loss(a.unsqueeze(1), t), x, y, dtype)


def test_where_kornia_differs():
    x, y = _case(torch.float64)
    # kornia's tversky scores each class (macro); ours defaults to pooling the classes (micro)
    assert abs(S.tversky_loss(x, y).item() - KL.tversky_loss(x, y, 0.5, 0.5).item()) > 1e-3
    # kornia's Lovász-Softmax averages all classes; Berman's default (ours) the present ones only
    assert abs(S.lovasz_softmax_loss(x, y).item() - KL.lovasz_softmax_loss(x, y).item()) > 1e-4


# -- identities, hand-derived numbers, brute force ----------------------------------------------

@pytest.mark.parametrize("average", ["micro", "macro"])
def test_tversky_identities(average):
    x, y = _case(torch.float64)
    kw = {"average": average, "eps": 0.0, "reduction": "none"}
    # alpha = beta = 1/2: TP / (TP + (FP + FN) / 2) = 2 TP / (2 TP + FP + FN), the Dice score
    torch.testing.assert_close(S.tversky_loss(x, y, alpha=0.5, beta=0.5, **kw), S.dice_loss(x, y, **kw))
    # alpha = beta = 1: TP / (TP + FP + FN), the Jaccard score
    torch.testing.assert_close(S.tversky_loss(x, y, alpha=1.0, beta=1.0, **kw), S.jaccard_loss(x, y, **kw))
    # gamma = 1: the focal Tversky loss is the Tversky loss
    torch.testing.assert_close(S.focal_tversky_loss(x, y, gamma=1.0, **kw), S.tversky_loss(x, y, alpha=0.3,
                                                                                           beta=0.7, **kw))
    # micro, gamma = 2: the square of the Tversky loss
    if average == "micro":
        torch.testing.assert_close(S.focal_tversky_loss(x, y, gamma=2.0, **kw),
                                   S.tversky_loss(x, y, alpha=0.3, beta=0.7, **kw) ** 2)


def test_one_hot_target_equals_index_target():
    x, y = _case(torch.float64)
    one_hot = torch.nn.functional.one_hot(y, 4).permute(0, 3, 1, 2).double()
    for fn in (S.dice_loss, S.tversky_loss, S.jaccard_loss, S.focal_tversky_loss):
        for average in ("micro", "macro"):
            torch.testing.assert_close(fn(x, one_hot, average=average), fn(x, y, average=average))


def test_hand_derived_dice_on_a_2x2_mask():
    # one image, 2 classes, 2 x 2 pixels; class-1 probabilities p = (0.9, 0.2, 0.6, 0.1) against
    # g = (1, 0, 1, 0); class 0 gets 1 - p against 1 - g. Micro: TP = 0.9 + 0.6 + 0.8 + 0.9 = 3.2,
    # sum p + sum g = 4 + 4 = 8, Dice = 6.4 / 8 = 0.8, loss 0.2.
    p1 = torch.tensor([0.9, 0.2, 0.6, 0.1], dtype=torch.float64)
    logits = torch.stack([torch.zeros(4, dtype=torch.float64), torch.log(p1 / (1 - p1))]).reshape(1, 2, 2, 2)
    y = torch.tensor([[[1, 0], [1, 0]]])
    assert S.dice_loss(logits, y, eps=0.0).item() == pytest.approx(0.2, rel=1e-12)
    # class 1 alone: TP = 1.5, sum p = 1.8, sum g = 2: Dice 3 / 3.8; class 0: TP = 1.7, sums 2.2, 2:
    # Dice 3.4 / 4.2. Macro: 1 - mean.
    macro = 1 - (3 / 3.8 + 3.4 / 4.2) / 2
    assert S.dice_loss(logits, y, eps=0.0, average="macro").item() == pytest.approx(macro, rel=1e-12)
    # Jaccard (micro): 3.2 / (8 - 3.2)
    assert S.jaccard_loss(logits, y, eps=0.0).item() == pytest.approx(1 - 3.2 / 4.8, rel=1e-12)


def _brute_lovasz(errors, g):
    """The Lovász extension of the Jaccard loss by definition: sort the errors, then weigh each
    by the increase of the Jaccard loss of the set of the k largest-error pixels."""
    order = sorted(range(len(errors)), key=lambda i: -errors[i])

    def jaccard_loss_of(wrong):
        fg = {i for i, v in enumerate(g) if v == 1}
        if not fg and not wrong:
            return 0.0
        return len(wrong) / len(fg | wrong)  # 1 - |fg \ wrong| / |fg ∪ wrong|

    total, prev = 0.0, 0.0
    for k in range(1, len(order) + 1):
        cur = jaccard_loss_of(set(order[:k]))
        total += errors[order[k - 1]] * (cur - prev)
        prev = cur
    return total


def test_lovasz_hinge_against_brute_force():
    gen = torch.Generator().manual_seed(5)
    for _ in range(5):
        x = torch.randn(1, 6, generator=gen, dtype=torch.float64)
        g = torch.randint(0, 2, (1, 6), generator=gen)
        hinge = torch.relu(1 - (2 * g - 1) * x)[0].tolist()
        assert S.lovasz_hinge_loss(x, g).item() == pytest.approx(_brute_lovasz(hinge, g[0].tolist()), rel=1e-10)


def test_lovasz_equals_jaccard_on_hard_predictions():
    # errors 0 or 1 (a hard mask): the extension equals the Jaccard loss of the set of wrong pixels
    for g, wrong in itertools.product([(1, 1, 0, 0, 1)], [(0, 1, 1, 0, 0), (1, 0, 0, 0, 0)]):
        fg, bad = {i for i, v in enumerate(g) if v}, {i for i, v in enumerate(wrong) if v}
        assert _brute_lovasz(list(map(float, wrong)), list(g)) == pytest.approx(len(bad) / len(fg | bad))


def test_ignore_index_equals_dropping_the_pixels():
    x, y = _case(torch.float64, h=1, w=8)
    y_ignored = y.clone()
    y_ignored[..., 6:] = -100
    for fn in (S.dice_loss, S.tversky_loss, S.lovasz_softmax_loss):
        torch.testing.assert_close(fn(x, y_ignored), fn(x[..., :6], y[..., :6]))
    xb, yb = x[:, 0], (y > 1).long()
    yb_ignored = yb.clone()
    yb_ignored[..., 6:] = -100
    torch.testing.assert_close(S.lovasz_hinge_loss(xb, yb_ignored), S.lovasz_hinge_loss(xb[..., :6], yb[..., :6]))


def test_ignoring_a_class_equals_dropping_its_pixels():
    # ignore_index inside [0, C): its pixels would otherwise count as that class's
    x, y = _case(torch.float64, h=1, w=8)
    y = torch.where(y == 2, 1, y)
    y[..., 6:] = 2
    for fn in (S.dice_loss, S.tversky_loss, S.jaccard_loss):
        torch.testing.assert_close(fn(x, y, ignore_index=2), fn(x[..., :6], y[..., :6], ignore_index=2))
    # and the ignored class adds nothing to the other classes' sums when it is dropped too
    torch.testing.assert_close(S.dice_loss(x, y, ignore_index=2, reduction="none"),
                               S.dice_loss(x[..., :6], y[..., :6], reduction="none"))


def test_perfect_prediction_costs_nothing():
    _, y = _case(torch.float64)
    logits = 30.0 * torch.nn.functional.one_hot(y, 4).permute(0, 3, 1, 2).double()
    for fn in (S.dice_loss, S.tversky_loss, S.jaccard_loss, S.lovasz_softmax_loss):
        assert fn(logits, y).item() == pytest.approx(0.0, abs=1e-9), fn.__name__


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_reductions_over_images(reduction):
    x, y = _case(torch.float64)
    per_image = torch.stack([S.dice_loss(x[i:i + 1], y[i:i + 1], reduction="sum") for i in range(3)])
    expected = {"none": per_image, "mean": per_image.mean(), "sum": per_image.sum()}[reduction]
    torch.testing.assert_close(S.dice_loss(x, y, reduction=reduction), expected)


def test_gradcheck_float64():
    x, y = _case(torch.float64, n=2, c=3, h=2, w=3)
    x = x.requires_grad_()
    for fn in (S.dice_loss, S.tversky_loss, S.focal_tversky_loss, S.jaccard_loss, S.lovasz_softmax_loss):
        assert torch.autograd.gradcheck(lambda a, fn=fn: fn(a, y), (x,)), fn.__name__
    xb = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a: S.lovasz_hinge_loss(a, torch.tensor([[0, 1, 1, 0, 1]] * 2)), (xb,))


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: S.dice_loss(torch.zeros(2, 3, 4), torch.zeros(2, 5, dtype=torch.long)), ValueError, "target must have"),
    (lambda: S.dice_loss(torch.zeros(2, 3, 4), torch.full((2, 4), 3)), IndexError, "class index 3"),
    (lambda: S.tversky_loss(torch.zeros(2, 3, 4), torch.zeros(2, 4, dtype=torch.long), average="weighted"),
     ValueError, "average"),
    (lambda: S.dice_loss(torch.zeros(2, 3, 4), torch.zeros(2, 4, dtype=torch.long), weight=torch.ones(2)),
     ValueError, "weight must hold one value per class"),
    (lambda: S.lovasz_softmax_loss(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4)), TypeError, "class indices"),
    (lambda: S.focal_tversky_loss(torch.zeros(2, 3, 4), torch.zeros(2, 4, dtype=torch.long), gamma=0.0),
     ValueError, "gamma"),
    (lambda: S.lovasz_hinge_loss(torch.zeros(2, 4), torch.zeros(2, 5)), ValueError, "target shape"),
    (lambda: S.lovasz_hinge_loss(torch.zeros(2, 4), torch.tensor([[0, 1, 2, 1], [0, 0, 1, 1]])), IndexError,
     "0 .background. or 1 .foreground., got 2"),
    (lambda: S.lovasz_hinge_loss(torch.zeros(1, 3), torch.tensor([[0.0, 0.5, 1.0]])), IndexError, "got 0.5"),
    (lambda: S.jaccard_loss(torch.zeros(2, 3, 4, dtype=torch.long), torch.zeros(2, 4, dtype=torch.long)),
     TypeError, "input must be a floating"),
])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_teaching_forms_equal_the_fast_functions():
    from lossnotes.teaching import segmentation as T

    x, y = _case(torch.float64)
    p = torch.softmax(x, 1)
    g = torch.nn.functional.one_hot(y, 4).permute(0, 3, 1, 2).double()
    torch.testing.assert_close(T.dice(p, g), S.dice_loss(x, y, eps=0.0))
    torch.testing.assert_close(T.tversky(p, g, 0.3, 0.7), S.tversky_loss(x, y, alpha=0.3, beta=0.7, eps=0.0))
    xb, yb = x[:, 0], (y > 1).long()
    torch.testing.assert_close(T.lovasz_hinge(xb, yb), S.lovasz_hinge_loss(xb, yb))
