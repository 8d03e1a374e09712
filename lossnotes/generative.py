r"""Losses of generative models: the GAN losses and the VAE objective.

A GAN's discriminator (or critic) outputs one raw score per sample, a logit for the losses of
Goodfellow et al. and a real number for the least-squares, hinge and Wasserstein losses. Each
discriminator loss takes the scores of a batch of real samples and of a batch of generated
(fake) samples, of the same shape; each generator loss takes the scores of the fake batch. The
gradient penalty of WGAN-GP is a function of the critic, not of its scores.

The VAE objective is the negative evidence lower bound: a reconstruction negative
log-likelihood summed over the data dimensions plus the closed-form KL divergence of the
encoder's Gaussian from the standard normal prior, per sample.

PyTorch ships none of these; they follow the conventions of the other ``lossnotes`` extras:
tensors first, options keyword-only, ``reduction='mean'``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from lossnotes._checks import InputError, check_floating
from lossnotes._numerics import upcast
from lossnotes._reduction import EXTRA, check_reduction
from lossnotes._reduction import reduce as _reduce

__all__ = [
    "gan_discriminator_loss",
    "gan_generator_loss",
    "gaussian_kl_loss",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "lsgan_discriminator_loss",
    "lsgan_generator_loss",
    "vae_loss",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
]

_LIKELIHOODS = ("bernoulli", "gaussian")


def _pair(real: torch.Tensor, fake: torch.Tensor, reduction: str) -> tuple[torch.Tensor, torch.Tensor, str]:
    """Validate a (real, fake) pair of scores; return them upcast, and the reduction."""
    reduction = check_reduction(reduction, EXTRA)
    check_floating(real, "real")
    check_floating(fake, "fake")
    if real.shape != fake.shape:
        raise InputError(f"real and fake must have the same shape, got {tuple(real.shape)} and {tuple(fake.shape)}")
    return upcast(real), upcast(fake), reduction


def _single(fake: torch.Tensor, reduction: str) -> tuple[torch.Tensor, str]:
    reduction = check_reduction(reduction, EXTRA)
    check_floating(fake, "fake")
    return upcast(fake), reduction


def gan_discriminator_loss(real: torch.Tensor, fake: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The discriminator's loss of the original GAN: binary cross entropy, real = 1, fake = 0.

    The discriminator maximises :math:`\log D(x) + \log(1 - D(G(z)))`; with :math:`D = \sigma(s)`
    for a score (logit) :math:`s`, the loss to minimise per pair of scores is

    .. math::
        l_n = -\log \sigma(r_n) - \log\bigl(1 - \sigma(f_n)\bigr)
            = \operatorname{softplus}(-r_n) + \operatorname{softplus}(f_n),

    computed in the softplus form, which is finite for scores of any size. ``'mean'`` is the
    mean over the batch, which equals the sum of the two binary cross entropies of torch's
    ``binary_cross_entropy_with_logits`` on the real batch (target 1) and the fake batch (target 0).

    Args:
        real: the discriminator's logits on real samples, any shape.
        fake: its logits on generated samples, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``real`` and ``fake``, any shape, the same.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        InputError: if ``real`` and ``fake`` differ in shape.
        TypeError: if either is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import gan_discriminator_loss
        >>> round(gan_discriminator_loss(torch.tensor([0.0]), torch.tensor([0.0])).item(), 4)  # 2 log 2
        1.3863

    References:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.

    See also:
        :func:`gan_generator_loss`; no native op in torch or paddle.
    """
    r, f, reduction = _pair(real, fake, reduction)
    loss = torch.nn.functional.softplus(-r) + torch.nn.functional.softplus(f)
    return _reduce(loss, reduction).to(real.dtype)


