"""Fit the shipped codebooks' taggers and ship their weights, so workers start without fitting.

A development tool: the product reads the JSON it writes (portal/tagging/shipped.py). Run it
after changing a shipped codebook, its phrase bank, the embedding model or the training code;
tests/tagging/test_shipped.py fails until it has been run.

    .venv/bin/python tools/train_default_taggers.py
"""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from portal.tagging import shipped  # noqa: E402
from portal.tagging.engine import Tagger  # noqa: E402

CODEBOOKS = REPO / "surveys" / "codebooks"
# Code whose change alters what training produces; recorded so a test can insist on a refit.
TRAINING_CODE = ("portal/tagging/classifier.py", "portal/tagging/corpus.py",
                 "portal/tagging/model/model.safetensors")


def file_hashes() -> dict[str, str]:
    """SHA-256 of each file in TRAINING_CODE."""
    return {name: hashlib.sha256((REPO / name).read_bytes()).hexdigest()
            for name in TRAINING_CODE}


def main() -> None:
    """Train every shipped codebook's default tagger and write its state."""
    shipped.TRAINED_DIR.mkdir(exist_ok=True)
    for path in sorted(CODEBOOKS.glob("*.toml")):
        with path.open("rb") as handle:
            definition = tomllib.load(handle)
        tagger = Tagger._train(definition, (), 0)
        state = {**tagger.to_state(), "training_hash": shipped.training_hash(definition),
                 "trained_from": file_hashes()}
        target = shipped.path_for(definition["id"])
        target.write_text(json.dumps(state, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{definition['id']}: {len(tagger.theme_ids)} themes -> "
              f"{target.relative_to(REPO)} ({target.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
