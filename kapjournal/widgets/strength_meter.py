"""``StrengthMeter``: a small bar and one sentence about a passphrase's strength.

It knows nothing about vaults: the parent sets ``score`` (0-4) and ``message``.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StrengthMeter(Widget):
    """Shows a 4-step bar and a hint."""

    DEFAULT_CSS = """
    StrengthMeter {
        height: auto;
        min-height: 1;
        color: $text-muted;
    }
    StrengthMeter.-weak { color: $warning; }
    StrengthMeter.-ok { color: $success; }
    """

    score: reactive[int] = reactive(0)
    """0 = too short, 1 weak, 2 fair, 3 good, 4 strong."""
    message: reactive[str] = reactive("")
    """One sentence shown after the bar."""

    def render(self) -> Text:
        filled = max(0, min(4, self.score))
        bar = "\u25a0" * filled + "\u25a1" * (4 - filled)
        text = Text(bar + "  ")
        text.append(self.message)
        return text

    def watch_score(self, score: int) -> None:
        self.set_class(score <= 1, "-weak")
        self.set_class(score >= 3, "-ok")