def gan_generator_loss(fake: torch.Tensor, *, saturating: bool = False, reduction: str = "mean") -> torch.Tensor:
    r"""The generator's loss of the original GAN, non-saturating (default) or minimax.

    The minimax game has the generator minimise :math:`\log(1 - D(G(z)))`. Early in training
    the discriminator rejects the fakes easily, :math:`D(G(z)) \to 0`, and the gradient of that
    term with respect to the logit, :math:`-\sigma(f)`, vanishes with it: the generator
    **saturates**. Goodfellow et al. therefore train the generator to maximise
    :math:`\log D(G(z))` instead, whose gradient :math:`-\sigma(-f) \to -1` is largest exactly then:

    .. math::
        l_n = -\log \sigma(f_n) = \operatorname{softplus}(-f_n)
        \quad\text{(non-saturating)}, \qquad
        l_n = \log\bigl(1 - \sigma(f_n)\bigr) = -\operatorname{softplus}(f_n)
        \quad\text{(saturating=True)}.

    Args:
        fake: the discriminator's logits on generated samples, any shape.
        saturating: the minimax form :math:`\log(1 - D(G(z)))` instead of the non-saturating
            one. Default ``False``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``fake``, any shape.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        TypeError: if ``fake`` is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import gan_generator_loss
        >>> round(gan_generator_loss(torch.tensor([0.0])).item(), 4)  # -log(1/2)
        0.6931

    References:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (section 3).

    See also:
        :func:`gan_discriminator_loss`; no native op in torch or paddle.
    """
    f, reduction = _single(fake, reduction)
    loss = -torch.nn.functional.softplus(f) if saturating else torch.nn.functional.softplus(-f)
    return _reduce(loss, reduction).to(fake.dtype)


