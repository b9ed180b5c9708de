"""A database that goes away: 503 with Retry-After, the text kept, recovery without restart."""

import re
import socket
import threading
from contextlib import suppress

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from portal.models import Response
from tests.conftest import PG_ADMIN_URL, IsolatedClient, fresh
from tests.web.collect.test_routes import form_fields, patient_answers

postgresql_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
TYPED = "Keep this, please: the Tuesday calls 🙂"


class Proxy:
    """A TCP relay to PostgreSQL that can be cut (every connection dropped) and restored."""

    def __init__(self, target: tuple[str, int]):
        """Pick a port; nothing listens yet."""
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def up(self) -> None:
        """Listen and relay."""
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        """Stop listening and cut every relayed connection, as a crashed server would."""
        with self.lock:
            doomed, self.sockets = [self.listener, *self.sockets], []
            self.listener = None
        for sock in doomed:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        """Relay each accepted connection until the listener closes."""
        while True:
            try:
                near, _ = listener.accept()
            except OSError:
                return
            far = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until either side closes."""
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxied(database_url):
    """A relay to the test database, and the database's URL through it."""
    url = make_url(database_url)
    proxy = Proxy((url.host, url.port or 5432))
    proxy.up()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.down()


def client_of(url: str):
    """A test client of a portal whose database is at url."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": url, "PUBLIC_BASE_URL": "http://portal.test"})
    app.test_client_class = IsolatedClient
    return app.test_client()


def stored() -> int:
    """Responses stored, as committed."""
    return fresh().scalar(select(func.count()).select_from(Response))


@postgresql_only
def test_an_unreachable_then_restored_postgres_needs_no_restart(world, proxied):
    """Cut: the form's GET and POST are 503 with Retry-After and the text. Restored: it saves."""
    proxy, url = proxied
    client = client_of(url)
    path = f"/i/{world.links['patient'].token}"
    data = {**form_fields(client, path), **patient_answers(helped=TYPED)}
    proxy.down()
    page = client.get(path)
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    refused = client.post(path, data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert TYPED in html and data["submission_key"] in html
    proxy.up()
    sent = client.post(path, data=data)  # the same form, the same key, the same process
    assert sent.status_code == 302
    assert client.post(path, data=data).headers["Location"] == sent.headers["Location"]
    assert stored() == 1


@postgresql_only
def test_terminated_backends_are_replaced_on_the_next_request(world, client, database_url):
    """pg_terminate_backend on every connection of the app: the next request still succeeds."""
    path = f"/i/{world.links['patient'].token}"
    data = {**form_fields(client, path), **patient_answers(helped=TYPED)}
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        killed = connection.execute(text(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"),
            {"name": make_url(database_url).database}).scalar()
    admin.dispose()
    assert killed >= 1
    assert client.post(path, data=data).status_code == 302
    db.session().invalidate()  # the test's own session lost its connection too
    assert stored() == 1


def test_a_post_the_database_refuses_at_once_keeps_the_text():
    """No database at all, even before the form is rebuilt: 503, the text and key sent back."""
    client = client_of("postgresql+psycopg://nobody@127.0.0.1:1/none")
    data = {"submission_key": "k" * 32, "version": "1", "csrf_token": "t",
            **patient_answers(helped="Line one\nline <two> & three")}
    response = client.post("/i/" + "A" * 32, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Line one\nline &lt;two&gt; &amp; three" in html
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert hidden["submission_key"] == "k" * 32 and hidden["programme"] == "depression"
    assert "Send my answers again" in html

