"""Forms for the People pages; the service and vendor choices come from the views."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from portal.domain.accounts import MIN_PASSWORD_LENGTH
from portal.models import Role
from portal.web.text_form import TextForm

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]
PASSWORD_HINT = (f"At least {MIN_PASSWORD_LENGTH} characters. Give it to the person by a "
                 "separate channel (not by e-mail); the portal asks them to choose their own "
                 "when they first sign in with it.")


def optional_int(value):
    """Coerce a select's value to an int, with '' meaning none."""
    if value in (None, "", "None"):
        return None
    return int(value)


class PeopleFilterForm(TextForm):
    """The list's filter, sent by GET."""

    class Meta:
        csrf = False  # a GET that changes nothing

    role = SelectField("Role", choices=[SelectChoice("", "Any role"), *ROLE_CHOICES],
                       default="", validators=[Optional()])
    active = SelectField("Account", choices=[SelectChoice("", "Active and disabled"),
                                             SelectChoice("yes", "Active only"),
                                             SelectChoice("no", "Disabled only")],
                         default="", validators=[Optional()])


class ScopeForm(TextForm):
    """A role with its service or vendor; the view fills the choices."""

    role = SelectField("Role", choices=ROLE_CHOICES, validators=[InputRequired()])
    service_id = SelectField("Service (service managers and therapists)", coerce=optional_int,
                             validators=[Optional()])
    vendor_id = SelectField("Vendor (vendor representatives)", coerce=optional_int,
                            validators=[Optional()])


class TemporaryPasswordForm(TextForm):
    """A temporary password for someone who cannot sign in."""

    password = PasswordField("Temporary password", description=PASSWORD_HINT,
                             validators=[InputRequired("Give a temporary password."),
                                         Length(max=1024)])
    confirm = PasswordField("Temporary password again",
                            validators=[InputRequired("Type the password again."),
                                        Length(max=1024),
                                        EqualTo("password", "The two passwords differ.")])


class NewAccountForm(ScopeForm, TemporaryPasswordForm):
    """A new account: who, their role and scope, and a temporary password."""

    # No role is preselected: an administrator's account is never made by not looking.
    role = SelectField("Role", choices=[SelectChoice("", "Choose a role"), *ROLE_CHOICES],
                       validators=[InputRequired("Choose a role.")])
    name = StringField("Name", validators=[InputRequired("Give the person's name."),
                                           Length(max=120)])
    email = EmailField("Email address", validators=[InputRequired("Give an email address."),
                                                    Length(max=254)])


class ChangeAccountForm(ScopeForm):
    """An account's role, scope and whether it may sign in."""

    active = BooleanField("Active: the person may sign in")
