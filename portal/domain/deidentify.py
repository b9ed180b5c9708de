"""Mask personal details in free text before anyone outside the service reads it.

A pure function of the text: emails, phone numbers, NHS numbers (mod-11 checked), Finnish
personal identity codes (check character verified), UK postcodes, street addresses, dates of
birth and person names become placeholders such as "[name]". It errs towards masking: a
vendor reading "[name]" where a harmless word stood loses little; the reverse loses a lot.
"""

import re
from functools import cache

from portal.domain import deid_names


def _words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words of a block of text."""
    return frozenset(text.split())


EMAIL, PHONE, NHS, HETU, POSTCODE, ADDRESS, BIRTH, NAME = (
    "[email]", "[phone]", "[NHS number]", "[personal identity code]", "[postcode]",
    "[address]", "[date of birth]", "[name]")

# Names that are also everyday words: masked only when written with a capital mid-sentence
# or after a cue ("my name is", "Dr").
AMBIGUOUS_NAMES = _words("""
    amber april art bill carol dawn eve faith frank grace hazel holly hope iris ivy jack jay joy
    june mark max may miles pat penny rich robin rose ruby sally sue summer will
""")
# Of those, the months: a name only after a cue, never merely for a capital.
MONTH_NAMES = frozenset({"april", "may", "june", "august"})
# Words that, just before an ambiguous word, show it is a person ("my sister May", "Hi Will").
PERSON_CUES = _words("""
    aunt brother colleague cousin dad daughter dear friend grandad grandma hello hei hey hi
    husband mum nan partner sister son thank thanks therapist uncle wife asked ask told tell
    with moi kiitos terveisin
""")
# Words that follow a sentence-initial ambiguous name but not the word ("Will has left").
NAME_FOLLOWERS = _words("""
    and from has had is was said says will would helped told asked called rang emailed
    phoned from's
""")
# Capitalised words that are never surnames after a first name ("Sarah and", "Ella Monday").
NOT_SURNAMES = _words("""
    I A An And At But By For From In It Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November
    December NHS GP The This To UK On Or Of With Street Road Lane Avenue Ja Tai
