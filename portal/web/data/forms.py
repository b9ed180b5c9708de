"""The erasure form: a reference code and the reason, then a confirmation."""

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.domain.erasure import normalise_reference
from portal.domain.submissions import REFERENCE
from portal.web.text_form import TextForm


class EraseForm(TextForm):
    """Which response (its reference) and why; confirmed is set by the confirmation page."""

    reference = StringField("Reference code", description="As the respondent gave it, e.g. "
                            "K7QM-4XZP-R2AB (capitals and dashes do not matter).",
                            validators=[InputRequired("Enter the reference code."),
                                        Length(max=40)])
    reason = TextAreaField("Reason", description="Who asked, how and when; it is kept in the "
                           "audit trail (do not write what the response said).",
                           validators=[InputRequired("Give the reason for the erasure."),
                                       Length(max=300)])
    confirmed = HiddenField(default="")

    def validate_reference(self, field) -> None:
        """Refuse what cannot be a reference, before anything is looked up."""
        if not REFERENCE.match(normalise_reference(field.data or "")):
            raise ValidationError("A reference code has 12 letters and digits, "
                                  "like K7QM-4XZP-R2AB.")
