"""Codebooks: browse, edit, version, import and export, re-run and retrain the engine."""

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal import jobs
from portal.database import begin_write
from portal.domain import codebook_edits as edits
from portal.domain.codebook_io import export_version, import_version
from portal.domain.codebooks import CodebookError, current_version, labels, theme
from portal.domain.refi_qda import QdcError
from portal.domain.tagging import choose_parts
from portal.extensions import db
from portal.models import AuditEvent, Codebook, CodebookVersion, Job
from portal.web.codebooks.forms import ImportForm, MergeForm, NewThemeForm, SplitForm, ThemeTextForm
from portal.web.downloads import attachment
from portal.web.errors import busy_page, forget_session
from portal.web.guards import accepts_upload, form_refuses_nul

BUSY = "The portal is busy and could not save the change yet; please send the form again."
bp = Blueprint("codebooks", __name__, url_prefix="/codebooks")


@bp.before_request
@login_required
def require_coder():
    """Codebooks are for coders; changing them is for leads (checked per view)."""
    if not current_user.can_code:
        abort(403)


def _editor() -> None:
    """Only leads and admins change codebooks, because a change applies to every service."""
    if not current_user.can_edit_codebooks:
        abort(403)


def _codebook(key: str) -> tuple[Codebook, CodebookVersion]:
    """The codebook and its current version, or 404."""
    codebook = db.session.scalar(select(Codebook).where(Codebook.key == key))
    version = current_version(db.session, key) if codebook else None
    if version is None:
        abort(404)
    return codebook, version


@bp.route("/")
def index():
    """Every codebook with its current version."""
    codebooks = db.session.scalars(select(Codebook).order_by(Codebook.key)).all()
    current = {c.key: current_version(db.session, c.key) for c in codebooks}
    return render_template("codebooks/index.html", codebooks=codebooks, current=current)


@bp.route("/<key>")
def show(key: str):
    """The current version as a tree, its history and the actions on it."""
    codebook, version = _codebook(key)
    return _render_version(codebook, version, current=True)


@bp.route("/<key>/versions/<int:number>")
def version(key: str, number: int):
    """An earlier version, with what changed from the one before."""
    codebook, current = _codebook(key)
    found = db.session.scalar(select(CodebookVersion).where(
        CodebookVersion.codebook_id == codebook.id, CodebookVersion.number == number))
    if found is None:
        abort(404)
    return _render_version(codebook, found, current=found.id == current.id)


def _render_version(codebook: Codebook, version: CodebookVersion, current: bool):
    """Render one version with its tree, versions list, changes and audit trail."""
    versions = db.session.scalars(select(CodebookVersion).where(
        CodebookVersion.codebook_id == codebook.id)
        .order_by(CodebookVersion.number.desc())).all()
    before = next((v for v in versions if v.number == version.number - 1), None)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "codebook", AuditEvent.subject_id == codebook.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(50)).all()
    return render_template("codebooks/show.html", codebook=codebook, version=version,
                           current=current, versions=versions, events=events,
                           changes=edits.compare(before.definition, version.definition) if before
                           else None, tree=_tree(version.definition), action_form=FlaskForm())


def _tree(definition: dict) -> list[tuple[dict, list[dict]]]:
    """Grouping nodes with the themes under them (themes without a parent at the end)."""
    nodes = definition.get("nodes", [])
    tree = [(node, [t for t in definition["themes"] if t.get("parent") == node["id"]])
            for node in nodes]
    loose = [t for t in definition["themes"] if not t.get("parent")]
    if loose:
        tree.append(({"id": "", "label": "Not grouped", "description": ""}, loose))
    return tree


def _parent_choices(definition: dict) -> list[tuple[str, str]]:
    """Grouping nodes a theme can sit under."""
    return [("", "(none)")] + [(n["id"], n["label"]) for n in definition.get("nodes", [])]


def _theme_choices(definition: dict) -> list[tuple[str, str]]:
    """Themes as select options."""
    return [(t["id"], f"{t['label']} ({t['id']})") for t in definition["themes"]]


