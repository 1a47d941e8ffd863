"""A realistic, deterministic demo vault so a newcomer sees what the app is for.

``build_demo`` writes a fictional course of six ketamine sessions over three
weeks (twice a week, IM in a clinic), guided reflections around each session,
free entries with #tags, near-daily check-ins, insights with follow-ups and one
therapy appointment. Everything is invented and written for this project.

The vault carries a private ``kapj_demo`` record (ignored by ``Journal``) so
``kapjournal demo`` can recognise, and safely replace, its own demo vaults.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from kapjournal.core.errors import KapError, WrongPassphrase
from kapjournal.core.journal import Journal
from kapjournal.core.models import (
    Answer,
    Appointment,
    CheckIn,
    Course,
    Entry,
    FollowUp,
    Insight,
    Session,
    Settings,
    Vitals,
    new_id,
)
from kapjournal.core.vault import OpenedRecord

DEMO_PASSPHRASE = "demodemo"
DEMO_KIND = "kapj_demo"
DEMO_SEED = 2026
# Day offsets of the six sessions from the course start (Mon/Thu rhythm).
SESSION_DAYS = (0, 3, 7, 10, 14, 17)
# "Today" is a week after the last session, so the one-week reflection exists.
TODAY_OFFSET = 24


class NotADemoVault(KapError):
    user_message = (
        "A file exists there and it is not a kapjournal demo vault; it was left untouched. "
        "Choose another --vault path."
    )


@dataclass(frozen=True)
class DemoInfo:
    """What ``inspect_demo`` learned about an existing file."""

    is_demo: bool
    modified: bool  # written to since it was built


def _rng_for(seed: int) -> random.Random:
    return random.Random(seed)


# ---------------------------------------------------------------- wording

_INTENTIONS = [
    "To stay curious about whatever shows up, even if it is uncomfortable.",
    "To look at the heaviness I carry around work without judging myself for it.",
    "To let my body relax and trust the room.",
    "To meet the part of me that is always bracing for bad news.",
    "To notice what I feel about my dad, without needing to fix anything.",
    "To say goodbye to this first series kindly, and take something with me.",
]
_WORRIES = [
    "Feeling sick, or not feeling anything at all.",
    "That I will get lost and panic.",
    "Mostly the nausea from last time.",
    "That nothing will shift and I will be disappointed.",
    "Crying in front of the nurse.",
    "That the good days will fade once the sessions stop.",
]
_IMAGES = [
    "Slow waves of colour, like being underwater in a warm lake.",
    "A long corridor with doors, none of them scary. I did not open any.",
    "My grandmother's kitchen, very vivid, the smell of bread.",
    "Floating above a city at night, lights pulsing with my breath.",
    "A heavy coat sliding off my shoulders.",
    "Open sky. Nothing to hold on to, and that was fine.",
]
_KEEP = [
    "I am allowed to rest.",
    "The fear is old; it is not about today.",
    "Love was there all along, under the noise.",
    "I can watch a feeling without becoming it.",
    "Put the coat down.",
    "Small steps still count.",
]
_STAYED = [
    "A softness around the edges of things. Less urgency.",
    "Tired, a little foggy, but calmer than usual in the morning.",
    "Thinking about my grandmother a lot, in a good way.",
    "Lighter. I laughed at breakfast, which surprised me.",
    "Some sadness came up in the afternoon and passed.",
    "A quiet steadiness. I noticed it on the bus.",
]
_SHIFTED = [
    "I did not check my work email before getting up.",
    "I called my sister and actually listened.",
    "Less harsh with myself after a mistake at work.",
    "Went for a walk without headphones.",
    "Said no to an extra shift, and did not spiral about it.",
    "Started writing things down here more often.",
]
_FREE = [
    (
        "Couldn't sleep, so writing instead. The old worry loop about money again. "
        "Breathing exercise helped a bit. #sleep #anxiety"
    ),
    (
        "Walked by the river after work. Noticed the light on the water and stayed "
        "for ten minutes just looking. That used to feel impossible. #walks #grounding"
    ),
    (
        "Hard day. Meeting went badly and the inner critic was loud. Reminded myself "
        "that a bad day is not a verdict. #work #selfcompassion"
    ),
    (
        "Dinner with Maya. I told her a bit about the treatment. She was kind and "
        "curious, not weird about it at all. #connection"
    ),
    (
        "Tried the body scan from integration group. Shoulders are where I keep "
        "everything. #body #grounding"
    ),
    (
        "Dreamt about the kitchen again. Woke up calm. Want to talk about it with "
        "Dr. Lind. #dreams #therapy"
    ),
    (
        "Noticing I reach for my phone whenever I feel a flicker of sadness. Trying to "
        "just sit with it for one minute first. #habits"
    ),
    (
        "Good morning. Made coffee slowly, opened the window, wrote three things I'm "
        "looking forward to. #gratitude"
    ),
]


def _at(day: date, hour: int, minute: int, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def _answers(pairs: list[tuple[str, str, str, Any]]) -> tuple[Answer, ...]:
    return tuple(Answer(pid, question, kind, value) for pid, question, kind, value in pairs)


def _pack_entry(
    when: datetime, session: Session, pack_id: str, title: str, answers: tuple[Answer, ...]
) -> Entry:
    return Entry(
        id=new_id(),
        created=when,
        modified=when,
        body="",
        title=title,
        session_id=session.id,
        pack_id=pack_id,
        answers=answers,
        source="guided",
    )


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))


# ---------------------------------------------------------------- builder


def demo_models(
    *, today: date, seed: int = DEMO_SEED, tz: tzinfo
) -> list[Any]:  # list of models, in a stable order
    """Every model of the demo journal (no vault needed; deterministic)."""
    rng = _rng_for(seed)
    start = today - timedelta(days=TODAY_OFFSET)
    models: list[Any] = []
    course = Course(
        id=new_id(),
        created=_at(start - timedelta(days=5), 11, 0, tz),
        title="Induction series (6 sessions)",
        planned_count=6,
        rule=f"twice a week, Mondays and Thursdays, from {start.isoformat()}",
    )
    models.append(course)

    doses = ["0.5", "0.6", "0.7", "0.75", "0.75", "0.75"]
    dissociation = [4, 6, 7, 6, 7, 5]
    sessions: list[Session] = []
    for i, offset in enumerate(SESSION_DAYS):
        day = start + timedelta(days=offset)
        t0 = _at(day, 10, 0, tz)
        pre_sys = 118 + rng.randint(0, 8)
        pre_dia = 76 + rng.randint(0, 6)
        hr = 68 + rng.randint(0, 8)
        session = Session(
            id=new_id(),
            started_at=t0,
            ended_at=t0 + timedelta(minutes=100),
            status="completed",
            series_index=i + 1,
            course_id=course.id,
            route="im",
            dose_value=doses[i],
            dose_unit="mg_per_kg",
            setting="clinic",
            support_person="Alex (partner) drove me home",
            clinician="Dr. R. Okafor",
            therapist_present=i in (0, 2, 4),
            vitals=(
                Vitals("pre", pre_sys, pre_dia, hr, 98),
                Vitals("40min", pre_sys + 14 + rng.randint(0, 10), pre_dia + 8, hr + 9, 97),
                Vitals("end", pre_sys + 4, pre_dia + 2, hr + 2, 98),
            ),
            side_effects={
                "nausea": [2, 1, 1, 0, 1, 0][i],
                "dizziness": [1, 2, 1, 1, 1, 1][i],
                "sedation": [1, 1, 2, 1, 1, 1][i],
                "headache": [0, 0, 1, 0, 0, 0][i],
                "anxiety": [2, 1, 1, 1, 0, 0][i],
            },
            dissociation=dissociation[i],
            notes=[
                "First session. Nurse very calm. Eye mask and my own playlist.",
                "Anti-nausea tablet beforehand helped.",
                "Deepest one so far. Therapist stayed for the first hour.",
                "Felt more at ease going in. Knew what to expect.",
                "Emotional; a lot of memories of grandma.",
                "Last session of the series. Gentle, quiet, grateful.",
            ][i],
            insights=(_KEEP[i],),
        )
        sessions.append(session)
        models.append(session)

        # prepare: the evening before
        prep_at = _at(day - timedelta(days=1), 20, 15 + i, tz)
        models.append(
            _pack_entry(
                prep_at,
                session,
                "prepare",
                f"Preparing for session {i + 1}",
                _answers(
                    [
                        (
                            "intention",
                            "What is your intention for this session?",
                            "text",
                            _INTENTIONS[i],
                        ),
                        (
                            "hopes",
                            "What are you hoping for?",
                            "text",
                            "To feel a bit more space inside."
                            if i < 3
                            else "To keep building on what has opened up.",
                        ),
                        ("worries", "Is anything worrying you?", "text", _WORRIES[i]),
                        (
                            "support",
                            "Who is there for you afterwards?",
                            "text",
                            "Alex picks me up; quiet evening at home.",
                        ),
                    ]
                ),
            )
        )
        # immediate: the same afternoon
        models.append(
            _pack_entry(
                _at(day, 13, 40 + i, tz),
                session,
                "immediate",
                f"Right after session {i + 1}",
                _answers(
                    [
                        (
                            "body",
                            "How does your body feel right now?",
                            "text",
                            [
                                "Heavy and slow, a little queasy.",
                                "Tingly hands, warm.",
                                "Very relaxed, jaw finally loose.",
                                "Light, a bit wobbly.",
                                "Tired eyes, open chest.",
                                "Calm and grounded.",
                            ][i],
                        ),
                        (
                            "emotions",
                            "Which feelings are around?",
                            "words",
                            [
                                ["relief", "confusion"],
                                ["tenderness"],
                                ["grief", "love"],
                                ["peace"],
                                ["sadness", "warmth"],
                                ["gratitude", "calm"],
                            ][i],
                        ),
                        ("images", "Any images, memories or scenes?", "text", _IMAGES[i]),
                        ("keep", "One line you want to keep", "text", _KEEP[i]),
                    ]
                ),
            )
        )
        # next_day
        models.append(
            _pack_entry(
                _at(day + timedelta(days=1), 9, 5 + i, tz),
                session,
                "next_day",
                f"The day after session {i + 1}",
                _answers(
                    [
                        ("stayed", "What has stayed with you since yesterday?", "text", _STAYED[i]),
                        (
                            "sleep",
                            "How did you sleep? (0 = very badly, 10 = very well)",
                            "scale",
                            [5, 6, 7, 6, 7, 8][i],
                        ),
                        (
                            "shifted",
                            "Did anything shift in how you act or think?",
                            "text",
                            _SHIFTED[i],
                        ),
                        (
                            "safety",
                            "Are you having thoughts of harming yourself right now?",
                            "yesno",
                            False,
                        ),
                    ]
                ),
            )
        )

    last = sessions[-1]
    models.append(
        _pack_entry(
            last.started_at + timedelta(days=6, hours=9),
            last,
            "one_week",
            "One week after the series",
            _answers(
                [
                    (
                        "patterns",
                        "Looking back over the week, what patterns do you notice?",
                        "text",
                        "Mornings are easier. Evenings still wobble when I'm tired, but "
                        "the wobble passes faster.",
                    ),
                    (
                        "actions",
                        "What have you tried doing differently?",
                        "text",
                        "Walks without headphones, fewer late emails, calling my sister.",
                    ),
                    (
                        "safety",
                        "Are you having thoughts of harming yourself right now?",
                        "yesno",
                        False,
                    ),
                ]
            ),
        )
    )

    # One integration appointment today; the pre-therapy reflection last night.
    appointment = Appointment(
        id=new_id(),
        at=_at(today, 18, 0, tz),
        kind="therapy",
        notes="Integration session with Dr. Lind",
    )
    models.append(appointment)
    models.append(
        Entry(
            id=new_id(),
            created=_at(today - timedelta(days=1), 19, 30, tz),
            modified=_at(today - timedelta(days=1), 19, 30, tz),
            body="",
            title="What to bring to therapy tomorrow",
            session_id=last.id,
            pack_id="pre_therapy",
            answers=_answers(
                [
                    (
                        "bring",
                        "What would you like to bring to your next therapy session?",
                        "text",
                        "The kitchen dream, and how to keep the calm mornings going now "
                        "that the series has ended.",
                    ),
                    (
                        "question",
                        "Is there a question you want to ask?",
                        "text",
                        "Whether a booster would make sense at some point - to decide "
                        "together with the clinic.",
                    ),
                ]
            ),
            source="guided",
            flagged_for_therapy=True,
        )
    )

    # Free entries spread between sessions.
    free_days = [(-3, 23), (2, 19), (5, 21), (9, 22), (12, 18), (16, 7), (20, 20), (22, 8)]
    for text, (offset, hour) in zip(_FREE, free_days, strict=True):
        when = _at(start + timedelta(days=offset), hour, rng.randint(0, 50), tz)
        models.append(
            Entry(
                id=new_id(),
                created=when,
                modified=when,
                body=text,
                tags=tuple(_tags(text)),
            )
        )

    # Near-daily check-ins, noisy and gently improving.
    for offset in range(-4, TODAY_OFFSET + 1):
        if rng.random() < 0.15:
            continue
        progress = (offset + 4) / (TODAY_OFFSET + 4)
        day = start + timedelta(days=offset)
        when = _at(day, 8, rng.randint(0, 45), tz)
        if offset == TODAY_OFFSET:
            when = _at(day, 7, 30, tz)
        models.append(
            CheckIn(
                id=new_id(),
                at=when,
                mood=_clamp(3.5 + 3 * progress + rng.gauss(0, 0.9)),
                anxiety=_clamp(7 - 3 * progress + rng.gauss(0, 0.9)),
                sleep=_clamp(4.5 + 2 * progress + rng.gauss(0, 1.1)),
                hope=_clamp(3 + 4 * progress + rng.gauss(0, 0.8)),
                connectedness=_clamp(4 + 2.5 * progress + rng.gauss(0, 0.9)),
            )
        )

    # Insights.
    s = sessions
    models.extend(
        [
            Insight(
                id=new_id(),
                created=s[0].started_at + timedelta(hours=4),
                text="The fear is old; it is not about today.",
                session_id=s[0].id,
                tags=("fear",),
                follow_ups=(
                    FollowUp(
                        s[1].started_at - timedelta(hours=20),
                        "still_true",
                        "Noticed it before a meeting and it helped.",
                    ),
                    FollowUp(
                        s[3].started_at - timedelta(days=1),
                        "discussed",
                        "Talked it through in therapy.",
                    ),
                ),
            ),
            Insight(
                id=new_id(),
                created=s[2].started_at + timedelta(hours=5),
                text="Grandma's kitchen stands for being looked after without earning it.",
                session_id=s[2].id,
                tags=("family",),
                bring_to_therapy=True,
            ),
            Insight(
                id=new_id(),
                created=s[3].started_at + timedelta(hours=26),
                text="I can say no and the world keeps turning.",
                session_id=s[3].id,
                tags=("boundaries", "work"),
                follow_ups=(
                    FollowUp(
                        s[4].started_at - timedelta(days=1), "tried", "Turned down the extra shift."
                    ),
                ),
            ),
            Insight(
                id=new_id(),
                created=s[5].started_at + timedelta(hours=4),
                text="Small steps still count.",
                session_id=s[5].id,
            ),
        ]
    )
    return models


def _tags(text: str) -> list[str]:
    from kapjournal.core.tags import extract_tags

    return extract_tags(text)


def build_demo(
    path: Path | str,
    *,
    passphrase: str = DEMO_PASSPHRASE,
    today: date | None = None,
    seed: int = DEMO_SEED,
    tz: tzinfo | None = None,
) -> Path:
    """Create a demo vault at ``path`` (which must not exist yet).

    Args:
        path: where to create the vault file.
        passphrase: the demo passphrase (printed by ``kapjournal demo``).
        today: the day the demo treats as "today" (default: the real today).
        seed: random seed for check-in noise and vitals; same seed, same data.
        tz: timezone of the invented timestamps (default: local).

    Returns:
        The vault path.

    Raises:
        VaultExists: when something is already at ``path``.
    """
    path = Path(path)
    local = datetime.now().astimezone()
    zone = tz or local.tzinfo
    assert zone is not None
    day = today or local.date()
    models = demo_models(today=day, seed=seed, tz=zone)
    now = datetime.combine(day, time(7, 45), tzinfo=zone)
    with Journal.create(path, passphrase, now=lambda: now) as journal:
        with journal.transaction():
            for model in models:
                journal.save(model)
            journal.save_settings(Settings(country="US", patient_label="Sam (demo)", welcomed=True))
        marker = {"built": now.isoformat(), "generation": journal.vault.generation + 1}
        journal.vault.put(DEMO_KIND, json.dumps(marker).encode("utf-8"))
    return path


def inspect_demo(path: Path | str, *, passphrase: str = DEMO_PASSPHRASE) -> DemoInfo:
    """Is the file at ``path`` a demo vault, and was it written to since it was built?

    Raises:
        KapError: when the file cannot be opened (busy, damaged...).
    """
    from kapjournal.core.errors import NotAVault

    try:
        journal = Journal.unlock(path, passphrase, readonly=True)
    except (WrongPassphrase, NotAVault):
        return DemoInfo(is_demo=False, modified=False)
    with journal:
        records = [
            r for r in journal.vault.iter_records([DEMO_KIND]) if isinstance(r, OpenedRecord)
        ]
        if not records:
            return DemoInfo(is_demo=False, modified=False)
        try:
            marker = json.loads(records[0].plaintext)
            built_generation = int(marker["generation"])
        except (ValueError, KeyError, TypeError):
            return DemoInfo(is_demo=True, modified=True)
        return DemoInfo(is_demo=True, modified=journal.vault.generation != built_generation)
