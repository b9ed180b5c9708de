"""The aggregate cache after an erasure made elsewhere (another worker, the command line)."""

from datetime import datetime

from sqlalchemy import select

from portal.domain.erasure import erase_response
from portal.extensions import db
from portal.models import Response
from tests.conftest import login
from tests.dashboards.helpers import add_patient_responses, chart, values


def test_an_erasure_elsewhere_makes_cached_numbers_stale(client, app, world):
    """Erasing an older response leaves the maximum ids alone; the data version still moves."""
    app.config.update(SUPPRESSION_K_PATIENT=1, SUPPRESSION_K_STAFF=1)  # about the cache
    add_patient_responses(world, "leeds", datetime(2026, 3, 5), 3)
    login(client, "lead@x.test")
    client.get("/dash/")
    first, _ = chart(client, "responses_service")
    assert values(first["data"][0]["y"]).sum() == 3
    oldest = db.session.scalar(select(Response.id).order_by(Response.id).limit(1))
    # Not through the page: this process's cache is not cleared, as in another worker.
    erase_response(db.session, world.users["admin"], oldest, "Asked by the patient")
    db.session.commit()
    again, _ = chart(client, "responses_service")
    assert values(again["data"][0]["y"]).sum() == 2
