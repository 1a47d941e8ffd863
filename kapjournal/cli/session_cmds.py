"""Session, course, due-list, check-in and pack commands.

``kapjournal session add|list|show|edit|move``, ``kapjournal course plan|list|boosters``,
``kapjournal due``, ``kapjournal checkin`` and ``kapjournal pack list|check|import``.
Validation lives in ``core.session_form`` so the CLI and the form say the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kapjournal.cli import State, kind_phrase, main, open_journal, pass_state
from kapjournal.core.errors import InvalidInput

VITALS_HELP = (
    "Reading at a time point: pre|40min|end, e.g. 'pre:120/80' or 'end:118/76,hr=70,spo2=98'."
)


def _session_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by ``session add`` and ``session edit``."""
    from kapjournal.core.models import DOSE_UNITS, ROUTES, SETTINGS

    options = [
        click.option("--when", "started_at", help="Start time, e.g. '2026-12-01 10:00' or 'now'."),
        click.option("--end", "ended_at", help="End time, e.g. '12:15' (same day) or a full date."),
        click.option("--route", type=click.Choice(ROUTES), help="How it was given."),
        click.option("--dose", help="The dose as written down (kept exactly as typed)."),
        click.option("--unit", "dose_unit", type=click.Choice(DOSE_UNITS), help="Dose unit."),
        click.option("--setting", type=click.Choice(SETTINGS), help="Where it took place."),
        click.option("--support", "support_person", help="Who was with you."),
        click.option("--clinician", help="Clinician's name."),
        click.option(
            "--therapist-present/--no-therapist-present",
            "therapist_present",
            default=None,
            help="Whether a therapist was present.",
        ),
        click.option("--vitals", "vitals", multiple=True, help=VITALS_HELP),
        click.option(
            "--side-effect",
            "side_effects",
            multiple=True,
            help="Side effect and level 0-3 (none..severe), e.g. 'nausea=2'. Repeatable.",
        ),
        click.option("--side-effect-other", help="Any other side effect, in words."),
        click.option("--dissociation", help="Your own rating, 0-10."),
        click.option("--notes", help="Notes (stay in shell history: keep them short)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _fields_from(opts: dict[str, Any]) -> dict[str, str]:
    """Turn CLI options into the form's text fields (only those given)."""
    from kapjournal.core.models import SIDE_EFFECTS
    from kapjournal.core.session_form import VITALS_FORM_POINTS

    fields: dict[str, str] = {}
    for key in (
        "started_at",
        "ended_at",
        "route",
        "dose",
        "dose_unit",
        "setting",
        "support_person",
        "clinician",
        "side_effect_other",
        "dissociation",
        "notes",
    ):
        if opts.get(key) is not None:
            fields[key] = str(opts[key])
    if opts.get("therapist_present") is not None:
        fields["therapist_present"] = "yes" if opts["therapist_present"] else "no"
    for item in opts.get("side_effects") or ():
        name, sep, level = item.partition("=")
        if not sep:
            raise InvalidInput(f"Write side effects like 'nausea=2' (got '{item}').")
        name = name.strip().lower()
        if name not in SIDE_EFFECTS:
            raise InvalidInput(
                f"Unknown side effect '{name}'. Use one of {', '.join(SIDE_EFFECTS)}, "
                "or --side-effect-other for anything else."
            )
        fields[f"se_{name}"] = level.strip()
    for item in opts.get("vitals") or ():
        point, sep, rest = item.partition(":")
        point = point.strip().lower()
        if not sep or point not in VITALS_FORM_POINTS:
            raise InvalidInput(f"Start vitals with pre:, 40min: or end: (got '{item}').")
        for part in rest.split(","):
            part = part.strip()
            if not part:
                continue
            key, eq, value = part.partition("=")
            if not eq:
                fields[f"v_{point}_bp"] = part
            elif key.strip().lower() in ("bp", "hr", "spo2"):
                fields[f"v_{point}_{key.strip().lower()}"] = value.strip()
            else:
                raise InvalidInput(f"Unknown vitals part '{key}': use bp, hr or spo2.")
    return fields


_OPTION_NAMES = {
    "started_at": "--when",
    "ended_at": "--end",
    "dose": "--dose",
    "dose_value": "--dose",
    "dose_unit": "--unit",
    "support_person": "--support",
    "side_effect_other": "--side-effect-other",
    "therapist_present": "--therapist-present",
}


def _option_name(field: str) -> str:
    """The option a form field came from, as the person typed it ('--vitals pre: hr')."""
    if field in _OPTION_NAMES:
        return _OPTION_NAMES[field]
    if field.startswith("se_"):
        return f"--side-effect {field[3:]}"
    if field.startswith("v_"):
        point, _, part = field[2:].rpartition("_")
        return f"--vitals {point}: {part}"
    return "--" + field.replace("_", "-")


def _check(result: Any) -> Any:
    if result.errors:
        lines = [f"  {_option_name(k)}: {v}" for k, v in result.errors.items()]
        raise InvalidInput("Nothing was saved. Please check:\n" + "\n".join(lines))
    return result.values["session"]


def _describe(session: Any, journal: Any) -> str:
    from kapjournal.core.models import (
        DOSE_UNIT_LABELS,
        ROUTE_LABELS,
        SETTING_LABELS,
        Course,
        Session,
    )
    from kapjournal.core.sanitize import clean_line
    from kapjournal.core.schedule import session_label

    course = journal.find(Course, session.course_id) if session.course_id else None
    label = session_label(session, journal.all(Session), course)
    parts = [f"{session.started_at:%a %Y-%m-%d %H:%M}", session.status, label]
    if session.route:
        parts.append(ROUTE_LABELS.get(session.route, session.route))
    if session.dose_value:
        unit = DOSE_UNIT_LABELS.get(session.dose_unit or "", "")
        parts.append(clean_line(f"{session.dose_value} {unit}".strip()))
    if session.setting:
        parts.append(SETTING_LABELS.get(session.setting, session.setting))
    return "  ".join(parts)


def _resolve_session(journal: Any, prefix: str) -> Any:
    from kapjournal.core.models import Session

    model_cls, full_id = journal.resolve(prefix)
    if model_cls is not Session:
        raise InvalidInput(f"{prefix} is {kind_phrase(model_cls.KIND)}, not a session.")
    return journal.get(Session, full_id)


@main.group()
def session() -> None:
    """Log and review ketamine sessions."""


@session.command("add")
@_session_options
@click.option("--planned", "as_planned", is_flag=True, help="Plan it instead of logging it.")
@click.option(
    "--new",
    "force_new",
    is_flag=True,
    help="Do not complete a nearby planned session; add a separate one.",
)
@pass_state
def session_add(state: State, /, as_planned: bool, force_new: bool, **opts: Any) -> None:
    """Log a session (or plan one with --planned).

    A logged session within a day and a half of a planned one completes that
    planned session (keeping its number in the course) unless --new is given.
    """
    from kapjournal.core.models import Session
    from kapjournal.core.session_form import build_new_session

    fields = _fields_from(opts)
    fields["status"] = "planned" if as_planned else "completed"
    journal = open_journal(state)
    try:
        result = build_new_session(
            fields, journal.all(Session), now=journal.now, force_new=force_new
        )
        saved = journal.save(_check(result))
        click.echo(f"Saved session {saved.id[:8]}: {_describe(saved, journal)}")
    finally:
        journal.close()


@session.command("edit")
@click.argument("session_id")
@_session_options
@click.option(
    "--status",
    type=click.Choice(("planned", "completed", "cancelled")),
    help="Change the status (e.g. mark a planned session completed).",
)
@pass_state
def session_edit(state: State, /, session_id: str, status: str | None, **opts: Any) -> None:
    """Change fields of a session; fields not given stay as they are."""
    from kapjournal.core.session_form import build_session

    fields = _fields_from(opts)
    if status:
        fields["status"] = status
    if not fields:
        raise InvalidInput("Nothing to change: give at least one option (see --help).")
    journal = open_journal(state)
    try:
        current = _resolve_session(journal, session_id)
        saved = journal.save(_check(build_session(fields, current, now=journal.now)))
        click.echo(f"Updated session {saved.id[:8]}: {_describe(saved, journal)}")
    finally:
        journal.close()


@session.command("move")
@click.argument("session_id")
@click.argument("when")
@pass_state
def session_move(state: State, session_id: str, when: str) -> None:
    """Move one planned session to a new date/time; the others stay put."""
    from kapjournal.core.schedule import move_session
    from kapjournal.core.session_form import parse_moment

    journal = open_journal(state)
    try:
        current = _resolve_session(journal, session_id)
        moved = move_session(journal, current, parse_moment(when, now=journal.now))
        click.echo(f"Moved session {moved.id[:8]}: {_describe(moved, journal)}")
    finally:
        journal.close()


@session.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include cancelled sessions.")
@pass_state
def session_list(state: State, show_all: bool) -> None:
    """List sessions, oldest first (planned ones included)."""
    from kapjournal.core.models import Session

    journal = open_journal(state, readonly=True)
    try:
        rows = sorted(journal.all(Session), key=lambda s: s.started_at)
        rows = [s for s in rows if show_all or s.status != "cancelled"]
        if not rows:
            click.echo("No sessions yet. Log one with: kapjournal session add")
            return
        for s in rows:
            click.echo(f"{s.id[:8]}  {_describe(s, journal)}")
    finally:
        journal.close()


@session.command("show")
@click.argument("session_id")
@pass_state
def session_show(state: State, session_id: str) -> None:
    """Show everything recorded for one session."""
    from kapjournal.core.models import SEVERITY_LABELS, vitals_text
    from kapjournal.core.sanitize import clean, clean_line

    journal = open_journal(state, readonly=True)
    try:
        s = _resolve_session(journal, session_id)
        click.echo(f"Session {s.id[:8]}: {_describe(s, journal)}")
        if s.ended_at:
            click.echo(f"Ended: {s.ended_at:%Y-%m-%d %H:%M}")
        if s.support_person:
            click.echo(f"Support person: {clean_line(s.support_person)}")
        if s.clinician:
            click.echo(f"Clinician: {clean_line(s.clinician)}")
        if s.status == "completed":
            click.echo(f"Therapist present: {'yes' if s.therapist_present else 'no'}")
        for v in s.vitals:
            click.echo(f"Vitals ({v.when}): {vitals_text(v)}")
        for name, level in s.side_effects.items():
            click.echo(f"Side effect: {name} {SEVERITY_LABELS[level]} ({level})")
        if s.side_effect_other:
            click.echo(f"Other side effect: {clean_line(s.side_effect_other)}")
        if s.dissociation is not None:
            click.echo(f"Your dissociation rating: {s.dissociation}/10")
        if s.notes:
            click.echo("Notes:\n" + clean(s.notes))
    finally:
        journal.close()


# ---------------------------------------------------------------- courses


@main.group()
def course() -> None:
    """Plan a treatment course and its boosters."""


@course.command("plan")
@click.argument("spec", required=False)
@click.option(
    "--dates", help="Explicit dates instead, comma-separated: '2026-12-01 10:00,2026-12-04'."
)
@click.option("--title", default="Treatment course", show_default=True)
@pass_state
def course_plan(state: State, spec: str | None, dates: str | None, title: str) -> None:
    """Plan a course, e.g.: kapjournal course plan "6 sessions, twice a week, from 2026-12-01".

    Also understood: "every 3 days", "on mon and thu", "at 14:00". Each
    planned session can later be moved on its own (kapjournal session move).
    """
    from kapjournal.core.schedule import create_course, dates_for_spec, parse_course_spec
    from kapjournal.core.session_form import parse_moment

    if spec and dates:
        raise InvalidInput("Give either a plan or --dates, not both.")
    if not spec and not dates:
        raise InvalidInput(
            'Give either a plan like "6 sessions, twice a week, from 2026-12-01" '
            "or --dates '2026-12-01 10:00,2026-12-04'."
        )
    journal = open_journal(state)
    try:
        if spec:
            when = dates_for_spec(parse_course_spec(spec, now=journal.now))
            rule = spec
        else:
            assert dates is not None
            when = []
            for part in dates.split(","):
                moment = parse_moment(part, now=journal.now)
                if ":" not in part:
                    moment = moment.replace(hour=10, minute=0)
                when.append(moment)
            rule = "explicit dates"
        c, sessions = create_course(journal, title, when, rule)
        click.echo(f"Planned course {c.id[:8]} ({len(sessions)} sessions):")
        for s in sessions:
            click.echo(f"  {s.id[:8]}  {_describe(s, journal)}")
    finally:
        journal.close()


@course.command("list")
@pass_state
def course_list(state: State) -> None:
    """Courses with progress and the next planned date."""
    from kapjournal.core.models import Course, Session
    from kapjournal.core.sanitize import clean_line
    from kapjournal.core.schedule import course_progress

    journal = open_journal(state, readonly=True)
    try:
        courses = sorted(journal.all(Course), key=lambda c: c.created)
        if not courses:
            click.echo('No courses yet. Plan one with: kapjournal course plan "6 sessions, ..."')
            return
        for c in courses:
            p = course_progress(c, journal.all(Session), journal.now())
            nxt = (
                f"next: session {p.next_planned.series_index} on "
                f"{p.next_planned.started_at:%a %Y-%m-%d %H:%M}"
                if p.next_planned
                else "no more planned"
            )
            click.echo(f"{c.id[:8]}  {clean_line(c.title)}: {p.label}; {nxt}")
    finally:
        journal.close()


@course.command("boosters")
@click.argument("course_id")
@click.option(
    "--count",
    type=click.IntRange(1, 24),
    default=1,
    show_default=True,
    help="How many boosters to plan.",
)
@click.option(
    "--every-weeks", type=click.IntRange(0, 52), default=0, help="Weeks between boosters."
)
@click.option(
    "--every-months", type=click.IntRange(0, 12), default=0, help="Or months between boosters."
)
@pass_state
def course_boosters(
    state: State, course_id: str, count: int, every_weeks: int, every_months: int
) -> None:
    """Add booster sessions after the course's last session.

    COURSE_ID is shown by 'kapjournal course list'. Example:
    kapjournal course boosters 3fa2 --count 2 --every-weeks 4
    """
    from kapjournal.core.models import Course, Session
    from kapjournal.core.schedule import add_boosters, booster_dates, course_sessions

    journal = open_journal(state)
    try:
        model_cls, full_id = journal.resolve(course_id)
        if model_cls is not Course:
            raise InvalidInput(f"{course_id} is not a course.")
        c = journal.get(Course, full_id)
        existing = course_sessions(journal.all(Session), c.id)
        anchor = existing[-1].started_at if existing else journal.now()
        added = add_boosters(
            journal,
            c,
            booster_dates(anchor, count, every_months=every_months, every_weeks=every_weeks),
        )
        for s in added:
            click.echo(f"  {s.id[:8]}  {_describe(s, journal)}")
    finally:
        journal.close()


# ---------------------------------------------------------------- due, check-in, packs


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output for scripts.")
@pass_state
def due(state: State, as_json: bool) -> None:
    """What is due now, overdue, coming up, or missed (for scripts and reminders)."""
    from kapjournal.core.due import due_for_journal
    from kapjournal.core.prompts import load_library

    library = load_library()
    for problem in library.problems:
        click.echo(f"kapjournal: skipped pack {problem}", err=True)
    journal = open_journal(state, readonly=True)
    try:
        result = due_for_journal(journal, library)
    finally:
        journal.close()
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    if result.quiet_until is not None:
        click.echo(f"Quiet time after your session until {result.quiet_until:%H:%M}.")
    sections = (
        ("Due now", result.due_now),
        ("Overdue", result.overdue),
        ("Coming up", result.upcoming),
        ("Missed (still open if you want them)", result.missed),
    )
    shown = False
    for heading, items in sections:
        if not items or (result.quiet_until and heading in ("Due now", "Overdue")):
            continue
        shown = True
        click.echo(f"{heading}:")
        for i in items:
            when = i.opens if heading == "Coming up" else i.due
            word = "opens" if heading == "Coming up" else "due"
            click.echo(f"  {i.title}  ({_due_context(i)}{word} {_day_time(when)})")
    if not shown and result.quiet_until is None:
        click.echo("Nothing is due. Take care of yourself.")


def _day_time(when: Any) -> str:
    """'Thu 3 Dec 10:00', the way the due labels write a day."""
    return f"{when:%a} {when.day} {when:%b %H:%M}"


def _due_context(item: Any) -> str:
    """The item's label without the phase when the title already says it, then '; '."""
    from kapjournal.core.prompts import PHASE_LABELS

    label = str(item.label)
    phase = PHASE_LABELS.get(item.phase, item.phase)
    if label.startswith(phase) and phase.lower() in str(item.title).lower():
        label = label[len(phase) :].lstrip(" ·")
    return f"{label}; " if label else ""


@main.command()
@click.option("--mood", metavar="0-10", help="Mood right now (10 = very good).")
@click.option("--anxiety", metavar="0-10", help="Anxiety today (10 = a great deal).")
@click.option("--sleep", metavar="0-10", help="Sleep last night (10 = deeply and well).")
@click.option("--hope", metavar="0-10", help="Hope for the days ahead (10 = very hopeful).")
@click.option(
    "--connectedness", metavar="0-10", help="Connection to people around you (10 = close)."
)
@click.option("--note", default="", help="A short note (stays in shell history).")
@pass_state
def checkin(state: State, /, note: str, **values: str | None) -> None:
    """A quick check-in: five 0-10 ratings; each can be skipped.

    Without options you are asked each one in turn (press Enter to skip).
    """
    from kapjournal.core.checkin import SLIDERS, parse_value, record_checkin

    given = {k: v for k, v in values.items() if v is not None}
    if not given and not note:
        for s in SLIDERS:
            while True:
                raw = click.prompt(
                    f"{s.question} (0 = {s.low}, 10 = {s.high}; Enter skips)",
                    default="",
                    show_default=False,
                    err=True,
                )
                try:
                    parse_value(s.field, raw)
                except InvalidInput as err:
                    click.echo(err.user_message, err=True)
                    continue
                given[s.field] = raw
                break
    journal = open_journal(state)
    try:
        c = record_checkin(journal, given, note=note)
    finally:
        journal.close()
    click.echo(f"Saved check-in {c.id[:8]}.")


@main.group()
def pack() -> None:
    """Prompt and scale packs."""


@pack.command("list")
def pack_list() -> None:
    """Packs available (shipped and your own)."""
    from kapjournal.core.prompts import PHASE_LABELS, load_library

    lib = load_library()
    packs = sorted(lib.packs.values(), key=lambda p: (p.focus or "", p.phase, p.id))
    ids = [p.id for p in packs] + [sc.id for sc in lib.scales.values()]
    id_width = max([24, *(len(i) + 1 for i in ids)])
    when_width = max([len("Questionnaire"), *(len(PHASE_LABELS[p.phase]) for p in packs)]) + 1
    for p in packs:
        focus = f" [focus: {p.focus}]" if p.focus else ""
        when = PHASE_LABELS[p.phase]
        click.echo(f"{p.id:{id_width}} {when:{when_width}} {p.title}{focus} ({p.origin})")
    for sc in lib.scales.values():
        click.echo(f"{sc.id:{id_width}} {'Questionnaire':{when_width}} {sc.name}")
    for problem in lib.problems:
        click.echo(f"kapjournal: skipped pack {problem}", err=True)


@pack.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, exists=True))
def pack_check(files: tuple[Path, ...]) -> None:
    """Check pack files (or all installed packs) and report problems."""
    from kapjournal.core import scales
    from kapjournal.core.prompts import PackError, load_library, parse_pack, read_toml

    problems: list[str] = []
    if files:
        for f in files:
            try:
                data = read_toml(f)
                if data.get("type") == "scale":
                    scales.parse_scale(data, f.name)
                else:
                    parse_pack(data, f.name)
            except PackError as err:
                problems.append(str(err.problem))
    else:
        problems = [str(p) for p in load_library().problems]
    for line in problems:
        click.echo(line)
    if problems:
        raise InvalidInput(f"{len(problems)} pack(s) have problems.")
    click.echo("All packs are valid.")


