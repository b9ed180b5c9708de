"""The adversarial suite's world: one real object of every kind, each POST route's body, and a
database dump to prove a refused request changed nothing."""

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from portal import jobs
from portal.domain.accounts import create_user
from portal.domain.codebooks import current_version
from portal.domain.review import TagInput, save_coding
from portal.domain.samples import create_sample
from portal.domain.submissions import new_idempotency_key
from portal.domain.training_plan import add_to_plan
from portal.extensions import db
from portal.models import Answer, Coding, Job, RiskFlag, Role, User
from tests.conftest import PASSWORD, csrf_from, fresh, login
from tests.domain.test_safety import RISKY, patient
from tests.requests_helpers import filed, other_vendor_user

KEY = "icbt-implementation"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
DASH_CALLBACK = "/dash/_dash-update-component"
# Touched by every signed-in request (idle timeout), so not evidence of a change.
VOLATILE = {("user_sessions", "last_seen_at")}


def dump() -> dict[str, list[tuple]]:
    """Every row of every table as committed, in primary-key order."""
    session = fresh()
    tables = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
        rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        tables[table.name] = [tuple(row) for row in rows]
    session.rollback()
    return tables


def finish_jobs(arsenal) -> None:
    """Wait for background jobs a request started, so they do not race the next request."""
    for job_id in fresh().scalars(select(Job.id).where(Job.id != arsenal.job)).all():
        jobs.wait(job_id, timeout=60)


def changed_tables(before: dict, after: dict) -> list[str]:
    """Names of the tables whose rows differ between two dumps.

    A page that shows a flagged answer again audits the showing; that records a reading,
    not a stored change, so such audit rows are left out.
    """
    return [name for name in before if _kept(name, before[name]) != _kept(name, after[name])]


def _kept(table: str, rows: list[tuple]) -> list[tuple]:
    """The rows that count as stored data: all but audit rows of a showing of flagged text."""
    if table != "audit_events":
        return rows
    action = [c.name for c in db.metadata.tables[table].columns
              if (table, c.name) not in VOLATILE].index("action")
    return [row for row in rows if row[action] != "risk.view_text"]


def state_changing_rules(app) -> list:
    """Every URL rule that accepts a state-changing method, from the live url map."""
    return sorted((rule for rule in app.url_map.iter_rules() if rule.methods & STATE_CHANGING),
                  key=lambda rule: rule.rule)


def build_arsenal(world) -> SimpleNamespace:
    """Add to the coded world a risk flag, a training request in the plan, a blind sample,
    a job, a Bristol response, a Bristol request and a Leeds therapist who is leaving (whose
    account the People forms change), so every id a route takes is real."""
    session = db.session
    users = world.users
    other_vendor_user(world)
    users["lead"].is_coder = True
    patient(world, hindered=RISKY)
    flag_id = session.scalar(select(RiskFlag.id))
    training = filed(world, kind="training", title="Training on the new module")
    bristol_request = filed(world, service="bristol", product_name="Thrive iCBT",
                            by="other_manager", title="Bristol only")
    plain = filed(world, title="Login fails at Leeds")
    session.rollback()
    vendor = session.get(User, users["vendor"].id)
    item = add_to_plan(session, vendor, session.get(type(training), training.id),
                       topic="Module onboarding", audience="therapists")
    version = current_version(session, KEY)
    sample = create_sample(session, users["lead"], version, name="Spring",
                           first=session.get(User, users["coder"].id),
                           second=session.get(User, users["lead"].id), size=2, seed=1)
    # Both coders code the sample's first answer blind, so it can be reconciled.
    first = session.get(Answer, sample.answer_ids[0])
    for coder in ("coder", "lead"):
        save_coding(session, session.get(User, users[coder].id), first, version,
                    [TagInput("usability", "barrier", None, None)], sample=sample)
    job = Job(kind="retag", params={"codebook": KEY}, created_by_id=users["lead"].id)
    session.add(job)
    users["leaver"] = create_user(session, email="leaver@x.test", name="Lou Leaver",
                                  password=PASSWORD, role=Role.THERAPIST,
                                  service=session.get(type(world.services["leeds"]),
                                                      world.services["leeds"].id))
    session.commit()
    sample_answer = sample.answer_ids[0]
    # A Leeds answer the engine coded under this version, outside the blind sample.
    answer_id = session.scalar(select(Answer.id).join(Coding).where(
        Coding.codebook_version_id == version.id, Coding.current.is_(True),
        Answer.id.not_in(sample.answer_ids)).order_by(Answer.id))
    from tests.web.coding.helpers import add_patient_response
    bristol_answer = add_patient_response(world, "bristol", {"helped": "Bristol words."})[0].id
    return SimpleNamespace(
        world=world, flag=flag_id, training_request=training.id, request=plain.id,
        bristol_request=bristol_request.id, item=item.id, sample=sample.id,
        sample_answer=sample_answer, answer=answer_id, bristol_answer=bristol_answer,
        job=job.id, leaver=users["leaver"].id, version=version.number,
        reference=world.responses[0].reference,
        leeds=world.services["leeds"].id, bristol=world.services["bristol"].id,
        token=world.links["patient"].token)


class Clients:
    """One signed-in test client per person, made on first use (sign-in is slow)."""

    def __init__(self, app, world):
        self.app, self.world, self.made = app, world, {}

    def __call__(self, who: str | None):
        """The client for a person (None: an anonymous visitor)."""
        if who not in self.made:
            client = self.app.test_client()
            if who is not None:
                response = login(client, self.world.users[who].email)
                assert response.status_code == 302, f"{who} could not sign in"
            self.made[who] = client
        return self.made[who]

    def token(self, who: str | None) -> str:
        """A valid CSRF token of this person's session."""
        page = self(who).get("/login" if who is None else "/account/password")
        return csrf_from(page.get_data(as_text=True))