@bp.route("/<key>/themes/new", methods=["GET", "POST"])
@form_refuses_nul
def new_theme(key: str):
    """Add a theme."""
    _editor()
    codebook, version = _codebook(key)
    form = NewThemeForm()
    form.parent.choices = _parent_choices(version.definition)
    if form.validate_on_submit():
        theme_id = form.theme_id.data.strip()
        changed = edits.add_theme(version.definition, {"id": theme_id, **form.changes()})
        return _save(form, codebook, changed, "codebooks/theme_form.html",
                     note=f"Added theme {theme_id}", action="codebook.add_theme",
                     title="Add a theme")
    return render_template("codebooks/theme_form.html", form=form, codebook=codebook,
                           title="Add a theme"), 400 if form.errors else 200


@bp.route("/<key>/themes/<theme_id>/edit", methods=["GET", "POST"])
@form_refuses_nul
def edit_theme(key: str, theme_id: str):
    """Rename a theme (its label; the id stays) or change what coders read about it."""
    _editor()
    codebook, version = _codebook(key)
    found = theme(version.definition, theme_id)
    if found is None:
        abort(404)
    form = ThemeTextForm(data={**found, "examples": "\n".join(found.get("examples", [])),
                               "keywords": "\n".join(found.get("keywords", []))})
    form.parent.choices = _parent_choices(version.definition)
    if form.validate_on_submit():
        changes = form.changes()
        what = "Renamed" if changes["label"] != found["label"] else "Edited"
        changed = edits.edit_theme(version.definition, theme_id, changes)
        return _save(form, codebook, changed, "codebooks/theme_form.html",
                     note=f"{what} theme {theme_id}", action="codebook.edit_theme",
                     title=f"Edit {found['label']}", theme_id=theme_id)
    return render_template("codebooks/theme_form.html", form=form, codebook=codebook,
                           title=f"Edit {found['label']}",
                           theme_id=theme_id), 400 if form.errors else 200


@bp.route("/<key>/merge", methods=["GET", "POST"])
@form_refuses_nul
def merge(key: str):
    """Merge themes; their tags move to the theme kept."""
    _editor()
    codebook, version = _codebook(key)
    form = MergeForm()
    form.keep.choices = form.absorbed.choices = _theme_choices(version.definition)
    if form.validate_on_submit():
        absorbed = [t for t in form.absorbed.data if t != form.keep.data]
        try:
            changed = edits.merge_themes(version.definition, form.keep.data, absorbed)
        except CodebookError as error:
            return _refuse(form, "codebooks/merge.html", error, codebook=codebook)
        return _save(form, codebook, changed, "codebooks/merge.html",
                     note=f"Merged {', '.join(absorbed)} into {form.keep.data}",
                     action="codebook.merge", renamed={t: form.keep.data for t in absorbed})
    return render_template("codebooks/merge.html", form=form,
                           codebook=codebook), 400 if form.errors else 200


@bp.route("/<key>/themes/<theme_id>/split", methods=["GET", "POST"])
@form_refuses_nul
def split(key: str, theme_id: str):
    """Split a theme in two; each tag goes to the closer part and is flagged for review."""
    _editor()
    codebook, version = _codebook(key)
    found = theme(version.definition, theme_id)
    if found is None:
        abort(404)
    form = SplitForm()
    if form.validate_on_submit():
        parts = form.parts()
        try:
            changed = edits.split_theme(version.definition, theme_id, parts)
        except CodebookError as error:
            return _refuse(form, "codebooks/split.html", error, codebook=codebook, theme=found)
        return _save(form, codebook, changed, "codebooks/split.html",
                     note=f"Split {theme_id} into {parts[0]['id']} and {parts[1]['id']}",
                     action="codebook.split", split=(theme_id, [p["id"] for p in parts]),
                     theme=found)
    return render_template("codebooks/split.html", form=form, codebook=codebook,
                           theme=found), 400 if form.errors else 200


