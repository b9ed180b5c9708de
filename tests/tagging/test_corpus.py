"""Training sentences: codebook text, the phrase bank, no-theme negatives and exemplars."""

import tomllib

from portal.config import REPO_ROOT
from portal.tagging import corpus, no_theme


def definition(name: str) -> dict:
    """A shipped codebook as its TOML file defines it."""
    with (REPO_ROOT / "surveys" / "codebooks" / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_no_theme_sentences_are_negatives_for_every_theme():
    """Beside a phrase bank, pleasantries are trained with the NO_THEME label, last."""
    texts, labels = corpus.training_set(definition("icbt-implementation"))
    tail = len(no_theme.SENTENCES)
    assert texts[-tail:] == list(no_theme.SENTENCES)
    assert labels[-tail:] == [corpus.NO_THEME] * tail
    assert all(0 <= label < 20 for label in labels[:-tail])


def test_a_codebook_without_a_bank_gets_no_negatives():
    """Its own few sentences per theme would be outweighed by them."""
    texts, labels = corpus.training_set(definition("therapist-support"))
    assert corpus.NO_THEME not in labels and not set(no_theme.SENTENCES) & set(texts)


def test_a_voice_can_be_left_out_of_training_and_exemplars():
    """without_voice drops that voice's phrasings and nothing else."""
    book = definition("icbt-implementation")
    everything, _ = corpus.training_set(book, negatives=())
    fewer, _ = corpus.training_set(book, without_voice="vendor", negatives=())
    vendor = set(corpus.bank_phrasings(book)[0]) - set(corpus.bank_phrasings(book, "vendor")[0])
    assert vendor and set(fewer) == set(everything) - vendor
    assert len(corpus.exemplars(book, "vendor")[0]) < len(corpus.exemplars(book)[0])


def test_exemplars_need_a_phrase_bank():
    """Examples and bank phrasings for a codebook with a bank; nothing for one without."""
    texts, labels = corpus.exemplars(definition("icbt-implementation"))
    assert len(texts) == len(labels) > 20 * 12
    assert corpus.exemplars(definition("working-alliance")) == ([], [])
