"""The product's gunicorn.conf.py, plus a file per worker once it is ready to serve.

The chaos killer kills only ready workers: killing workers before they boot would test nothing
but waiting.
"""

import importlib
import os
import runpy
from pathlib import Path

_product = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
globals().update({k: v for k, v in _product.items() if not k.startswith("_")})

# The portal's modules are imported, and its coding engine built, here in the master, so that a
# respawned worker boots in a moment rather than the half minute or more both take on a busy CI
# machine. Each worker still builds its own app and database engine after the fork.
for _module in ("portal.models", "portal.web.auth.routes", "portal.web.codebooks.routes",
                "portal.web.coding.routes", "portal.web.collect.routes",
                "portal.web.links.routes", "portal.web.main.routes", "portal.web.reports.routes",
                "portal.web.errors", "portal.cli", "dashboards"):
    importlib.import_module(_module)


def _build_taggers_before_the_fork() -> None:
    """Build the coding engine once in the master; its module-level cache outlives the app.

    The throwaway app's engine is disposed before any fork, so no connection is shared.
    """
    from portal import create_app
    from portal.domain.tagging import warm_up
    from portal.extensions import db

    app = create_app()
    with app.app_context():
        warm_up(db.session)
        db.session.remove()
        db.engine.dispose()
    # tqdm (inside the embedding model) makes a multiprocessing lock on first use, shared by
    # every process forked after: a worker SIGKILLed while holding it would wedge the others.
    # Production workers make it after the fork, each its own; so must these.
    from tqdm.std import TqdmDefaultWriteLock, tqdm

    for holder, name in ((tqdm, "_lock"), (TqdmDefaultWriteLock, "mp_lock")):
        if name in vars(holder):
            delattr(holder, name)


_build_taggers_before_the_fork()


def post_worker_init(worker):
    """Run the product's hook, then say this worker is ready."""
    _product["post_worker_init"](worker)
    Path(os.environ["UPTAKE_CHAOS_READY_DIR"], str(worker.pid)).touch()
