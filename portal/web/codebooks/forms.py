"""Forms for changing a codebook; choices come from the view."""

from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.domain.codebooks import CODE_ID, MAX_TEXT
from portal.web.text_form import TextForm

ID_HINT = "Lower-case letters, digits and underscores, starting with a letter; never changes."
LINES_HINT = "One per line."


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a text area."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ThemeTextForm(TextForm):
    """What coders read about a theme."""

    label = StringField("Label", validators=[InputRequired("Give the theme a label."),
                                             Length(max=120)])
    parent = SelectField("Sits under", validators=[Optional()])
    description = TextAreaField("Description for coders", validators=[Length(max=MAX_TEXT)])
    include = TextAreaField("Code when…", validators=[Length(max=MAX_TEXT)])
    exclude = TextAreaField("Do not code when…", validators=[Length(max=MAX_TEXT)])
    examples = TextAreaField("Example phrasings", description=LINES_HINT,
                             validators=[Length(max=20 * MAX_TEXT)])
    keywords = TextAreaField("Keywords the tagger looks for", description=LINES_HINT,
                             validators=[Length(max=MAX_TEXT)])

    def changes(self) -> dict:
        """The form's values in the codebook's shape."""
        return {"label": self.label.data.strip(), "parent": self.parent.data or "",
                "description": (self.description.data or "").strip(),
                "include": (self.include.data or "").strip(),
                "exclude": (self.exclude.data or "").strip(),
                "examples": lines(self.examples.data), "keywords": lines(self.keywords.data)}


class NewThemeForm(ThemeTextForm):
    """A theme with its permanent id."""

    theme_id = StringField("Id", description=ID_HINT, validators=[
        InputRequired("Give the theme an id."), Regexp(CODE_ID, message=ID_HINT)])


class MergeForm(TextForm):
    """Fold themes into one that is kept."""

    keep = SelectField("Keep this theme", validators=[InputRequired()])
    absorbed = SelectMultipleField("…and fold these into it", option_widget=CheckboxInput(),
                                   widget=ListWidget(prefix_label=False),
                                   validators=[InputRequired("Choose at least one theme.")])


class SplitForm(TextForm):
    """Split a theme into parts, each with an id, label and description."""

    first_id = StringField("First part: id", description=ID_HINT,
                           validators=[InputRequired(), Regexp(CODE_ID, message=ID_HINT)])
    first_label = StringField("First part: label", validators=[InputRequired(), Length(max=120)])
    first_description = TextAreaField("First part: description",
                                      validators=[Length(max=MAX_TEXT)])
    first_examples = TextAreaField("First part: examples", description=LINES_HINT)
    second_id = StringField("Second part: id", description=ID_HINT,
                            validators=[InputRequired(), Regexp(CODE_ID, message=ID_HINT)])
    second_label = StringField("Second part: label",
                               validators=[InputRequired(), Length(max=120)])
    second_description = TextAreaField("Second part: description",
                                       validators=[Length(max=MAX_TEXT)])
    second_examples = TextAreaField("Second part: examples", description=LINES_HINT)

    def parts(self) -> list[dict]:
        """The two parts in the codebook's shape."""
        return [{"id": getattr(self, f"{n}_id").data.strip(),
                 "label": getattr(self, f"{n}_label").data.strip(),
                 "description": (getattr(self, f"{n}_description").data or "").strip(),
                 "examples": lines(getattr(self, f"{n}_examples").data)}
                for n in ("first", "second")]


class ImportForm(TextForm):
    """A .qdc file from another tool (or from Uptake)."""

    file = FileField("REFI-QDA codebook (.qdc)", validators=[
        FileRequired("Choose a .qdc file."), FileSize(5 * 1024 * 1024,
                                                     message="The file is over 5 MB.")])
