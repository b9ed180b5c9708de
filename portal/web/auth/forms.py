"""Sign-in and password forms."""

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.domain.accounts import MIN_PASSWORD_LENGTH
from portal.web.text_form import TextForm


class LoginForm(TextForm):
    """Email and password."""

    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class ChangePasswordForm(TextForm):
    """The current password, and the new one twice."""

    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)])
    new = PasswordField("New password", description=f"At least {MIN_PASSWORD_LENGTH} characters.",
                        validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField("New password again",
                            validators=[DataRequired(),
                                        EqualTo("new", "The new passwords differ.")])
