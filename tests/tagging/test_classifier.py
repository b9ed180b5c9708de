"""The engine's own logistic regression agrees with scikit-learn's on the same problem."""

import numpy as np
from sklearn.linear_model import LogisticRegression

from portal.tagging import classifier


def test_fit_matches_scikit_learn_on_a_separable_problem():
    """Same objective (C x log-loss + L2/2, unpenalised bias), so the same probabilities."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 8)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] - 0.2 > rng.normal(scale=0.5, size=300)).astype(np.float32)
    ours = classifier.fit(x, y[:, None], np.ones((300, 1), dtype=np.float32), c=2.0,
                          iterations=3000)
    theirs = LogisticRegression(C=2.0, tol=1e-10, max_iter=10000).fit(x, y)
    mine = 1 / (1 + np.exp(-ours.logits(x)[:, 0]))
    assert np.allclose(mine, theirs.predict_proba(x)[:, 1], atol=2e-3)


def test_a_zero_weight_leaves_a_sample_out_of_that_theme():
    """Per-theme weights: a sample weighted 0 for a theme does not move that theme's fit."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(100, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    base = classifier.fit(x, y, np.ones_like(y), c=1.0)
    extra_x = np.vstack([x, 10 * np.ones((1, 4), dtype=np.float32)])
    extra_y = np.vstack([y, [[0.0]]])
    weights = np.vstack([np.ones_like(y), [[0.0]]])
    again = classifier.fit(extra_x, extra_y, weights, c=1.0)
    assert np.allclose(base.weights, again.weights, atol=1e-4)
