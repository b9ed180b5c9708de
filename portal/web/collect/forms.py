"""Survey forms built from an instrument definition; the answers are checked in the domain."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.domain.instruments import items
from portal.models import InstrumentVersion

# Posted names that are not answers.
META_FIELDS = frozenset({"csrf_token", "submission_key", "version", "consent"})


class SurveyForm(FlaskForm):
    """The fields every survey has: its CSRF token, submission key and version."""

    submission_key = HiddenField()
    version = HiddenField()
    section_errors: dict[str, str] = {}  # set per instance by the view


# A version's content never changes, so its form class is built once per process.
_CLASSES: dict[str, type["SurveyForm"]] = {}


def survey_form_class(version: InstrumentVersion) -> type["SurveyForm"]:
    """Return the form class for an instrument version."""
    form_class = _CLASSES.get(version.content_hash)
    if form_class is None:
        form_class = _CLASSES[version.content_hash] = build_form_class(version.definition)
    return form_class


def build_form_class(definition: dict) -> type[SurveyForm]:
    """Return a form class with one field per item of the definition."""
    attributes: dict[str, Field] = {}
    for item in items(definition):
        if item["id"] in META_FIELDS or hasattr(SurveyForm, item["id"]):
            raise ValueError(f"item id {item['id']!r} clashes with a form attribute")
        attributes[item["id"]] = _field(item)
    if definition.get("consent"):
        attributes["consent"] = BooleanField(
            "I have read this and I am happy to take part",
            validators=[InputRequired("Please tick the box to say you are happy to take part.")],
        )
    return type("InstrumentForm", (SurveyForm,), attributes)


def _field(item: dict) -> Field:
    """Build the field that carries one item's raw value."""
    if item["type"] == "text":
        return TextAreaField(item["prompt"])
    if item["type"] in ("choice", "scale"):
        options = item["options"] + item.get("not_relevant", [])
        # Choices are checked by the domain, which gives the clearer message.
        return RadioField(item["prompt"],
                          choices=[SelectChoice(str(o["value"]), o["label"]) for o in options],
                          validate_choice=False)
    return StringField(item["prompt"])
