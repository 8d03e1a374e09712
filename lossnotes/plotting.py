"""The one place figures get their style: loss curves, gradient curves and comparisons.

Every figure in the book is made here, so every figure has the same size, fonts, grid and the
same colour for the same loss.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

__all__ = [
    "COLORS",
    "FIGSIZE",
    "color_for",
    "compare_bars",
    "fill_band",
    "gradient_curves",
    "grouped_bars",
    "history_plot",
    "line_plot",
    "loss_and_gradient",
    "loss_curves",
    "mark_point",
    "new_figure",
    "scatter_fit",
    "style",
]

FIGSIZE = (6.4, 4.0)
WIDE_FIGSIZE = (10.0, 4.0)

# One fixed colour per loss, used on every page: the colour-blind-safe Okabe-Ito palette without
# its yellow (#F0E442), which cannot be seen on a white page, then Tol's wine and olive. Two losses
# that share a colour never share a figure without also differing in line style.
COLORS: dict[str, str] = {
    "mse": "#0072B2",
    "l1": "#D55E00",
    "huber": "#009E73",
    "smooth_l1": "#56B4E9",
    "log_cosh": "#CC79A7",
    "quantile": "#E69F00",
    "rmse": "#000000",
    "bce": "#0072B2",
    "mse_sigmoid": "#D55E00",
    "cross_entropy": "#009E73",
    "focal": "#CC79A7",
    "hinge": "#E69F00",
    "kl": "#56B4E9",
    "entropy": "#000000",
    "poisson_nll": "#882255",
    "gaussian_nll": "#999933",
}
_FALLBACK = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255",
             "#999933"]

#: Figures are stored at this resolution (dots per inch): sharp on high-density screens.
DPI = 150

_RC = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "svg.hashsalt": "lossnotes",
}


def style() -> None:
    """Apply the book's matplotlib style (idempotent)."""
    plt.rcParams.update(_RC)


def color_for(name: str, index: int = 0) -> str:
    """Return the fixed colour of loss ``name``, or a palette colour by ``index`` for others."""
    return COLORS.get(name, _FALLBACK[index % len(_FALLBACK)])


def new_figure(ncols: int = 1, figsize: tuple[float, float] | None = None, *, nrows: int = 1,
               sharex: bool = False, sharey: bool = False):
    """Return ``(fig, axes)`` in the book's style: one axis, or an array of ``nrows x ncols`` axes.

    A grid of small panels (``nrows > 1``, "small multiples") gives each curve a panel of its own
    where one crowded axis would hide some of them.
    """
    style()
    if figsize is None:
        figsize = FIGSIZE if ncols == 1 and nrows == 1 else (WIDE_FIGSIZE[0], 3.0 * nrows if nrows > 1 else 4.0)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", sharex=sharex, sharey=sharey)
    return fig, axes


def _np(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=float)


def _finish(ax, xlabel: str, ylabel: str, title: str | None, legend: bool = True) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)


def line_plot(ax, x, curves: Mapping[str, object], *, xlabel: str, ylabel: str,
              title: str | None = None, colors: Mapping[str, str] | None = None,
              styles: Mapping[str, str] | None = None, ylim: tuple[float, float] | None = None,
              marker: str | None = None):
    """Draw several labelled curves ``{label: y}`` over ``x`` on ``ax``.

    ``styles`` maps a label to a line style (``"--"``, ``":"``, ...); ``marker`` (``"o"``) marks
    every point, for a few measured values rather than a curve.
    """
    xs = _np(x)
    for i, (label, y) in enumerate(curves.items()):
        color = (colors or {}).get(label, color_for(label, i))
        ax.plot(xs, _np(y), label=label, color=color, linestyle=(styles or {}).get(label, "-"), marker=marker)
    if ylim is not None:
        ax.set_ylim(*ylim)
    _finish(ax, xlabel, ylabel, title)
    return ax


def _evaluate(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor):
    """Return the element-wise values of ``fn`` at ``x`` and their derivatives d fn / d x."""
    x = x.detach().clone().requires_grad_(True)
    y = fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), g.detach()


def loss_curves(losses: Mapping[str, Callable[[torch.Tensor], torch.Tensor]], x: torch.Tensor, *,
                xlabel: str = "residual $x - y$", ylabel: str = "loss $l$", title: str | None = None,
                ax=None, ylim=None, colors: Mapping[str, str] | None = None,
                styles: Mapping[str, str] | None = None):
    """Plot each element-wise loss ``fn(x)`` against ``x``. Returns the figure."""
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    curves = {name: _evaluate(fn, x)[0] for name, fn in losses.items()}
    line_plot(ax, x, curves, xlabel=xlabel, ylabel=ylabel, title=title, ylim=ylim, colors=colors, styles=styles)
    return fig


def gradient_curves(losses: Mapping[str, Callable[[torch.Tensor], torch.Tensor]], x: torch.Tensor, *,
                    xlabel: str = "residual $x - y$", ylabel: str = r"gradient $\partial l / \partial x$",
                    title: str | None = None, ax=None, ylim=None, colors: Mapping[str, str] | None = None,
                    styles: Mapping[str, str] | None = None):
    """Plot the derivative of each element-wise loss with respect to ``x`` (by autograd)."""
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    curves = {name: _evaluate(fn, x)[1] for name, fn in losses.items()}
    line_plot(ax, x, curves, xlabel=xlabel, ylabel=ylabel, title=title, ylim=ylim, colors=colors, styles=styles)
    return fig


