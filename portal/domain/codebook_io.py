"""Move a codebook version in and out of the portal as a REFI-QDA .qdc file."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.bidi import clean_filename
from portal.domain.codebook_edits import apply_change
from portal.domain.codebooks import CodebookError, current_version
from portal.domain.refi_qda import export_qdc, import_qdc
from portal.models import Codebook, CodebookVersion, User

# What a .qdc file cannot carry: the codebook's own framing stays as it is in the portal.
KEPT = ("id", "title", "description", "groups", "polarity", "source")


def export_version(version: CodebookVersion) -> bytes:
    """The version as a .qdc file."""
    return export_qdc(version.definition)


def import_version(session: Session, key: str, data: bytes, *, actor: User | None,
                   filename: str) -> CodebookVersion:
    """Store a .qdc file as the codebook's next version; raises and stores nothing on error.

    Themes keep their ids when the file came from Uptake (each code carries its id); codes
    from other tools get ids made from their names. A file that drops themes existing tags
    use is refused.
    """
    codebook = session.scalar(select(Codebook).where(Codebook.key == key))
    current = current_version(session, key) if codebook else None
    if codebook is None or current is None:
        raise CodebookError(f"There is no codebook {key}.")
    imported = import_qdc(data, codebook_id=key, title=current.definition["title"])
    definition = {**imported, **{k: current.definition[k] for k in KEPT
                                 if k in current.definition}}
    return apply_change(session, codebook, definition, actor=actor,
                        note=f"Imported from {clean_filename(filename, 'a file')}",
                        action="codebook.import")
