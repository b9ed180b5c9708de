"""Spot patient text that suggests a risk of harm: phrase rules, then a learned back-up.

Built to over-flag: a clinician reading a false flag costs a minute, a missed disclosure may
cost a life. Negation never clears a flag ("I don't want to kill myself" is still read by a
clinician), because on a feedback form a denial is often half a disclosure. Only figurative
uses we know ("the app is killing me", "killer feature", "dying to try it", "cutting edge")
are masked out before the rules run.
"""

import re
from dataclasses import dataclass

from portal.tagging import risk_classifier

SUICIDE = "suicide"
SELF_HARM = "self_harm"
HARM_TO_OTHERS = "harm_to_others"
SAFEGUARDING = "safeguarding"
CATEGORIES = {
    SUICIDE: "Suicidal thoughts",
    SELF_HARM: "Self-harm",
    HARM_TO_OTHERS: "Harm to others",
    SAFEGUARDING: "Safeguarding disclosure",
}
LEARNED = "similar_wording"  # the rule name of a flag raised by the classifier, not a phrase
# Most urgent first: when one answer matches several, this is the category stored.
PRIORITY = (SUICIDE, SELF_HARM, HARM_TO_OTHERS, SAFEGUARDING)

_ME = r"(?:my ?self|me)"
_PEOPLE = (r"(?:him|her|them|someone|somebody|anyone|people|others|"
           r"(?:my|the) (?:partner|husband|wife|boyfriend|girlfriend|kids?|child(?:ren)?|baby|"
           r"son|daughter|mum|mom|dad|mother|father|boss|neighbou?r|brother|sister|flatmate))")
_ABUSER = (r"(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|ex|dad|father|"
           r"mum|mom|mother|stepdad|stepmum|step-dad|step-mum|carer|brother|sister|uncle))")

# Figurative or harmless uses, blanked out before matching (each one a known false alarm).
_FIGURATIVE = [re.compile(p) for p in (
    r"\b(?:is|was|are|were|'s|'re|it|this|that) (?:literally |honestly |actually |slowly |"
    r"really |just )?killing (?:me|us)\b",
    # Panic, not intent: the anxiety modules teach exactly this fear.
    r"\b(?:thought|think|worried|felt like|feel like|convinced|sure|scared|afraid) (?:that )?"
    r"i(?:'m| am| was| were) (?:going to|gonna|about to) die\b",
    r"\bkiller (?:feature|app|tool|function)s?\b",
    r"\bkill(?:ing|ed|s)? (?:the )?(?:time|app|tab|process|battery|mood|vibe|buzz)\b",
    r"\bdying (?:to|for) (?!myself)\w+",
    r"\bto die for\b",
    r"\b(?:phone|battery|laptop|tablet|computer|wifi|internet|signal|app|screen)"
    r"(?: had| has| just| kept| keeps)? (?:died|dies|dying|dead)\b",
    r"\bdead (?:battery|link|links|end|easy|simple|good|useful|handy|boring|slow)\b",
    r"\b(?:bored|scared|worried|laughed|done) (?:me )?to death\b",
    r"\bdeadlines?\b",
    r"\bcut(?:ting|s)? (?:down|back|out|off|corners|short|in|through|and paste|"
    r"(?:my|our|the) (?:hours|sessions|costs|budget|funding|waiting|time))\b",
    r"\bcutting[- ]edge\b",
    r"\bcut(?:ting|s)? (?:my |the |our )?(?:screen time|caffeine|coffee|sugar|alcohol|drinking|"
    r"smoking|carbs|snacks|hours|commute|workload)\b",
    r"\bcut(?:ting|s)? (?:me|us|him|her|it|them) (?:off|short)\b",
    r"\b(?:budget|funding|service|staff|price) cuts?\b",
    r"\bshoot (?:me|us) (?:an? )?(?:email|message|text|note|line)\b",
    r"\bhurt(?:s|ing)? (?:my|his|her|their) (?:feelings|back|neck|eyes|head|wrist from typing)\b",
    r"\bcould have killed (?:him|her|them)\b(?= for (?:it|that|forgetting))",
    r"\b(?:wouldn't|would not|won't|doesn't|does not|didn't|never) hurt (?:them|him|her|anyone|"
    r"you|people) to\b",
    r"\boverdose of (?:information|jargon|emails|notifications|reminders|content|text|"
    r"homework|worksheets)\b",
)]

