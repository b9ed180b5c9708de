"""The guard of the administrators' pages (the audit trail, People)."""

from flask import abort
from flask_login import current_user, login_required

from portal.models import Role


@login_required
def require_admin():
    """Administrators only: other staff get 403, visitors the sign-in page."""
    if current_user.role is not Role.ADMIN:
        abort(403)