""")

TITLES = r"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Sister)\.?"
CAPITALISED = r"[A-ZÅÄÖ][a-zåäöéü'-]+"
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HETU_RE = re.compile(r"\b(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])\b", re.I)
# Ten digits, optionally grouped 3-3-4 by spaces or hyphens.
# Ten digits, grouped 3-3-4 by spaces or hyphens, or in any other grouping.
NHS_RE = re.compile(r"(?<![\d+])\d(?:[ -]?\d){9}(?![\d])")
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{1,3}[\s.-]?(?:\(0\))?[\s.-]?\d(?:[\s.-]?\d){6,11}(?!\d)"
    r"|(?<![\w+])\(?0\d{1,4}\)?(?:[\s.-]?\d){6,10}(?!\d)")
POSTCODE_RE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b",
                         re.I)
# The street descriptors of UK street-naming practice (Royal Mail and local authority
# guidance), with their usual abbreviations; Finnish street-name endings likewise.
STREETS = (r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Cl|Drive|Dr|Way|Court|Ct|Place|Pl|"
           r"Crescent|Cres|Gardens|Gdns|Terrace|Tce|Grove|Gr|Square|Sq|Row|Mews|Hill|Park|"
           r"Walk|Approach|Rise|Parade|Vale|View|Wharf|Yard|Green|Chase|Croft|Fold|Brow|Wynd|"
           r"Gate|Quay|Embankment|Esplanade|Boulevard|Broadway|Parkway|Promenade|Ridge|"
           r"Heights|Meadows?|Orchard|Dale|Garth|Bank|Cottages|Circus|Bypass|Passage|Path")
FI_STREETS = (r"katu|tie|kuja|polku|väylä|raitti|kaari|tori|ranta|rinne|mäki|puisto|aukio|"
              r"puistikko|linja|piha|tanhua|vainio|niitty|pelto|kallio|kaarre|kulma|penger|"
              r"laituri|portti|tanner|ahde|kumpu|harju|lehto|niemi")
ADDRESS_RE = re.compile(
    r"\b(?:(?:Flat|Apartment|Apt|Suite|Unit|Room)\.?\s+\d{1,4}[A-Za-z]?,?\s+)?"
    rf"\d{{1,4}}[A-Za-z]?,?\s+(?:{CAPITALISED}\s+){{1,3}}(?:{STREETS})\b\.?"
    rf"|\b[A-ZÅÄÖ][a-zåäö]+(?:\s+[a-zåäö]+)?(?:{FI_STREETS})\s+\d{{1,4}}"
    # Staircase and flat ("B 22"), or "as" (asunto, flat) and its number ("as 3").
    r"(?:\s?[A-Z]\b)?(?:\s?\d{1,3}|\s+as\.?\s*\d{1,3})?\b")
# Finnish postcodes: five digits after an address or before a town name.
FI_TOWNS = (r"Helsinki|Espoo|Vantaa|Tampere|Turku|Oulu|Jyväskylä|Kuopio|Lahti|Pori|Joensuu|"
            r"Lappeenranta|Hämeenlinna|Vaasa|Seinäjoki|Rovaniemi|Mikkeli|Kotka|Salo|Porvoo|"
            r"Kokkola|Hyvinkää|Lohja|Järvenpää|Rauma|Kajaani|Kerava|Savonlinna|Nokia|Kangasala")
FI_POSTCODE_RE = re.compile(
    rf"(?:(?<=\[address\], )|(?<=\[address\] )|(?<=FI-))\d{{5}}\b"
    rf"|\b\d{{5}}(?=\s+(?:{FI_TOWNS})\b)")
POSTCODE_CUE_RE = re.compile(r"(?P<cue>\bpost ?code\s*(?:is\s+|:\s*)?)(?P<code>[a-z0-9]{2,4}"
                             r" ?\d[a-z]{2})\b", re.I)
DATE = (r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b|\d{4}-\d{2}-\d{2}"
        r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z][a-z]{2,8}\.?,?\s+\d{4}"
        r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")
BIRTH_RE = re.compile(
    # Finnish cues take endings ("syntymäaikani", my date of birth); "on" is also Finnish "is".
    r"\b(?P<cue>(?:date of birth|birth ?date|d\.?o\.?b\.?|born|birthday|syntymäaika\w*|"
    r"syntymäpäivä\w*|syntynyt|syntyi)(?:\s*[:,\-]\s*|\s+(?:is|was|on|as|recorded as|of|"
    r"the)\b)*\s*)"
    rf"(?P<date>{DATE})", re.I)
TITLE_NAME_RE = re.compile(rf"\b{TITLES}\s+(?:{CAPITALISED}\s+)?{CAPITALISED}")
# An initial and a capitalised word mid-sentence: "J. Morrison".
INITIAL_NAME_RE = re.compile(rf"(?<=[a-z,] )[A-Z]\.\s?{CAPITALISED}")
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
    text = POSTCODE_CUE_RE.sub(lambda m: m.group("cue") + POSTCODE, text)
    text = POSTCODE_RE.sub(_postcode, text)
    text = ADDRESS_RE.sub(ADDRESS, text)
    text = FI_POSTCODE_RE.sub(POSTCODE, text)
    text = TITLE_NAME_RE.sub(NAME, text)
    text = INITIAL_NAME_RE.sub(NAME, text)
    text = CUED_NAME_RE.sub(_cued, text)
    return re.sub(r"\[name\](?:\s+\[name\])+", NAME, _names(text))


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
    return NHS if valid_nhs_number(re.sub(r"\D", "", match.group(0))) else match.group(0)


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


@cache
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    """The first names and surnames, built once on first use."""
    return deid_names.first_names(), deid_names.surnames()


def _names(text: str) -> str:
    """Mask person names word by word; see _is_name for the rules."""
    words = list(WORD_RE.finditer(text))
    masked = [False] * len(words)
    for i, match in enumerate(words):
        # A capitalised word directly after a name (one space apart) is taken as a surname.
        joined = i > 0 and masked[i - 1] and text[words[i - 1].end():match.start()] == " "
        masked[i] = _is_name(text, words, i, joined)
    out, last = [], 0
    for match, hide in zip(words, masked, strict=True):
        if hide:
            out += [text[last:match.start()], NAME]
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _is_name(text: str, words: list[re.Match], i: int, after_name: bool) -> bool:
    """Decide whether word i is a name: a listed first name in any case; an ambiguous one
    with a capital mid-sentence or after a cue; a listed or Finnish-looking surname with a
    capital mid-sentence; any capitalised word right after a name or a greeting."""
    first, surnames = _lists()
    word = words[i].group(0).strip("'-")
    lower = word.lower().removesuffix("'s")
    if not word:
        return False
    capital = word[0].isupper() and not word.isupper()
    start = _sentence_start(text, words[i].start())
    before = words[i - 1].group(0).lower() if i else ""
    following = words[i + 1].group(0) if i + 1 < len(words) else ""
    after = following.lower()
    if re.fullmatch(STREETS, following):
        return False  # "Ward Road" is a street
    cued = before in PERSON_CUES and not start
    if lower in AMBIGUOUS_NAMES:
        if lower in MONTH_NAMES:
            return cued or (capital and not start and after in NAME_FOLLOWERS - {"and"})
        return cued or (capital and (not start or after in NAME_FOLLOWERS
                                     or (following[:1].isupper() and after in surnames)))
    if lower in first:
        return True
    if not capital or word in NOT_SURNAMES:
        return False
    if after_name and not start:
        return True
    if start:
        return False
    return lower in surnames or (len(lower) > 5 and lower.endswith("nen")) or cued


def _sentence_start(text: str, index: int) -> bool:
    """True when only spaces and quotes stand between index and the start or a full stop."""
    before = text[:index].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?\n:;"
