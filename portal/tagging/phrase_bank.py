"""A codebook's phrase bank: our own phrasings per theme, polarity and stakeholder voice.

Files live at surveys/codebooks/phrases/<codebook id>/<group>.toml (theme -> polarity ->
phrasings). They were written for the demo world and double as training sentences: many
voices per theme, each labelled barrier, facilitator or neutral.
"""

import functools
import tomllib
from pathlib import Path

BANK_DIR = Path(__file__).resolve().parents[2] / "surveys" / "codebooks" / "phrases"
SLOTS = {"programme": "the programme", "product": "the programme"}


@functools.cache
def phrases(codebook_id: str) -> tuple[tuple[str, str, str, str], ...]:
    """(theme, polarity, group, text) for every phrasing of the codebook; empty without a bank."""
    folder = BANK_DIR / codebook_id
    found = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        with path.open("rb") as handle:
            for theme, by_polarity in tomllib.load(handle).items():
                for polarity, texts in by_polarity.items():
                    found.extend((theme, polarity, path.stem, text.format_map(SLOTS))
                                 for text in texts)
    return tuple(found)