# (category, rule name, pattern). A rule name, never the text, is what gets stored and logged.
_RULES: list[tuple[str, str, re.Pattern[str]]] = [(c, n, re.compile(p)) for c, n, p in (
    (SUICIDE, "suicide_word", r"\bsuicid\w*|\bunalive\b|\bkms\b"),
    (SUICIDE, "kill_self", r"\bkill(?:ing|ed|s)? ?" + _ME + r"\b|\btop(?:ping)? myself\b"),
    (SUICIDE, "end_life", r"\b(?:end|ending|ended|take|taking|took) (?:my|my own) (?:own )?life\b"),
    (SUICIDE, "end_it", r"\bend(?:ing)? it(?: all)?\b(?!\s+(?:with|early|there|here|now"
                        r" and|on a))|\bcall it a day for good\b"),
    (SUICIDE, "want_to_die", r"\b(?:want(?:ed)?|wanting|wish(?:ed)?|ready|going|plan(?:ning)?)"
                             r" to die\b|\bwant(?:ed)? to be dead\b|\bthoughts? (?:of|about)"
                             r" (?:death|dying)\b|\bthink(?:ing)? about (?:death|dying)\b"),
    (SUICIDE, "wish_dead", r"\bwish(?:ed)? (?:i|I) (?:was|were|could be) (?:dead|gone)\b|"
                           r"\bwish(?:ed)? i(?:'d| had)? (?:never been|not been|wasn't|weren't)"
                           r" born\b|\bbetter off dead\b|\bdead by (?:now|christmas|then)\b"),
    (SUICIDE, "better_off", r"\bbetter off without me\b|\bbetter off if i (?:was|were|wasn't|"
                            r"weren't) (?:here|around|gone|alive|dead)\b|\b(?:everyone|they|"
                            r"family) would be better off\b"),
    (SUICIDE, "no_point", r"\bno (?:point|reason|use) (?:in )?(?:going on|living|carrying on|"
                          r"being alive|being here|to live|to go on|waking up|trying any ?more|"
                          r"in life|to anything|continuing)\b|\bwhat(?:'s| is) the point of"
                          r" (?:living|going on|being alive|me|anything)\b"),
    (SUICIDE, "not_here", r"\b(?:not|don't|do not|didn't) (?:want to )?(?:be|being) (?:here|alive|"
                          r"around)(?: any ?more| much longer)?\b|\bnot (?:be|being) here"
                          r" (?:next|by|much|for)\b|\bdon't want to (?:live|exist|wake up|"
                          r"go on)\b|\b(?:want|wanted|wish) to (?:disappear|not exist|stop"
                          r" existing|sleep forever|not wake up)\b|\b(?:won't|will not|not sure i'll|might not|may not|"  # noqa: E501
                          r"don't think i'll) be (?:here|around|alive)\b|\bnot wake up\b|\bcan(?:'|no)t"  # noqa: E501
                          r" go on\b|\bcan't do this any ?more\b|\bwant (?:it|everything) (?:all )?"
                          r"to (?:stop|end)\b|\bgive up on (?:life|living|everything)\b"),
    (SUICIDE, "not_worth", r"\b(?:life|living)(?: is|'s| isn't| is not| feels| seems)? (?:not )?"
                           r"(?:worth (?:living|it)|pointless|meaningless)\b|\bnot worth living\b|"
                           r"\bend(?:ing)? things\b|\b(?:hope|hoping|wish|wishing|pray) (?:that )?"
                           r"i (?:get|got|would get|was|were|'d get) (?:hit|run over|killed)\b|"
                           r"\b(?:better|happier|easier) (?:off )?(?:without me|if i(?:'m| am| was|"
                           r" were|'d)? (?:gone|dead|not here|not around))\b|\ba burden (?:to|on)"
                           r" (?:everyone|everybody|my|them|the)\b(?! ?(?:supporter|therapist|"
                           r"service|team|gp|nhs|clinician|waiting list)s?\b)|"
                           r"\bhow (?:much|many) (?:longer i"
                           r" can|more i can)\b|\bto (?:go to )?sleep (?:forever|and never)\b"),
    (SUICIDE, "method", r"\bjump(?:ing|ed)? (?:off|from|in front of)\b|\bin front of (?:a|the)"
                        r" (?:train|bus|lorry|truck|car)\b|\bhang(?:ing|ed)? (?:my ?self|me)\b|"
                        r"\bnoose\b|\bwrote (?:a|my) (?:note|goodbye)|\bgoodbye (?:note|letter)\b|"
                        r"\bgave away my (?:things|stuff|belongings)\b|\b(?:pills|tablets) (?:lined up|ready|"  # noqa: E501
                        r"saved|stashed)\b|\bhow (?:many|much) (?:pills|tablets|paracetamol)\b|"
                        r"\ba plan (?:for|of) how\b|\bhave a plan\b(?= .{0,40}\b(?:do it|end|die))"),  # noqa: E501
    # "OD'd", "o.d.d", never the word "odd".
    (SELF_HARM, "overdose", r"\boverdos\w*|\bo\.?d['.]d\b|\bo\.d\.?d\b|"
                            r"\b(?:took|take|taking|swallowed|"
                            r"stockpil\w*|saving up|hoarding) (?:all |a load of |lots of |loads of |"  # noqa: E501
                            r"a handful of |a bunch of |too many |extra |all my |my )?(?:pills|"
                            r"tablets|meds|medication|paracetamol|painkillers)\b(?! (?:as|on|at|"
                            r"every|each|in the|with food|like))"),
    (SELF_HARM, "self_harm", r"\bself[- ]?harm\w*|\bself[- ]?injur\w*|\bself[- ]?destruct\w*"),
    (SELF_HARM, "hurt_self", r"\b(?:hurt|hurting|harm|harming|harmed|injure|injuring|punish|"
                             r"punishing|burn|burning|burnt|burned|scratch|scratching|hit|hitting|"
                             r"punch|punching|starve|starving|cut) (?:my ?self|my (?:arms?|legs?|"
                             r"wrists?|skin|thighs?|stomach|body))\b"),
    (SELF_HARM, "cutting", r"\bcutting\b|\bcut (?:again|deeper)\b|\bblades?\b|\brazors?\b|"
                           r"\bscars? on my\b"),
    (SELF_HARM, "injury", r"\bbang(?:ing|ed)? my head\b|\b(?:hurt|harm|injure)\w* .{0,30}\bon purpose\b|"  # noqa: E501
                          r"\bdrink(?:ing)? until i (?:black|pass) out\b"),
    (HARM_TO_OTHERS, "harm_others", r"\b(?:kill|killing|hurt|hurting|harm|harming|stab|stabbing|"
                                    r"strangle|strangling|smother|attack|attacking|batter|hit|"
                                    r"hitting|beat|beating|shake|shaking|punch|punching) "
                                    + _PEOPLE + r"\b"),
    (HARM_TO_OTHERS, "urges", r"\b(?:urges?|thoughts?|scared|afraid|worried) (?:to|of|about|"
                              r"that i (?:will|might|could)) (?:hurt|harm|kill|attack|snap at"
                              r" and hit)\w*\b|\blose control and (?:hurt|hit|harm)\b"),
    (SAFEGUARDING, "abuser", r"\b" + _ABUSER + r" (?:hits|hit|beats|beat|hurts|hurt|kicks|kicked|"
                             r"slaps|slapped|punches|punched|chokes|choked|strangles|strangled|"
                             r"threatens|threatened|rapes|raped|forces|forced|touches|touched|"
                             r"pushed|shoves|shoved|locks|locked|controls|won't let|used to (?:hit|beat|hurt|kick|"  # noqa: E501
                             r"touch|slap|punch|lock)) me\b|\b" + _ABUSER + r" (?:makes|made|forces|forced) me (?:do|have) (?:things|sex)\b"  # noqa: E501
                             r"|\b" + _ABUSER + r" (?:gets|got|is|was|can be|becomes|became) violent\b"),  # noqa: E501
    (SAFEGUARDING, "abuse_words", r"\babus(?:e|ed|es|ing|ive)\b(?<!substance abuse)|"
                                  r"\bdomestic (?:violence|abuse)\b|\bcoercive\b|\braped?\b|"
                                  r"\bsexual(?:ly)? (?:assault\w*|abus\w*)\b|\bgroom(?:ed|ing)"
                                  r" me\b"),
    (SAFEGUARDING, "unsafe_home", r"\b(?:not|don't feel|never feel|do not feel) safe (?:at home|"
                                  r"in my (?:own )?(?:home|house|flat)|with (?:him|her|my))|"
                                  r"\b(?:scared|afraid|frightened|terrified) (?:of|to go) (?:him|"
                                  r"her|home|going home|what (?:he|she)(?:'ll| will| might) do|my"
                                  r" (?:partner|husband|wife|boyfriend|girlfriend|dad|father|mum|"
                                  r"mother|stepdad|ex))\b|\b(?:takes|controls|checks) (?:all )?my"
                                  r" (?:money|phone|bank card)\b"),
    # Indirect suicidal talk (the warning signs of suicide-prevention training): a passive
    # death wish, feeling a burden, no future, entrapment, farewells, researching means,
    # earlier attempts. Each wording names the writer's own life or death, not the programme.
    (SUICIDE, "passive_wish", r"\b(?:hop(?:e|ing)|pray(?:ing)?|wish(?:ing)?) (?:that )?i (?:don't|"
                              r"won't|wouldn't|never|didn't) wake(?: up)?\b|\bwouldn't (?:mind|"
                              r"care) if i (?:died|didn't wake up|never woke up|didn't exist)\b|"
                              r"\b(?:don't|do not|didn't|did not) care (?:if|whether) i (?:live|"
                              r"lived|die|died|wake|woke|make it)\b|\b(?:stay asleep|sleep)"
                              r" (?:forever|for good)\b|\bwish i could (?:just )?(?:disappear|"
                              r"vanish|not exist|stop existing)\b|\b(?:tired|sick|weary) (?:of|to)"
                              r" (?:live|living|being alive|existing)\b|\bfor (?:it all|everything|"
                              r"all of it|my life) to (?:be over|stop|end)\b|\b(?:not|n't) (?:going"
                              r"|gonna) (?:to )?be (?:here|around|alive)\b"),
    (SUICIDE, "burden", r"\bi(?:'m| am|'ve been| feel| feel like)(?: i'm| i am)? (?:such |just |"
                        r"only |nothing but )?(?:a |an )?(?:burden|drain|waste of space)\b(?! ?"
                        r"(?:on|to) (?:my |the )?(?:supporter|therapist|service|team|gp|nhs|"
                        r"clinician)s?\b)|\b(?:better|happier|easier|relieved)(?: off| life|"
                        r" lives| time)? without me\b"),
    (SUICIDE, "no_future", r"\b(?:no|don't have a|do not have a|can't see a|can't see any|"
                           r"don't see a|don't see any) future (?:for me|for myself|ahead of me)\b"
                           r"|\b(?:can't|cannot|don't|do not) (?:picture|see|imagine) myself"
                           r" (?:still )?(?:being )?(?:here|alive|around|making it|getting old|"
                           r"growing old)\b|\b(?:the only|a permanent|one) (?:way out|escape|"
                           r"exit)\b(?! (?:is|was) (?:through|to face|facing)| of (?:the|this|my)"
                           r" (?:app|module|page|screen|menu|loop|programme|course|contract|job|"
                           r"waiting list|debt)\b)|\bpermanent (?:solution|way out|escape)\b"),
    (SUICIDE, "farewell", r"\bsa(?:y|ying|id) (?:my )?goodbyes\b|\bsa(?:y|ying|id) goodbye to"
                          r" (?:everyone|everybody|my (?:family|kids|children|friends|loved"
                          r" ones))\b|\b(?:put|putting|got|getting|sorted|sorting) (?:out )?(?:all"
                          r" )?my affairs in order\b|\b(?:made|making|wrote|written|writing|"
                          r"updated|sorted(?: out)?) (?:out )?my will\b"),
    (SUICIDE, "means", r"\b(?:look(?:ed|ing)? up|googl\w*|research\w*|search\w*|read(?:ing)?"
                       r" (?:up )?(?:about|on)) (?:online )?(?:for )?(?:(?:the )?"
                       r"(?:painless |quick |easy |"
                       r"best )?ways to (?:die|go|end|kill)|how to (?:die|end it|kill|hang|"
                       r"overdose)|how (?:many|much) .{0,40}(?:it would take|would kill|to die|"
                       r"would be enough)|lethal|the painless)|\blethal dose\b|\bpainless"
                       r" (?:way|ways|method)\b|\b(?:thought|thinking|planned|planning|worked out)"
                       r" (?:about |out )?how i(?:'d| would| could| might| will)(?: do it)?"
                       r"(?=[.,;!?]|$| do it)"),
    (SUICIDE, "attempt", r"\b(?:since|after|before|from) (?:my|the) (?:last |second |previous |"
                         r"suicide )?attempt\b(?! (?:at|to|on)\b)|\bmy (?:last|previous|second)"
                         r" attempt\b(?! (?:at|to|on)\b)|\bstomach pumped\b"),
    (SELF_HARM, "cut_urges", r"\b(?:i|used to|urges? to|want(?:ed)? to|stopped|started|still)"
                             r" cut(?:ting)?\b(?=\s*(?:[.,;!?)]|$|again|when|because|but|and|"
                             r"since|for|every|most|at|if|or|so|to cope|last|sometimes|still))|"
                             r"\brelapse[ds]?\b(?=.{0,60}\b(?:arms?|legs?|wrists?|skin|cut|cuts|"
                             r"blade|scars?|self)\b)|\buntil (?:it|they|i) (?:bleeds?|bled)\b|"
                             r"\bmake (?:myself|it) bleed\b|\bdig(?:ging|s)? (?:my )?(?:finger)?"
                             r"nails into (?:my )?(?:arms?|skin|hands?|legs?|palms?|wrists?)\b|"
                             r"\b(?:hide|hiding|cover|covering) (?:up )?(?:the |my )?(?:scars|cuts|"
                             r"self-harm)\b|\blong sleeves\b.{0,40}\b(?:arms|wrists|scars)\b|"
                             r"\b(?:burn(?:ed|t)?|cut|scald(?:ed)?|hit|punch(?:ed)?|bruis(?:ed|"
                             r"ing)?|starv(?:ed|ing)?) (?:\w+ ){0,4}(?:on purpose|deliberately)\b|"
                             r"\bdeliberately (?:burn|cut|hurt|hit|starv|scald|bruis)\w*"),
    (HARM_TO_OTHERS, "harm_images", r"\b(?:thoughts?|images?|pictures?|urges?|ideas?)(?: in my"
                                    r" head)? (?:of|about) (?:hurting|harming|killing|stabbing|"
                                    r"strangling|smothering|suffocating|drowning|dropping|pushing|"
                                    r"hitting|shaking|attacking|poisoning|throwing) (?:the baby|"
                                    r"my baby|her|him|them|someone|somebody|people|my (?:son|"
                                    r"daughter|child|kids?|children|partner|husband|wife))\b|"
                                    r"\b(?:scared|afraid|frightened|terrified|worried) (?:of )?"
                                    r"what i(?:'d| would| might| could| will|'ll)? (?:do|have done)"
                                    r" to (?:him|her|them|someone|my|the)\b"),
    (SAFEGUARDING, "control", r"\b" + _ABUSER + r" (?:has been |have been |keeps |kept |is |was |"
                              r"'s been )(?:hitting|choking|strangling|kicking|slapping|punching|"
                              r"hurting|pushing|grabbing|threatening|pinning|shoving|beating) me\b"
                              r"|\b(?:throws|threw|throwing) (?:things|stuff|objects|plates|"
                              r"glasses|cups|mugs|a (?:glass|plate|mug|cup|bottle|chair)) at me\b"
                              r"|\b(?:pinned|pins|held|holds) me down\b|\bgets? (?:pinned|held)"
                              r" down\b|\bpush(?:es|ed)? me around\b|\b(?:left|leaves|gave|gives)"
                              r" me (?:bruises|marks)\b|\bbruises\b.{0,40}\b(?:he|she|they)"
                              r" (?:grab|grabbed|grabs|hit|hits|held|holds)\b|\bask (?:\w+ )?"
                              r"permission to (?:see|go out|leave|spend|visit|meet)\b|\bnot allowed"
                              r" to (?:see (?:my )?(?:friends|family)|go out|leave the house|lock|"
                              r"have (?:my own )?money|work)\b|\bgoes through my (?:phone|"
                              r"messages|texts|emails)\b|\b(?:stopped|stops|won't let|doesn't let)"
                              r" me (?:from )?(?:working|going out|seeing my)\b|\bwalking on"
                              r" eggshells\b(?=.{0,60}\b(?:him|her|home|partner|husband|wife|"
                              r"boyfriend|girlfriend|dad|mum)\b)|\block(?:ed)? myself in (?:the|my)"
                              r" (?:bathroom|bedroom|room|car|toilet)\b(?=.{0,40}\bwhen (?:he|she|"
                              r"they|my)\b)|\bif i (?:ever )?(?:leave|left)(?: him| her| them)?,?"
                              r" (?:he|she|they)(?:'ll|'d| will| would| said)\b|\b" + _ABUSER +
                              r" (?:keeps|kept) (?:turning|showing) up\b"),
    # Finnish, the commonest phrasings only (the portal serves Finnish programmes too).
    (SUICIDE, "fi_suicide", r"\bitsemurh\w*|\b(?:tappaa|tapan|tappaisin) itseni\b|"
                            r"\ben halua (?:elää|olla olemassa|herätä)\b|\bhaluan kuolla\b|"
                            r"\bhaluaisin kuolla\b|\bhengeltäni\b|\bkuolemaa ajatel\w*|"
                            r"\bei ole mitään järkeä elää\b|\b(?:helpompaa|parempi|paremmin) ilman"
                            r" minua\b|\betten (?:enää )?heräisi\b|\ben jaksa (?:enää )?elää\b|"
                            r"\blopettaa kaiken\b|\bolen (?:vain )?taakka\b"),
    (SELF_HARM, "fi_self_harm", r"\bviiltel\w*|\bvahingoit\w* itse\w*|\bsatutan itse\w*|"
                                r"\bsatut\w* itse\w*|\byliannos\w*|"
                                r"\bviil(?:sin|si|tänyt|sen|tää|tämään)\b"),
    (SAFEGUARDING, "fi_safeguarding", r"\bhakkaa minua\b|\blyö minua\b|\bpelkään (?:häntä|"
                                      r"miestäni|vaimoani|puolisoani|kotiin)\b|\bväkivalta\w*|"
                                      r"\buhkail\w* minua\b|"
                                      r"\ben uskalla (?:mennä )?kotiin\b|\bkurist\w* minua\b"),
)]