def lsgan_discriminator_loss(real: torch.Tensor, fake: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The least-squares GAN's discriminator loss: real scores to 1, fake scores to 0.

    .. math::
        l_n = \tfrac{1}{2} (r_n - 1)^2 + \tfrac{1}{2} f_n^2,

    the coding :math:`a = 0` (fake), :math:`b = 1` (real) of Mao et al. A fake sample far on the
    right side of the boundary still costs, so the generator keeps a gradient where the sigmoid
    cross entropy would saturate.

    Args:
        real: the discriminator's scores on real samples, any shape.
        fake: its scores on generated samples, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``real`` and ``fake``, any shape, the same.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        InputError: if ``real`` and ``fake`` differ in shape.
        TypeError: if either is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import lsgan_discriminator_loss
        >>> round(lsgan_discriminator_loss(torch.tensor([0.0]), torch.tensor([1.0])).item(), 4)
        1.0

    References:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.

    See also:
        :func:`lsgan_generator_loss`; no native op in torch or paddle.
    """
    r, f, reduction = _pair(real, fake, reduction)
    loss = 0.5 * (r - 1) ** 2 + 0.5 * f**2
    return _reduce(loss, reduction).to(real.dtype)


def lsgan_generator_loss(fake: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The least-squares GAN's generator loss: fake scores to the real code 1.

    .. math::
        l_n = \tfrac{1}{2} (f_n - 1)^2 .

    Args:
        fake: the discriminator's scores on generated samples, any shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``fake``, any shape.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        TypeError: if ``fake`` is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import lsgan_generator_loss
        >>> round(lsgan_generator_loss(torch.tensor([-1.0])).item(), 4)
        2.0

    References:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.

    See also:
        :func:`lsgan_discriminator_loss`; no native op in torch or paddle.
    """
    f, reduction = _single(fake, reduction)
    return _reduce(0.5 * (f - 1) ** 2, reduction).to(fake.dtype)


def hinge_discriminator_loss(real: torch.Tensor, fake: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The hinge GAN's discriminator loss: real scores above 1, fake scores below -1.

    .. math::
        l_n = \max(0, 1 - r_n) + \max(0, 1 + f_n),

    the loss of the geometric GAN and of SNGAN and BigGAN: samples already beyond the margin
    cost nothing, so the discriminator stops pushing on them.

    Args:
        real: the discriminator's scores on real samples, any shape.
        fake: its scores on generated samples, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``real`` and ``fake``, any shape, the same.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        InputError: if ``real`` and ``fake`` differ in shape.
        TypeError: if either is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import hinge_discriminator_loss
        >>> round(hinge_discriminator_loss(torch.tensor([0.5]), torch.tensor([-2.0])).item(), 4)
        0.5

    References:
        Lim and Ye, "Geometric GAN", arXiv:1705.02894, 2017; Miyato et al., "Spectral
        Normalization for Generative Adversarial Networks", ICLR 2018.

    See also:
        :func:`hinge_generator_loss`; no native op in torch or paddle.
    """
    r, f, reduction = _pair(real, fake, reduction)
    loss = torch.clamp_min(1 - r, 0) + torch.clamp_min(1 + f, 0)
    return _reduce(loss, reduction).to(real.dtype)


def hinge_generator_loss(fake: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The hinge GAN's generator loss: raise the discriminator's score of the fakes.

    .. math::
        l_n = -f_n ,

    with no hinge: the generator is pushed up everywhere, the same loss as
    :func:`wasserstein_generator_loss`.

    Args:
        fake: the discriminator's scores on generated samples, any shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``fake``, any shape.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        TypeError: if ``fake`` is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import hinge_generator_loss
        >>> round(hinge_generator_loss(torch.tensor([1.0, 3.0])).item(), 4)
        -2.0

    References:
        Lim and Ye, "Geometric GAN", arXiv:1705.02894, 2017.

    See also:
        :func:`hinge_discriminator_loss`; no native op in torch or paddle.
    """
    f, reduction = _single(fake, reduction)
    return _reduce(-f, reduction).to(fake.dtype)


def wasserstein_critic_loss(real: torch.Tensor, fake: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The Wasserstein GAN's critic loss: score real samples high and fakes low.

    For a 1-Lipschitz critic :math:`D`, :math:`\mathbb{E}[D(x)] - \mathbb{E}[D(G(z))]` estimates
    the Wasserstein-1 distance between the data and the generator; the critic maximises it, so
    it minimises

    .. math::
        l_n = f_n - r_n .

    The loss is unbounded without the Lipschitz constraint: add :func:`gradient_penalty`
    (WGAN-GP) or clip the weights (the original WGAN).

    Args:
        real: the critic's scores on real samples, any shape.
        fake: its scores on generated samples, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``real`` and ``fake``, any shape, the same.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        InputError: if ``real`` and ``fake`` differ in shape.
        TypeError: if either is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import wasserstein_critic_loss
        >>> round(wasserstein_critic_loss(torch.tensor([2.0]), torch.tensor([0.5])).item(), 4)
        -1.5

    References:
        Arjovsky, Chintala and Bottou, "Wasserstein Generative Adversarial Networks", ICML 2017.

    See also:
        :func:`wasserstein_generator_loss`, :func:`gradient_penalty`; no native op in torch or paddle.
    """
    r, f, reduction = _pair(real, fake, reduction)
    return _reduce(f - r, reduction).to(real.dtype)


def wasserstein_generator_loss(fake: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""The Wasserstein GAN's generator loss: raise the critic's score of the fakes.

    .. math::
        l_n = -f_n .

    Args:
        fake: the critic's scores on generated samples, any shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``fake``, any shape.
        Output: scalar unless ``reduction='none'``, then the input's shape.

    Raises:
        TypeError: if ``fake`` is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import wasserstein_generator_loss
        >>> round(wasserstein_generator_loss(torch.tensor([0.5, 1.5])).item(), 4)
        -1.0

    References:
        Arjovsky, Chintala and Bottou, "Wasserstein Generative Adversarial Networks", ICML 2017.

    See also:
        :func:`wasserstein_critic_loss`; no native op in torch or paddle.
    """
    f, reduction = _single(fake, reduction)
    return _reduce(-f, reduction).to(fake.dtype)


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    *,
    alpha: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
    target: float = 1.0,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""The gradient penalty of WGAN-GP: the critic's gradient norm, pulled to ``target``.

    A 1-Lipschitz critic has gradients of norm at most 1; the optimal critic has norm 1 on the
    lines between real and generated samples. Gulrajani et al. penalise the deviation there:

    .. math::
        \hat x_n = \alpha_n x_n + (1 - \alpha_n) \tilde x_n, \quad \alpha_n \sim U(0, 1),
        \qquad
        l_n = \bigl(\lVert \nabla_{\hat x} D(\hat x_n) \rVert_2 - 1\bigr)^2 .

    The gradient is taken with ``create_graph=True``, so the penalty trains the critic's
    parameters. The caller multiplies it by :math:`\lambda` (10 in the paper) and adds it to
    :func:`wasserstein_critic_loss`. ``fake`` is detached: the penalty does not train the
    generator.

    Args:
        critic: the critic, a callable from a batch ``(N, ...)`` to scores ``(N)`` or ``(N, 1)``.
        real: real samples, shape ``(N, ...)``.
        fake: generated samples, the same shape.
        alpha: the interpolation weights, shape ``(N)``; drawn from :math:`U(0, 1)` when
            ``None`` (the default).
        generator: the random generator ``alpha`` is drawn with. Default ``None`` (torch's).
        target: the gradient norm aimed at. Default ``1.0``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default ``'mean'``.

    Shape:
        Input: ``real`` and ``fake``, ``(N, ...)``, the same.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if ``real`` and ``fake`` differ in shape, or ``alpha`` is not ``(N)``.
        TypeError: if ``real`` or ``fake`` is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import gradient_penalty
        >>> w = torch.tensor([3.0, 4.0])  # a linear critic: its gradient is w, of norm 5
        >>> x = torch.zeros(2, 2)
        >>> round(gradient_penalty(lambda t: t @ w, x, x).item(), 4)  # (5 - 1)**2
        16.0

    References:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.

    See also:
        :func:`wasserstein_critic_loss`.
    """
    reduction = check_reduction(reduction, EXTRA)
    check_floating(real, "real")
    check_floating(fake, "fake")
    if real.shape != fake.shape or real.dim() == 0:
        raise InputError(f"real and fake must have the same shape (N, ...), got {tuple(real.shape)} and "
                         f"{tuple(fake.shape)}")
    n = real.shape[0]
    if alpha is None:
        alpha = torch.rand(n, generator=generator, dtype=real.dtype, device=real.device)
    elif alpha.shape != (n,):
        raise InputError(f"alpha must have shape ({n},), one weight per sample, got {tuple(alpha.shape)}")
    a = alpha.to(real.dtype).reshape(n, *([1] * (real.dim() - 1)))
    mixed = (a * real.detach() + (1 - a) * fake.detach()).requires_grad_(True)
    scores = critic(mixed)
    (grad,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    norm = grad.reshape(n, math.prod(real.shape[1:])).norm(2, dim=1)
    return _reduce((norm - target) ** 2, reduction)


def gaussian_kl_loss(mu: torch.Tensor, logvar: torch.Tensor, *, reduction: str = "mean") -> torch.Tensor:
    r"""KL divergence of a diagonal Gaussian from the standard normal, in closed form.

    The KL term of a VAE: the encoder's posterior :math:`q(z \mid x) = \mathcal{N}(\mu,
    \operatorname{diag}\sigma^2)`, given as the mean and the log-variance
    :math:`\log \sigma^2`, against the prior :math:`\mathcal{N}(0, I)`, summed over the latent
    dimensions:

    .. math::
        l_n = \mathrm{KL}\bigl(\mathcal{N}(\mu_n, \sigma_n^2) \,\|\, \mathcal{N}(0, I)\bigr)
            = -\tfrac{1}{2} \sum_{j} \bigl(1 + \log \sigma_{nj}^2 - \mu_{nj}^2 - \sigma_{nj}^2\bigr).

    Each term is :math:`\tfrac{1}{2}(\mu^2 + \sigma^2 - 1 - \log\sigma^2) \ge 0`, zero exactly
    when :math:`\mu = 0` and :math:`\sigma = 1`.

    Args:
        mu: the posterior means, shape ``(N, D)`` or ``(D)``.
        logvar: the posterior log-variances, the same shape.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the batch. Default ``'mean'``.

    Shape:
        Input: ``mu`` and ``logvar``, ``(N, D)`` or ``(D)``.
        Output: scalar unless ``reduction='none'``, then ``(N)`` (or ``()`` for ``(D)`` inputs).

    Raises:
        InputError: if ``mu`` and ``logvar`` differ in shape or are not 1-D or 2-D.
        TypeError: if either is not a floating-point tensor.
        ValueError: if ``reduction`` is not one of the three.

    Example:
        >>> import torch
        >>> from lossnotes.generative import gaussian_kl_loss
        >>> mu, logvar = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 0.0]])
        >>> round(gaussian_kl_loss(mu, logvar).item(), 4)  # mu^2 / 2
        0.5

    References:
        Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014 (appendix B).

    See also:
        ``torch.distributions.kl_divergence(Normal(mu, std), Normal(0, 1))``, summed over the
        last dimension, gives the same values.
    """
    reduction = check_reduction(reduction, EXTRA)
    check_floating(mu, "mu")
    check_floating(logvar, "logvar")
    if mu.shape != logvar.shape or mu.dim() not in (1, 2):
        raise InputError(f"mu and logvar must have the same shape, (N, D) or (D), got {tuple(mu.shape)} and "
                         f"{tuple(logvar.shape)}")
    m, lv = upcast(mu), upcast(logvar)
    kl = -0.5 * (1 + lv - m**2 - torch.exp(lv)).sum(-1)
    return _reduce(kl, reduction).to(mu.dtype)


def vae_loss(
    recon: torch.Tensor,
    target: torch.Tensor,
    mu: torch.Tensor,
    logvar: torch.Tensor,
    *,
    beta: float = 1.0,
    likelihood: str = "bernoulli",
    reduction: str = "mean",
) -> torch.Tensor:
    r"""The VAE objective: the negative ELBO, a reconstruction NLL plus :math:`\beta` times the KL.

    Per sample :math:`n`, with the decoder's output :math:`\hat x_n` for one draw of the latent
    code and the encoder's :math:`(\mu_n, \log\sigma_n^2)`:

    .. math::
        l_n = -\log p(x_n \mid \hat x_n)
              + \beta\, \mathrm{KL}\bigl(\mathcal{N}(\mu_n, \sigma_n^2) \,\|\, \mathcal{N}(0, I)\bigr),

    the reconstruction summed over the data dimensions (:math:`D` of them). With
    ``likelihood='bernoulli'`` the decoder outputs logits and the NLL is the binary cross entropy
    with logits, summed; targets in [0, 1]. With ``likelihood='gaussian'`` it outputs means of a
    unit-variance Gaussian and the NLL is
    :math:`\tfrac{1}{2}\lVert x_n - \hat x_n\rVert^2 + \tfrac{D}{2}\log 2\pi` (the full NLL,
    constant included). :math:`\beta = 1` is the ELBO of Kingma and Welling; other values are
    the :math:`\beta`-VAE of Higgins et al.

    Args:
        recon: the decoder's output, logits (Bernoulli) or means (Gaussian), shape ``(N, ...)``.
        target: the data, the same shape.
        mu: the posterior means, shape ``(N, D_z)``.
        logvar: the posterior log-variances, shape ``(N, D_z)``.
        beta: the weight of the KL term, at least 0. Default ``1.0``.
        likelihood: ``'bernoulli'`` | ``'gaussian'``. Default ``'bernoulli'``.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'`` over the batch. Default ``'mean'``.

    Shape:
        Input: ``recon`` ``(N, ...)``; ``mu`` and ``logvar`` ``(N, D_z)``.
        Target: ``(N, ...)``, the shape of ``recon``.
        Output: scalar unless ``reduction='none'``, then ``(N)``.

    Raises:
        InputError: if the shapes disagree.
        TypeError: if an input is not a floating-point tensor.
        ValueError: if ``likelihood`` or ``reduction`` is not one of its values, or ``beta < 0``.

    Example:
        >>> import torch
        >>> from lossnotes.generative import vae_loss
        >>> recon, x = torch.zeros(1, 2), torch.tensor([[1.0, 0.0]])
        >>> mu, logvar = torch.zeros(1, 3), torch.zeros(1, 3)
        >>> round(vae_loss(recon, x, mu, logvar).item(), 4)  # 2 log 2, and a KL of 0
        1.3863

    References:
        Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014; Higgins et al.,
        "beta-VAE: Learning Basic Visual Concepts with a Constrained Variational Framework",
        ICLR 2017.

    See also:
        :func:`gaussian_kl_loss`; no native op in torch or paddle.
    """
    reduction = check_reduction(reduction, EXTRA)
    if likelihood not in _LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {_LIKELIHOODS}, got {likelihood!r}")
    if beta < 0:
        raise ValueError(f"beta must be at least 0, got {beta}")
    check_floating(recon, "recon")
    check_floating(target, "target")
    if recon.shape != target.shape or recon.dim() == 0:
        raise InputError(f"target shape {tuple(target.shape)} must be the shape of recon, "
                         f"{tuple(recon.shape)}, with a batch dimension")
    check_floating(mu, "mu")
    if mu.dim() != 2 or mu.shape[0] != recon.shape[0]:
        raise InputError(f"mu must be (N, D_z) with N = {recon.shape[0]}, got {tuple(mu.shape)}")
    kl = gaussian_kl_loss(mu, logvar, reduction="none")
    x, t = upcast(recon), upcast(target).to(upcast(recon).dtype)
    n, d = x.shape[0], math.prod(x.shape[1:])
    if likelihood == "bernoulli":
        # -log p = -[t log sigmoid(x) + (1 - t) log sigmoid(-x)] = softplus(x) - t x, stable
        nll = (torch.nn.functional.softplus(x) - t * x).reshape(n, d).sum(1)
    else:
        nll = 0.5 * ((t - x) ** 2).reshape(n, d).sum(1) + 0.5 * d * math.log(2 * math.pi)
    loss = nll + beta * kl.to(nll.dtype)
    return _reduce(loss, reduction).to(recon.dtype)
