"""Downloads: the saved file's name carries no controls, quotes or separators."""

from portal.web.downloads import attachment

RLO = "\u202e"


def test_a_download_name_is_cleaned_before_the_header(app):
    """An override or a quote in a name never reaches Content-Disposition."""
    response = attachment("a,b\n", "text/csv", f'report{RLO}vsc.exe"; x=".csv')
    header = response.headers["Content-Disposition"]
    assert header == 'attachment; filename="reportvsc.exe- x=-.csv"'
    assert response.mimetype == "text/csv"


def test_the_request_export_names_its_file_plainly(client, world):
    """The real route goes through the same helper."""
    from tests.conftest import login

    login(client, "lead@x.test")
    response = client.get("/requests/export.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="uptake-requests.csv"'
