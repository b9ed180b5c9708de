"""Request kinds, priorities, statuses and the allowed status changes, as data."""

from portal.models import Role, User

SERVICE, VENDOR = "service", "vendor"

KINDS = {"bug": "Bug report", "training": "Training request", "feature": "Feature request",
         "question": "Question", "feedback": "Feedback to the supplier"}
PRIORITIES = {"urgent": "Urgent", "high": "High", "normal": "Normal", "low": "Low"}
STATUSES = {
    "proposed": "Proposed", "dismissed": "Dismissed", "new": "New",
    "acknowledged": "Acknowledged", "in_progress": "In progress", "resolved": "Resolved",
    "closed": "Closed", "wont_fix": "Won't fix", "duplicate": "Duplicate",
}
# Proposals belong to the service until filed; vendors never see these.
UNFILED = frozenset({"proposed", "dismissed"})
# A request in one of these no longer waits for the vendor (its resolution clock stops).
FINISHED = frozenset({"resolved", "closed", "wont_fix", "duplicate"})
OPEN = frozenset(STATUSES) - FINISHED - UNFILED

BOTH = frozenset({SERVICE, VENDOR})
# (from, to) -> the sides that may make the change. Everything else is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("proposed", "new"): frozenset({SERVICE}),
    ("proposed", "dismissed"): frozenset({SERVICE}),
    ("proposed", "duplicate"): frozenset({SERVICE}),
    ("dismissed", "proposed"): frozenset({SERVICE}),
    ("new", "acknowledged"): frozenset({VENDOR}),
    ("new", "in_progress"): frozenset({VENDOR}),
    ("new", "resolved"): frozenset({VENDOR}),
    ("new", "wont_fix"): frozenset({VENDOR}),
    ("new", "duplicate"): frozenset({VENDOR}),
    ("new", "closed"): frozenset({SERVICE}),  # withdrawn by the service
    ("acknowledged", "in_progress"): frozenset({VENDOR}),
    ("acknowledged", "resolved"): frozenset({VENDOR}),
    ("acknowledged", "wont_fix"): frozenset({VENDOR}),
    ("acknowledged", "duplicate"): frozenset({VENDOR}),
    ("in_progress", "acknowledged"): frozenset({VENDOR}),
    ("in_progress", "resolved"): frozenset({VENDOR}),
    ("in_progress", "wont_fix"): frozenset({VENDOR}),
    ("in_progress", "duplicate"): frozenset({VENDOR}),
    ("resolved", "closed"): BOTH,
    ("resolved", "in_progress"): BOTH,  # reopened: the fix did not hold
    ("wont_fix", "closed"): BOTH,
    ("wont_fix", "acknowledged"): frozenset({VENDOR}),
    ("closed", "in_progress"): frozenset({SERVICE}),
}


class TransitionRefused(ValueError):
    """A status change the rules do not allow, with a message for the person who tried."""


def sides_of(user: User) -> frozenset[str]:
    """Which side(s) of a request the user acts for: leads and admins act for both."""
    if user.sees_every_service:
        return BOTH
    if user.role is Role.MANAGER:
        return frozenset({SERVICE})
    if user.role is Role.VENDOR:
        return frozenset({VENDOR})
    return frozenset()


def allowed_next(status: str, sides: frozenset[str]) -> list[str]:
    """The statuses these sides may move a request to from status, in display order."""
    return [to for to in STATUSES if sides & TRANSITIONS.get((status, to), frozenset())]


def check_transition(status: str, to: str, sides: frozenset[str]) -> None:
    """Raise TransitionRefused unless these sides may move a request from status to to."""
    if to not in STATUSES:
        raise TransitionRefused(f"“{to}” is not a status.")
    if status == to:
        raise TransitionRefused(f"The request is already {STATUSES[to].lower()}.")
    who = TRANSITIONS.get((status, to))
    if who is None:
        choices = ", ".join(STATUSES[s].lower() for s in allowed_next(status, BOTH)) or "none"
        raise TransitionRefused(
            f"A request that is {STATUSES[status].lower()} cannot become "
            f"{STATUSES[to].lower()}; it can become: {choices}.")
    if not sides & who:
        side = " or ".join("the service" if s == SERVICE else "the vendor" for s in sorted(who))
        raise TransitionRefused(f"Only {side} can mark a {STATUSES[status].lower()} request "
                                f"as {STATUSES[to].lower()}.")