@pack.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--to", "dest", type=click.Path(path_type=Path, file_okay=False), default=None, hidden=True
)
@click.option(
    "--replace", is_flag=True, help="Replace a pack with the same id already in your folder."
)
def pack_import(file: Path, dest: Path | None, replace: bool) -> None:
    """Check a pack file (e.g. one from your clinic) and add it to your prompts folder.

    A pack with the same id already in your folder is kept unless you give
    --replace.
    """
    from kapjournal.core import scales
    from kapjournal.core.paths import user_prompts_dir
    from kapjournal.core.prompts import import_pack, parse_pack, read_toml

    data = read_toml(file)
    if data.get("type") == "scale":
        pack_id = scales.parse_scale(data, file.name).id
    else:
        pack_id = parse_pack(data, file.name, "user").id
    target = (dest or user_prompts_dir()) / f"{pack_id}.toml"
    if target.exists() and not replace:
        if target.read_bytes() == file.read_bytes():
            click.echo(f"Pack '{pack_id}' is already in your prompts folder; nothing to do.")
            return
        raise InvalidInput(
            f"Your prompts folder already has a pack '{pack_id}' ({target}). Nothing was "
            "changed; add --replace to put this file in its place."
        )
    pack_id = import_pack(file, dest)
    click.echo(f"Imported pack '{pack_id}' into {target.parent}.")


