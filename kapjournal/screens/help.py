"""``HelpScreen``: every key binding, generated from BINDINGS and the feature registry."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from kapjournal.screens.welcome import DISCLAIMER


def format_key(key: str) -> str:
    """'ctrl+l,f1' -> 'Ctrl+L / F1'."""
    parts = []
    for one in key.split(","):
        one = one.strip()
        words = one.split("+")
        if len(words) > 1:
            words = [w.upper() if len(w) == 1 else w.capitalize() for w in words]
        elif one == "question_mark":
            words = ["?"]
        elif one == "slash":
            words = ["/"]
        elif len(one) > 1:
            words = [one.capitalize()]
        parts.append("+".join(words))
    return " / ".join(parts)


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    out: list[Binding] = []
    for b in bindings:
        if isinstance(b, Binding):
            out.append(b)
        else:
            out.append(Binding(*b))
    return out


def _owner_rows(owner: type, extra: Iterable[BindingType] = ()) -> list[tuple[str, str]]:
    """(keys, what it does) for a class's BINDINGS, described by its HELP_LINES."""
    lines: dict[str, str] = getattr(owner, "HELP_LINES", {})
    rows: dict[str, list[str]] = {}
    for b in _bindings([*getattr(owner, "BINDINGS", ()), *extra]):
        action = b.action.split("(")[0]
        if action.startswith(("open_feature", "app.help")):
            continue
        what = lines.get(action, b.description)
        if not what:
            continue  # a key that only guards against accidents (e.g. escape on the crisis page)
        rows.setdefault(what, []).append(format_key(b.key))
    return [(" / ".join(keys), what) for what, keys in rows.items()]


def screen_section(screen: Screen[object] | None) -> tuple[str, list[tuple[str, str]]] | None:
    """The keys of the screen help was opened from, unless a fixed section lists them."""
    from kapjournal.app import KapJournalApp
    from kapjournal.screens.editor import EditorScreen
    from kapjournal.screens.home import HomeScreen
    from kapjournal.screens.settings import SettingsScreen

    if screen is None or isinstance(screen, HomeScreen | EditorScreen | SettingsScreen):
        return None
    everywhere = {b.key for b in _bindings(KapJournalApp.BINDINGS)}
    rows = [
        (keys, what)
        for keys, what in _owner_rows(type(screen))
        if keys not in {format_key(k) for k in everywhere}
    ]
    # Widgets with their own keys (e.g. the 0-10 scales) describe them in HELP_ROWS.
    seen: set[type] = set()
    for widget in screen.query("*"):
        kind = type(widget)
        if kind in seen:
            continue
        seen.add(kind)
        rows.extend(getattr(kind, "HELP_ROWS", ()))
    return ("On this screen", rows) if rows else None


def help_sections(
    screen: Screen[object] | None = None,
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(keys, what it does)]) for every screen with keys.

    Args:
        screen: the screen help was opened from; its keys come first.
    """
    from kapjournal.app import KapJournalApp
    from kapjournal.screens import registry
    from kapjournal.screens.editor import EditorScreen
    from kapjournal.screens.home import HomeScreen
    from kapjournal.screens.settings import SettingsScreen
    from kapjournal.widgets.entry_list import EntryList

    sections: list[tuple[str, list[tuple[str, str]]]] = []
    current = screen_section(screen)
    if current is not None:
        sections.append(current)
    for title, owner in (
        ("Everywhere", KapJournalApp),
        ("Journal list", HomeScreen),
        ("Writing", EditorScreen),
        ("Settings", SettingsScreen),
    ):
        lines: dict[str, str] = getattr(owner, "HELP_LINES", {})
        rows: dict[str, list[str]] = {}
        extra = list(EntryList.BINDINGS) if owner is HomeScreen else []
        for b in _bindings([*owner.BINDINGS, *extra]):
            action = b.action.split("(")[0]
            if action.startswith(("open_feature", "app.")):
                continue  # feature keys have their own section; app keys are "Everywhere"
            what = lines.get(action, b.description or action.replace("_", " "))
            rows.setdefault(what, []).append(format_key(b.key))
        if owner is KapJournalApp:
            rows["Command palette: every action by name"] = ["Ctrl+P"]
        sections.append((title, [(" / ".join(keys), what) for what, keys in rows.items()]))
    if registry.FEATURES:
        sections.append(
            (
                "More (from the journal list)",
                [(format_key(f.key), f.help) for f in registry.FEATURES],
            )
        )
    return sections


class HelpScreen(Screen[None]):
    """Keys and a reminder of what this journal is.

    | key | action |
    |-----|--------|
    | escape / q | close help |
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, context: Screen[object] | None = None) -> None:
        super().__init__()
        self.context = context  # the screen help was opened from

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static("Help", classes="card--title")
            for title, rows in help_sections(self.context):
                table = Table(title=title, title_justify="left", show_header=False, expand=True)
                table.add_column("Keys", style="bold", width=18, no_wrap=True)
                table.add_column("What it does", ratio=1)
                for keys, what in rows:
                    table.add_row(Text(keys), Text(what))
                yield Static(table, classes="help-section")
            yield Static(
                "Every action is also in the command palette (Ctrl+P), titled like "
                "'Entry: New'. The mouse works too.",
                classes="card--text",
            )
            yield Static(DISCLAIMER, classes="card--notice")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
