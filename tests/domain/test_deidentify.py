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
