"""The sign-in throttle for this app: Redis when REDIS_URL is set, else the database."""

from datetime import timedelta

from flask import current_app

from portal.domain.login_throttle import DatabaseStore, Limits, RedisStore, Store, Throttle
from portal.extensions import db


def _store() -> Store:
    """The store every worker shares."""
    config = current_app.config
    if not config.get("REDIS_URL"):
        return DatabaseStore(db.session)
    redis = current_app.extensions.get("uptake_throttle_redis")
    if redis is None:
        from redis import Redis

        # One client (and so one connection pool) per app, made on first use.
        redis = Redis.from_url(config["REDIS_URL"], socket_timeout=2)
        current_app.extensions["uptake_throttle_redis"] = redis
    return RedisStore(redis, prefix=config["LOGIN_THROTTLE_REDIS_PREFIX"])


def throttle() -> Throttle:
    """The throttle with the configured limits."""
    config = current_app.config
    limits = Limits(per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                    per_client=config["LOGIN_MAX_FAILURES_PER_CLIENT"],
                    window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]))
    return Throttle(_store(), current_app.config["SECRET_KEY"], limits)
