"""Shipped default taggers: trained on exactly today's codebooks, and used only then."""

import copy
import tomllib

import numpy as np
import pytest

from portal.config import REPO_ROOT
from portal.domain.codebooks import current_version
from portal.extensions import db
from portal.tagging import shipped
from portal.tagging.engine import Tagger
from tools.train_default_taggers import file_hashes

CODEBOOKS = sorted((REPO_ROOT / "surveys" / "codebooks").glob("*.toml"))
REFIT = "run .venv/bin/python tools/train_default_taggers.py"
TEXTS = ["The app kept logging me out.", "My supporter replied quickly and kindly.",
         "Training was good but there is no time to use it.", ""]


def definition_of(path) -> dict:
    """A shipped codebook as its TOML file defines it."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.stem)
def test_each_shipped_codebook_has_weights_trained_on_it(path):
    """The shipped state matches the codebook, its phrase bank, the model and the training
    code; a change to any of them fails here until the weights are fitted again."""
    definition = definition_of(path)
    state = shipped.state_for(definition)
    assert state is not None, f"{path.stem}: the shipped weights are stale; {REFIT}"
    assert state["trained_from"] == file_hashes(), f"training code or model changed; {REFIT}"


@pytest.mark.parametrize("path", CODEBOOKS, ids=lambda p: p.stem)
def test_shipped_weights_tag_as_a_fresh_fit_does(path):
    """Loading the shipped state gives the logits that fitting from scratch gives."""
    definition = definition_of(path)
    loaded = Tagger.from_state(definition, shipped.state_for(definition))
    fitted = Tagger._train(definition, (), 0)
    assert np.allclose(loaded.unit_logits(TEXTS), fitted.unit_logits(TEXTS), atol=1e-5)
    assert loaded.version == fitted.version


def test_an_edited_codebook_is_fitted_afresh():
    """A lead's rename changes the training set: no shipped state, a tagger fitted on it."""
    definition = copy.deepcopy(definition_of(CODEBOOKS[0]))
    definition["themes"][0]["label"] = "A label no shipped file was trained on"
    assert shipped.state_for(definition) is None
    tagger = Tagger.for_definition(definition)
    assert tagger.theme_ids[0] == definition["themes"][0]["id"]


def test_codebooks_as_stored_in_the_database_use_the_shipped_weights(world):
    """The versions the portal seeds from the files hash as the files do."""
    for path in CODEBOOKS:
        stored = current_version(db.session, path.stem).definition
        assert shipped.state_for(stored) is not None, path.stem
