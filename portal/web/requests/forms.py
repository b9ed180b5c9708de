"""Forms for filing, editing, commenting on and planning requests; choices come from views."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.domain.request_status import KINDS, PRIORITIES
from portal.web.text_form import TextForm

KIND_CHOICES = [SelectChoice(k, v) for k, v in KINDS.items()]
PRIORITY_CHOICES = [SelectChoice(k, v) for k, v in PRIORITIES.items()]


def optional_int(value):
    """Coerce a select's value to an int, with '' meaning none."""
    if value in (None, "", "None"):
        return None
    return int(value)


class NewRequestForm(TextForm):
    """File a request directly."""

    product_id = SelectField("Service and product", coerce=int, validators=[InputRequired()])
    kind = SelectField("Type", choices=KIND_CHOICES, validators=[InputRequired()])
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default="normal",
                           validators=[InputRequired()])
    title = StringField("Title", validators=[
        InputRequired("Give the request a title."), Length(max=200)])
    description = TextAreaField("Description", description="What happens, where, since when. "
                                "Do not name patients; the vendor sees a de-identified copy.",
                                validators=[Length(max=10000)])


class EditRequestForm(TextForm):
    """One save for a request: its fields, a status change and a comment.

    ``version`` is the request's version when the form was loaded; a save from an older
    version is a conflict, shown with the person's own text kept.
    """

    version = HiddenField(validators=[InputRequired()])
    kind = SelectField("Type", choices=KIND_CHOICES, validators=[Optional()])
    title = StringField("Title", validators=[Optional(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=10000)])
    product_id = SelectField("Product", coerce=optional_int, validators=[Optional()])
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, validators=[Optional()])
    assignee_id = SelectField("Assignee", coerce=optional_int, validators=[Optional()])
    status = SelectField("Status", validators=[Optional()])
    duplicate_of = IntegerField("Duplicate of request number", validators=[
        Optional(), NumberRange(1, 2**31 - 1, "Give a request number.")])
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=5000)])
    internal = BooleanField("Internal note (only your colleagues at the vendor see it)")


class SettingsForm(TextForm):
    """A service's request settings."""

    auto_file = BooleanField("File proposed requests automatically, without review")


class PlanForm(TextForm):
    """Put a training request into the plan: a new item or an existing one."""

    item_id = SelectField("Plan item", coerce=optional_int, validators=[Optional()])
    topic = StringField("Training topic (for a new item)", validators=[Length(max=200)])
    audience = StringField("For whom", validators=[Length(max=200)])


class ScheduleForm(TextForm):
    """Schedule or record delivery of a plan item."""

    scheduled_for = DateField("Scheduled for", validators=[Optional()])
    delivered_on = DateField("Delivered on", validators=[Optional()])
