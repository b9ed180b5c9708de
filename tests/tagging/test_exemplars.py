"""Closeness to a theme's nearest exemplar: per theme, best match, a floor for empty themes."""

import numpy as np

from portal.tagging.embedding import encode
from portal.tagging.exemplars import ExemplarIndex


def test_closeness_is_the_best_cosine_per_theme():
    """Each theme's column is the highest cosine with any of that theme's exemplars."""
    texts = ["The app crashed again.", "My licence budget was cut.", "It logged me out."]
    index = ExemplarIndex(texts, [0, 1, 0], n_themes=2)
    passages = encode(["The app crashed again.", "Funding for licences ran out."])
    closeness = index.closeness(passages)
    similarity = passages @ encode(texts).T
    assert closeness.shape == (2, 2)
    assert np.allclose(closeness[:, 0], similarity[:, [0, 2]].max(axis=1), atol=1e-6)
    assert np.allclose(closeness[:, 1], similarity[:, 1], atol=1e-6)
    assert closeness[0, 0] > 0.99 and closeness[1, 1] > closeness[1, 0]


def test_a_theme_without_exemplars_gets_the_floor():
    """Themes nobody wrote an exemplar for neither gain nor lose."""
    index = ExemplarIndex(["The app crashed again."], [1], n_themes=3, floor=0.7)
    closeness = index.closeness(encode(["Anything at all."]))
    assert closeness[0, 0] == closeness[0, 2] == np.float32(0.7)


def test_an_empty_index_is_false_and_gives_the_floor():
    """A codebook without a phrase bank has no exemplars to compare with."""
    index = ExemplarIndex([], [], n_themes=2, floor=0.5)
    assert not index
    assert (index.closeness(encode(["Hello."])) == 0.5).all()
