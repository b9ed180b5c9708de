"""What one response adds to the rollups, by hand."""

from portal.domain.rollup_keys import Structure, score_keys, theme_keys

DEFINITION = {
    "nodes": [{"id": "care", "label": "Care"}],
    "themes": [
        {"id": "warmth", "parent": "care", "cfir_domain": "Inner setting",
         "cfir_construct": "Culture"},
        {"id": "kindness", "parent": "warmth"},
        {"id": "speed", "parent": "", "cfir_domain": "Innovation",
         "cfir_construct": "Design"},
    ],
}


def test_structure_reads_ancestors_and_cfir_places():
    structure = Structure.of(DEFINITION)
    assert structure.ancestors == {"warmth": ("care",), "kindness": ("warmth", "care"),
                                   "speed": ()}
    assert structure.domain == {"warmth": "Inner setting", "speed": "Innovation"}


def test_theme_keys_count_mentions_pairs_nodes_and_cfir_balance():
    keys = theme_keys(Structure.of(DEFINITION), [
        (1, "warmth", "facilitator"), (1, "speed", "barrier"), (1, "speed", "barrier"),
        (2, "kindness", None), (2, "speed", "neutral")])
    assert keys["theme", "speed", "*"] == 3
    assert keys["theme", "speed", "barrier"] == 2
    assert keys["theme", "speed", "neutral"] == 1
    assert keys["theme", "kindness", "*"] == 1
    assert ("theme", "kindness", "None") not in keys
    # Pairs and nodes count answers, not tags: both answers carry speed.
    assert keys["pair", "speed", "warmth"] == 1
    assert keys["pair", "kindness", "speed"] == 1
    assert keys["node", "speed", ""] == 2
    assert keys["node", "care", ""] == 2
    assert keys["node", "warmth", ""] == 2  # answer 1 itself, answer 2 through kindness
    assert keys["domain", "Innovation", "barrier"] == 2
    assert keys["domain", "Innovation", "*"] == 2  # neutral mentions are not in the balance
    assert keys["domain", "Inner setting", "facilitator"] == 1
    assert keys["construct", "Design", "barrier"] == 2
    assert keys["polar", "*", ""] == 3
    assert keys["polar", "barrier", ""] == 2


def test_score_keys_average_the_items_answered_and_skip_text():
    constructs = {"oric": {"o1": "commitment", "o2": "commitment", "o3": "efficacy"},
                  "nomad": {"n1": "coherence"}}
    scores = score_keys(constructs, ("oric",), [("o1", 4), ("o2", 5), ("o3", 2),
                                                 ("n1", "nr_role"), ("x", 3), ("o3", True)])
    assert scores == {"oric:commitment": 4.5, "oric:efficacy": 2.0, "oric:overall": 11 / 3}
