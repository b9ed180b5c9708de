"""Fixtures for the coding pages."""

import pytest

from tests.conftest import login


@pytest.fixture
def coder(client, coded):
    """The test client signed in as the Leeds coder."""
    login(client, coded.users["coder"].email)
    return coded.users["coder"]
