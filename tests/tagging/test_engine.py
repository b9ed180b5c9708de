"""The tagger's contract, a few clear cases per codebook, learning from corrections, state."""

import json
import tomllib

import pytest

from portal.config import REPO_ROOT
from portal.tagging.engine import (
    ENGINE_NAME,
    ENGINE_VERSION,
    Correction,
    Result,
    Tagger,
    load_model,
)

CODEBOOKS = ("icbt-implementation", "therapist-support", "working-alliance")
SAMPLES = [
    "The app crashed every time I opened the mood diary, and then it logged me out.",
    "My supporter never replied; I felt nobody had read a word.",
    "We worked out my goals together, but the screens looked dated.",
    "Honestly the training was fine, though there is no time in my caseload for reviews.",
    "",
]


def definition(name: str) -> dict:
    """A shipped codebook, parsed as the portal parses it."""
    with (REPO_ROOT / "surveys" / "codebooks" / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module", params=CODEBOOKS)
def codebook(request) -> dict:
    """Each shipped codebook in turn."""
    return definition(request.param)


def test_model_is_cached_process_wide():
    """load_model hands back the same object every time."""
    assert load_model() is load_model()


def test_results_honour_the_contract(codebook):
    """Scores cover every theme in [0,1]; applied themes are ordered; spans index the text."""
    tagger = Tagger.for_definition(codebook)
    assert tagger.name == ENGINE_NAME and tagger.version.startswith(ENGINE_VERSION)
    ids = [theme["id"] for theme in codebook["themes"]]
    results = tagger.tag(SAMPLES, ["patient"] * len(SAMPLES))
    assert len(results) == len(SAMPLES)
    for text, result in zip(SAMPLES, results, strict=True):
        assert isinstance(result, Result)
        assert set(result.scores) == set(ids)
        assert all(0.0 <= score <= 1.0 for score in result.scores.values())
        assert set(result.themes) <= set(ids) and len(result.themes) <= 3
        applied = [result.scores[t] for t in result.themes]
        assert applied == sorted(applied, reverse=True)
        if result.themes:
            assert result.themes[0] == max(result.scores, key=result.scores.get)
        assert [m.theme for m in result.mentions] == result.themes
        for mention in result.mentions:
            assert 0 <= mention.start < mention.end <= len(text)
            assert text[mention.start:mention.end].strip()
            assert 0.0 <= mention.score <= 1.0
        if codebook["polarity"]:
            assert result.polarity in {"barrier", "facilitator", "neutral"}
            assert all(m.polarity in {"barrier", "facilitator", "neutral"}
                       for m in result.mentions)
        else:
            assert result.polarity is None
            assert all(m.polarity is None for m in result.mentions)
    json.dumps([r.scores for r in results])  # plain floats, storable as JSON


@pytest.mark.parametrize("name", CODEBOOKS)
@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_blank_text_gets_no_themes(name, blank):
    """Nothing to code: no themes, zero scores, neutral polarity where polarity applies."""
    codebook = definition(name)
    (result,) = Tagger.for_definition(codebook).tag([blank])
    assert result.themes == [] and result.mentions == []
    assert set(result.scores.values()) == {0.0}
    assert result.polarity == ("neutral" if codebook["polarity"] else None)


def test_roles_must_match_texts():
    """One role per text, or none at all."""
    tagger = Tagger.for_definition(definition("therapist-support"))
    with pytest.raises(ValueError):
        tagger.tag(["a", "b"], ["patient"])
    assert len(tagger.tag(["I felt heard."], None)) == 1


@pytest.mark.parametrize(("name", "text", "theme"), [
    ("icbt-implementation", "The platform crashed again and every patient got an error message.",
     "tech_bugs"),
    ("icbt-implementation", "Our budget for licences was cut by the commissioners this year.",
     "costs_funding"),
    ("icbt-implementation", "I worry about who can read my diary entries and where the data "
     "is stored.", "data_protection"),
    ("icbt-implementation", "The records system doesn't talk to the platform, so admin staff "
     "copy everything across by hand.", "integration_it"),
    ("therapist-support", "She praised every small step I took and I began to believe I could "
     "finish.", "self_efficacy"),
    ("therapist-support", "He remembered what I had written the week before and asked how the "
     "conversation with my sister went.", "genuine_interest"),
    ("working-alliance", "We set clear goals at the start and looked back at them every few "
     "weeks.", "goal_setting"),
    ("working-alliance", "I could do the modules at midnight or on the train, whenever suited "
     "me.", "accessibility"),
    ("working-alliance", "The colours and pictures made it look calm and modern.",
     "aesthetic_appeal"),
])
def test_clear_sentences_land_on_their_theme(name, text, theme):
    """Plain statements of a theme come out on top."""
    (result,) = Tagger.for_definition(definition(name)).tag([text])
    assert result.themes and result.themes[0] == theme


def test_corrections_teach_a_theme_on_a_novel_phrase():
    """A reviewer's corrections move a phrasing the codebook never mentions onto a theme."""
    codebook = definition("icbt-implementation")
    phrase = "The purple owl icon keeps hooting at midnight."
    before = Tagger.for_definition(codebook).tag([phrase])[0]
    assert before.themes[:1] != ["costs_funding"]
    corrections = [
        Correction(phrase, "costs_funding", True),
        Correction("That purple owl hoots every night.", "costs_funding", True),
        *[Correction(phrase, t, False) for t in before.themes],
    ]
    tagger = Tagger.for_definition(codebook, corrections, revision=3)
    after = tagger.tag([phrase])[0]
    assert after.themes[0] == "costs_funding"
    assert after.scores["costs_funding"] > before.scores["costs_funding"]
    assert tagger.version.endswith(".r3") and tagger.version != Tagger.for_definition(
        codebook).version
    # Unrelated texts keep their coding.
    crash = "The platform crashed again and every patient got an error message."
    assert tagger.tag([crash])[0].themes[0] == "tech_bugs"


def test_negative_correction_removes_a_theme():
    """Telling the tagger a theme does not apply takes it off that text."""
    codebook = definition("therapist-support")
    text = "She praised every small step I took and I began to believe I could finish."
    tagger = Tagger.for_definition(codebook, [Correction(text, "self_efficacy", False)], 1)
    assert "self_efficacy" not in tagger.tag([text])[0].themes


def test_state_round_trip_gives_identical_scores():
    """to_state is plain JSON and from_state rebuilds a tagger that scores exactly the same."""
    codebook = definition("icbt-implementation")
    tagger = Tagger.for_definition(
        codebook, [Correction("The owl icon hoots at night.", "usability", True)], revision=2)
    state = json.loads(json.dumps(tagger.to_state()))
    restored = Tagger.from_state(codebook, state)
    assert restored.version == tagger.version
    assert restored.tag(SAMPLES + ["The owl icon hoots at night."]) == tagger.tag(
        SAMPLES + ["The owl icon hoots at night."])


def test_state_from_another_codebook_is_refused():
    """Weights trained for one codebook cannot be loaded into another."""
    state = Tagger.for_definition(definition("therapist-support")).to_state()
    with pytest.raises(ValueError):
        Tagger.from_state(definition("working-alliance"), state)


def test_default_taggers_are_cached_by_content():
    """Building the same codebook twice reuses the trained tagger."""
    assert Tagger.for_definition(definition("working-alliance")) is Tagger.for_definition(
        definition("working-alliance"))


def test_polarity_is_the_statement_polarity_of_the_text_and_of_each_mention():
    """The tagger hands its own embeddings to lean.polarity; the labels are the same."""
    from portal.tagging.lean import polarity

    tagger = Tagger.for_definition(definition("icbt-implementation"))
    texts = [t for t in SAMPLES if t.strip()]
    for text, result in zip(texts, tagger.tag(texts), strict=True):
        assert result.polarity == polarity(text)[0]
        for mention in result.mentions:
            assert mention.polarity == polarity(text[mention.start:mention.end])[0]
