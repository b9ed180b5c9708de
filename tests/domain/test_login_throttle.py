"""The sign-in throttle on both stores: the database and a real Redis, on a fixed clock."""

from datetime import datetime, timedelta

import pytest

from portal.domain.login_throttle import DatabaseStore, Limits, RedisStore, Throttle
from portal.extensions import db
from portal.models import LoginFailure

T0 = datetime(2026, 3, 2, 9, 0, 0)
LIMITS = Limits(per_account=3, per_client=5, window=timedelta(minutes=10))


@pytest.fixture(params=["database", "redis"])
def store(request, app):
    """Each test runs once on the database store and once on Redis."""
    if request.param == "database":
        yield DatabaseStore(db.session)
        return
    from redis import Redis

    url, prefix = request.getfixturevalue("redis_prefix")
    connection = Redis.from_url(url)
    yield RedisStore(connection, prefix=prefix)
    connection.close()


def at(minutes: float) -> datetime:
    """T0 plus some minutes."""
    return T0 + timedelta(minutes=minutes)


def test_an_account_locks_after_its_limit_and_unlocks_as_failures_age(store):
    """Three failures lock the account; the lock lifts when the first failure leaves the window."""
    throttle = Throttle(store, "secret", LIMITS)
    assert [throttle.failed("a@x.test", "10.0.0.1", at(m)) for m in (0, 1, 2)] == \
        [False, False, True]
    block = throttle.blocked("A@x.test ", "10.0.0.2", at(3))  # case and spaces do not matter
    assert block is not None and block.reason == "account"
    assert block.retry_after == 7 * 60  # the failure at 0 leaves the window at 10
    assert throttle.blocked("a@x.test", "10.0.0.2", at(9.9)) is not None
    assert throttle.blocked("a@x.test", "10.0.0.2", at(10)) is None
    assert throttle.blocked("b@x.test", "10.0.0.2", at(3)) is None  # other accounts are free


def test_spraying_from_one_client_is_stopped(store):
    """One failure at each of many accounts from one address blocks that address only."""
    throttle = Throttle(store, "secret", LIMITS)
    for n in range(5):
        assert throttle.failed(f"user{n}@x.test", "10.0.0.9", at(n)) is False
    block = throttle.blocked("user9@x.test", "10.0.0.9", at(5))
    assert block is not None and block.reason == "client" and block.retry_after == 5 * 60
    assert throttle.blocked("user9@x.test", "10.0.0.8", at(5)) is None


def test_a_success_clears_the_account_but_not_the_client(store):
    """A good sign-in forgets the account's failures; the client's stay (a spray's cover)."""
    throttle = Throttle(store, "secret", LIMITS)
    for m in (0, 1):
        throttle.failed("a@x.test", "10.0.0.1", at(m))
    throttle.succeeded("a@x.test")
    assert not throttle.failed("a@x.test", "10.0.0.1", at(2))
    for m in (3, 4):
        throttle.failed(f"other{m}@x.test", "10.0.0.1", at(m))
    assert throttle.blocked("z@x.test", "10.0.0.1", at(5)).reason == "client"


def test_stores_keep_no_email_or_address(store, redis_keys):
    """Keys are HMACs: neither the email (nor a password typed into it) nor the address."""
    Throttle(store, "secret", LIMITS).failed("hunter2-typed-here@x.test", "10.0.0.1", T0)
    keys = redis_keys(store)
    assert keys and not any("hunter2" in k or "10.0.0.1" in k for k in keys)


@pytest.fixture
def redis_keys():
    """Every key a store holds, as text."""
    def keys(store) -> list[str]:
        if isinstance(store, DatabaseStore):
            return list(db.session.scalars(db.select(LoginFailure.key)))
        return [k.decode() for k in store.redis.scan_iter(match=store.prefix + "*")]
    return keys


def test_the_database_store_prunes_old_rows(app):
    """Failures older than the window are deleted as new ones come."""
    store = DatabaseStore(db.session)
    throttle = Throttle(store, "secret", LIMITS)
    throttle.failed("a@x.test", "10.0.0.1", at(0))
    throttle.failed("b@x.test", "10.0.0.2", at(1))
    throttle.failed("a@x.test", "10.0.0.1", at(30))
    assert store.count_all() == 2  # this failure's account and client; b's rows are gone
