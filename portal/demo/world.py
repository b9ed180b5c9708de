"""A realistic demo world: six services in different situations, written by the write path."""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo.requests import load_requests
from portal.demo.texts import THEMES_BY_GROUP, write_feedback, write_short_answer
from portal.domain.accounts import create_user
from portal.domain.invitations import create_invitation
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.models import (
    Instrument,
    Invitation,
    Product,
    Role,
    Service,
    ServiceProgramme,
    User,
    Vendor,
    utcnow,
)

DEMO_DOMAIN = "demo.uptake.example"
MONTHS = 18


@dataclass(frozen=True)
class Profile:
    """How implementation goes at one service; drives themes, polarity and readiness."""

    name: str
    region: str
    programmes: tuple[str, ...]
    products: tuple[str, ...]
    barrier_share: float              # share of coded mentions that are barriers, at the start
    barrier_share_end: float          # ... and after 18 months
    oric: tuple[float, float]         # mean ORIC item score at the start and the end (1..5)
    hot_barriers: tuple[str, ...]     # themes this service complains about most
    hot_facilitators: tuple[str, ...]
    started_month: int = 0            # months after the demo's start that the service joined
    volume: float = 1.0               # relative number of responses


PROFILES = (
    Profile("Leeds Talking Therapies", "Yorkshire and the Humber",
            ("depression", "anxiety", "insomnia"), ("MindStep", "SleepWell Online"),
            0.35, 0.25, (3.9, 4.3), ("time_workload", "patient_fit"),
            ("leadership_management", "work_structures", "training_needs", "therapist_support")),
    Profile("North Bristol Wellbeing Service", "South West England",
            ("depression", "anxiety", "panic"), ("Thrive iCBT",),
            0.7, 0.55, (3.2, 3.5), ("tech_bugs", "integration_it", "vendor_relationship"),
            ("patient_engagement", "usability")),
    Profile("Highland Psychological Therapies", "Scotland",
            ("depression", "anxiety", "insomnia", "stress"), ("MindStep",),
            0.55, 0.45, (3.0, 3.6), ("training_needs", "time_workload", "integration_it"),
            ("patient_fit", "external_drivers", "perseverance_experience", "accessibility")),
    Profile("Helsinki Digital Mental Health Clinic", "Uusimaa, Finland",
            ("depression", "anxiety", "insomnia", "ocd"), ("Thrive iCBT",),
            0.5, 0.45, (3.5, 3.7), ("data_protection", "integration_it", "costs_funding"),
            ("information_evidence", "blended_role", "personalisation")),
    Profile("East London Primary Care Psychology", "London",
            ("depression", "anxiety"), ("MindStep",),
            0.78, 0.72, (2.3, 2.5), ("clinician_attitudes", "leadership_management",
                                      "time_workload", "clinical_risk"),
            ("external_drivers",), volume=0.8),
    Profile("Cardiff and Vale Digital Therapies", "Wales",
            ("depression", "anxiety", "insomnia"), ("SleepWell Online", "Thrive iCBT"),
            0.6, 0.35, (2.8, 3.9), ("training_needs", "information_evidence"),
            ("leadership_management", "perseverance_experience", "vendor_relationship"),
            started_month=8, volume=0.9),
)
VENDORS = {"Northlight Health": ("MindStep", "SleepWell Online"),
           "Thrive Digital Therapies": ("Thrive iCBT",)}
# Share of responses per group, before each service's volume.
GROUP_SHARE = {"patient": 0.5, "therapist": 0.3, "service_manager": 0.08, "vendor": 0.12}
LINK_LABELS = {"patient": "Waiting room poster", "therapist": "Team email",
               "service_manager": "Managers' meeting", "vendor": "Supplier check-in"}
# What each open question tends to draw out.
FEEDBACK_ITEMS = {"hinders": "barrier", "helps": "facilitator", "change": "mixed",
                  "vendor_feedback": "mixed", "bugs_reported": "tech",
                  "training_delivered": "training", "support_experience": "support",
                  "programme_experience": "programme", "helped": "facilitator",
                  "hindered": "barrier"}
PURPOSE_POOLS = {
    "tech": ("tech_bugs", "integration_it", "usability"),
    "training": ("training_needs", "information_evidence"),
    "support": ("therapist_support", "empowerment", "self_efficacy", "responsibility_sharing",
                "therapeutic_alliance", "genuine_interest", "emotional_recognition",
                "mirroring_emotions", "feeling_understood", "genuineness", "partnership",
                "accountability", "guidance", "expression_of_feelings", "goal_setting"),
    "programme": ("usability", "tech_bugs", "personalisation", "customizing_materials",
                  "ease_of_use", "aesthetic_appeal", "interactivity", "accessibility",
                  "self_directed", "usefulness", "complementary", "patient_fit"),
}


