"""Designating people (coders, clinicians): one form, one write, whoever may designate."""

from collections.abc import Callable

from flask import abort, flash, redirect, request
from flask_wtf import FlaskForm
from sqlalchemy import Select
from sqlalchemy.exc import OperationalError

from portal.database import begin_write
from portal.extensions import db
from portal.models import User
from portal.web.errors import busy_page, forget_session


def designate_from_form(people: Select, user_id: int, apply: Callable[[User, bool], object],
                        message: Callable[[str, bool], str], back: str):
    """Apply the posted "designate" (0 or 1) to one person the query allows, else 404.

    The form says which state it wants, so sending it twice does not flip the person back.
    """
    wanted = request.form.get("designate")
    if not FlaskForm().validate_on_submit() or wanted not in ("0", "1"):
        abort(400)
    try:
        begin_write(db.session)
        person = db.session.scalar(people.where(User.id == user_id))
        if person is None:
            abort(404)
        apply(person, wanted == "1")
        name = person.name
        db.session.commit()
    except OperationalError:
        forget_session()
        return busy_page()
    flash(message(name, wanted == "1"))
    return redirect(back)
