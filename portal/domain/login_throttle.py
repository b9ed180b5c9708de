"""Failed sign-ins counted per account and per client, shared by every worker.

Two sliding windows of failures: one per email address (brute force on one account: a soft
lockout that lifts as failures age out) and one per client address (password spraying: few
tries at each of many accounts). Counts live in Redis when it is configured, else in the
database; both stores keep the same timestamps and so give the same answers.
"""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.models import LoginFailure


@dataclass(frozen=True)
class Limits:
    """How many failures a window allows per account and per client."""

    per_account: int = 5
    per_client: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Block:
    """Why a sign-in is refused before its password is checked, and for how long."""

    reason: str  # "account" or "client"
    retry_after: int  # seconds


class Store(Protocol):
    """Timestamps of failures per key."""

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Record one failure and forget those older than the window."""

    def within(self, key: str, now: datetime, window: timedelta) -> list[datetime]:
        """Return the failures inside the window, oldest first."""

    def clear(self, key: str) -> None:
        """Forget every failure under the key."""


class DatabaseStore:
    """Failures as LoginFailure rows; the caller commits with the rest of the request."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Insert the failure and prune every key's rows older than the window."""
        # All keys, not just this one: a sprayer's one-off keys would otherwise stay forever.
        self.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))
        self.session.add(LoginFailure(key=key, at=now))
        self.session.flush()

    def within(self, key: str, now: datetime, window: timedelta) -> list[datetime]:
        """Select the key's failures after the window's start."""
        return list(self.session.scalars(
            select(LoginFailure.at).where(LoginFailure.key == key, LoginFailure.at > now - window)
            .order_by(LoginFailure.at)))

    def clear(self, key: str) -> None:
        """Delete the key's rows."""
        self.session.execute(delete(LoginFailure).where(LoginFailure.key == key))

    def count_all(self) -> int:
        """Return how many failures are stored (for tests and the curious)."""
        return self.session.scalar(select(func.count()).select_from(LoginFailure)) or 0


class RedisStore:
    """Failures as members of one sorted set per key, scored by time; sets expire by themselves."""

    def __init__(self, redis, prefix: str = "uptake:login:"):
        self.redis = redis
        self.prefix = prefix

    def add(self, key: str, now: datetime, window: timedelta) -> None:
        """Add the failure, trim the set to the window and let it expire after the window."""
        name, score = self.prefix + key, _epoch(now)
        with self.redis.pipeline() as pipe:  # MULTI/EXEC: other workers see all or nothing
            pipe.zadd(name, {f"{score}:{secrets.token_hex(4)}": score})
            pipe.zremrangebyscore(name, "-inf", score - window.total_seconds())
            pipe.expire(name, math.ceil(window.total_seconds()))
            pipe.execute()

    def within(self, key: str, now: datetime, window: timedelta) -> list[datetime]:
        """Read the scores after the window's start."""
        start = _epoch(now) - window.total_seconds()
        scores = self.redis.zrangebyscore(self.prefix + key, f"({start}", "+inf", withscores=True)
        return [datetime.fromtimestamp(score, UTC).replace(tzinfo=None) for _m, score in scores]

    def clear(self, key: str) -> None:
        """Delete the key's set."""
        self.redis.delete(self.prefix + key)


def _epoch(moment: datetime) -> float:
    """Seconds since the epoch for one of our naive UTC times."""
    return moment.replace(tzinfo=UTC).timestamp()


class Throttle:
    """Decide whether a sign-in may be tried, and note how it went."""

    def __init__(self, store: Store, secret: str, limits: Limits | None = None):
        self.store = store
        self.secret = secret.encode()
        self.limits = limits or Limits()

    def _key(self, kind: str, value: str) -> str:
        """An HMAC, so neither store holds an email (or a password typed into its field)."""
        digest = hmac.new(self.secret, f"{kind}:{value}".encode(), hashlib.sha256)
        return f"{kind}:{digest.hexdigest()[:64]}"

    def _account(self, email: str) -> str:
        return self._key("account", email.strip().lower())

    def _client(self, address: str) -> str:
        return self._key("client", address)

    def _block(self, key: str, limit: int, now: datetime) -> int | None:
        """Seconds until the key's failures drop below the limit, or None if they are below."""
        times = self.store.within(key, now, self.limits.window)
        if len(times) < limit:
            return None
        # The window slides: once the oldest failures that put the key at its limit age out,
        # one more try is allowed.
        frees_at = times[len(times) - limit] + self.limits.window
        return max(1, math.ceil((frees_at - now).total_seconds()))

    def blocked(self, email: str, address: str, now: datetime) -> Block | None:
        """Return why this attempt is refused unchecked, or None when it may go ahead."""
        seconds = self._block(self._client(address), self.limits.per_client, now)
        if seconds is not None:
            return Block("client", seconds)
        seconds = self._block(self._account(email), self.limits.per_account, now)
        if seconds is not None:
            return Block("account", seconds)
        return None

    def failed(self, email: str, address: str, now: datetime) -> bool:
        """Note a failure for the account and the client; True when it locks the account."""
        self.store.add(self._account(email), now, self.limits.window)
        self.store.add(self._client(address), now, self.limits.window)
        return self._block(self._account(email), self.limits.per_account, now) is not None

    def succeeded(self, email: str) -> None:
        """Forget the account's failures; the client's stay, or one good account would hide
        a spray."""
        self.store.clear(self._account(email))