@dataclass
class World:
    """What load_demo made, for printing logins and for tests."""

    services: list[Service] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    responses: int = 0


def demo_exists(session: Session) -> bool:
    """True once the demo (or any real data) has been loaded."""
    return session.scalar(select(Service.id).limit(1)) is not None


def load_demo(session: Session, *, password: str, responses: int = 2400, seed: int = 7,
              now: datetime | None = None, progress: Callable[[int], None] | None = None) -> World:
    """Create the demo organisations, accounts, links and responses; commits in batches."""
    rng = random.Random(seed)
    now = (now or utcnow()).replace(microsecond=0)
    start = now - timedelta(days=30 * MONTHS)
    instruments = {i.stakeholder_group: i for i in session.scalars(select(Instrument))}
    if set(instruments) != set(GROUP_SHARE):
        raise RuntimeError("sync the instruments before loading the demo")
    world = World()
    products = _vendors(session)
    lead = create_user(session, email=f"lead@{DEMO_DOMAIN}", name="Lee Lead",
                       password=password, role=Role.LEAD)
    world.users += [create_user(session, email=f"admin@{DEMO_DOMAIN}", name="Alex Admin",
                                password=password, role=Role.ADMIN), lead]
    vendor_users = {}
    for vendor in session.scalars(select(Vendor).order_by(Vendor.name)):
        slug = vendor.name.split()[0].lower()
        vendor_users[vendor.name] = create_user(
            session, email=f"vendor.{slug}@{DEMO_DOMAIN}", name=f"{vendor.name.split()[0]} Support",
            password=password, role=Role.VENDOR, vendor=vendor)
        world.users.append(vendor_users[vendor.name])
    links: dict[tuple[int, str], Invitation] = {}
    staff: dict[int, dict[str, User]] = {}
    for profile in PROFILES:
        service = Service(name=profile.name, region=profile.region,
                          programmes=[ServiceProgramme(code=c) for c in profile.programmes],
                          products=[products[p] for p in profile.products])
        session.add(service)
        session.flush()
        world.services.append(service)
        staff[service.id] = _service_staff(session, service, password)
        world.users += staff[service.id].values()
        opened = start + timedelta(days=30 * profile.started_month)
        for group, instrument in instruments.items():
            links[(service.id, group)] = create_invitation(
                session, service=service, instrument=instrument, created_by=lead,
                label=LINK_LABELS[group], days_valid=730, max_uses=100_000, now=opened)
    session.commit()

    plan = list(_plan(rng, responses, start, now))
    for count, (index, group, when) in enumerate(plan, start=1):
        profile, service = PROFILES[index], world.services[index]
        instrument = instruments[group]
        answers = _answers(rng, profile, group, instrument.current.definition,
                           (when - start) / (now - start))
        # Most staff answer through the team link; some while signed in, as in real services.
        user = None
        if group in ("therapist", "service_manager") and rng.random() < 0.15:
            user = staff[service.id][group]
        elif group == "vendor" and rng.random() < 0.3:
            vendor_name = next(v for v, names in VENDORS.items() if profile.products[0] in names)
            user = vendor_users[vendor_name]
        submit_response(session, version=instrument.current, service=service, answers=answers,
                        idempotency_key=new_idempotency_key(),
                        invitation=None if user else links[(service.id, group)], user=user,
                        now=when)
        if count % 200 == 0:
            session.commit()
        if progress:
            progress(1)
    session.commit()
    world.responses = len(plan)
    load_requests(session, world.services,
                  {sid: people["service_manager"] for sid, people in staff.items()},
                  {u.vendor_id: u for u in vendor_users.values()})
    return world


def _service_staff(session: Session, service: Service, password: str) -> dict[str, User]:
    """Create a manager and a therapist account for a service."""
    slug, town = service.name.split()[0].lower(), service.name.split()[0]
    staff = {
        "service_manager": create_user(session, email=f"manager.{slug}@{DEMO_DOMAIN}",
                                       name=f"{town} Manager", password=password,
                                       role=Role.MANAGER, service=service),
        "therapist": create_user(session, email=f"therapist.{slug}@{DEMO_DOMAIN}",
                                 name=f"{town} Therapist", password=password,
                                 role=Role.THERAPIST, service=service),
    }
    # One therapist is a designated coder, so the demo shows coding by staff beside the lead.
    staff["therapist"].is_coder = slug == "leeds"
    return staff