def _save(form, codebook: Codebook, definition: dict, template: str, *, note: str,
          action: str, renamed: dict | None = None, split: tuple | None = None, **context):
    """Store the change as a new version, carry tags along, queue a re-run; or re-show."""
    try:
        begin_write(db.session)
        codebook = db.session.get_one(Codebook, codebook.id)
        version = edits.apply_change(db.session, codebook, definition, actor=current_user,
                                     note=note, action=action, renamed=renamed, split=split,
                                     choose=choose_parts)
        number = version.number
        db.session.commit()
    except CodebookError as error:
        forget_session()
        return _refuse(form, template, error, codebook=codebook, **context)
    except OperationalError:
        forget_session()
        flash(BUSY)
        return busy_page(render_template(template, form=form, codebook=codebook, **context))
    job = jobs.enqueue("retag", {"codebook": codebook.key}, actor=current_user)
    flash(f"Saved as version {number}. The engine is re-coding answers with it.")
    return redirect(url_for(".job", job_id=job.id))


def _refuse(form, template: str, error: Exception, **context):
    """Re-show a form with the domain's reason, keeping what was typed."""
    return render_template(template, form=form, problem=str(error), **context), 400


@bp.route("/<key>/export.qdc")
def export(key: str):
    """Download the current version as a REFI-QDA codebook."""
    _, version = _codebook(key)
    filename = f"{key}-v{version.number}.qdc"
    return attachment(export_version(version), "application/xml", filename)


@bp.route("/<key>/import", methods=["GET", "POST"])
@accepts_upload
def import_file(key: str):
    """Store a .qdc file as the next version; a bad file names its failing element."""
    _editor()
    codebook, _ = _codebook(key)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            begin_write(db.session)
            version = import_version(db.session, key, upload.read(), actor=current_user,
                                     filename=upload.filename or "upload.qdc")
            number = version.number
            db.session.commit()
        except (QdcError, CodebookError) as error:
            forget_session()
            return _refuse(form, "codebooks/import.html", error, codebook=codebook)
        except OperationalError:
            forget_session()
            return busy_page(render_template("codebooks/import.html", form=form,
                                             codebook=codebook))
        job = jobs.enqueue("retag", {"codebook": key}, actor=current_user)
        flash(f"Imported as version {number}. The engine is re-coding answers with it.")
        return redirect(url_for(".job", job_id=job.id))
    return render_template("codebooks/import.html", form=form,
                           codebook=codebook), 400 if form.errors else 200


@bp.route("/<key>/rerun", methods=["POST"])
def rerun(key: str):
    """Re-code every answer with the current engine, in the background."""
    _editor()
    if not FlaskForm().validate_on_submit():
        abort(400)
    _codebook(key)
    job = jobs.enqueue("retag", {"codebook": key}, actor=current_user)
    return redirect(url_for(".job", job_id=job.id))


def _job(job_id: int) -> Job:
    """A job the user started (leads: any job), or 404."""
    query = select(Job).where(Job.id == job_id)
    if not current_user.sees_every_service:
        query = query.where(Job.created_by_id == current_user.id)
    job = db.session.scalar(query)
    if job is None:
        abort(404)
    return job


@bp.route("/jobs/<int:job_id>")
def job(job_id: int):
    """A background job's status, refreshing itself until it ends."""
    return render_template("codebooks/job.html", job=_job(job_id))


@bp.route("/jobs/<int:job_id>.json")
def job_status(job_id: int):
    """The job's progress for scripts and the page's poller."""
    found = _job(job_id)
    return jsonify(id=found.id, kind=found.kind, state=found.state, done=found.done,
                   total=found.total, percent=found.percent, message=found.message)


@bp.app_template_filter("theme_label")
def theme_label(theme_id: str, definition: dict) -> str:
    """A theme's label in a definition, or its id."""
    return labels(definition).get(theme_id, theme_id)


@bp.app_template_filter("audit_summary")
def audit_summary(values: dict | None) -> str:
    """An audit event's before or after as one readable line (long lists as a count)."""
    parts = []
    for key, value in (values or {}).items():
        if value in (None, [], "", {}):
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value)) if len(value) <= 6 else f"{len(value)} themes"
        elif isinstance(value, dict):
            value = ", ".join(f"{k} → {v}" for k, v in value.items())
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return " · ".join(parts)
