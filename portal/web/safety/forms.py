"""The form that acknowledges or closes a risk flag."""

from wtforms import StringField, TextAreaField

from portal.web.text_form import TextForm


class FlagForm(TextForm):
    """The button pressed (acknowledged or closed) and the clinician's note."""

    status = StringField()
    note = TextAreaField()