def _vendors(session: Session) -> dict[str, Product]:
    """Create the two vendors and their three products."""
    products = {}
    for vendor_name, product_names in VENDORS.items():
        vendor = Vendor(name=vendor_name)
        session.add(vendor)
        for name in product_names:
            products[name] = Product(name=name, vendor=vendor)
            session.add(products[name])
    session.flush()
    return products


def _plan(rng: random.Random, total: int, start: datetime, now: datetime
          ) -> Iterator[tuple[int, str, datetime]]:
    """Yield (service index, group, time) for every response, in time order."""
    weights = [p.volume * (MONTHS - p.started_month) / MONTHS for p in PROFILES]
    groups, shares = zip(*GROUP_SHARE.items(), strict=True)
    events = []
    for _ in range(total):
        index = rng.choices(range(len(PROFILES)), weights)[0]
        opened = start + timedelta(days=30 * PROFILES[index].started_month)
        # Activity grows as a service settles in: later months get more responses.
        when = opened + (now - opened) * (rng.random() ** 0.8)
        group = rng.choices(groups, shares)[0]
        if group != "patient":  # staff answer during the working day
            when = when.replace(hour=rng.randint(8, 17))
        events.append((index, group, min(when, now).replace(microsecond=0)))
    yield from sorted(events, key=lambda e: e[2])


def _answers(rng: random.Random, profile: Profile, group: str, definition: dict,
             progress: float) -> dict[str, str | int]:
    """Answer every section of an instrument the way someone at this service might."""
    answers: dict[str, str | int] = {}
    readiness = profile.oric[0] + (profile.oric[1] - profile.oric[0]) * progress
    personal = rng.gauss(readiness, 0.55)
    barrier_share = profile.barrier_share + \
        (profile.barrier_share_end - profile.barrier_share) * progress
    answer_nomad = rng.random() < 0.4
    for section in definition["sections"]:
        if section["id"] == "nomad" and not answer_nomad:
            continue
        text_items = [i for i in section["items"] if i["type"] == "text"]
        chosen = {i["id"] for i in rng.sample(text_items, k=rng.randint(1, len(text_items)))} \
            if text_items else set()
        for item in section["items"]:
            value = _value(rng, item, profile, group, personal, barrier_share, chosen)
            if value is not None:
                answers[item["id"]] = value
    return answers


def _value(rng: random.Random, item: dict, profile: Profile, group: str, personal: float,
           barrier_share: float, chosen_text: set[str]) -> str | int | None:
    """Draw one item's answer, or None to leave it blank."""
    kind = item["type"]
    if kind == "text":
        if item["id"] not in chosen_text:
            return None
        if rng.random() < 0.07:
            return write_short_answer(group, rng)
        mentions = _mentions(rng, profile, group, FEEDBACK_ITEMS.get(item["id"], "mixed"),
                             barrier_share)
        return write_feedback(group, mentions, rng, programme=rng.choice(profile.programmes),
                              product=rng.choice(profile.products))
    if kind == "number":
        return min(item["max"], max(item["min"], int(rng.expovariate(1 / 3))))
    if kind == "choice":
        values = [o["value"] for o in item["options"]]
        if item["id"] == "programme":
            return rng.choice([v for v in values if v in profile.programmes] or values)
        return None if not item["required"] and rng.random() < 0.1 else rng.choice(values)
    if item.get("not_relevant") and rng.random() < 0.04:
        return rng.choice(item["not_relevant"])["value"]
    points = [o["value"] for o in item["options"]]
    low, high = min(points), max(points)
    centre = personal if high == 5 else (personal - 1) * 2.5
    if item.get("construct") == "change_efficacy":
        centre -= 0.2  # efficacy lags commitment while the work is still new
    return int(min(high, max(low, round(rng.gauss(centre, 0.7)))))


def _mentions(rng: random.Random, profile: Profile, group: str, purpose: str,
              barrier_share: float) -> list[tuple[str, str]]:
    """Pick 1 to 3 (theme, polarity) pairs for one answer."""
    available = THEMES_BY_GROUP[group]
    mentions: list[tuple[str, str]] = []
    for _ in range(rng.choices((1, 2, 3), (0.45, 0.4, 0.15))[0]):
        if purpose in ("barrier", "facilitator"):
            polarity = purpose if rng.random() < 0.9 else "neutral"
        else:
            polarity = "barrier" if rng.random() < barrier_share else "facilitator"
        hot = profile.hot_barriers if polarity == "barrier" else profile.hot_facilitators
        pool = PURPOSE_POOLS.get(purpose, tuple(hot) * 4 + tuple(available))
        theme = rng.choice(tuple(t for t in pool if t in available) or tuple(available))
        if all(theme != t for t, _ in mentions):
            mentions.append((theme, polarity))
    return mentions
