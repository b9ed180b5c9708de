"""Odd requests get 4xx, never 500: NUL, huge ids, multipart, odd version values."""

import logging

import pytest

from portal.log_redaction import RedactTokens, redact
from tests.conftest import login
from tests.web.collect.test_routes import count, form_fields, patient_answers

HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", ["/i/%00abc", "/thanks/%00", "/me/submissions/%00",
                                  "/survey/1/%00x", "/i/abc?x=%00"])
def test_nul_in_the_url_is_a_404(client, world, path):
    """NUL never reaches a query (PostgreSQL would refuse it with a 500)."""
    login(client, "therapist@x.test")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", [f"/links/{HUGE}", f"/links/{HUGE}/poster",
                                  f"/links/{HUGE}/qr.svg"])
def test_ids_too_big_for_the_database_are_404(client, world, path):
    """The int converter only matches ids a 64-bit column holds."""
    login(client, "lead@x.test")
    assert client.get(path).status_code == 404


def test_huge_service_id_in_the_staff_survey_is_404(client, world):
    """Same for the staff survey URL."""
    login(client, "therapist@x.test")
    assert client.get(f"/survey/{HUGE}/therapist").status_code == 404


@pytest.mark.parametrize("version", ["²", HUGE, "-1", "1.5", ""])
def test_odd_version_values_fall_back_to_the_current_version(client, world, version):
    """A tampered version field is ignored, not a 500."""
    url = f"/i/{world.links['patient'].token}"
    data = {**form_fields(client, url), **patient_answers(), "version": version}
    assert client.post(url, data=data).status_code == 302
    assert count_responses() == 1


def count_responses() -> int:
    """Stored responses."""
    from portal.models import Response

    return count(Response)


def test_nul_in_the_submission_key_is_refused_cleanly(client, world):
    """A key that is not a key's shape never reaches a query."""
    login(client, "therapist@x.test")
    url = f"/survey/{world.services['leeds'].id}/therapist"
    data = {**form_fields(client, url), "role": "therapist", "programme": "depression",
            "years_icbt": "2", "helps": "x", "submission_key": "a\x00b" * 8}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert count_responses() == 0


def test_multipart_forms_are_refused(client, world):
    """Multipart would bypass the UTF-8 check; our forms never send it."""
    url = f"/i/{world.links['patient'].token}"
    data = {**form_fields(client, url), **patient_answers()}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 415
    assert count_responses() == 0


def test_tokens_are_redacted_from_log_lines():
    """Flask logs the failing path; the invitation token never reaches the log."""
    token = "Fgd5_qMp3NhyAmv8c0S77Xgc4GI2Npju"
    assert redact(f"Exception on /i/{token} [POST]") == "Exception on /i/<token> [POST]"
    record = logging.LogRecord("portal", logging.ERROR, __file__, 1, "Exception on %s [%s]",
                               (f"/i/{token}", "POST"), None)
    assert RedactTokens().filter(record)
    assert token not in record.getMessage()


def test_the_app_logger_redacts_tokens(app, caplog):
    """The filter is installed on the app's logger."""
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        app.logger.error("Exception on %s [POST]", "/i/Fgd5_qMp3NhyAmv8c0S77Xgc4GI2Npju")
    assert "Fgd5_qMp3" not in caplog.text and "/i/<token>" in caplog.text
