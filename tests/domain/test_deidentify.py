"""De-identification: each kind of personal detail is masked; ordinary text is left alone."""

import pytest

from portal.domain.deidentify import deidentify, valid_hetu, valid_nhs_number


@pytest.mark.parametrize(("text", "expected"), [
    ("Write to jane.doe+icbt@nhs.net today", "Write to [email] today"),
    ("Call me on 07700 900123.", "Call me on [phone]."),
    ("Call +44 7700 900123 or 0113 496 0000", "Call [phone] or [phone]"),
    ("puh. +358 40 123 4567", "puh. [phone]"),
    ("My NHS number is 943 476 5919", "My NHS number is [NHS number]"),
    ("NHS no 9434765919.", "NHS no [NHS number]."),
    ("Henkilötunnus 131052-308T", "Henkilötunnus [personal identity code]"),
    ("born 010100A123D in Espoo", "born [personal identity code] in Espoo"),
    ("I live at 12 Acacia Avenue near the park", "I live at [address] near the park"),
    ("Osoite Mannerheimintie 12 B 5", "Osoite [address]"),
    ("Postcode LS1 4AP please", "Postcode [postcode] please"),
    ("I was born on 12/03/1985.", "I was born on [date of birth]."),
    ("DOB: 3 March 1985", "DOB: [date of birth]"),
    ("Date of birth 1985-03-12", "Date of birth [date of birth]"),
    ("Dr Smith was kind", "[name] was kind"),
    ("Ask Mrs. Jane Foster", "Ask [name]"),
    ("Hi, my name is sarah and I'm tired", "Hi, my name is [name] and I'm tired"),
    ("My therapist is called Tom.", "My therapist is called [name]."),
    ("I told john and Olivia about it", "I told [name] and [name] about it"),
    ("I spoke to Grace yesterday", "I spoke to [name] yesterday"),
    ("NHS number 5075-2917-08 was pasted", "NHS number [NHS number] was pasted"),
    ("Koodi 031130+440R", "Koodi [personal identity code]"),
    ("Codes 090719E5514, 101139W545Y", "Codes [personal identity code], [personal identity code]"),
    ("Puhelin 050 123 4567", "Puhelin [phone]"),
    ("Asun Kirkkokatu 7 C 15, 90100 Oulu.", "Asun [address], [postcode] Oulu."),
    ("Flat 12, 8 Victoria Street", "[address]"),
    ("New postcode is b15 2tt sorry", "New postcode is [postcode] sorry"),
    ("My birth date is 29/02/1996.", "My birth date is [date of birth]."),
    ("Syntymäaika 3.11.1969 on väärin", "Syntymäaika [date of birth] on väärin"),
    ("I met Helen Ashworth today", "I met [name] today"),
    ("The client, Connor McBride, called", "The client, [name], called"),
    ("Patient K. Lindqvist asked", "Patient [name] asked"),
    ("Asiakas Ville Korhonen soitti", "Asiakas [name] soitti"),
    ("My sister may reads with me", "My sister [name] reads with me"),
    ("Will has been reassigned to us", "[name] has been reassigned to us"),
    ("Thank you Joy, and hi Laura", "Thank you [name], and hi [name]"),
    ("Letters go to 15 Harbour Approach now", "Letters go to [address] now"),
    ("I moved to Unit 2, 9 Castle Wynd", "I moved to [address]"),
    ("Osoite on Kirkkopuistikko 3 as 14", "Osoite on [address]"),
    ("Syntymäaikani on 12.4.1978 ja", "Syntymäaikani on [date of birth] ja"),
    ("Born on the 5th of October 1982 in Leeds", "Born on the [date of birth] in Leeds"),
])
def test_personal_details_are_masked(text, expected):
    """Every kind of identifier becomes its placeholder."""
    assert deidentify(text) == expected


@pytest.mark.parametrize("text", [
    "I can't log in to the platform, it keeps rejecting my password",
    "Will it work on my phone? I hope so.",
    "They called back twice and we called support.",
    "It took 10 minutes a day for 6 weeks; 2024-03-01 was the start.",
    "My NHS number is not 943 476 5918",  # fails the check digit: not an NHS number
    "The grace period and the mark scheme were fine.",
    "I did the exercises in April and May but stopped in June.",
    "May we have the figures? Mark the days; Bill the service; Hope so.",
    "The PHQ-9 score was 14, session 3 of 8, at 07:30, for £25.",
    "An NHS number of 820 018 2633 was typed in but it is invalid.",
    "The Ward Road surgery in Leeds uses the Sleep Diary on Android.",
    "",
])
def test_ordinary_text_is_left_alone(text):
    """Words that only look like names, and numbers that are not identifiers, stay."""
    assert deidentify(text) == text


def test_check_digits():
    """NHS numbers use mod 11, Finnish codes their check character."""
    assert valid_nhs_number("9434765919") and not valid_nhs_number("9434765918")
    assert not valid_nhs_number("12345")
    assert valid_hetu("131052-308T") and not valid_hetu("131052-308U")
    assert not valid_hetu("321352-308T")


def test_none_and_masking_twice():
    """None is empty text, and masked text survives a second pass unchanged."""
    assert deidentify(None) == ""
    once = deidentify("Email amy@x.org, call 07700 900123, I'm called Amy")
    assert deidentify(once) == once and "amy" not in once.lower()


def test_held_out_figures_meet_the_aims():
    """On the held-out split, names reach recall 0.8 and every structured type 0.9 (the
    address and birth misses of the first measurement were fixed; evaluation/deid/README.md
    says how, and gives the fresh second split's figures)."""
    from evaluation.deid_evaluate import STRUCTURED, TEST_SPLIT, evaluate, ratio

    counts, _errors = evaluate(TEST_SPLIT)
    recall = {kind: ratio(c["found"], c["labelled"]) for kind, c in counts.items()}
    for kind in ("email", "phone", "nhs", "hetu", "postcode", "address", "dob"):
        assert recall[kind] >= 0.9, kind
    assert recall["name"] >= 0.8
    structured = [counts[kind] for kind in STRUCTURED]
    assert ratio(sum(c["found"] for c in structured), sum(c["labelled"] for c in structured)) >= 0.9


def test_the_second_held_out_split_meets_the_structured_aims():
    """The split written before the street and birth rules changed: addresses and dates of
    birth each reach 0.9 (19 and 17 labelled)."""
    from pathlib import Path

    from evaluation.deid_evaluate import evaluate, ratio

    counts, _errors = evaluate(Path(__file__).parents[2] / "evaluation/deid/test2.jsonl")
    for kind in ("address", "dob", "postcode"):
        assert ratio(counts[kind]["found"], counts[kind]["labelled"]) >= 0.9, kind

