"""What to do about a service's strongest barriers: CFIR constructs matched to ERIC strategies.

The barriers are counted in SQL (barrier mentions per service and CFIR construct, from the
effective tags of the icbt-implementation codebook version the filters name); the matching is
data, surveys/strategies/cfir_eric.toml, taken from the CFIR-ERIC matching tool (Waltz et al.
2019) with ERIC names and clusters (Powell et al. 2015; Waltz et al. 2015).
"""

import functools
import tomllib
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.config import REPO_ROOT
from portal.domain.dashboard_filters import Filters
from portal.domain.readiness import cfir_of, text_version
from portal.domain.rollup_queries import theme_rows
from portal.models import Service, ThemeRollup, User

MAPPING_FILE = REPO_ROOT / "surveys" / "strategies" / "cfir_eric.toml"
STRATEGY_COLUMNS = ["service_id", "service", "rank", "cfir_construct", "cfir_domain",
                    "barrier_mentions", "respondents", "cfir2009", "strategy", "cluster",
                    "level", "endorsement", "verified", "source"]
LEVEL_ORDER = {"1": 0, "1-2": 1, "2": 2}
R = ThemeRollup


@functools.cache
def mapping(path: Path = MAPPING_FILE) -> dict:
    """The CFIR-ERIC data: {"source", "levels", "constructs": {cfir2: {...}}}; checked on load."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    clusters, strategies = data["clusters"], data["strategies"]
    constructs = {}
    for entry in data["constructs"]:
        rows = []
        for strategy in entry["strategies"]:
            if strategy["name"] not in strategies:
                raise ValueError(f"{path.name}: {strategy['name']!r} is not in [strategies]")
            if strategy["level"] not in LEVEL_ORDER:
                raise ValueError(f"{path.name}: level {strategy['level']!r} is not 1, 2 or 1-2")
            rows.append({"strategy": strategy["name"],
                         "cluster": clusters[strategies[strategy["name"]]],
                         "level": strategy["level"], "endorsement": strategy.get("endorsement"),
                         "verified": bool(strategy.get("verified", False))})
        rows.sort(key=lambda r: (LEVEL_ORDER[r["level"]], -(r["endorsement"] or 0)))
        constructs[entry["cfir2"]] = {"cfir2009": entry["cfir2009"], "note": entry.get("note", ""),
                                      "strategies": rows}
    return {"source": data["source"], "levels": data["levels"], "constructs": constructs}


def strategies_for(session: Session, user: User, filters: Filters, top: int = 3, *,
                   k: int = 5, per_barrier: int | None = None) -> pd.DataFrame:
    """Per service its `top` strongest barriers with the matched ERIC strategies, one row each.

    A barrier is a CFIR construct (the theme's `cfir_construct`); its strength is the number of
    barrier mentions, counted only where at least k distinct respondents made them (fewer are
    neither shown nor ranked). Ties go to the construct name. Strategies come in the tool's
    order: level 1 first, then by endorsement; per_barrier caps them. A construct without a
    mapping still gets one row, with no strategy.
    """
    version = text_version(session, filters)
    if version is None:
        return pd.DataFrame(columns=STRATEGY_COLUMNS)
    query = select(R.service_id, Service.name, R.a, func.sum(R.mentions),
                   func.sum(R.respondents)) \
        .join(Service, Service.id == R.service_id) \
        .where(*theme_rows(user, filters, version.id, "construct", "barrier")) \
        .group_by(R.service_id, Service.name, R.a)
    counts = pd.DataFrame(session.execute(query).all(),
                          columns=["service_id", "service", "cfir_construct", "mentions",
                                   "respondents"])
    counts = counts[(counts["mentions"] > 0) & (counts["respondents"] >= k)]
    counts = counts.sort_values(["service", "service_id", "mentions", "cfir_construct"],
                                ascending=[True, True, False, True], kind="stable")
    domains = {construct: _domain_of(version, construct)
               for construct in cfir_of(version, "cfir_construct")}
    data = mapping()
    out = []
    for (service_id, service), group in counts.groupby(["service_id", "service"], sort=False):
        for rank, row in enumerate(group.head(top).itertuples(index=False), start=1):
            entry = data["constructs"].get(row.cfir_construct)
            base = {"service_id": service_id, "service": service, "rank": rank,
                    "cfir_construct": row.cfir_construct,
                    "cfir_domain": domains.get(row.cfir_construct),
                    "barrier_mentions": int(row.mentions), "respondents": int(row.respondents),
                    "cfir2009": entry["cfir2009"] if entry else None, "source": data["source"]}
            matched = (entry["strategies"] if entry else [])[:per_barrier]
            if not matched:
                out.append({**base, "strategy": None, "cluster": None, "level": None,
                            "endorsement": None, "verified": None})
            for strategy in matched:
                out.append({**base, **strategy})
    return pd.DataFrame(out, columns=STRATEGY_COLUMNS)


def _domain_of(version, construct: str) -> str | None:
    """The CFIR domain of the first theme coded under a construct."""
    for theme in version.definition.get("themes", []):
        if theme.get("cfir_construct") == construct:
            return theme.get("cfir_domain")
    return None
