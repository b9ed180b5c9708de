"""Accounts: password hashing, upgrades of old hashes, changing a password."""

import pytest
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash as werkzeug_hash

from portal.domain.accounts import (
    WrongPassword,
    authenticate,
    change_password,
    create_user,
    needs_rehash,
)
from portal.extensions import db
from portal.models import Role
from tests.conftest import PASSWORD


def test_passwords_are_stored_with_scrypt(world):
    """New hashes use werkzeug's scrypt; the password itself is nowhere."""
    stored = world.users["lead"].password_hash
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert not needs_rehash(stored)


def test_an_old_hash_is_upgraded_at_sign_in(world):
    """A pbkdf2 hash still signs in, and is replaced by scrypt on the way."""
    lead = world.users["lead"]
    lead.password_hash = werkzeug_hash(PASSWORD, method="pbkdf2:sha256:600000")
    db.session.commit()
    assert needs_rehash(lead.password_hash)
    assert authenticate(db.session, "lead@x.test", PASSWORD) is lead
    assert lead.password_hash.startswith("scrypt:")
    assert check_password_hash(lead.password_hash, PASSWORD)


def test_a_wrong_password_leaves_an_old_hash_alone(world):
    """Only a correct password may be rehashed."""
    lead = world.users["lead"]
    old = lead.password_hash = werkzeug_hash(PASSWORD, method="pbkdf2:sha256:600000")
    assert authenticate(db.session, "lead@x.test", "not the password") is None
    assert lead.password_hash == old


def test_change_password(world):
    """The current password is checked; the new one must be long, new and not the email."""
    lead = world.users["lead"]
    with pytest.raises(WrongPassword):
        change_password(db.session, lead, "wrong", "a brand new password")
    for bad in ("short", PASSWORD, "lead@x.test"):
        with pytest.raises(ValueError):
            change_password(db.session, lead, PASSWORD, bad)
    change_password(db.session, lead, PASSWORD, "a brand new password")
    assert authenticate(db.session, "lead@x.test", "a brand new password") is lead
    assert authenticate(db.session, "lead@x.test", PASSWORD) is None


def test_an_account_password_may_not_be_its_email(app):
    """create_user refuses the email as password."""
    with pytest.raises(ValueError, match="email"):
        create_user(db.session, email="long.address@x.test", name="L",
                    password="Long.Address@x.test", role=Role.LEAD)