def survey_fields() -> dict:
    """A survey form's hidden fields other than the CSRF token."""
    return {"submission_key": new_idempotency_key()}


def post_target(endpoint: str, a: SimpleNamespace) -> tuple[str | None, str, dict]:
    """(who, url, form data) that would make a route act; KeyError for an unknown route.

    Every state-changing route must be listed here, so a new route fails the suite until
    someone says how to attack it.
    """
    services = a.world.services
    targets = {
        "auth.login": (None, "/login", {"email": "admin@x.test",
                                        "password": "correct horse battery"}),
        "auth.logout": ("admin", "/logout", {}),
        "auth.password": ("admin", "/account/password", {
            "current": "correct horse battery", "new": "a brand new passphrase",
            "confirm": "a brand new passphrase"}),
        "collect.invited": (None, f"/i/{a.token}", {
            **survey_fields(), "programme": "depression", "consent": "y",
            "support_experience": "Weekly messages."}),
        "collect.staff_survey": ("therapist", f"/survey/{a.leeds}/therapist", {
            **survey_fields(), "role": "therapist", "programme": "depression",
            "years_icbt": "2", "helps": "Protected time."}),
        "links.new": ("lead", "/links/new", {
            "service_id": a.leeds, "instrument_id": a.world.instruments["patient"].id,
            "label": "Lobby", "days_valid": "30", "max_uses": "10"}),
        "links.revoke": ("lead", f"/links/{a.world.links['patient'].id}/revoke", {}),
        "requests.new": ("manager", "/requests/new", {
            "product_id": services["leeds"].products[0].id, "kind": "bug",
            "priority": "normal", "title": "Forged", "description": "x"}),
        "requests.save": ("manager", f"/requests/{a.request}", {
            "version": "1", "kind": "bug", "title": "Login fails at Leeds",
            "description": "Since Monday nobody can sign in.", "priority": "urgent",
            "comment": "Forged comment"}),
        "requests.plan_request": ("vendor", f"/requests/{a.training_request}/plan", {
            f"r{a.training_request}-item_id": str(a.item)}),
        "requests.settings": ("manager", f"/requests/settings/{a.leeds}", {"auto_file": "y"}),
        "requests.schedule_item": ("vendor", f"/requests/training/{a.item}", {
            "scheduled_for": date.today().isoformat()}),
        "safety.change": ("manager", f"/safety/{a.flag}", {"status": "acknowledged"}),
        "safety.designate": ("manager", f"/safety/clinicians/{a.world.users['therapist'].id}",
                             {"designate": "1"}),
        "coding.toggle_coder": ("lead", f"/coding/coders/{a.world.users['therapist'].id}",
                                {"designate": "1"}),
        "coding.answer": ("lead", f"/coding/{KEY}/answers/{a.answer}", {
            "version": str(a.version), "theme": "tech_bugs", "polarity-tech_bugs": "barrier"}),
        "coding.new_sample": ("lead", f"/coding/{KEY}/samples/new", {
            "name": "Forged", "first_coder": a.world.users["coder"].id,
            "second_coder": a.world.users["lead"].id, "size": "1"}),
        "coding.blind": ("coder", f"/coding/samples/{a.sample}/answers/{a.sample_answer}", {
            "version": str(a.version), "theme": "tech_bugs", "polarity-tech_bugs": "barrier"}),
        "coding.reconcile": ("lead", f"/coding/samples/{a.sample}/reconcile/{a.sample_answer}",
                             {"version": str(a.version), "theme": "tech_bugs",
                              "polarity-tech_bugs": "barrier"}),
        "coding.retrain": ("lead", f"/coding/{KEY}/retrain", {}),
        "codebooks.new_theme": ("lead", f"/codebooks/{KEY}/themes/new", {
            "theme_id": "forged_theme", "label": "Forged", "parent": ""}),
        "codebooks.edit_theme": ("lead", f"/codebooks/{KEY}/themes/tech_bugs/edit", {
            "label": "Forged label", "parent": ""}),
        "codebooks.merge": ("lead", f"/codebooks/{KEY}/merge", {
            "keep": "tech_bugs", "absorbed": "usability"}),
        "codebooks.split": ("lead", f"/codebooks/{KEY}/themes/tech_bugs/split", {
            "first_id": "bugs_a", "first_label": "A", "second_id": "bugs_b",
            "second_label": "B"}),
        "codebooks.import_file": ("lead", f"/codebooks/{KEY}/import", {}),
        "codebooks.rerun": ("lead", f"/codebooks/{KEY}/rerun", {}),
        "data.erase": ("admin", "/data/erase", {
            "reference": a.reference, "reason": "Asked by phone", "confirmed": a.reference}),
        "people.new": ("admin", "/people/new", {
            "name": "Nia Newcomer", "email": "newcomer@x.test", "role": "therapist",
            "service_id": a.leeds, "vendor_id": "", "password": "a temporary passphrase",
            "confirm": "a temporary passphrase"}),
        # Disables the leaver; every field the form has is sent, as a browser does.
        "people.change": ("admin", f"/people/{a.leaver}", {
            "role": "therapist", "service_id": a.leeds, "vendor_id": "", "active": ""}),
        "people.password": ("admin", f"/people/{a.leaver}/password", {
            "password": "a temporary passphrase", "confirm": "a temporary passphrase"}),
    }
    return targets[endpoint]