@dataclass(frozen=True)
class RiskMatch:
    """What an answer matched: the most urgent category and every rule that fired."""

    category: str
    rules: tuple[str, ...]


def normalise(text: str) -> str:
    """Lower-case, straighten quotes and collapse spaces, so one pattern covers typing styles."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u00b4", "'")
    text = re.sub(r"\bi m\b", "i'm", text)
    text = re.sub(r"\b(do|did|does|can|would|could|should|is|was|have|won)nt\b", r"\1n't", text)
    text = re.sub(r"\bcant\b", "can't", text)
    return " ".join(text.split())


def mask_figurative(text: str) -> str:
    """Blank out the figurative phrases we know, keeping the text's length for readable spans."""
    for pattern in _FIGURATIVE:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def assess(text: str | None) -> RiskMatch | None:
    """Return the risk an answer suggests, or None; negation does not clear a match.

    The phrase rules go first; an answer they miss is read by the learned classifier
    (portal.tagging.risk_classifier), whose flags carry the rule name "similar_wording".
    """
    if not text or not text.strip():
        return None
    masked = mask_figurative(normalise(text))
    fired = [(category, name) for category, name, pattern in _RULES if pattern.search(masked)]
    if not fired:
        # Masked text: a figurative "killing me" must not reach the classifier either.
        probability, category = risk_classifier.score(masked)
        if probability >= risk_classifier.threshold():
            return RiskMatch(category=category, rules=(LEARNED,))
        return None
    categories = {category for category, _ in fired}
    category = next(c for c in PRIORITY if c in categories)
    return RiskMatch(category=category, rules=tuple(dict.fromkeys(n for _, n in fired)))
