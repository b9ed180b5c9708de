"""The `flask tag file` contract that other tools rely on, and the job commands."""

import json
import tomllib

import pytest
from sqlalchemy import select

from portal.config import REPO_ROOT
from portal.extensions import db
from portal.models import Coding, Job
from tests.adversarial_payloads import FORMULAS, hostile

CODEBOOKS = {"icbt-implementation": 20, "therapist-support": 8, "working-alliance": 15}


def taggable(codebook: str) -> set[str]:
    """The taggable theme ids of a shipped codebook."""
    with (REPO_ROOT / "surveys" / "codebooks" / f"{codebook}.toml").open("rb") as handle:
        return {t["id"] for t in tomllib.load(handle)["themes"]}


@pytest.mark.parametrize("codebook", sorted(CODEBOOKS))
def test_jsonl_in_one_object_per_line_out_in_order(runner, tmp_path, codebook):
    """Every line: themes best first, a score for every taggable theme, a polarity."""
    texts = [{"text": "The app kept crashing and logging me out.", "role": "therapist"},
             {"text": "My supporter understood me and remembered what I wrote."},
             {"text": "", "role": "patient"},
             {"text": "Training was good but there is no time to use it.",
              "role": "psychotherapist"}]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in texts) + "\n", encoding="utf-8")
    result = runner.invoke(args=["tag", "file", str(path), "--codebook", codebook])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(texts)
    for line in lines:
        assert set(line) == {"themes", "scores", "polarity"}
        assert set(line["scores"]) == taggable(codebook)
        assert all(isinstance(v, int | float) for v in line["scores"].values())
        assert line["polarity"] in ("barrier", "facilitator", "neutral")
        assert set(line["themes"]) <= taggable(codebook)
        ordered = [line["scores"][t] for t in line["themes"]]
        assert ordered == sorted(ordered, reverse=True)
    assert lines[2]["themes"] == []
    if codebook == "icbt-implementation":
        assert lines[0]["themes"][0] == "tech_bugs" and lines[0]["polarity"] == "barrier"
        assert "time_workload" in lines[3]["themes"] and lines[3]["polarity"] == "barrier"


def test_hostile_text_is_coded_and_never_echoed(runner, tmp_path):
    """Markup, template, SQL, formula, bidi and NUL-free control text in: one plain JSON object
    per line out, carrying ids and numbers only, so nothing typed can reach another tool."""
    texts = [hostile("The app crashed.", *FORMULAS), "\u202eevil\u202c \u0007 \ufeff",
             "=1+1", "<b>" * 500]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps({"text": t}) for t in texts) + "\n", encoding="utf-8")
    result = runner.invoke(args=["tag", "file", str(path), "--codebook",
                                 "icbt-implementation"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(texts)
    assert not any(mark in result.stdout for mark in ("<", "script", "DROP", "\u202e", "=1"))


def test_csv_with_a_text_column(runner, tmp_path):
    """CSV input works the same, quoted commas and newlines included."""
    path = tmp_path / "in.csv"
    path.write_text('id,text,role\n'
                    '1,"My caseload is far too big, I cannot review everyone.",therapist\n'
                    '2,"Licences cost too much,\nand the budget is cut.",service_manager\n',
                    encoding="utf-8")
    result = runner.invoke(args=["tag", "file", str(path), "--codebook",
                                 "icbt-implementation"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["themes"][0] for line in lines] == ["time_workload", "costs_funding"]


@pytest.mark.parametrize("content,name,message", [
    ('{"text": "fine"}\n{"text": \n', "in.jsonl", "line 2: not valid JSON"),
    ('{"words": "no text"}\n', "in.jsonl", 'line 1: "text" must be a string'),
    ('["a list"]\n', "in.jsonl", "line 1: expected a JSON object"),
    ('{"text": "x", "role": "surgeon"}\n', "in.jsonl", "unknown role"),
    ("id,words\n1,hello\n", "in.csv", "no 'text' column"),
])
def test_bad_input_goes_to_stderr_with_a_non_zero_exit(runner, tmp_path, content, name,
                                                       message):
    """Nothing on stdout, a clear message on stderr, exit status 2."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["tag", "file", str(path), "--codebook",
                                 "icbt-implementation"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_unknown_codebook_and_missing_file(runner, tmp_path):
    """Both fail cleanly."""
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    result = runner.invoke(args=["tag", "file", str(path), "--codebook", "nope"])
    assert result.exit_code != 0 and "unknown codebook" in result.stderr
    result = runner.invoke(args=["tag", "file", str(tmp_path / "missing.jsonl"),
                                 "--codebook", "icbt-implementation"])
    assert result.exit_code != 0 and result.stdout == ""


def test_rerun_recodes_the_corpus_as_a_job(runner, coded):
    """`flask tag rerun` runs a job to the end, marking earlier machine codings not current."""
    before = db.session.scalar(select(db.func.count()).select_from(Coding))
    result = runner.invoke(args=["tag", "rerun", "--codebook", "therapist-support"])
    assert result.exit_code == 0, result.output
    assert "Re-coded 8 answers" in result.output
    db.session.rollback()
    job = db.session.scalar(select(Job))
    assert job.state == "done" and job.done == job.total == 8
    after = db.session.scalar(select(db.func.count()).select_from(Coding))
    assert after == before + 8
    current = db.session.scalars(select(Coding).where(Coding.current.is_(True),
                                                      Coding.kind == "machine")).all()
    assert len(current) == 24  # still one current machine coding per answer and codebook


def test_train_with_no_human_codings_says_so(runner, coded):
    """Retraining needs people's decisions first."""
    result = runner.invoke(args=["tag", "train", "--codebook", "icbt-implementation"])
    assert result.exit_code == 0, result.output
    assert "Nothing to learn from yet" in result.output
