"""User text on pages: bidi controls isolated by the template layer, escaping kept."""

from tests.conftest import login
from tests.requests_helpers import filed

RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"


def test_an_override_in_a_request_title_is_isolated_on_its_pages(client, world):
    """The title reaches list and detail pages wrapped in FSI...PDI, still escaped."""
    title = f"Login <b>fails</b> {RLO}exe.fdp"
    request = filed(world, title=title)
    login(client, "manager@x.test")
    escaped = "Login &lt;b&gt;fails&lt;/b&gt; " + RLO + "exe.fdp"
    for url in ("/requests/", f"/requests/{request.id}"):
        html = client.get(url).get_data(as_text=True)
        assert f"{FSI}{escaped}{PDI}" in html, url
        assert "<b>fails</b>" not in html


def test_text_without_controls_is_printed_as_typed(client, world):
    """Isolation only touches text that holds controls: no stray marks elsewhere."""
    request = filed(world, title="Login fails on Android")
    login(client, "manager@x.test")
    html = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "Login fails on Android" in html
    assert FSI not in html and PDI not in html



def test_text_kept_in_hidden_inputs_round_trips_unchanged(app):
    """The busy page hands typed text back exactly: no isolate marks added to the value."""
    from flask import render_template

    typed = "It helped \u202eexcept on Mondays"
    with app.test_request_context("/i/token"):
        html = render_template("collect/busy.html", seconds=5, texts=[typed],
                               kept=[("helped", typed)])
    assert f'value="{typed}"' in html
    assert f"{FSI}{typed}{PDI}</blockquote>" in html  # shown isolated, sent back as typed
