"""The reduction every teaching form ends with."""


def reduce(loss, reduction="mean"):
    """'none' keeps the element losses, 'mean' averages them, 'sum' adds them."""
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()
