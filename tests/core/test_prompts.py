"""Prompt pack schema, loading and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapjournal.core import prompts
from kapjournal.core.errors import PromptPackInvalid

GOOD = """
id = "mini"
title = "A tiny pack"
phase = "next_day"
include_checkin = true

[[prompts]]
id = "stayed"
text = "What stayed with you?"
hint = "A word is enough."

[[prompts]]
id = "energy"
text = "Energy today?"
kind = "scale"
low_label = "empty"
high_label = "full"

[[prompts]]
id = "where"
text = "Where were you?"
kind = "choice"
choices = ["home", "clinic"]

[[prompts]]
id = "words"
text = "Three words"
kind = "words"
max_words = 3

[[prompts]]
id = "safe"
text = "A yes/no question"
kind = "yesno"
safety = true
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_pack_file_reads_every_answer_kind(tmp_path: Path) -> None:
    pack = prompts.load_pack_file(write(tmp_path, "mini.toml", GOOD))
    assert pack.id == "mini" and pack.phase == "next_day" and pack.include_checkin
    assert [p.kind for p in pack.prompts][:5] == ["text", "scale", "choice", "words", "yesno"]
    assert [p.id for p in pack.prompts][5:] == [p.id for p in prompts.checkin_prompts()]
    assert pack.prompts[0].hint == "A word is enough."
    assert pack.prompt("where") is not None and pack.prompt("where").choices == ("home", "clinic")
    assert pack.prompt("safe").safety is True


@pytest.mark.parametrize(
    ("broken", "prompt_id", "fragment"),
    [
        (GOOD.replace('kind = "scale"', 'kind = "slider"'), "energy", "'kind' must be one of"),
        (GOOD.replace('choices = ["home", "clinic"]', 'choices = ["home"]'), "where", "choices"),
        (GOOD.replace('text = "What stayed with you?"', ""), "stayed", "'text' is missing"),
        (GOOD.replace('low_label = "empty"', ""), "energy", "low_label"),
        (GOOD.replace('id = "safe"', 'id = "stayed"'), "stayed", "used twice"),
        (GOOD.replace("max_words = 3", "max_words = 99"), "words", "max_words"),
        (GOOD.replace('kind = "yesno"', 'kind = "text"'), "safe", "safety = true"),
    ],
)
def test_load_pack_file_names_file_prompt_and_problem(
    tmp_path: Path, broken: str, prompt_id: str, fragment: str
) -> None:
    path = write(tmp_path, "broken.toml", broken)
    with pytest.raises(prompts.PackError) as info:
        prompts.load_pack_file(path)
    problem = info.value.problem
    assert problem.file == "broken.toml"
    assert problem.prompt_id == prompt_id
    assert fragment in problem.message
    assert "broken.toml" in str(info.value) and prompt_id in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("id = [", "not valid TOML"),
        (GOOD.replace('phase = "next_day"', 'phase = "someday"'), "'phase' must be one of"),
        (GOOD.replace('id = "mini"', 'id = "has space"'), "'id' must be"),
        ('id = "x"\ntitle = "t"\nphase = "daily"\n', "no [[prompts]]"),
        (GOOD + "\nsurprise = 1\n", "unknown key"),
    ],
)
def test_load_pack_file_rejects_pack_level_problems(
    tmp_path: Path, text: str, fragment: str
) -> None:
    with pytest.raises(PromptPackInvalid) as info:
        prompts.load_pack_file(write(tmp_path, "p.toml", text))
    assert fragment in str(info.value)


def test_load_pack_file_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'id = "caf\xe9"\n')
    with pytest.raises(prompts.PackError, match="UTF-8"):
        prompts.load_pack_file(path)


def test_load_library_keeps_valid_packs_when_one_is_broken(tmp_path: Path) -> None:
    write(tmp_path, "good.toml", GOOD)
    write(
        tmp_path,
        "bad.toml",
        GOOD.replace('kind = "choice"', 'kind = "dropdown"').replace('id = "mini"', 'id = "other"'),
    )
    lib = prompts.load_library([tmp_path], include_builtin=False, include_user=False)
    assert list(lib.packs) == ["mini"]
    assert len(lib.problems) == 1
    assert lib.problems[0].file == "bad.toml" and lib.problems[0].prompt_id == "where"


def test_load_library_user_pack_overrides_builtin_with_same_id(tmp_path: Path) -> None:
    write(tmp_path, "mine.toml", GOOD.replace('id = "mini"', 'id = "next_day"'))
    write(
        tmp_path / "builtin",
        "next_day.toml",
        GOOD.replace('id = "mini"', 'id = "next_day"').replace("A tiny pack", "Shipped"),
    )
    lib = prompts.load_library(
        [tmp_path / "builtin", tmp_path], include_builtin=False, include_user=False
    )
    assert lib.packs["next_day"].title == "A tiny pack"
    assert lib.packs["next_day"].origin == "user"


def test_for_phase_includes_focus_packs_only_when_chosen(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.toml", GOOD.replace('id = "mini"', 'id = "focus"\nfocus = "ocd"'))
    lib = prompts.load_library([tmp_path], include_builtin=False, include_user=False)
    assert [p.id for p in lib.for_phase("next_day")] == ["mini"]
    assert [p.id for p in lib.for_phase("next_day", ["ocd"])] == ["mini", "focus"]


def test_import_pack_copies_valid_and_refuses_broken(tmp_path: Path) -> None:
    dest = tmp_path / "user"
    src = write(tmp_path / "in", "clinic.toml", GOOD)
    assert prompts.import_pack(src, dest) == "mini"
    copied = dest / "mini.toml"
    assert copied.read_text() == GOOD
    assert copied.stat().st_mode & 0o077 == 0
    bad = write(tmp_path / "in", "bad.toml", "title = 3")
    with pytest.raises(prompts.PackError):
        prompts.import_pack(bad, dest)
    assert sorted(p.name for p in dest.iterdir()) == ["mini.toml"]


def test_import_pack_is_private_even_over_a_leftover_temp_file(tmp_path: Path) -> None:
    dest = tmp_path / "user"
    dest.mkdir()
    leftover = dest / "mini.toml.tmp"
    leftover.write_text("half a pack from a crash")
    leftover.chmod(0o644)
    src = write(tmp_path / "in", "clinic.toml", GOOD)
    assert prompts.import_pack(src, dest) == "mini"
    copied = dest / "mini.toml"
    assert copied.read_text() == GOOD
    assert copied.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in dest.iterdir()) == ["mini.toml"]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("scale", "7", 7),
        ("yesno", "Yes", True),
        ("yesno", "n", False),
        ("words", "calm, warm  open", ["calm", "warm", "open"]),
        ("text", "", None),
    ],
)
def test_clean_answer_normalises_by_kind(
    tmp_path: Path, kind: str, value: str, expected: object
) -> None:
    pack = prompts.load_pack_file(write(tmp_path, "mini.toml", GOOD))
    prompt = next(p for p in pack.prompts if p.kind == kind)
    assert prompts.clean_answer(prompt, value) == expected


@pytest.mark.parametrize(
    ("kind", "value"),
    [("scale", "11"), ("choice", "moon"), ("words", "a b c d"), ("yesno", "maybe")],
)
def test_clean_answer_rejects_values_that_do_not_fit(tmp_path: Path, kind: str, value: str) -> None:
    pack = prompts.load_pack_file(write(tmp_path, "mini.toml", GOOD))
    prompt = next(p for p in pack.prompts if p.kind == kind)
    with pytest.raises(PromptPackInvalid):
        prompts.clean_answer(prompt, value)
