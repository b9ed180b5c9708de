"""A full disk (SQLite's max_page_count): a clear 503, the text kept, nothing half-stored."""

import pytest
from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Answer, Coding, Invitation, Response
from tests.conftest import fresh
from tests.web.collect.test_routes import form_fields, patient_answers

# max_page_count is SQLite's; PostgreSQL's disk cannot be filled from a test here.
sqlite_only = pytest.mark.parametrize("backend", [("sqlite", None)], ids=["sqlite"])
TYPED = "The evening sessions helped most. " * 250  # 8.5 kB: it needs new pages


def limit_pages(dbapi_connection, _record) -> None:
    """Let the database grow no further than it is now, as a full disk would."""
    cursor = dbapi_connection.cursor()
    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
    cursor.execute(f"PRAGMA max_page_count={pages}")
    cursor.close()


def count(model) -> int:
    """Rows in a table, as committed."""
    return fresh().scalar(select(func.count()).select_from(model))


@sqlite_only
def test_a_full_disk_refuses_cleanly_and_keeps_the_text(world, client):
    """SQLITE_FULL: 503, Retry-After, the storage message, the text; then it saves once."""
    path = f"/i/{world.links['patient'].token}"
    data = {**form_fields(client, path), **patient_answers(helped=TYPED)}
    event.listen(db.engine, "connect", limit_pages)
    db.session.remove()
    db.engine.dispose()  # every connection from now on has the limit
    try:
        full = client.post(path, data=data)
    finally:
        event.remove(db.engine, "connect", limit_pages)
        db.engine.dispose()
    html = full.get_data(as_text=True)
    assert full.status_code == 503 and full.headers["Retry-After"] == "5"
    assert "storage is full" in html and TYPED.strip() in html
    assert (count(Response), count(Answer), count(Coding)) == (0, 0, 0)
    assert fresh().get(Invitation, world.links["patient"].id).uses == 0
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    # Space again: the same form, with the same key, goes through once.
    assert client.post(path, data=data).status_code == 302
    assert count(Response) == 1 and count(Answer) == 3
