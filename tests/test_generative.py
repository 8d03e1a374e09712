"""lossnotes.generative against independent references: torch's own BCE and MSE ops,
torch.distributions, autograd per sample, and hand-derived numbers."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as TF
from torch.distributions import Bernoulli, Normal, kl_divergence

from lossnotes import generative as G

DTYPES = [torch.float32, torch.float64]
REDUCTIONS = ["none", "mean", "sum"]


def _tol(dtype):
    return {"rtol": 1e-6, "atol": 1e-6} if dtype == torch.float32 else {"rtol": 1e-12, "atol": 1e-12}


def _scores(dtype, *shape, seed=0, scale=3.0):
    gen = torch.Generator().manual_seed(seed)
    return (scale * torch.randn(*shape, generator=gen, dtype=dtype)).requires_grad_(True)


def _reduced(loss, reduction):
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _check(ours, theirs, leaves, dtype):
    torch.testing.assert_close(ours, theirs, **_tol(dtype))
    g1 = torch.autograd.grad(ours.sum(), leaves)
    g2 = torch.autograd.grad(theirs.sum(), leaves)
    for a, b in zip(g1, g2, strict=True):
        torch.testing.assert_close(a, b, **_tol(dtype))


# -- the GAN losses against torch's binary cross entropy and squared error ------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_discriminator_loss_is_bce_real_one_fake_zero(dtype, reduction):
    r, f = _scores(dtype, 6, 2), _scores(dtype, 6, 2, seed=1)
    theirs = (TF.binary_cross_entropy_with_logits(r, torch.ones_like(r), reduction="none")
              + TF.binary_cross_entropy_with_logits(f, torch.zeros_like(f), reduction="none"))
    _check(G.gan_discriminator_loss(r, f, reduction=reduction), _reduced(theirs, reduction), [r, f], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_generator_losses_against_bce(dtype, reduction):
    f = _scores(dtype, 7)
    # non-saturating: -log sigma(f) is BCE with target 1
    theirs = TF.binary_cross_entropy_with_logits(f, torch.ones_like(f), reduction="none")
    _check(G.gan_generator_loss(f, reduction=reduction), _reduced(theirs, reduction), [f], dtype)
    # minimax: log(1 - sigma(f)) is minus the BCE with target 0
    theirs = -TF.binary_cross_entropy_with_logits(f, torch.zeros_like(f), reduction="none")
    _check(G.gan_generator_loss(f, saturating=True, reduction=reduction), _reduced(theirs, reduction), [f], dtype)


def test_saturating_generator_gradient_vanishes_where_the_non_saturating_one_does_not():
    # d/df log(1 - sigma(f)) = -sigma(f) -> 0 as f -> -inf (the discriminator rejects the fake);
    # d/df -log sigma(f) = -sigma(-f) -> -1 there. At f = -10: -sigma(-10) = -4.5398e-05 and -sigma(10).
    f = torch.tensor([-10.0], dtype=torch.float64, requires_grad=True)
    (g_sat,) = torch.autograd.grad(G.gan_generator_loss(f, saturating=True), f)
    (g_ns,) = torch.autograd.grad(G.gan_generator_loss(f), f)
    assert g_sat.item() == pytest.approx(-1 / (1 + math.exp(10)), rel=1e-12)
    assert g_ns.item() == pytest.approx(-1 / (1 + math.exp(-10)), rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_lsgan_losses_are_half_squared_errors(dtype, reduction):
    r, f = _scores(dtype, 5), _scores(dtype, 5, seed=2)
    theirs = 0.5 * TF.mse_loss(r, torch.ones_like(r), reduction="none") + 0.5 * TF.mse_loss(
        f, torch.zeros_like(f), reduction="none")
    _check(G.lsgan_discriminator_loss(r, f, reduction=reduction), _reduced(theirs, reduction), [r, f], dtype)
    theirs = 0.5 * TF.mse_loss(f, torch.ones_like(f), reduction="none")
    _check(G.lsgan_generator_loss(f, reduction=reduction), _reduced(theirs, reduction), [f], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_and_wasserstein_against_relu(dtype, reduction):
    r, f = _scores(dtype, 8), _scores(dtype, 8, seed=3)
    _check(G.hinge_discriminator_loss(r, f, reduction=reduction),
           _reduced(torch.relu(1 - r) + torch.relu(1 + f), reduction), [r, f], dtype)
    _check(G.hinge_generator_loss(f, reduction=reduction), _reduced(-f, reduction), [f], dtype)
    _check(G.wasserstein_critic_loss(r, f, reduction=reduction), _reduced(f - r, reduction), [r, f], dtype)
    _check(G.wasserstein_generator_loss(f, reduction=reduction), _reduced(-f, reduction), [f], dtype)


def test_hand_derived_values():
    z = torch.tensor([0.0])
    # D = sigma(0) = 1/2 on both: -log(1/2) - log(1/2) = 2 log 2
    assert G.gan_discriminator_loss(z, z).item() == pytest.approx(2 * math.log(2), rel=1e-6)
    # hinge: max(0, 1 - 0.5) + max(0, 1 - 2) = 0.5
    assert G.hinge_discriminator_loss(torch.tensor([0.5]), torch.tensor([-2.0])).item() == 0.5
    # least squares: 1/2 (0 - 1)^2 + 1/2 * 1^2 = 1
    assert G.lsgan_discriminator_loss(torch.tensor([0.0]), torch.tensor([1.0])).item() == 1.0


@pytest.mark.parametrize("name", ["gan_discriminator_loss", "gan_generator_loss"])
def test_huge_logits_are_finite(name):
    for scale in (1e4, -1e4):
        x = torch.full((3,), scale, requires_grad=True)
        args = (x, -x) if name == "gan_discriminator_loss" else (x,)
        out = getattr(G, name)(*args)
        (g,) = torch.autograd.grad(out, x)
        assert torch.isfinite(out) and torch.isfinite(g).all()


# -- the gradient penalty -------------------------------------------------------------------------

def test_gradient_penalty_of_a_linear_critic_is_hand_derived():
    # critic D(x) = w . x has gradient w everywhere: penalty (||w|| - 1)^2 = (5 - 1)^2 = 16 for w = (3, 4)
    w = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    real, fake = torch.randn(4, 2, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    gp = G.gradient_penalty(lambda t: t @ w, real, fake)
    assert gp.item() == pytest.approx(16.0, rel=1e-12)
    # it trains the critic: d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w|| = 2 * 4 * (3, 4) / 5
    (g,) = torch.autograd.grad(gp, w)
    torch.testing.assert_close(g, torch.tensor([4.8, 6.4], dtype=torch.float64))


def test_gradient_penalty_matches_per_sample_autograd():
    torch.manual_seed(0)
    critic = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    real, fake = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    alpha = torch.rand(5, dtype=torch.float64)
    ours = G.gradient_penalty(critic, real, fake, alpha=alpha, reduction="none")
    # independently: each interpolate on its own, its gradient by torch.func.grad
    mixed = alpha[:, None] * real + (1 - alpha[:, None]) * fake
    norms = torch.stack([torch.func.grad(lambda x: critic(x[None]).sum())(m).norm() for m in mixed])
    torch.testing.assert_close(ours, (norms - 1) ** 2)
    # the same alpha drawn from a seeded generator gives the same penalty
    gen = torch.Generator().manual_seed(7)
    drawn = torch.rand(5, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    torch.testing.assert_close(G.gradient_penalty(critic, real, fake, generator=gen),
                               G.gradient_penalty(critic, real, fake, alpha=drawn))


def test_gradient_penalty_bad_alpha():
    x = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="alpha must have shape"):
        G.gradient_penalty(lambda t: t.sum(1), x, x, alpha=torch.ones(2))


# -- the VAE objective ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_kl_equals_torch_distributions(dtype, reduction):
    mu, logvar = _scores(dtype, 4, 3, scale=1.0), _scores(dtype, 4, 3, seed=5, scale=0.7)
    theirs = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(torch.zeros_like(mu), torch.ones_like(mu)))
    _check(G.gaussian_kl_loss(mu, logvar, reduction=reduction), _reduced(theirs.sum(-1), reduction),
           [mu, logvar], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_vae_loss_is_nll_plus_beta_kl(dtype, likelihood, reduction):
    recon, mu, logvar = _scores(dtype, 4, 2, 3), _scores(dtype, 4, 2, seed=1), _scores(dtype, 4, 2, seed=2, scale=0.5)
    x = torch.rand(4, 2, 3, generator=torch.Generator().manual_seed(3), dtype=dtype)
    if likelihood == "bernoulli":
        nll = -Bernoulli(logits=recon, validate_args=False).log_prob(x).sum((1, 2))  # soft targets
    else:
        nll = -Normal(recon, torch.ones_like(recon)).log_prob(x).sum((1, 2))
    kl = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)
    ours = G.vae_loss(recon, x, mu, logvar, beta=4.0, likelihood=likelihood, reduction=reduction)
    _check(ours, _reduced(nll + 4.0 * kl, reduction), [recon, mu, logvar], dtype)


def test_vae_hand_derived():
    # logits 0 on targets (1, 0): 2 log 2; mu = 0, logvar = 0: KL 0
    out = G.vae_loss(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]), torch.zeros(1, 3), torch.zeros(1, 3))
    assert out.item() == pytest.approx(2 * math.log(2), rel=1e-6)
    # KL of N(1, 1) from N(0, 1) is 1/2
    assert G.gaussian_kl_loss(torch.tensor([1.0]), torch.tensor([0.0])).item() == pytest.approx(0.5)


def test_gradcheck_float64():
    r, f = _scores(torch.float64, 3), _scores(torch.float64, 3, seed=1)
    for fn in (G.gan_discriminator_loss, G.lsgan_discriminator_loss, G.wasserstein_critic_loss):
        assert torch.autograd.gradcheck(fn, (r, f))
    assert torch.autograd.gradcheck(lambda a: G.gan_generator_loss(a, saturating=True), (f,))
    mu, logvar = _scores(torch.float64, 2, 3, scale=1.0), _scores(torch.float64, 2, 3, seed=4, scale=0.5)
    assert torch.autograd.gradcheck(G.gaussian_kl_loss, (mu, logvar))
    recon = _scores(torch.float64, 2, 4, seed=6)
    x = torch.rand(2, 4, dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda a, m, v: G.vae_loss(a, x, m, v, beta=0.5), (recon, mu, logvar))


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: G.gan_discriminator_loss(torch.zeros(3), torch.zeros(4)), ValueError, "same shape"),
    (lambda: G.gan_generator_loss(torch.zeros(3, dtype=torch.long)), TypeError, "fake must be a floating"),
    (lambda: G.wasserstein_critic_loss(torch.zeros(2), torch.zeros(2), reduction="avg"), ValueError, "reduction"),
    (lambda: G.gaussian_kl_loss(torch.zeros(2, 3), torch.zeros(2, 4)), ValueError, "mu and logvar"),
    (lambda: G.vae_loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, 2), torch.zeros(2, 2),
                        likelihood="laplace"), ValueError, "likelihood"),
    (lambda: G.vae_loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, 2), torch.zeros(2, 2), beta=-1.0),
     ValueError, "beta"),
    (lambda: G.vae_loss(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(2, 2), torch.zeros(2, 2)),
     ValueError, "target shape"),
    (lambda: G.vae_loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(3, 2), torch.zeros(3, 2)),
     ValueError, "mu must be"),
])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_exported_and_low_precision_upcast():
    import lossnotes.functional as LF

    for name in G.__all__:
        assert getattr(LF, name) is getattr(G, name)
    # bfloat16 scores are computed in float32 and returned in bfloat16, as the float32 value rounded
    r, f = torch.randn(6).bfloat16(), torch.randn(6).bfloat16()
    out = G.gan_discriminator_loss(r, f)
    assert out.dtype == torch.bfloat16
    assert out == G.gan_discriminator_loss(r.float(), f.float()).bfloat16()


def test_teaching_forms_equal_the_fast_functions():
    from lossnotes.teaching import generative as T

    r, f = _scores(torch.float64, 5), _scores(torch.float64, 5, seed=1)
    torch.testing.assert_close(T.gan_discriminator(r, f), G.gan_discriminator_loss(r, f))
    torch.testing.assert_close(T.gan_generator(f), G.gan_generator_loss(f))
    torch.testing.assert_close(T.gan_generator(f, saturating=True), G.gan_generator_loss(f, saturating=True))
    mu, logvar = _scores(torch.float64, 4, 2, scale=1.0), _scores(torch.float64, 4, 2, seed=3, scale=0.5)
    torch.testing.assert_close(T.gaussian_kl(mu, logvar), G.gaussian_kl_loss(mu, logvar))
    recon, x = _scores(torch.float64, 4, 6, seed=4), torch.rand(4, 6, dtype=torch.float64)
    torch.testing.assert_close(T.vae(recon, x, mu, logvar, beta=2.0), G.vae_loss(recon, x, mu, logvar, beta=2.0))