@pack.command("focus")
@click.argument("areas", nargs=-1)
@click.option("--none", "clear", is_flag=True, help="Turn all focus packs off.")
@pass_state
def pack_focus(state: State, areas: tuple[str, ...], clear: bool) -> None:
    """Choose optional focus packs: depression, safety, ptsd, ocd, substance_use."""
    from kapjournal.core.prompts import FOCUS_AREAS

    unknown = [a for a in areas if a not in FOCUS_AREAS]
    if unknown:
        raise InvalidInput(
            f"Unknown focus area(s): {', '.join(unknown)}. Choose from {', '.join(FOCUS_AREAS)}."
        )
    journal = open_journal(state, readonly=not (areas or clear))
    try:
        settings = journal.settings()
        if areas or clear:
            settings = journal.save_settings(settings.replace(focus_packs=tuple(areas)))
        chosen = ", ".join(settings.focus_packs) or "none"
        click.echo(f"Focus packs: {chosen}")
    finally:
        journal.close()


@main.group()
def appointment() -> None:
    """Therapy (integration) appointments; the pre-therapy pack opens a day before."""


@appointment.command("add")
@click.argument("when")
@pass_state
def appointment_add(state: State, when: str) -> None:
    """Add an appointment, e.g. kapjournal appointment add "2026-12-05 15:00"."""
    from kapjournal.core.models import Appointment, new_id
    from kapjournal.core.session_form import parse_moment

    journal = open_journal(state)
    try:
        at = parse_moment(when, now=journal.now)
        saved = journal.save(Appointment(id=new_id(), at=at))
    finally:
        journal.close()
    click.echo(f"Saved appointment {saved.id[:8]} on {saved.at:%a %Y-%m-%d %H:%M}.")


@appointment.command("list")
@pass_state
def appointment_list(state: State) -> None:
    """List appointments, oldest first."""
    from kapjournal.core.models import Appointment

    journal = open_journal(state, readonly=True)
    try:
        rows = sorted(journal.all(Appointment), key=lambda a: a.at)
    finally:
        journal.close()
    if not rows:
        click.echo('No appointments yet. Add one with: kapjournal appointment add "DATE TIME"')
    for a in rows:
        click.echo(f"{a.id[:8]}  {a.at:%a %Y-%m-%d %H:%M}  {a.kind}")


@main.command("crisis")
@click.option("--country", default=None, help="Country code, e.g. US, CA, GB, IE, AU, DE.")
def crisis(country: str | None) -> None:
    """Show crisis lines and the emergency number (no unlock needed)."""
    from kapjournal.core.safety import resources_for

    res = resources_for(country or "US")
    if res.crisis_line:
        click.echo(f"{res.crisis_name}: {res.crisis_line}")
    click.echo(f"Emergency: {res.emergency}")
    click.echo(f"({res.name}; last checked {res.last_checked}. Use --country for another country.)")
