"""Forms for coding: the coding form's token and version, new samples, plain POST buttons."""

from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from portal.domain.samples import MAX_SAMPLE
from portal.web.text_form import TextForm


class CodingForm(TextForm):
    """The CSRF token and the codebook version the page showed; themes are read by choices.py.

    The theme checkboxes and polarity radios depend on the codebook, so they are plain inputs
    rather than WTForms fields.
    """

    version = HiddenField(validators=[InputRequired()])


class SampleForm(TextForm):
    """Name, the two coders and the size of a blind double-coding sample."""

    name = StringField("Name", description="For example “Spring patient feedback”.",
                       validators=[InputRequired("Give the sample a name."), Length(max=120)])
    first_coder = SelectField("First coder", coerce=int,
                              validators=[InputRequired("Choose the first coder.")])
    second_coder = SelectField("Second coder", coerce=int,
                               validators=[InputRequired("Choose the second coder.")])
    size = IntegerField("Number of answers", default=20, validators=[
        InputRequired("Say how many answers to draw."),
        NumberRange(1, MAX_SAMPLE, f"Choose 1 to {MAX_SAMPLE} answers.")])

    def validate_second_coder(self, field: SelectField) -> None:
        """Blind double-coding needs two different people."""
        if field.data == self.first_coder.data:
            raise ValidationError("Choose a second coder other than the first.")
