"""Fixtures for the adversarial suite: the arsenal world and its signed-in clients."""

import pytest

from tests.adversarial.helpers import Clients, build_arsenal


@pytest.fixture
def arsenal(coded):
    """The coded world with one real object of every kind a route takes by id."""
    return build_arsenal(coded)


@pytest.fixture
def clients(app, arsenal):
    """Signed-in clients per person, made on first use."""
    return Clients(app, arsenal.world)
