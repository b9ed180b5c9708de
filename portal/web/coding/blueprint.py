"""The coding blueprint, its access rule and the look-ups every coding view shares."""

from flask import Blueprint, abort, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal.domain.codebooks import current_version
from portal.extensions import db
from portal.models import Codebook, CodebookVersion

bp = Blueprint("coding", __name__, url_prefix="/coding")


@bp.before_request
@login_required
def require_coder():
    """Every page here is for coders; vendors are never coders, so they never get in."""
    if not current_user.can_code:
        abort(403)


def require_lead() -> None:
    """Refuse anyone but leads and admins, whose decisions apply to every service."""
    if not current_user.sees_every_service:
        abort(403)


def current_or_404(key: str) -> CodebookVersion:
    """The current version of the codebook with this key, or 404."""
    version = current_version(db.session, key)
    if version is None:
        abort(404)
    return version


def version_or_404(key: str, number: int) -> CodebookVersion:
    """A given version of a codebook (a form names the version it was opened with), or 404."""
    version = db.session.scalar(
        select(CodebookVersion).join(Codebook)
        .where(Codebook.key == key, CodebookVersion.number == number))
    if version is None:
        abort(404)
    return version


def coding_version(key: str, form: FlaskForm) -> CodebookVersion:
    """The current version for a page; for a sent coding form, the version it was opened with.

    A form opened before the codebook changed names the old version, which the domain then
    refuses with a message, rather than the answer being coded against themes not shown.
    """
    if request.method != "POST":
        return current_or_404(key)
    if not form.validate_on_submit():
        abort(400)
    try:
        number = int(form.version.data or "")
    except ValueError:
        abort(400)
    return version_or_404(key, number)
