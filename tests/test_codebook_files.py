"""The shipped codebooks keep the theme ids fixed in the domain brief."""

import tomllib

import pytest

from portal.config import REPO_ROOT

CODEBOOKS = REPO_ROOT / "surveys" / "codebooks"
FIXED = {
    "icbt-implementation": {
        "tech_bugs", "usability", "integration_it", "time_workload", "costs_funding",
        "training_needs", "information_evidence", "patient_fit", "blended_role",
        "patient_engagement", "data_protection", "clinical_risk", "clinician_attitudes",
        "leadership_management", "work_structures", "vendor_relationship", "external_drivers",
        "perseverance_experience", "therapist_support", "personalisation"},
    "therapist-support": {
        "empowerment", "self_efficacy", "customizing_materials", "responsibility_sharing",
        "therapeutic_alliance", "genuine_interest", "emotional_recognition",
        "mirroring_emotions"},
    "working-alliance": {
        "feeling_understood", "genuineness", "partnership", "goal_setting", "personalisation",
        "usefulness", "complementary", "accountability", "guidance", "expression_of_feelings",
        "accessibility", "interactivity", "ease_of_use", "aesthetic_appeal", "self_directed"},
}


def load(codebook: str) -> dict:
    """Parse one codebook file."""
    with (CODEBOOKS / f"{codebook}.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("codebook", sorted(FIXED))
def test_taggable_ids_are_the_fixed_ones(codebook):
    """The most specific level carries exactly the domain's ids."""
    data = load(codebook)
    assert data["id"] == codebook
    assert {t["id"] for t in data["themes"]} == FIXED[codebook]


@pytest.mark.parametrize("codebook", sorted(FIXED))
def test_every_theme_is_described_for_coders(codebook):
    """Parents exist; descriptions, notes, examples and keywords are present."""
    data = load(codebook)
    nodes = {n["id"] for n in data["nodes"]}
    for theme in data["themes"]:
        assert theme["parent"] in nodes, theme["id"]
        assert theme["description"] and theme["include"] and theme["exclude"], theme["id"]
        assert len(theme["examples"]) >= 10 and len(theme["keywords"]) >= 5, theme["id"]
