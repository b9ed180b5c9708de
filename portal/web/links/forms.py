"""The form that creates an invitation link."""

from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from portal.domain.invitations import MAX_DAYS, MAX_USES_LIMIT
from portal.web.text_form import TextForm


class InvitationForm(TextForm):
    """Service, instrument, label, validity and use limit; choices come from the view."""

    service_id = SelectField("Service", coerce=int, validators=[InputRequired()])
    instrument_id = SelectField("Survey", coerce=int, validators=[InputRequired()])
    label = StringField("Label", description="For you: where the link will be used, e.g. "
                        "“Waiting room poster, Leeds”.", validators=[Length(max=120)])
    days_valid = IntegerField("Valid for (days)", default=90, validators=[
        InputRequired("Please say for how many days the link works."),
        NumberRange(1, MAX_DAYS, f"Choose 1 to {MAX_DAYS} days.")])
    max_uses = IntegerField("Most responses through this link", default=200, validators=[
        InputRequired("Please give a limit."),
        NumberRange(1, MAX_USES_LIMIT, f"Choose 1 to {MAX_USES_LIMIT:,}.")])
