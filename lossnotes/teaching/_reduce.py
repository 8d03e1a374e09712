"""The reduction every teaching form ends with."""


def reduce(loss, reduction="mean", weight=None):
    """'none' keeps the (weighted) element losses, 'sum' adds them, 'mean' divides
    their sum by the sum of the weights (by N without weights)."""
    if weight is not None:
        loss = weight * loss
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if weight is None:
        return loss.mean()
    return loss.sum() / weight.expand_as(loss).sum()
