"""TextForm: a NUL fails its field and is taken out; the rest of the text stays."""

from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField

from portal.web.text_form import NUL_PROBLEM, TextForm


class Note(TextForm):
    """Two text fields, as a staff form has."""

    title = StringField()
    body = TextAreaField()


def test_nul_fails_only_its_field_and_is_taken_out(app):
    """The field with the NUL gets the problem; its text is kept without the NUL."""
    with app.test_request_context(method="POST"):
        note = Note(formdata=MultiDict({"title": "Login", "body": "It fails\x00 daily"}),
                    meta={"csrf": False})
        assert not note.validate()
        assert note.body.data == "It fails daily" and note.body.errors == [NUL_PROBLEM]
        assert note.title.data == "Login" and not note.title.errors
        assert 'It fails daily</textarea>' in note.body()


def test_text_without_nul_passes(app):
    """Ordinary text, emoji and right-to-left text included, is untouched."""
    with app.test_request_context(method="POST"):
        note = Note(formdata=MultiDict({"title": "ok 🙂", "body": "שלום"}),
                    meta={"csrf": False})
        assert note.validate() and note.body.data == "שלום"
