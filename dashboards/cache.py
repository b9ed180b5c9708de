"""A small in-process LRU for dashboard aggregates, one per Flask app.

The key holds the user's scope (not the user: two managers of one service share entries), the
filters, the query's name and `data_version(session)`, so a new response, coding or codebook
version makes every older entry unreachable; the LRU then ages them out.
"""

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app

from portal.domain.dashboard_filters import Filters, data_version
from portal.models import User

EXTENSION = "uptake_dashboard_cache"
DEFAULT_SIZE = 256


class LRU:
    """A thread-safe least-recently-used mapping with a fixed number of entries."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        """Create an empty cache holding at most size entries."""
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for key, computing (outside the lock) and storing it on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return copy.deepcopy(self._items[key])
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return copy.deepcopy(value)

    def __len__(self) -> int:
        """How many entries are held."""
        return len(self._items)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()


def scope_of(user: User) -> tuple:
    """What the SQL scope depends on: role, own service and vendor."""
    return (str(user.role), user.sees_every_service, user.service_id, user.vendor_id)


def app_cache() -> LRU:
    """This app's cache (created on first use; each test's app has its own)."""
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(
            EXTENSION, LRU(current_app.config.get("DASHBOARD_CACHE_SIZE", DEFAULT_SIZE)))
    return cache


def cached(name: str, session, user: User, filters: Filters, compute: Callable[[], Any],
           *extra: Hashable) -> Any:
    """compute() once per (scope, filters, name, extra, data_version)."""
    thresholds = (current_app.config.get("SUPPRESSION_K_PATIENT"),
                  current_app.config.get("SUPPRESSION_K_STAFF"))
    key = (name, scope_of(user), filters, extra, thresholds, tuple(data_version(session)))
    return app_cache().get_or_compute(key, compute)
