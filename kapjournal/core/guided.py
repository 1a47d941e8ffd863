"""The guided flow's storage: answers autosaved as sealed drafts, finished as an entry.

One ``Draft`` (target ``"pack"``) per pack and session holds the answers so
far and the position, so quitting halfway and coming back resumes exactly
there. Finishing turns it into an ``Entry`` (source ``"guided"``) with
``pack_id``, ``session_id`` and one ``Answer`` per prompt, deletes the draft
in the same transaction, and reports any safety triggers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kapjournal.core import safety
from kapjournal.core.checkin import record_checkin
from kapjournal.core.journal import Journal
from kapjournal.core.models import CHECKIN_FIELDS, Answer, Draft, Entry, new_id
from kapjournal.core.prompts import CHECKIN_PREFIX, PromptPack, answer_text, clean_answer


def find_draft(journal: Journal, pack_id: str, session_id: str | None) -> Draft | None:
    """The saved draft for this pack and session, if any."""
    for d in journal.drafts():
        if d.target == "pack" and d.pack_id == pack_id and d.session_id == session_id:
            return d
    return None


def start_or_resume(journal: Journal, pack: PromptPack, session_id: str | None) -> Draft:
    """Resume the pack's draft, or start a new (unsaved until the first answer) one."""
    found = find_draft(journal, pack.id, session_id)
    if found is not None:
        return found.replace(position=max(0, min(found.position, len(pack.prompts) - 1)))
    return Draft(
        id=new_id(),
        updated=journal.now(),
        target="pack",
        pack_id=pack.id,
        session_id=session_id,
        title=pack.title,
    )


def save_answer(
    journal: Journal, pack: PromptPack, draft: Draft, prompt_id: str, value: Any, position: int
) -> Draft:
    """Validate and autosave one answer (``None`` = skipped) and the position.

    Raises:
        PromptPackInvalid: the value does not fit the prompt.
    """
    prompt = pack.prompt(prompt_id)
    if prompt is None:
        raise KeyError(prompt_id)
    clean = clean_answer(prompt, value)
    answers = dict(draft.answers)
    if clean is None:
        answers.pop(prompt_id, None)
    else:
        answers[prompt_id] = clean
    return journal.save(draft.replace(answers=answers, position=position, updated=journal.now()))


def save_position(journal: Journal, draft: Draft, position: int) -> Draft:
    return journal.save(draft.replace(position=position, updated=journal.now()))


@dataclass(frozen=True)
class Finished:
    entry: Entry
    triggers: list[safety.Trigger]


def body_from(pack: PromptPack, answers: dict[str, Any]) -> str:
    """A plain-text body: each question followed by its answer."""
    parts = []
    for p in pack.prompts:
        if p.id in answers:
            parts.append(f"{p.text}\n{answer_text(p, answers[p.id])}")
    return "\n\n".join(parts)


def finish(journal: Journal, pack: PromptPack, draft: Draft) -> Finished:
    """Store the answers as one guided ``Entry`` and drop the draft (one transaction).

    Returns:
        The entry and any safety triggers (the caller shows the crisis screen
        and logs them; saving never waits for that).
    """
    answers = dict(draft.answers)
    entry_answers = tuple(
        Answer(prompt_id=p.id, question=p.text, kind=p.kind, value=answers.get(p.id))
        for p in pack.prompts
    )
    entry = Entry.new(
        body_from(pack, answers),
        now=journal.now(),
        title=pack.title,
        session_id=draft.session_id,
        pack_id=pack.id,
        answers=entry_answers,
        source="guided",
    )
    values = {
        k[len(CHECKIN_PREFIX) :]: v
        for k, v in answers.items()
        if k.startswith(CHECKIN_PREFIX) and k[len(CHECKIN_PREFIX) :] in CHECKIN_FIELDS
    }
    with journal.transaction():
        journal.save(entry)
        if pack.include_checkin and values:
            record_checkin(journal, values, at=entry.created, source="pack")
        if journal.find(Draft, draft.id) is not None:
            journal.delete(draft)
    return Finished(entry, safety.check_answers(pack, answers))


def add_fragment(journal: Journal, text: str, session_id: str | None) -> Entry | None:
    """Save a session-mode fragment at once; empty text saves nothing."""
    if not text.strip():
        return None
    return journal.add_entry(text.strip(), session_id=session_id, source="fragment")
