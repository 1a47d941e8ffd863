"""``PickOne``: choose one of a few labels with the arrow keys (no vault knowledge)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import RadioButton, RadioSet

from kapjournal.core.sanitize import clean_line


class PickOne(RadioSet):
    """A RadioSet built from labels, with the chosen label as ``chosen``."""

    def __init__(
        self,
        labels: Sequence[str],
        chosen: str | None = None,
        *,
        id: str | None = None,  # noqa: A002
    ) -> None:
        self.labels = list(labels)
        super().__init__(
            *[RadioButton(Text(clean_line(label)), value=label == chosen) for label in labels],
            id=id,
        )

    @property
    def chosen(self) -> str | None:
        index = self.pressed_index
        return self.labels[index] if 0 <= index < len(self.labels) else None
