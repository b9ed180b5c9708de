"""Default taggers trained ahead of time and shipped, so a worker starts without fitting.

tools/train_default_taggers.py fits each shipped codebook's classifiers and writes their
state to portal/tagging/trained/<codebook id>.json, keyed by a hash of exactly what training
reads (the codebook's training sentences and labels, the phrase bank included). A codebook a
lead has edited no longer matches its key, and its tagger is fitted as before.
"""

import hashlib
import json
from pathlib import Path

from portal.tagging import corpus

TRAINED_DIR = Path(__file__).resolve().parent / "trained"


def training_hash(definition: dict) -> str:
    """SHA-256 of the sentences, labels and theme ids a codebook's tagger is trained on."""
    texts, labels = corpus.training_set(definition)
    ids = [theme["id"] for theme in definition["themes"]]
    canonical = json.dumps([ids, texts, labels], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def path_for(codebook_id: str) -> Path:
    """Where a codebook's shipped state lives."""
    return TRAINED_DIR / f"{codebook_id}.json"


def state_for(definition: dict) -> dict | None:
    """The shipped state trained on exactly this definition's training set, or None."""
    path = path_for(str(definition.get("id", "")))
    if not definition.get("id") or not path.is_file():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    return state if state.get("training_hash") == training_hash(definition) else None
