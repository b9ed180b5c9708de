"""The dashboards' data: every aggregate by name, scoped to the user and cached.

Domain modules are imported when first asked for, so a page whose module is not there yet
shows a notice instead of breaking the app.
"""

import importlib
import inspect
from collections.abc import Iterable

import pandas as pd
from flask import current_app

from dashboards.cache import cached
from portal.domain.dashboard_filters import Filters
from portal.extensions import db
from portal.models import User
from portal.models.instruments import STAKEHOLDER_GROUPS

STAFF_GROUPS = ("therapist", "service_manager", "vendor")

# name -> (module, function, keyword arguments)
SOURCES: dict[str, tuple[str, str, dict]] = {
    "responses_service": ("portal.domain.overview_stats", "responses_by",
                          {"dimension": "service"}),
    "responses_group": ("portal.domain.overview_stats", "responses_by", {"dimension": "group"}),
    "responses_instrument": ("portal.domain.overview_stats", "responses_by",
                             {"dimension": "instrument"}),
    "responses_month": ("portal.domain.overview_stats", "responses_by", {"dimension": "month"}),
    "uptake_links": ("portal.domain.overview_stats", "invitation_uptake", {}),
    "uptake_services": ("portal.domain.overview_stats", "uptake_by_service", {}),
    "freshness": ("portal.domain.overview_stats", "freshness", {}),
    "theme_by_group": ("portal.domain.theme_stats", "theme_by_group", {}),
    "polarity_by_theme": ("portal.domain.theme_stats", "polarity_by_theme", {}),
    "theme_trend": ("portal.domain.theme_stats", "theme_trend", {}),
    "cooccurrence": ("portal.domain.theme_stats", "cooccurrence", {}),
    "structure_counts": ("portal.domain.theme_stats", "structure_counts", {}),
    "oric": ("portal.domain.readiness", "oric", {}),
    "nomad": ("portal.domain.readiness", "nomad", {}),
    "cfir_valence": ("portal.domain.readiness", "cfir_valence", {}),
    "readiness": ("portal.domain.readiness", "readiness", {}),
    "waves": ("portal.domain.readiness", "waves", {}),
    "strategies": ("portal.domain.strategies", "strategies_for", {}),
}


class NotReady(Exception):
    """The domain module behind a chart is not available (yet)."""


def function(module: str, name: str):
    """Import a domain function, or raise NotReady."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise NotReady(f"{module}.{name} is not available") from error


def get(name: str, user: User, filters: Filters):
    """The named aggregate for this user and these filters, from the cache when fresh."""
    module, func_name, kwargs = SOURCES[name]
    compute = function(module, func_name)
    kwargs = {**kwargs, **with_config(compute)}
    session = db.session
    return cached(name, session, user, filters, lambda: compute(session, user, filters, **kwargs))


def with_config(compute) -> dict:
    """config=app.config for domain functions that take it (the k thresholds live there)."""
    try:
        accepts = "config" in inspect.signature(compute).parameters
    except (TypeError, ValueError):
        accepts = False
    return {"config": current_app.config} if accepts else {}


def quotes(user: User, filters: Filters, theme: str, group: str | None = None,
           polarity: str | None = None, with_theme: str | None = None, limit: int = 20) -> list:
    """The quotes behind a number (never cached: they are few and fetched on a click)."""
    fetch = function("portal.domain.theme_stats", "quotes")
    extra = {"with_theme": with_theme} if with_theme else {}
    return fetch(db.session, user, filters, theme, group=group, polarity=polarity, limit=limit,
                 **extra, **with_config(fetch))


def k_for(groups: Iterable[str]) -> int:
    """The suppression threshold for these groups (patient k when patients are in)."""
    groups = list(groups)
    try:
        return function("portal.domain.suppression", "k_for")(groups, current_app.config)
    except NotReady:
        if "patient" in groups:
            return int(current_app.config.get("SUPPRESSION_K_PATIENT", 10))
        return int(current_app.config.get("SUPPRESSION_K_STAFF", 5))


def k_for_view(filters: Filters, staff_only: bool = False) -> int:
    """k for what a view shows: the chosen groups, else every group (staff-only for scales)."""
    groups = filters.groups or STAKEHOLDER_GROUPS
    if staff_only:
        groups = [g for g in groups if g in STAFF_GROUPS] or STAFF_GROUPS
    return k_for(groups)


def empty(columns: list[str]) -> pd.DataFrame:
    """An empty frame with these columns."""
    return pd.DataFrame(columns=columns)
