"""``HideParagraphsModal``: pick paragraphs and answers to leave out of an export.

The Export screen's "hide paragraphs" field takes ``ENTRY-ID:N`` items; this
dialog fills it in for people who would rather point than type ids. Pick an
entry on the left, tick paragraphs (and a guided entry's answers, numbered
after its paragraphs) on the right; they appear in the export as a "withheld"
line.

| key | action |
|-----|--------|
| type in the filter | narrow the entry list to entries containing those words |
| up / down | move through entries or paragraphs |
| space / enter | tick or untick a paragraph |
| tab | move between the filter, the entries and the paragraphs |
| ctrl+s | done: put the choices into the export form |
| escape | cancel: leave the form as it was |
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from kapjournal.core.export.model import HideablePart, hideable_parts
from kapjournal.core.models import Entry, answer_value_text
from kapjournal.core.sanitize import clean_line

#: How many entries the list shows at once; the filter narrows the rest.
MAX_LISTED = 300
PREVIEW_CHARS = 70
LABEL_CHARS = 25
NO_PARAGRAPHS = "Nothing is written in this entry, so there is nothing to hide."

Hidden = dict[str, frozenset[int]]


def short_ids(ids: Iterable[str], *, length: int = 8) -> dict[str, str]:
    """Each id's first ``length`` characters, or the whole id where that prefix is shared."""
    ids = list(ids)
    counts = Counter(i[:length] for i in ids)
    return {i: i[:length] if counts[i[:length]] == 1 else i for i in ids}


def hidden_to_specs(hidden: Mapping[str, frozenset[int]], all_ids: Iterable[str]) -> list[str]:
    """``ENTRY-ID:N`` items (1-based) for the export form, in a stable order."""
    short = short_ids(all_ids)
    return [
        f"{short.get(entry_id, entry_id)}:{n + 1}"
        for entry_id in sorted(hidden)
        for n in sorted(hidden[entry_id])
    ]


def resolve_prefixes(
    hidden: Mapping[str, frozenset[int]], ids: Iterable[str]
) -> tuple[Hidden, list[str]]:
    """Map typed id prefixes to full ids; prefixes that match no single id come back apart."""
    ids = list(ids)
    out: Hidden = {}
    unknown: list[str] = []
    for prefix, paras in hidden.items():
        matches = [i for i in ids if i.startswith(prefix)]
        if len(matches) == 1:
            out[matches[0]] = out.get(matches[0], frozenset()) | paras
        else:
            unknown.extend(f"{prefix}:{n + 1}" for n in sorted(paras))
    return out, unknown


def _short(text: str, limit: int) -> str:
    text = clean_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _part_label(part: HideablePart) -> Text:
    """``3. paragraph text…``, or for an answer the answer first, its question dimmed."""
    label = Text(f"{part.index + 1}. ")
    label.append(_short(part.text, PREVIEW_CHARS))
    if part.question:
        label.append(f"  ({_short(part.question, 40)})", style="dim")
    return label


def _haystack(entry: Entry) -> str:
    """What the filter looks in: title, body and guided answers, lower-cased."""
    answers = (answer_value_text(a.value) for a in entry.answers)
    return "\n".join((entry.title, entry.body, *answers)).lower()


def _entry_label(entry: Entry, hidden: int) -> Text:
    label = Text(f"{hidden} " if hidden else "  ", style="bold")  # paragraphs hidden in it
    label.append(f"{entry.created:%d %b %y}  ", style="dim")
    first = clean_line(entry.first_line) or "(empty entry)"
    label.append(first if len(first) <= LABEL_CHARS else first[: LABEL_CHARS - 1] + "…")
    return label


