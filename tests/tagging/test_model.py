"""The shipped static embedding model: present, as recorded, loadable offline without torch."""

import hashlib
import json
import sys

import numpy as np
import pytest

from portal.config import REPO_ROOT

MODEL = REPO_ROOT / "portal" / "tagging" / "model"


def test_files_match_their_recorded_provenance():
    """Every file is the one provenance.json names, and the teacher is pinned by hash."""
    provenance = json.loads((MODEL / "provenance.json").read_text())
    assert provenance["teacher"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert len(provenance["teacher_weights_sha256"]) == 64
    for name, digest in provenance["files"].items():
        assert hashlib.sha256((MODEL / name).read_bytes()).hexdigest() == digest, name


def test_loads_offline_and_embeds_meaningfully(monkeypatch):
    """No hub, no torch; related sentences are closer than unrelated ones."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from model2vec import StaticModel

    model = StaticModel.from_pretrained(str(MODEL))
    assert "torch" not in sys.modules
    login, crash, budget = model.encode([
        "I could not log in to the app all week",
        "the programme keeps crashing when I sign in",
        "the board cut our budget for licences",
    ])
    assert login.shape == (256,)

    def cosine(a, b):
        """Cosine similarity."""
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    assert cosine(login, crash) > cosine(login, budget) + 0.1


@pytest.mark.parametrize("name", ["model.safetensors", "tokenizer.json", "config.json"])
def test_model_files_are_in_the_repository(name):
    """The model ships with the code; nothing is downloaded at run time."""
    assert (MODEL / name).stat().st_size > 0
