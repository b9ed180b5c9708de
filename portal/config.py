"""Settings read from the environment, with embedded defaults for a laptop."""

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def database_url(instance_path: Path) -> str:
    """Return the database URL: DATABASE_URL, or SQLite under instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'uptake.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY, or a key kept in instance/ so every worker shares it."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    path = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two workers start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip() or _wait_for_key(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _wait_for_key(path: Path) -> str:
    """Read a key file another worker is still writing."""
    import time

    for _ in range(50):
        time.sleep(0.02)
        text = path.read_text().strip()
        if text:
            return text
    raise RuntimeError(f"{path} stays empty; delete it and start again")


DEFAULT_SLA_HOURS = {"urgent": (4, 24), "high": (8, 72), "normal": (24, 240),
                     "low": (72, 720)}


def sla_hours(text: str) -> dict[str, tuple[int, int]]:
    """Parse REQUEST_SLA_HOURS ("urgent=4/24,high=8/72"); unnamed priorities keep defaults."""
    targets = dict(DEFAULT_SLA_HOURS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, hours = part.partition("=")
        first, _, resolve = hours.partition("/")
        if name.strip() not in targets or not first.strip().isdigit() \
                or not resolve.strip().isdigit():
            raise ValueError(f"REQUEST_SLA_HOURS: cannot read {part!r}; write e.g. high=8/72")
        targets[name.strip()] = (int(first), int(resolve))
    return targets


# Days each kind of data is kept; 0 or empty keeps it for good. `flask data purge` removes
# what is older (portal.domain.retention says what each covers; README, "Data lifecycle").
RETENTION_DEFAULTS = {
    "RETENTION_DAYS_PATIENT_RESPONSES": 730,
    "RETENTION_DAYS_STAFF_RESPONSES": 1095,
    "RETENTION_DAYS_CLOSED_REQUESTS": 1095,
    "RETENTION_DAYS_OUTBOX_MESSAGES": 90,
    "RETENTION_DAYS_FINISHED_JOBS": 90,
}


def from_environment(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping; overrides win and spare reading the environment."""
    overrides = overrides or {}
    config = {
        "SECRET_KEY": overrides.get("SECRET_KEY") or secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # hide_parameters: database errors, and so logged tracebacks, never carry answers.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "SURVEYS_DIR": str(REPO_ROOT / "surveys"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        # Set: background jobs go to RQ workers (`flask jobs worker`); empty: a thread here.
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # Dashboard cells from fewer respondents than this are hidden.
        "SUPPRESSION_K_PATIENT": int(os.environ.get("SUPPRESSION_K_PATIENT", "10")),
        "SUPPRESSION_K_STAFF": int(os.environ.get("SUPPRESSION_K_STAFF", "5")),
        # Ten answers of 10,000 emoji each, percent-encoded, stay under this.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
        or os.environ.get("FORCE_HTTPS", "") == "1",
        # Behind HTTPS: redirect http to https and send HSTS (Talisman sends it on https only).
        "FORCE_HTTPS": os.environ.get("FORCE_HTTPS", "") == "1",
        # Proxies in front that set X-Forwarded-For/-Proto; 0 trusts none (a direct listener).
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", "0")),
        # A signed-in session ends after this long unused, and this long after sign-in at most.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")),
        # Failed sign-ins within the window: per email (soft lockout) and per client address.
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT",
                                                             "5")),
        "LOGIN_MAX_FAILURES_PER_CLIENT": int(os.environ.get("LOGIN_MAX_FAILURES_PER_CLIENT",
                                                            "20")),
        "LOGIN_FAILURE_WINDOW_MINUTES": int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15")),
        "LOGIN_THROTTLE_REDIS_PREFIX": os.environ.get("LOGIN_THROTTLE_REDIS_PREFIX",
                                                      "uptake:login:"),
        "WTF_CSRF_TIME_LIMIT": None,  # a long survey must not expire mid-answer
        "DEMO_PASSWORD": os.environ.get("UPTAKE_DEMO_PASSWORD", "uptake-demo"),
        "RETRY_AFTER_SECONDS": 5,
        # How long a SQLite writer waits for another worker's write before answering 503.
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000")),
        # Request SLAs in hours per priority: (first response, resolution), calendar time.
        "REQUEST_SLA_HOURS": sla_hours(os.environ.get("REQUEST_SLA_HOURS", "")),
        # Notification mail; without MAIL_SERVER messages stay in the outbox in the database.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_FROM": os.environ.get("MAIL_FROM", "uptake@localhost"),
        **{key: os.environ.get(key, str(days)) for key, days in RETENTION_DEFAULTS.items()},
    }
    config.update(overrides)
    return config