class HideParagraphsModal(ModalScreen[Hidden | None]):
    """Tick paragraphs to withhold. Dismisses with ``{entry id: {0-based index}}``, or None."""

    BINDINGS = [
        Binding("ctrl+s", "done", "Done"),
        Binding("escape", "cancel", "Cancel"),
    ]

    # Below 100 columns the entry list narrows, leaving the paragraphs room to be read.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    DEFAULT_CSS = """
    HideParagraphsModal { align: center middle; }
    HideParagraphsModal > Vertical {
        width: 90%; height: 85%; border: thick $primary; background: $surface; padding: 0 1;
    }
    HideParagraphsModal #hide-lists { height: 1fr; }
    HideParagraphsModal #hide-entries { width: 46; text-wrap: nowrap; text-overflow: ellipsis; }
    HideParagraphsModal.-narrow #hide-entries { width: 32; }
    HideParagraphsModal #hide-paragraphs { text-wrap: wrap; }
    HideParagraphsModal #hide-right { width: 1fr; }
    HideParagraphsModal #hide-none { color: $text-muted; padding: 1; }
    HideParagraphsModal #hide-count { height: auto; margin-top: 1; }
    HideParagraphsModal Horizontal.dialog--buttons { height: auto; }
    """

    def __init__(self, entries: Sequence[Entry], hidden: Mapping[str, frozenset[int]]) -> None:
        super().__init__()
        self.entries = list(entries)
        self.hidden: Hidden = {k: frozenset(v) for k, v in hidden.items() if v}
        self._by_id = {e.id: e for e in self.entries}
        self._current: Entry | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Hide paragraphs and answers from this export", style="bold"))
            yield Static(
                Text(
                    "Pick an entry, then tick what your therapist should not see. "
                    "Each ticked paragraph or answer is replaced by a short 'withheld' line."
                )
            )
            yield Input(placeholder="filter entries by a word", id="hide-filter")
            with Horizontal(id="hide-lists"):
                yield OptionList(id="hide-entries")
                with Vertical(id="hide-right"):
                    yield SelectionList[int](id="hide-paragraphs")
                    yield Static(Text(NO_PARAGRAPHS), id="hide-none")
            yield Static(Text(""), id="hide-count")
            with Horizontal(classes="dialog--buttons"):
                yield Button("Done", variant="primary", id="hide-done")
                yield Button("Cancel", id="hide-cancel")

    def on_mount(self) -> None:
        self._fill_entries("")
        self._update_count()
        self.query_one("#hide-entries", OptionList).focus()

    # -- entries -------------------------------------------------------

    def _matching(self, words: str) -> list[Entry]:
        terms = words.lower().split()
        if not terms:
            return self.entries
        return [e for e in self.entries if all(t in _haystack(e) for t in terms)]

    def _fill_entries(self, words: str) -> None:
        matching = self._matching(words)
        options = self.query_one("#hide-entries", OptionList)
        options.clear_options()
        options.add_options(
            Option(_entry_label(e, len(self.hidden.get(e.id, ()))), id=e.id)
            for e in matching[:MAX_LISTED]
        )
        if len(matching) > MAX_LISTED:
            options.add_option(
                Option(
                    Text(
                        f"… {len(matching) - MAX_LISTED} more: type a word above to narrow",
                        style="dim",
                    ),
                    disabled=True,
                )
            )
        if matching:
            options.highlighted = 0
            self._show_paragraphs(matching[0])
        else:
            self._show_paragraphs(None)

    @on(Input.Changed, "#hide-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill_entries(event.value)

    @on(OptionList.OptionHighlighted, "#hide-entries")
    def _entry_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry = self._by_id.get(event.option.id or "")
        if entry is not None and entry is not self._current:
            self._show_paragraphs(entry)

    @on(OptionList.OptionSelected, "#hide-entries")
    def _entry_chosen(self) -> None:
        self.query_one("#hide-paragraphs", SelectionList).focus()

    # -- paragraphs ----------------------------------------------------

    def _show_paragraphs(self, entry: Entry | None) -> None:
        self._current = entry
        paragraphs = self.query_one("#hide-paragraphs", SelectionList)
        paragraphs.clear_options()
        none = self.query_one("#hide-none", Static)
        parts = hideable_parts(entry) if entry is not None else []
        none.display = entry is not None and not parts
        paragraphs.display = not none.display
        if entry is None:
            return
        chosen = self.hidden.get(entry.id, frozenset())
        for part in parts:
            paragraphs.add_option((_part_label(part), part.index, part.index in chosen))
        if paragraphs.option_count:
            paragraphs.highlighted = 0

    @on(SelectionList.SelectedChanged, "#hide-paragraphs")
    def _paragraphs_changed(self, event: SelectionList.SelectedChanged[int]) -> None:
        # Read the list as it is now (not as it was when the message left): a
        # message from an earlier entry's list then cannot mislabel this one.
        if self._current is None:
            return
        picked = frozenset(event.selection_list.selected)
        if picked:
            self.hidden[self._current.id] = picked
        else:
            self.hidden.pop(self._current.id, None)
        options = self.query_one("#hide-entries", OptionList)
        index = options.highlighted
        if index is not None:
            options.replace_option_prompt_at_index(index, _entry_label(self._current, len(picked)))
        self._update_count()

    def _update_count(self) -> None:
        paragraphs = sum(len(v) for v in self.hidden.values())
        text = (
            "Nothing hidden yet."
            if not paragraphs
            else f"{paragraphs} part(s) in {len(self.hidden)} entr"
            f"{'y' if len(self.hidden) == 1 else 'ies'} will be withheld."
        )
        self.query_one("#hide-count", Static).update(Text(text))

    # -- leaving -------------------------------------------------------

    @on(Button.Pressed, "#hide-done")
    def action_done(self) -> None:
        self.dismiss(dict(self.hidden))

    @on(Button.Pressed, "#hide-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
