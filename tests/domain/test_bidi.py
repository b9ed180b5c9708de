"""Bidi controls: user text isolated where shown, file names cleaned."""

import unicodedata

import pytest

from portal.domain.bidi import clean_filename, has_controls, isolate

RLO, PDF, LRI, FSI, PDI = "\u202e", "\u202c", "\u2066", "\u2068", "\u2069"


def test_plain_text_is_left_alone():
    """Text without controls, Arabic and Hebrew included, comes back unchanged."""
    for text in ("The module was helpful", "مفيد جدا", "עזר לי", ""):
        assert isolate(text) == text
        assert not has_controls(text)


def test_an_override_is_wrapped_in_an_isolate_of_its_own():
    """The override stays (nothing is lost) but cannot reach past the closing PDI."""
    assert isolate(f"Status: {RLO}nepo") == f"{FSI}Status: {RLO}nepo{PDI}"


def test_a_stray_pop_isolate_cannot_close_the_wrapper_early():
    """An unmatched PDI in the text is dropped so the wrapper's own PDI closes it."""
    shown = isolate(f"a{PDI}{RLO}b")
    assert shown == f"{FSI}a{RLO}b{PDI}"
    assert shown.count(PDI) == 1


def test_isolates_the_text_leaves_open_are_closed():
    """An LRI without its PDI is closed before the wrapper, balancing the two."""
    shown = isolate(f"x{LRI}y")
    assert shown == f"{FSI}x{LRI}y{PDI}{PDI}"
    assert shown.count(PDI) == shown.count(FSI) + shown.count(LRI)


def test_balanced_isolates_in_the_text_are_kept():
    """A person's own correctly paired isolate survives as written."""
    assert isolate(f"a{LRI}b{PDI}c") == f"{FSI}a{LRI}b{PDI}c{PDI}"


@pytest.mark.parametrize("name, expected", [
    (f"invoice{RLO}fdp.exe", "invoicefdp.exe"),
    (f"{FSI}report{PDI}.qdc", "report.qdc"),
    ("../../etc/passwd", "etc-passwd"),
    ('a"b\r\nContent-Type: x.csv', "a-bContent-Type- x.csv"),
    ("\u200b\u200f", "download"),
    ("codebook-v3.qdc", "codebook-v3.qdc"),
])
def test_file_names_lose_controls_separators_and_quotes(name, expected):
    """No format or control character, slash, colon or quote survives in a file name."""
    cleaned = clean_filename(name)
    assert cleaned == expected
    assert all(unicodedata.category(c)[0] != "C" for c in cleaned)
