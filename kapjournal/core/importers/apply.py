"""Write an :class:`ImportResult` into a journal: one transaction, duplicates skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kapjournal.core.importers.base import ImportedItem, ImportResult, Progress
from kapjournal.core.journal import Journal
from kapjournal.core.models import CheckIn, Entry, Insight, Model


@dataclass
class ImportSummary:
    """What an import added (or, for a dry run, would add)."""

    source: str
    entries: int = 0
    tags: int = 0
    insights: int = 0
    checkins: int = 0
    other: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        """A short human summary, most important first."""
        verb = "Would import" if self.dry_run else "Imported"
        out = [
            f"{verb} {_count(self.entries, 'entry', 'entries')} with "
            f"{_count(self.tags, 'tag')}, {_count(self.insights, 'insight')} "
            f"and {_count(self.checkins, 'check-in')}.",
        ]
        if self.other:
            out.append(f"Also {_count(self.other, 'other record')} (sessions, settings...).")
        if self.duplicates:
            out.append(f"Skipped {_count(self.duplicates, 'duplicate')} (same date and text).")
        if self.skipped:
            out.append(f"Skipped {_count(len(self.skipped), 'item')} that could not be used:")
            out.extend(f"  {reason}" for reason in self.skipped[:10])
            if len(self.skipped) > 10:
                out.append(f"  ... and {len(self.skipped) - 10} more")
        return out


def _count(n: int, word: str, plural: str | None = None) -> str:
    """'1 entry', '2 entries', '0 tags'."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _text_key(entry: Entry) -> str:
    return " ".join(f"{entry.title}\n{entry.body}".split())


def duplicate_key(entry: Entry) -> tuple[date, str]:
    """Entries with the same calendar date and text (whitespace ignored) are duplicates."""
    return entry.created.date(), _text_key(entry)


def _exists(journal: Journal, model_id: str) -> bool:
    try:
        return journal.vault.kind_of(bytes.fromhex(model_id)) is not None
    except ValueError:
        return False


def _fresh_ids(journal: Journal, item: ImportedItem) -> ImportedItem:
    """Give the item new ids where its ids are taken: an import never overwrites."""
    from kapjournal.core.models import new_id

    entry = item.entry
    if _exists(journal, entry.id):
        entry = entry.replace(id=new_id())
    insights = [
        i.replace(
            id=new_id() if _exists(journal, i.id) else i.id,
            entry_id=entry.id if i.entry_id == item.entry.id else i.entry_id,
        )
        for i in item.insights
    ]
    checkins = [c.replace(id=new_id()) if _exists(journal, c.id) else c for c in item.checkins]
    return ImportedItem(entry, insights, checkins, item.where)


def apply_import(
    journal: Journal,
    result: ImportResult,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Add the imported models to ``journal`` in ONE transaction.

    Duplicates (same date and text as an existing or earlier imported entry)
    are skipped together with their insights and check-ins. If anything fails
    the transaction is rolled back and nothing is written.

    Args:
        journal: an unlocked journal (it may be read-only for a dry run).
        result: what an importer read.
        dry_run: count only; write nothing.
        progress: ``progress(done, total)`` while writing.

    Returns:
        The counts of what was (or would be) added and skipped.

    Raises:
        KapError: a storage error; the vault is unchanged.
    """
    summary = ImportSummary(result.source, skipped=list(result.skipped), dry_run=dry_run)
    seen = {duplicate_key(e) for e in journal.all(Entry)}
    todo: list[ImportedItem] = []
    for item in result.items:
        key = duplicate_key(item.entry)
        if key in seen:
            summary.duplicates += 1
            continue
        seen.add(key)
        todo.append(item)
    extras: list[Model] = []
    for model in result.extra:
        if _exists(journal, model.id):  # type: ignore[attr-defined]
            summary.duplicates += 1
        else:
            extras.append(model)
    # Insights without an entry and check-ins of a kapjournal-json file come as extras.
    loose_insights = sum(isinstance(m, Insight) for m in extras)
    loose_checkins = sum(isinstance(m, CheckIn) for m in extras)
    summary.entries = len(todo)
    summary.insights = sum(len(i.insights) for i in todo) + loose_insights
    summary.checkins = sum(len(i.checkins) for i in todo) + loose_checkins
    summary.tags = len({t for i in todo for t in i.entry.tags})
    summary.other = len(extras) - loose_insights - loose_checkins
    if dry_run or not (todo or extras):
        return summary
    total = len(todo) + len(extras)
    done = 0
    with journal.transaction():
        for item in todo:
            item = _fresh_ids(journal, item)
            journal.save(item.entry)
            for insight in item.insights:
                journal.save(insight)
            for checkin in item.checkins:
                journal.save(checkin)
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done, total)
        for model in extras:
            journal.save(model)
            done += 1
    if progress is not None:
        progress(total, total)
    return summary
