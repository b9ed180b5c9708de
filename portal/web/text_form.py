"""Forms that refuse an invisible NUL in their text while keeping the rest of it."""

from flask_wtf import FlaskForm

NUL = "\x00"
NUL_PROBLEM = ("This text held an invisible NUL character, which cannot be stored. It has been "
               "taken out; check the text and send it again.")


class TextForm(FlaskForm):
    """A FlaskForm whose fields refuse NUL; the field is shown again without it."""

    def validate(self, extra_validators=None) -> bool:
        """The usual checks, then NUL in any field fails that field, keeping its text."""
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and NUL in field.data:
                # PostgreSQL refuses NUL in text; a pasted one should not cost the whole form.
                field.data = field.data.replace(NUL, "")
                field.errors = [*field.errors, NUL_PROBLEM]
                valid = False
        return valid
