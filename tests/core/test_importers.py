"""Importers: each format's parsing, the limits, and the one-transaction apply."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from kapjournal.core.errors import ImportFailed
from kapjournal.core.importers import (
    FORMATS,
    ImportedItem,
    ImportResult,
    apply_import,
    base,
    read_import,
)
from kapjournal.core.importers.daylio import daylio_mood
from kapjournal.core.importers.markdown_dir import parse_front_matter
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Entry, Insight

JRNL_TXT = """\
[2024-01-05 09:12] Slept badly. Felt @Anxious before the session.
Breathing helped a bit.

[2024-01-06 20:00] Session day *
Saw the ocean. @session

[2024-01-07 08:00] One sentence only. And a second one @later.
"""


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# ---------------------------------------------------------------- jrnl text


def test_jrnl_txt_reads_titles_bodies_tags_and_stars(tmp_path: Path) -> None:
    result = read_import("jrnl-txt", write(tmp_path, "j.txt", JRNL_TXT))
    entries = [i.entry for i in result.items]
    assert [e.title for e in entries] == [
        "Slept badly. Felt @Anxious before the session.",
        "Session day",
        "One sentence only.",
    ]
    assert entries[0].body == "Breathing helped a bit."
    assert entries[2].body == "And a second one @later."
    assert entries[0].tags == ("anxious",)
    assert entries[1].tags == ("session",)
    assert entries[0].created.replace(tzinfo=None) == datetime(2024, 1, 5, 9, 12)
    assert entries[0].created.tzinfo is not None
    assert all(e.source == "import" for e in entries)
    assert [len(i.insights) for i in result.items] == [0, 1, 0]
    insight = result.items[1].insights[0]
    assert insight.text == "Session day" and insight.entry_id == entries[1].id


def test_jrnl_txt_rejects_text_before_first_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "j.txt", "hello\n" + JRNL_TXT)
    with pytest.raises(ImportFailed, match=r"j\.txt, line 1: text before"):
        read_import("jrnl-txt", path)


def test_jrnl_txt_invalid_date_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "j.txt", JRNL_TXT + "\n[2024-13-45 10:00] bad month\n")
    with pytest.raises(ImportFailed, match=r"line 9: '2024-13-45 10:00' is not a valid date"):
        read_import("jrnl-txt", path)


def test_jrnl_txt_date_out_of_range_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "j.txt", "[0001-01-01 00:00] very old\n")
    with pytest.raises(ImportFailed, match="out of range"):
        read_import("jrnl-txt", path)


def test_jrnl_txt_nul_byte_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "j.txt", JRNL_TXT.encode() + b"more\0text\n")
    with pytest.raises(ImportFailed, match=r"line 8: a NUL byte"):
        read_import("jrnl-txt", path)


def test_jrnl_txt_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "j.txt", b"[2024-01-05 09:12] ok\nline two \xff\xfe\n")
    with pytest.raises(ImportFailed, match=r"j\.txt, line 2: not valid UTF-8"):
        read_import("jrnl-txt", path)


def test_jrnl_txt_file_size_limit_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, "j.txt", JRNL_TXT)
    with pytest.raises(ImportFailed, match="limit is"):
        read_import("jrnl-txt", path)


def test_jrnl_txt_entry_count_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "MAX_ENTRIES", 2)
    with pytest.raises(ImportFailed, match="more than 2 entries"):
        read_import("jrnl-txt", write(tmp_path, "j.txt", JRNL_TXT))


def test_jrnl_txt_body_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "MAX_BODY_BYTES", 40)
    path = write(tmp_path, "j.txt", "[2024-01-05 09:12] t\n" + "x" * 200 + "\n")
    with pytest.raises(ImportFailed, match="line 1: the text is larger than 1 MiB"):
        read_import("jrnl-txt", path)


def test_jrnl_txt_without_entries_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="no entries found"):
        read_import("jrnl-txt", write(tmp_path, "j.txt", "just some text\n"))


# ---------------------------------------------------------------- jrnl json


def jrnl_export(entries: list[dict[str, object]]) -> str:
    return json.dumps({"tags": {"@work": 1}, "entries": entries}, indent=2)


def test_jrnl_json_reads_entries(tmp_path: Path) -> None:
    doc = jrnl_export(
        [
            {
                "title": "Hello.",
                "body": "Body @work",
                "date": "2024-02-01",
                "time": "07:30",
                "tags": ["@work"],
                "starred": True,
            },
            {
                "title": "Two",
                "body": "",
                "date": "2024-02-02",
                "time": "22:05",
                "tags": [],
                "starred": False,
            },
        ]
    )
    result = read_import("jrnl-json", write(tmp_path, "e.json", doc))
    first, second = (i.entry for i in result.items)
    assert (first.title, first.body, first.tags) == ("Hello.", "Body @work", ("work",))
    assert first.created.replace(tzinfo=None) == datetime(2024, 2, 1, 7, 30)
    assert result.insight_count == 1 and second.title == "Two"


def test_jrnl_txt_and_json_of_same_journal_are_duplicates(tmp_path: Path, journal: Journal) -> None:
    doc = jrnl_export(
        [
            {
                "title": "Session day",
                "body": "Saw the ocean. @session",
                "date": "2024-01-06",
                "time": "20:00",
                "tags": ["@session"],
                "starred": True,
            }
        ]
    )
    apply_import(journal, read_import("jrnl-txt", write(tmp_path, "j.txt", JRNL_TXT)))
    summary = apply_import(journal, read_import("jrnl-json", write(tmp_path, "e.json", doc)))
    assert summary.duplicates == 1 and summary.entries == 0


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"title": 5, "date": "2024-01-01"}, "'title' must be text"),
        ({"title": "x"}, "'date' is missing"),
        ({"title": "x", "date": "2024-01-01", "tags": "work"}, "'tags' must be a list"),
        ({"title": "x", "date": "2024-01-01", "tags": [1]}, "every tag must be text"),
        ({"title": "x", "date": "2024-02-30"}, "not valid"),
        ({"title": "x", "date": "2024-01-01", "starred": "yes"}, "true or false"),
        ({"title": "x\u0000y", "date": "2024-01-01"}, "NUL character"),
    ],
)
def test_jrnl_json_bad_entry_names_entry_and_problem(
    tmp_path: Path, entry: dict[str, object], problem: str
) -> None:
    doc = jrnl_export([{"title": "fine", "date": "2024-01-01"}, entry])
    with pytest.raises(ImportFailed, match=r"entry 2: .*" + problem):
        read_import("jrnl-json", write(tmp_path, "e.json", doc))


def test_jrnl_json_depth_limit_checked_before_parsing(tmp_path: Path) -> None:
    deep = '{"entries": [' + "[" * 40 + "]" * 40 + "]}"
    with pytest.raises(ImportFailed, match="nested 42 levels deep"):
        read_import("jrnl-json", write(tmp_path, "e.json", deep))


def test_jrnl_json_brackets_inside_strings_do_not_count_as_depth(tmp_path: Path) -> None:
    doc = jrnl_export([{"title": "[" * 100 + '\\"{{{', "date": "2024-01-01"}])
    result = read_import("jrnl-json", write(tmp_path, "e.json", doc))
    assert result.items[0].entry.title.startswith("[[[")


def test_jrnl_json_rejects_nan_and_bad_json(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="invalid JSON"):
        read_import("jrnl-json", write(tmp_path, "a.json", '{"entries": [NaN]}'))
    with pytest.raises(ImportFailed, match=r"line 2, column \d+: invalid JSON"):
        read_import("jrnl-json", write(tmp_path, "b.json", '{"entries":\n [,]}'))
    with pytest.raises(ImportFailed, match="not a jrnl JSON export"):
        read_import("jrnl-json", write(tmp_path, "c.json", "[]"))


# ---------------------------------------------------------------- markdown folder


def test_markdown_dir_dates_titles_and_tags(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    write(
        folder,
        "a.md",
        "---\ntitle: 'Front'\ndate: 2024-03-01 10:15\ntags: [Grief, work]\n"
        "---\nText with #hope and #grief.\n",
    )
    write(
        folder / "sub",
        "2024-04-02 0830 walk.md",
        "---\ntags:\n  - nature\n  - 'walk'\nevil: !!python/object/apply:os.system ['x']\n"
        "---\nBody\n",
    )
    plain = write(folder, "plain.markdown", "No date anywhere\n")
    os.utime(plain, (1_700_000_000, 1_700_000_000))
    write(folder / ".hidden", "x.md", "ignored")
    write(folder, "notes.txt", "ignored")
    result = read_import("markdown-dir", folder)
    by_where = {i.where: i.entry for i in result.items}
    assert set(by_where) == {"a.md", "plain.markdown", "sub/2024-04-02 0830 walk.md"}
    a = by_where["a.md"]
    assert a.title == "Front" and a.body == "Text with #hope and #grief."
    assert a.tags == ("grief", "work", "hope")
    assert a.created.replace(tzinfo=None) == datetime(2024, 3, 1, 10, 15)
    walk = by_where["sub/2024-04-02 0830 walk.md"]
    assert walk.tags == ("nature", "walk")
    assert walk.created.replace(tzinfo=None) == datetime(2024, 4, 2, 8, 30)
    assert walk.body == "Body"
    assert by_where["plain.markdown"].created.timestamp() == 1_700_000_000


def test_markdown_dir_symlink_is_skipped_and_counted(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder, "2024-01-01.md", "real")
    (folder / "link.md").symlink_to(tmp_path / "elsewhere.md")
    write(tmp_path, "elsewhere.md", "outside")
    result = read_import("markdown-dir", folder)
    assert [i.entry.body for i in result.items] == ["real"]
    assert len(result.skipped) == 1 and "link.md" in result.skipped[0]


def test_markdown_dir_unclosed_front_matter_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder, "bad.md", "---\ntitle: x\nno end\n")
    with pytest.raises(ImportFailed, match=r"bad\.md, line 1: the front matter"):
        read_import("markdown-dir", folder)


def test_markdown_dir_bad_front_matter_date(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder, "bad.md", "---\ndate: someday\n---\nx\n")
    with pytest.raises(ImportFailed, match=r"bad\.md, front matter: the date"):
        read_import("markdown-dir", folder)


def test_markdown_dir_needs_a_folder_with_markdown(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="expected a folder"):
        read_import("markdown-dir", write(tmp_path, "x.md", "x"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFailed, match="no Markdown files"):
        read_import("markdown-dir", tmp_path / "empty")


def test_front_matter_parser_never_evaluates() -> None:
    fields, body, used = parse_front_matter("---\na: !!python/object x\nb: [1, 2]\n---\nrest")
    assert fields == {"a": "!!python/object x", "b": ["1", "2"]}
    assert body == "rest" and used == 4


# ---------------------------------------------------------------- Day One


def test_dayone_json_entries_timezone_stars_and_escapes(tmp_path: Path) -> None:
    doc = {
        "metadata": {"version": "1.0"},
        "entries": [
            {
                "creationDate": "2024-05-01T08:00:00Z",
                "timeZone": "Europe/Berlin",
                "text": "# Morning\\. Felt light\\!",
                "tags": ["Calm", "after session"],
                "starred": True,
                "uuid": "X",
            },
            {
                "creationDate": "2024-05-02T08:00:00Z",
                "timeZone": "../../etc/passwd",
                "text": "Second",
            },
        ],
    }
    result = read_import("dayone-json", write(tmp_path, "d.json", json.dumps(doc)))
    first, second = (i.entry for i in result.items)
    assert first.body == "# Morning. Felt light!"
    assert first.tags == ("calm", "after-session")
    assert first.created.hour == 10 and first.created.utcoffset() is not None
    assert result.items[0].insights[0].text == "Morning. Felt light!"
    assert second.created.hour == 8  # unknown zone: kept in UTC
    assert result.insight_count == 1


def test_dayone_json_bad_date_names_entry(tmp_path: Path) -> None:
    doc = {"entries": [{"creationDate": "yesterday", "text": "x"}]}
    with pytest.raises(ImportFailed, match="entry 1: 'creationDate' is not an ISO"):
        read_import("dayone-json", write(tmp_path, "d.json", json.dumps(doc)))


# ---------------------------------------------------------------- Daylio

DAYLIO = """\
full_date,date,weekday,time,mood,activities,note_title,note
2024-06-01,June 1,Saturday,9:15 PM,rad,friends | Music,Great day,"Long walk<br>then dinner"
2024-06-02,June 2,Sunday,08:00,awful,,,
2024-06-03,June 3,Monday,12:00,Sleepy,work,,"two
lines"
2024-06-04,June 4,Tuesday,12:00,2,,,
"""


def test_daylio_mood_mapping_is_documented_scale() -> None:
    assert [daylio_mood(m) for m in ("rad", "good", "meh", "bad", "awful")] == [9, 7, 5, 3, 1]
    assert daylio_mood("5") == 9 and daylio_mood("1") == 1 and daylio_mood("sleepy") is None


def test_daylio_csv_entries_and_checkins(tmp_path: Path) -> None:
    result = read_import("daylio-csv", write(tmp_path, "d.csv", DAYLIO))
    entries = [i.entry for i in result.items]
    assert len(entries) == 4
    first = entries[0]
    assert first.title == "Great day"
    assert first.body == "Long walk\nthen dinner\n\n(Mood: rad; activities: friends, Music)"
    assert first.tags == ("friends", "music")
    assert first.created.replace(tzinfo=None) == datetime(2024, 6, 1, 21, 15)
    assert entries[1].body == "Mood: awful"
    assert entries[2].body == "two\nlines\n\n(Mood: Sleepy; activities: work)"
    moods = [[c.mood for c in i.checkins] for i in result.items]
    assert moods == [[9], [1], [], [3]]
    assert result.checkin_count == 3
    assert len(result.skipped) == 1 and result.skipped[0].startswith("line 4:")


def test_daylio_csv_bad_date_names_the_line_after_multiline_note(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", DAYLIO + "2024-99-01,x,x,10:00,good,,,\n")
    with pytest.raises(ImportFailed, match=r"d\.csv, line 7: the date or time"):
        read_import("daylio-csv", path)


def test_daylio_csv_needs_its_columns(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="not a Daylio export"):
        read_import("daylio-csv", write(tmp_path, "d.csv", "a,b\n1,2\n"))


# ---------------------------------------------------------------- registry & apply


def test_registry_unknown_format_and_own_format_slot(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="Unknown import format"):
        read_import("evernote", tmp_path / "x")
    assert set(FORMATS) == {
        "jrnl-json",
        "jrnl-txt",
        "markdown-dir",
        "dayone-json",
        "daylio-csv",
        "kapjournal-json",
    }


def test_apply_import_writes_everything_and_skips_duplicates(
    tmp_path: Path, journal: Journal
) -> None:
    path = write(tmp_path, "j.txt", JRNL_TXT)
    dry = apply_import(journal, read_import("jrnl-txt", path), dry_run=True)
    assert (dry.entries, dry.insights, dry.tags, dry.duplicates) == (3, 1, 3, 0)
    assert journal.all(Entry) == []
    summary = apply_import(journal, read_import("jrnl-txt", path))
    assert (summary.entries, summary.insights, summary.duplicates) == (3, 1, 0)
    assert len(journal.all(Entry)) == 3 and len(journal.all(Insight)) == 1
    insight = journal.all(Insight)[0]
    assert journal.get(Entry, insight.entry_id or "").title == "Session day"
    again = apply_import(journal, read_import("jrnl-txt", path))
    assert (again.entries, again.insights, again.duplicates) == (0, 0, 3)
    assert len(journal.all(Entry)) == 3 and len(journal.all(Insight)) == 1
    assert "Skipped 3 duplicates" in "\n".join(again.lines())


def test_apply_import_duplicates_within_one_file(tmp_path: Path, journal: Journal) -> None:
    text = "[2024-01-05 09:12] Same\n\n[2024-01-05 18:00] Same\n"
    summary = apply_import(journal, read_import("jrnl-txt", write(tmp_path, "j.txt", text)))
    assert (summary.entries, summary.duplicates) == (1, 1)


def test_apply_import_is_all_or_nothing(
    tmp_path: Path, journal: Journal, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal.add_entry("already here")
    result = read_import("jrnl-txt", write(tmp_path, "j.txt", JRNL_TXT))
    real_save = journal.save
    calls = {"n": 0}

    def failing_save(model):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise ImportFailed("disk trouble")
        return real_save(model)

    monkeypatch.setattr(journal, "save", failing_save)
    with pytest.raises(ImportFailed):
        apply_import(journal, result)
    assert [e.body for e in journal.all(Entry)] == ["already here"]
    journal.close()
    with Journal.unlock(vault_path, "correct horse battery") as reopened:
        assert [e.body for e in reopened.all(Entry)] == ["already here"]
        assert reopened.all(Insight) == []
        assert reopened.verify().ok


def test_apply_import_never_overwrites_on_id_collision(journal: Journal) -> None:
    existing = journal.add_entry("mine")
    when = existing.created
    clash = Entry(id=existing.id, created=when, modified=when, body="imported")
    checkin = CheckIn(id=existing.id, at=when, mood=5, source="import")
    item = ImportedItem(clash, checkins=[checkin])
    summary = apply_import(journal, ImportResult("test", "x", items=[item]))
    assert summary.entries == 1
    bodies = sorted(e.body for e in journal.all(Entry))
    assert bodies == ["imported", "mine"]
    assert journal.get(Entry, existing.id).body == "mine"
    assert len(journal.all(CheckIn)) == 1 and journal.all(CheckIn)[0].id != existing.id


def test_apply_import_daylio_checkins_saved(tmp_path: Path, journal: Journal) -> None:
    summary = apply_import(journal, read_import("daylio-csv", write(tmp_path, "d.csv", DAYLIO)))
    assert (summary.entries, summary.checkins, len(summary.skipped)) == (4, 3, 1)
    assert sorted(c.mood or 0 for c in journal.all(CheckIn)) == [1, 3, 9]
    assert all(c.source == "import" for c in journal.all(CheckIn))


def test_json_depth_scan_is_linear_on_hostile_quotes(tmp_path: Path) -> None:
    import time

    path = write(tmp_path, "e.json", '\\"' * 500_000 + "[" * 40)
    t0 = time.perf_counter()
    with pytest.raises(ImportFailed):
        read_import("jrnl-json", path)
    assert time.perf_counter() - t0 < 2.0
    assert base.json_depth('["[[", {"a": "\\"]]"}]') == 2


def test_markdown_dir_limits_total_size_and_file_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(3):
        write(folder, f"2024-01-0{i + 1}.md", "x" * 40)
    monkeypatch.setattr(base, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFailed, match="add up to more than"):
        read_import("markdown-dir", folder)
    monkeypatch.setattr(base, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(base, "MAX_BODY_BYTES", 30)
    with pytest.raises(ImportFailed, match=r"2024-01-01\.md: the file is .* the limit"):
        read_import("markdown-dir", folder)