def loss_and_gradient(losses: Mapping[str, Callable[[torch.Tensor], torch.Tensor]], x: torch.Tensor, *,
                      xlabel: str = "residual $x - y$", loss_ylim=None, grad_ylim=None,
                      colors: Mapping[str, str] | None = None, styles: Mapping[str, str] | None = None):
    """Two panels side by side: the losses (left) and their gradients (right)."""
    fig, (ax_l, ax_g) = new_figure(ncols=2)
    loss_curves(losses, x, xlabel=xlabel, title="loss", ax=ax_l, ylim=loss_ylim, colors=colors, styles=styles)
    gradient_curves(losses, x, xlabel=xlabel, title="gradient", ax=ax_g, ylim=grad_ylim, colors=colors,
                    styles=styles)
    return fig


def compare_bars(values: Mapping[str, float], *, ylabel: str, title: str | None = None,
                 xlabel: str = "", ax=None, fmt: str = "{:.4f}"):
    """A bar chart of named numbers, each bar labelled with its value."""
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    names = list(values)
    heights = [float(values[n]) for n in names]
    bars = ax.bar(names, heights, color=[color_for(n, i) for i, n in enumerate(names)])
    ax.bar_label(bars, labels=[fmt.format(h) for h in heights], padding=2)
    ax.margins(y=0.15)
    _finish(ax, xlabel, ylabel, title, legend=False)
    return fig


def scatter_fit(x, y, fits: Mapping[str, object] | None = None, *, xlabel: str = "$x$",
                ylabel: str = "$y$", title: str | None = None, ax=None,
                data_label: str = "data", colors: Mapping[str, str] | None = None, fit_x=None):
    """Scatter the data ``(x, y)`` and draw fitted curves ``{label: y_hat}`` over the sorted ``x``.

    With ``fit_x`` the curves are drawn over ``fit_x`` (for example a dense grid) instead of ``x``.
    """
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    xs, ys = _np(x).ravel(), _np(y).ravel()
    ax.scatter(xs, ys, s=14, color="#777777", alpha=0.7, label=data_label, zorder=1)
    xf = xs if fit_x is None else _np(fit_x).ravel()
    order = np.argsort(xf)
    for i, (label, yhat) in enumerate((fits or {}).items()):
        color = (colors or {}).get(label, color_for(label, i))
        ax.plot(xf[order], _np(yhat).ravel()[order], label=label, color=color, zorder=2)
    _finish(ax, xlabel, ylabel, title)
    return fig


def history_plot(histories: Mapping[str, Sequence[float]], *, xlabel: str = "step",
                 ylabel: str = "value", title: str | None = None, ax=None, logy: bool = False,
                 colors: Mapping[str, str] | None = None, styles: Mapping[str, str] | None = None):
    """Plot training histories ``{label: [v0, v1, ...]}`` against the step number."""
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    for i, (label, h) in enumerate(histories.items()):
        color = (colors or {}).get(label, color_for(label, i))
        ax.plot(np.arange(len(h)), _np(h), label=label, color=color, linestyle=(styles or {}).get(label, "-"))
    if logy:
        ax.set_yscale("log")
    _finish(ax, xlabel, ylabel, title)
    return fig


def grouped_bars(groups: Mapping[str, Sequence[float]], categories: Sequence[str], *, ylabel: str,
                 xlabel: str = "", title: str | None = None, ax=None,
                 colors: Mapping[str, str] | None = None, symlog: float | None = None):
    """Bars of several named series side by side, one group of bars per category.

    With ``symlog`` the y axis is symmetric-logarithmic, linear within ``[-symlog, symlog]``, so
    values of very different sizes fit on one plot.

    ``groups`` maps a series label (the legend entry) to one value per category, for example
    the coefficients of a fit with and without a penalty.
    """
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    positions = np.arange(len(categories))
    width = 0.8 / max(len(groups), 1)
    for i, (label, values) in enumerate(groups.items()):
        color = (colors or {}).get(label, color_for(label, i))
        offset = (i - (len(groups) - 1) / 2) * width
        ax.bar(positions + offset, _np(values), width=width, label=label, color=color)
    ax.set_xticks(positions, list(categories))
    ax.axhline(0.0, color="#444444", linewidth=0.8)
    if symlog is not None:
        ax.set_yscale("symlog", linthresh=symlog)
    _finish(ax, xlabel, ylabel, title)
    return fig


def mark_point(ax, x: float, y: float, text: str, *, color: str = "#000000",
               offset: tuple[float, float] = (12, -24)):
    """Mark the point ``(x, y)`` on ``ax`` with a dot and a short annotation ``text``."""
    ax.plot([x], [y], marker="o", markersize=7, color=color, linestyle="none", zorder=3)
    ax.annotate(text, xy=(x, y), xytext=offset, textcoords="offset points", color=color)
    return ax


def fill_band(ax, x, low, high, *, label: str, color: str, alpha: float = 0.2):
    """Shade the band between ``low`` and ``high`` over the sorted ``x`` and refresh the legend."""
    xs = _np(x).ravel()
    order = np.argsort(xs)
    ax.fill_between(xs[order], _np(low).ravel()[order], _np(high).ravel()[order], color=color,
                    alpha=alpha, label=label, linewidth=0)
    ax.legend(frameon=False)
    return ax
