"""flask data purge and erase: progress, counts, dry runs, confirmation and refusals."""

from sqlalchemy import func, select

from portal.domain.erasure import ERASED_ACTION
from portal.models import AuditEvent, Response
from tests.conftest import fresh


def responses() -> int:
    """How many responses are stored."""
    return fresh().scalar(select(func.count()).select_from(Response))


def test_purge_dry_run_then_purge_then_nothing(coded, runner):
    # As of ten years on, every response is past the default periods.
    later = "2036-12-01T00:00:00"
    dry = runner.invoke(args=["data", "purge", "--dry-run", "--now", later])
    assert dry.exit_code == 0, dry.output
    assert "patient_responses: would remove 4" in dry.output
    assert responses() == 4
    done = runner.invoke(args=["data", "purge", "--now", later])
    assert done.exit_code == 0, done.output
    assert "patient_responses: removed 4" in done.output
    assert responses() == 0
    again = runner.invoke(args=["data", "purge", "--now", later])
    assert "patient_responses: removed 0" in again.output


def test_erase_by_reference_asks_and_records(coded, runner):
    reference = coded.responses[0].reference
    declined = runner.invoke(args=["data", "erase", reference, "--reason", "Asked"], input="n\n")
    assert declined.exit_code != 0 and responses() == 4
    done = runner.invoke(args=["data", "erase", reference, "--reason", "Asked by e-mail"],
                         input="y\n")
    assert done.exit_code == 0, done.output
    assert f"Erased response {reference}" in done.output
    assert responses() == 3
    event = fresh().scalar(select(AuditEvent).where(AuditEvent.action == ERASED_ACTION))
    assert event.actor_id is None and event.after["reason"] == "Asked by e-mail"
    missing = runner.invoke(args=["data", "erase", reference, "--reason", "Again", "--yes"])
    assert missing.exit_code != 0 and "No response has this reference" in missing.output
