"""Mask personal details in free text before anyone outside the service reads it.

A pure function of the text: emails, phone numbers, NHS numbers (mod-11 checked), Finnish
personal identity codes (check character verified), UK postcodes, street addresses, dates of
birth and person names become placeholders such as "[name]". It errs towards masking: a
vendor reading "[name]" where a harmless word stood loses little; the reverse loses a lot.
"""

import re


def _words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words of a block of text."""
    return frozenset(text.split())


EMAIL, PHONE, NHS, HETU, POSTCODE, ADDRESS, BIRTH, NAME = (
    "[email]", "[phone]", "[NHS number]", "[personal identity code]", "[postcode]",
    "[address]", "[date of birth]", "[name]")

# Common first names (UK and Finland). Masked wherever they stand, in any case.
FIRST_NAMES = _words("""
    aaliyah adam aino aleksi alex alexander alfie alice amelia amir amy andrew anna anne anneli
    antti archie arthur ava benjamin beth bethany callum charlie charlotte chloe chris
    christopher daniel david eero eeva eila elias elina ella ellie emily emma ethan eva eveline
    evie freddie freya george georgia hannah harper harry heikki helena helmi henry ida
    isabella isla jacob james jamie jane jessica joel john jonathan joshua juha jukka
    julia kaisa kalle katie kerttu laura lauri leevi leo liam lily lucy maija mari maria marja
    markku martin matilda matti mia michael mikko minna mohammed muhammad niamh niklas noah
    oliver olivia onni oscar otto paul pekka peter petri poppy rachel rebecca riikka robert
    ryan saara samuel sanna sarah satu sophia sophie susan thomas timo tuomas tuula venla ville
    william zara
""")
# Names that are also everyday words: masked only when written with a capital mid-sentence
# or after a cue ("my name is", "Dr").
AMBIGUOUS_NAMES = _words("""
    amber april art bill carol dawn faith frank grace hope iris ivy jack jay joy june mark max
    may miles pat penny rich robin rose ruby sally sue summer will
""")

TITLES = r"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Sister)\.?"
CAPITALISED = r"[A-ZÅÄÖ][a-zåäöéü'-]+"
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HETU_RE = re.compile(r"\b(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])\b", re.I)
# Ten digits, optionally grouped 3-3-4 by spaces or hyphens.
NHS_RE = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{1,3}[\s.-]?(?:\(0\))?[\s.-]?\d(?:[\s.-]?\d){6,11}(?!\d)"
    r"|(?<![\w+])\(?0\d{1,4}\)?(?:[\s.-]?\d){6,10}(?!\d)")
POSTCODE_RE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b",
                         re.I)
STREETS = (r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Court|Ct|Place|Pl|"
           r"Crescent|Gardens|Terrace|Grove|Square|Row|Mews|Hill|Park|Walk")
ADDRESS_RE = re.compile(
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{CAPITALISED}\s+){{1,3}}(?:{STREETS})\b\.?"
    r"|\b[A-ZÅÄÖ][a-zåäö]+(?:katu|tie|kuja|polku|väylä|raitti|kaari)\s+\d{1,4}\s?[A-Z]?"
    r"(?:\s?\d{1,3})?\b")
DATE = (r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
        r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z][a-z]{2,8}\.?,?\s+\d{4}"
        r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")
BIRTH_RE = re.compile(
    rf"\b(?P<cue>(?:date of birth|d\.?o\.?b\.?|born(?: on)?|birthday(?: is)?)\s*[:\-]?\s*)"
    rf"(?P<date>{DATE})", re.I)
TITLE_NAME_RE = re.compile(rf"\b{TITLES}\s+(?:{CAPITALISED}\s+)?{CAPITALISED}")
CUED_NAME_RE = re.compile(
    r"\b(?P<cue>(?:my|his|her|their) name is|(?:I am|I'm) called|(?:is|was|were|are) called|"
    r"called|named|name's)\s+(?P<name>[A-Za-zÅÄÖåäö][a-zåäö'-]+(?:\s+[A-ZÅÄÖ][a-zåäö'-]+)?)",
    re.I)
WORD_RE = re.compile(r"[A-Za-zÅÄÖåäöéü'-]+")
# Words after "called" that are not names ("called back", "called the team").
NOT_NAMES = _words("""
    a about again an back each every her him his in it me my off on once our out that the their
    them this today tomorrow twice up us yesterday you your
""")


def deidentify(text: str | None) -> str:
    """Return the text with personal details replaced by placeholders."""
    if not text:
        return text or ""
    text = EMAIL_RE.sub(EMAIL, text)
    text = HETU_RE.sub(_hetu, text)
    text = BIRTH_RE.sub(lambda m: m.group("cue") + BIRTH, text)
    text = NHS_RE.sub(_nhs, text)
    text = PHONE_RE.sub(PHONE, text)
    text = POSTCODE_RE.sub(_postcode, text)
    text = ADDRESS_RE.sub(ADDRESS, text)
    text = TITLE_NAME_RE.sub(NAME, text)
    text = CUED_NAME_RE.sub(_cued, text)
    return _first_names(text)


def valid_nhs_number(digits: str) -> bool:
    """True when ten digits carry a correct NHS mod-11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def valid_hetu(code: str) -> bool:
    """True for a Finnish personal identity code whose date and check character agree."""
    match = HETU_RE.fullmatch(code.strip())
    if not match:
        return False
    day, month, _year, _sep, serial, check = match.groups()
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return False
    return HETU_CHECK[int(day + month + _year + serial) % 31] == check.upper()


def _hetu(match: re.Match) -> str:
    """Mask a valid identity code; leave look-alikes for the other patterns."""
    return HETU if valid_hetu(match.group(0)) else match.group(0)


def _nhs(match: re.Match) -> str:
    """Mask a valid NHS number; other ten-digit runs may still be phone numbers."""
    return NHS if valid_nhs_number("".join(match.groups())) else match.group(0)


def _postcode(match: re.Match) -> str:
    """Mask a postcode written with a capital letter, so ordinary words are left alone."""
    code = match.group(0)
    return POSTCODE if code[0].isupper() and any(c.isdigit() for c in code) else code


def _cued(match: re.Match) -> str:
    """Mask the name after "my name is", "called" and the like, unless it is an ordinary word."""
    words = match.group("name").split()
    if words[0].lower() in NOT_NAMES:
        return match.group(0)
    cue = match.group("cue")
    # "called" alone is followed by names only when capitalised ("called Sam", not "called
    # support"); the explicit cues take the next word whatever its case.
    explicit = cue.lower().endswith(("name is", "name's", "named")) or \
        cue.lower().startswith(("i am", "i'm"))
    if not explicit and not words[0][0].isupper():
        return match.group(0)
    keep = words[1:] if len(words) > 1 and not words[1][0].isupper() else []
    return " ".join([cue, NAME, *keep])


def _first_names(text: str) -> str:
    """Mask known first names: unambiguous ones in any case, ambiguous ones when they are
    capitalised and not the first word of a sentence."""
    out, last = [], 0
    for match in WORD_RE.finditer(text):
        word = match.group(0)
        lower = word.lower()
        masked = lower in FIRST_NAMES or (
            lower in AMBIGUOUS_NAMES and word[0].isupper()
            and not _sentence_start(text, match.start()))
        if masked:
            out.append(text[last:match.start()])
            out.append(NAME)
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _sentence_start(text: str, index: int) -> bool:
    """True when only spaces and quotes stand between index and the start or a full stop."""
    before = text[:index].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?\n:;"
