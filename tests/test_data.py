"""The toy data sets of lossnotes.data: deterministic, the documented shapes, and what they claim."""

from __future__ import annotations

import math

import pytest
import torch

from lossnotes import data


def test_sine_regression_is_deterministic_and_seeded():
    a = data.sine_regression(n_train=10, n_test=50, seed=3)
    b = data.sine_regression(n_train=10, n_test=50, seed=3)
    c = data.sine_regression(n_train=10, n_test=50, seed=4)
    for t_a, t_b in zip(a, b, strict=True):
        assert torch.equal(t_a, t_b)
    assert not torch.equal(a[1], c[1])


def test_sine_regression_shapes_and_noise_free_targets():
    x_tr, y_tr, x_te, y_te = data.sine_regression(n_train=7, n_test=13, noise=0.0, dtype=torch.float32)
    assert x_tr.shape == y_tr.shape == (7,) and x_te.shape == y_te.shape == (13,)
    assert x_tr.dtype == torch.float32
    # with no noise the targets are sin(pi x) exactly (reference: math.sin, independent of torch)
    expected = torch.tensor([math.sin(math.pi * v) for v in x_te.double().tolist()], dtype=torch.float64)
    torch.testing.assert_close(y_te.double(), expected, atol=1e-6, rtol=0)
    # evenly spaced training inputs covering [-1, 1]
    torch.testing.assert_close(x_tr, torch.linspace(-1, 1, 7))
    assert bool((x_te >= -1).all() and (x_te <= 1).all())


def test_polynomial_features_equals_vandermonde():
    x = torch.tensor([-0.5, 0.0, 2.0], dtype=torch.float64)
    # reference: torch.vander with increasing powers, and one row written out by hand: 2^0..2^3
    torch.testing.assert_close(data.polynomial_features(x, 3), torch.vander(x, N=4, increasing=True))
    assert data.polynomial_features(x, 3)[2].tolist() == [1.0, 2.0, 4.0, 8.0]


def test_two_blobs_labels_alternate_and_centres_separate():
    x, y = data.two_blobs(n=2000, distance=2.0, seed=0)
    assert x.shape == (2000, 2) and y.shape == (2000,)
    assert y[:4].tolist() == [0.0, 1.0, 0.0, 1.0]
    # centres at -1 and +1 along each axis: sample means within 4 standard errors (1/sqrt(1000))
    torch.testing.assert_close(x[y == 0].mean(0), torch.tensor([-1.0, -1.0]), atol=4 / math.sqrt(1000), rtol=0)
    torch.testing.assert_close(x[y == 1].mean(0), torch.tensor([1.0, 1.0]), atol=4 / math.sqrt(1000), rtol=0)


def test_skewed_sample_is_sorted_positive_and_skewed():
    s = data.skewed_sample(n=201, seed=0)
    assert bool((s[1:] >= s[:-1]).all()) and bool((s > 0).all())
    # an exponential sample has mean > median (population: 1 vs ln 2)
    assert s.mean() > s.median()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: data.sine_regression(n_train=1), ValueError, "n_train"),
        (lambda: data.sine_regression(noise=-1.0), ValueError, "noise"),
        (lambda: data.two_blobs(n=3), ValueError, "even"),
        (lambda: data.two_blobs(seed=-1), ValueError, "seed"),
        (lambda: data.skewed_sample(seed=1.5), TypeError, "seed"),
        (lambda: data.polynomial_features(torch.zeros(2, 2), 3), ValueError, "1-D"),
    ],
)
def test_bad_arguments_raise_with_the_argument_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
