"""Deterministic benchmark corpus in jrnl's plain-text format.

``python bench/corpus.py N OUT.txt`` writes N entries spread over about three
years (2023-01-01 onwards), the same bytes for the same N on every machine.
Both jrnl (as its journal file) and kapjournal (``import --from jrnl-txt``)
read it.

What it contains, with known counts (see :func:`generate`'s return value):

* marker words at fixed frequencies: ``kapfreqone`` in 1% of entries,
  ``kapfreqtenth`` in 0.1%, ``kapfreqhundredth`` in 0.01% (at least one each);
* ``@tags`` at fixed frequencies (``@grief`` 5%, ``@work`` 10%, ...);
* a dosing session every ~50 entries (``@session``, "Session 12: ..."),
* starred entries (2%), which jrnl shows with ``*`` and kapjournal turns into
  insights;
* 20-90 words per entry from a Zipf-weighted vocabulary.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

SEED = 20261126
START = datetime(2023, 1, 1, 0, 0)
DAYS = 3 * 365
MARKERS = {"kapfreqone": 0.01, "kapfreqtenth": 0.001, "kapfreqhundredth": 0.0001}
TAG_RATES = {"grief": 0.05, "work": 0.10, "sleep": 0.08, "family": 0.06, "music": 0.02}
SESSION_EVERY = 50
STAR_RATE = 0.02

_BASE_WORDS = [
    "the",
    "a",
    "and",
    "to",
    "of",
    "i",
    "it",
    "was",
    "in",
    "that",
    "my",
    "felt",
    "with",
    "for",
    "me",
    "but",
    "not",
    "so",
    "like",
    "what",
    "about",
    "just",
    "this",
    "had",
    "be",
    "on",
    "today",
    "at",
    "more",
    "after",
    "feel",
    "when",
    "all",
    "how",
    "there",
    "some",
    "could",
    "out",
    "one",
    "up",
    "still",
    "time",
    "from",
    "which",
    "would",
    "them",
    "then",
    "now",
    "body",
    "breath",
    "slow",
    "light",
    "quiet",
    "warm",
    "heavy",
    "open",
    "tired",
    "calm",
    "sad",
    "hope",
    "fear",
    "walk",
    "sleep",
    "morning",
    "evening",
    "water",
    "tea",
    "mother",
    "father",
    "friend",
    "therapist",
    "room",
    "music",
    "noise",
    "window",
    "garden",
    "rain",
    "sun",
    "cold",
    "memory",
    "dream",
    "image",
    "colour",
    "sound",
    "weight",
    "chest",
    "hands",
    "shoulders",
    "head",
    "stomach",
    "tears",
    "laugh",
    "soft",
    "sharp",
    "gentle",
    "strange",
    "familiar",
    "distance",
    "closer",
    "letting",
    "holding",
    "space",
    "safe",
    "enough",
    "again",
    "maybe",
    "perhaps",
    "noticed",
    "remembered",
    "wanted",
    "needed",
    "tried",
    "listened",
]
_ONSETS = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "br"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
_CODAS = ["", "n", "r", "l", "s", "t", "m", "nd", "st"]


def vocabulary(rng: random.Random, size: int = 2000) -> list[str]:
    """Common English words first, then pronounceable made-up words."""
    words = list(dict.fromkeys(_BASE_WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.randint(1, 3))
        )
        if word not in seen and not word.startswith("kap"):
            seen.add(word)
            words.append(word)
    return words


def _pick(rng: random.Random, n: int, rate: float) -> set[int]:
    return set(rng.sample(range(n), max(1, round(n * rate)))) if n else set()


def generate(n: int, out: Path, seed: int = SEED) -> dict[str, object]:
    """Write the corpus and return its known statistics."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    minutes = sorted(rng.sample(range(DAYS * 24 * 60), n))
    marker_at = {word: _pick(rng, n, rate) for word, rate in MARKERS.items()}
    tag_at = {tag: _pick(rng, n, rate) for tag, rate in TAG_RATES.items()}
    starred = _pick(rng, n, STAR_RATE)
    counts: dict[str, int] = {w: len(s) for w, s in marker_at.items()}
    tag_counts: dict[str, int] = {t: len(s) for t, s in tag_at.items()}
    sessions = 0
    lines: list[str] = []
    for i, minute in enumerate(minutes):
        when = START + timedelta(minutes=minute)
        title_words = rng.choices(words, weights, k=rng.randint(4, 9))
        body_words = rng.choices(words, weights, k=rng.randint(16, 80))
        for word, where in marker_at.items():
            if i in where:
                body_words.insert(rng.randrange(len(body_words) + 1), word)
        tags = [t for t, where in tag_at.items() if i in where]
        if i % SESSION_EVERY == 0:
            sessions += 1
            title_words = ["Session", f"{sessions}:"] + title_words[:4]
            tags.append("session")
        for tag in tags:
            body_words.insert(rng.randrange(len(body_words) + 1), "@" + tag)
        title = " ".join(title_words).capitalize() + "."
        star = " *" if i in starred else ""
        cut = len(body_words) // 2
        body = " ".join(body_words[:cut]) + ".\n" + " ".join(body_words[cut:]) + "."
        lines.append(f"[{when:%Y-%m-%d %H:%M}] {title}{star}\n{body}\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    tag_counts["session"] = sessions
    return {
        "entries": n,
        "seed": seed,
        "first": (START + timedelta(minutes=minutes[0])).isoformat() if n else None,
        "last": (START + timedelta(minutes=minutes[-1])).isoformat() if n else None,
        "markers": counts,
        "tags": tag_counts,
        "starred": len(starred),
        "bytes": out.stat().st_size,
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/corpus.py N OUT.txt")
    print(json.dumps(generate(int(sys.argv[1]), Path(sys.argv[2])), indent=2))
