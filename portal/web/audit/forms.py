"""The audit trail's filter form, sent by GET."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError


class AuditFilterForm(FlaskForm):
    """Actor, action and dates; every field optional."""

    class Meta:
        csrf = False  # a GET that changes nothing

    actor = SelectField("Who", coerce=str, validate_choice=True, default="")
    action = SelectField("Action", coerce=str, validate_choice=True, default="")
    since = DateField("From", validators=[Optional()])
    until = DateField("To (inclusive)", validators=[Optional()])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100_000)],
                        default=1)

    def validate_until(self, field) -> None:
        """The range must not run backwards."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")
