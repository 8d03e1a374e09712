r"""Teaching forms of the GAN losses and the VAE objective.

``real`` and ``fake`` are a discriminator's logits on real and generated samples;
``mu`` and ``logvar`` an encoder's means and log-variances, ``(N, D)``; ``recon`` a
decoder's logits. Each function is the book's formula, written with ``log`` and
``sigmoid`` where the package uses the stable ``softplus`` form (the two agree for
moderate logits; the tests check it).
"""

import torch

from lossnotes.teaching._reduce import reduce

__all__ = ["gan_discriminator", "gan_generator", "gaussian_kl", "vae"]


def gan_discriminator(real, fake, reduction="mean"):
    """-log D(x) - log(1 - D(G(z))), with D = sigmoid of the logit."""
    loss = -torch.log(torch.sigmoid(real)) - torch.log(1 - torch.sigmoid(fake))
    return reduce(loss, reduction)


def gan_generator(fake, saturating=False, reduction="mean"):
    """The minimax game's log(1 - D(G(z))), or the non-saturating -log D(G(z))."""
    d = torch.sigmoid(fake)
    loss = torch.log(1 - d) if saturating else -torch.log(d)
    return reduce(loss, reduction)


def gaussian_kl(mu, logvar, reduction="mean"):
    """KL(N(mu, sigma^2) || N(0, 1)), summed over the latent dimensions."""
    kl = 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(dim=-1)
    return reduce(kl, reduction)


def vae(recon, x, mu, logvar, beta=1.0, reduction="mean"):
    """Bernoulli NLL of x under the decoder's logits, summed, plus beta times the KL."""
    p = torch.sigmoid(recon)
    nll = -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).flatten(1).sum(dim=1)
    return reduce(nll + beta * gaussian_kl(mu, logvar, "none"), reduction)
