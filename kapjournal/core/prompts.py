"""Guided prompt packs: the TOML schema, loading and validation.

A pack is one TOML file (schema in ``prompts/README.md``). Packs come from
three places, later ones overriding earlier ones with the same id:

1. the built-in packs: ``kapjournal/_prompts`` in an installed wheel, or the
   repository's ``prompts/`` folder in an editable checkout;
2. the user's folder, :func:`kapjournal.core.paths.user_prompts_dir`;
3. extra folders passed by the caller (tests).

A broken file never stops the others from loading: :func:`load_library`
collects one :class:`PackProblem` per broken file, naming the file, the
prompt id (if the problem is inside a prompt) and what is wrong.

Scale packs (``type = "scale"``) live in the same folders and are validated
by :mod:`kapjournal.core.scales`.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kapjournal.core.errors import PromptPackInvalid

ANSWER_KINDS = ("text", "scale", "choice", "words", "yesno")
PHASES = (
    "prepare",
    "immediate",
    "next_day",
    "one_week",
    "pre_therapy",
    "one_month",
    "three_month",
    "daily",
    "any",
)
PHASE_LABELS = {
    "prepare": "Before the session",
    "immediate": "Right after",
    "next_day": "Next day",
    "one_week": "One week on",
    "pre_therapy": "Before therapy",
    "one_month": "One month on",
    "three_month": "Three months on",
    "daily": "Daily",
    "any": "Any time",
}
FOCUS_AREAS = ("depression", "safety", "ptsd", "ocd", "substance_use")
MAX_PACK_BYTES = 256 * 1024
MAX_PROMPTS = 60
MAX_TEXT = 2000
MAX_CHOICES = 20
MAX_WORDS = 20


@dataclass(frozen=True)
class Prompt:
    """One question in a pack."""

    id: str
    text: str
    kind: str = "text"
    hint: str = ""
    choices: tuple[str, ...] = ()
    low_label: str = ""  # scale: what 0 means
    high_label: str = ""  # scale: what 10 means
    max_words: int = 5  # words: how many words at most
    safety: bool = False  # yesno: "yes" opens the crisis screen


@dataclass(frozen=True)
class PromptPack:
    """A validated prompt pack."""

    id: str
    title: str
    phase: str
    prompts: tuple[Prompt, ...]
    description: str = ""
    include_checkin: bool = False
    focus: str | None = None
    version: str = "1"
    source: str = ""  # file name it came from (for messages)
    origin: str = "builtin"  # builtin | user

    def prompt(self, prompt_id: str) -> Prompt | None:
        return next((p for p in self.prompts if p.id == prompt_id), None)


@dataclass(frozen=True)
class PackProblem:
    """Why one pack file did not load."""

    file: str
    message: str
    prompt_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}, prompt '{self.prompt_id}'" if self.prompt_id else self.file
        return f"{where}: {self.message}"


class PackError(PromptPackInvalid):
    """A pack file failed validation; carries the :class:`PackProblem`."""

    def __init__(self, problem: PackProblem) -> None:
        self.problem = problem
        super().__init__(f"Prompt pack {problem}")


@dataclass
class PackLibrary:
    """Every pack that loaded, plus the problems of those that did not."""

    packs: dict[str, PromptPack] = field(default_factory=dict)
    scales: dict[str, Any] = field(default_factory=dict)  # id -> scales.ScalePack
    problems: list[PackProblem] = field(default_factory=list)

    def for_phase(self, phase: str, focus: Sequence[str] = ()) -> list[PromptPack]:
        """Packs of a phase: the core ones plus the chosen focus packs."""
        return sorted(
            (
                p
                for p in self.packs.values()
                if p.phase == phase and (p.focus is None or p.focus in focus)
            ),
            key=lambda p: (p.focus is not None, p.id),
        )

    def focus_packs(self, focus: Sequence[str] = ()) -> list[PromptPack]:
        return sorted(
            (p for p in self.packs.values() if p.focus is not None and p.focus in focus),
            key=lambda p: p.id,
        )

    def available(self, focus: Sequence[str] = ()) -> list[PromptPack]:
        """Every pack the user can open now (core packs and chosen focus packs)."""
        return sorted(
            (p for p in self.packs.values() if p.focus is None or p.focus in focus),
            key=lambda p: (PHASES.index(p.phase), p.id),
        )


CHECKIN_PREFIX = "checkin_"


def checkin_prompts() -> tuple[Prompt, ...]:
    """The five check-in sliders as scale prompts (appended when ``include_checkin``)."""
    from kapjournal.core.checkin import SLIDERS

    return tuple(
        Prompt(
            id=CHECKIN_PREFIX + s.field,
            text=s.question,
            kind="scale",
            low_label=s.low,
            high_label=s.high,
        )
        for s in SLIDERS
    )


# ---------------------------------------------------------------- validation helpers


def _problem(file: str, message: str, prompt_id: str | None = None) -> PackError:
    return PackError(PackProblem(file, message, prompt_id))


def _text(
    data: dict[str, Any],
    key: str,
    file: str,
    *,
    required: bool = True,
    prompt_id: str | None = None,
    limit: int = MAX_TEXT,
) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise _problem(file, f"'{key}' is missing", prompt_id)
        return ""
    if not isinstance(value, str):
        raise _problem(file, f"'{key}' must be text in quotes", prompt_id)
    if required and not value.strip():
        raise _problem(file, f"'{key}' is empty", prompt_id)
    if len(value) > limit:
        raise _problem(file, f"'{key}' is longer than {limit} characters", prompt_id)
    return value.strip()


def _ident(value: Any, what: str, file: str, prompt_id: str | None = None) -> str:
    ok = (
        isinstance(value, str)
        and 0 < len(value) <= 64
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in value)
    )
    if not ok:
        raise _problem(
            file, f"{what} must be 1-64 letters, digits, '_' or '-' (got {value!r})", prompt_id
        )
    return str(value)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a pack file with size and syntax checks.

    Raises:
        PackError: unreadable, too large or not valid TOML.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            raise _problem(name, f"the file is larger than {MAX_PACK_BYTES // 1024} KiB")
        raw = path.read_bytes()
    except OSError as err:
        raise _problem(name, "the file could not be read") from err
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise _problem(name, "the file is not UTF-8 text") from err
    except tomllib.TOMLDecodeError as err:
        raise _problem(name, f"not valid TOML ({err})") from err


def _prompt_from(raw: Any, index: int, file: str) -> Prompt:
    if not isinstance(raw, dict):
        raise _problem(file, f"prompt number {index + 1} is not a table ([[prompts]])")
    pid = raw.get("id")
    if pid is None:
        raise _problem(file, f"prompt number {index + 1} has no 'id'")
    pid = _ident(pid, "a prompt id", file)
    text = _text(raw, "text", file, prompt_id=pid)
    kind = raw.get("kind", "text")
    if kind not in ANSWER_KINDS:
        raise _problem(file, f"'kind' must be one of {', '.join(ANSWER_KINDS)} (got {kind!r})", pid)
    hint = _text(raw, "hint", file, required=False, prompt_id=pid)
    choices: tuple[str, ...] = ()
    if kind == "choice":
        raw_choices = raw.get("choices")
        if (
            not isinstance(raw_choices, list)
            or len(raw_choices) < 2
            or not all(isinstance(c, str) and c.strip() for c in raw_choices)
        ):
            raise _problem(file, "a choice prompt needs 'choices', a list of 2 or more texts", pid)
        if len(raw_choices) > MAX_CHOICES:
            raise _problem(file, f"at most {MAX_CHOICES} choices are allowed", pid)
        if len(set(raw_choices)) != len(raw_choices):
            raise _problem(file, "the choices repeat themselves", pid)
        choices = tuple(c.strip() for c in raw_choices)
    elif "choices" in raw:
        raise _problem(file, "'choices' only belongs to kind = \"choice\"", pid)
    low = _text(raw, "low_label", file, required=False, prompt_id=pid, limit=80)
    high = _text(raw, "high_label", file, required=False, prompt_id=pid, limit=80)
    if kind == "scale" and not (low and high):
        raise _problem(file, "a scale prompt needs 'low_label' and 'high_label'", pid)
    max_words = raw.get("max_words", 5)
    if kind == "words" and (
        not isinstance(max_words, int)
        or isinstance(max_words, bool)
        or not 1 <= max_words <= MAX_WORDS
    ):
        raise _problem(file, f"'max_words' must be a whole number from 1 to {MAX_WORDS}", pid)
    safety = raw.get("safety", False)
    if not isinstance(safety, bool):
        raise _problem(file, "'safety' must be true or false", pid)
    if safety and kind != "yesno":
        raise _problem(file, "'safety = true' is only allowed on a yesno prompt", pid)
    known = {
        "id",
        "text",
        "kind",
        "hint",
        "choices",
        "low_label",
        "high_label",
        "max_words",
        "safety",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _problem(file, f"unknown key(s): {', '.join(unknown)}", pid)
    return Prompt(
        id=pid,
        text=text,
        kind=kind,
        hint=hint,
        choices=choices,
        low_label=low,
        high_label=high,
        max_words=int(max_words) if kind == "words" else 5,
        safety=safety,
    )


def parse_pack(data: dict[str, Any], file: str, origin: str = "builtin") -> PromptPack:
    """Validate a decoded TOML table as a prompt pack.

    Args:
        data: the decoded TOML.
        file: file name used in messages.
        origin: ``builtin`` or ``user``.

    Returns:
        The validated pack.

    Raises:
        PackError: naming the file, the prompt id and the problem.
    """
    kind = data.get("type", "prompts")
    if kind != "prompts":
        raise _problem(file, f"'type' must be \"prompts\" here (got {kind!r})")
    pack_id = _ident(data.get("id"), "'id'", file)
    title = _text(data, "title", file, limit=120)
    phase = data.get("phase")
    if phase not in PHASES:
        raise _problem(file, f"'phase' must be one of {', '.join(PHASES)} (got {phase!r})")
    description = _text(data, "description", file, required=False)
    include_checkin = data.get("include_checkin", False)
    if not isinstance(include_checkin, bool):
        raise _problem(file, "'include_checkin' must be true or false")
    focus = data.get("focus")
    if focus is not None and focus not in FOCUS_AREAS:
        raise _problem(file, f"'focus' must be one of {', '.join(FOCUS_AREAS)} (got {focus!r})")
    version = data.get("version", "1")
    if not isinstance(version, str | int):
        raise _problem(file, "'version' must be text or a number")
    raw_prompts = data.get("prompts")
    if not isinstance(raw_prompts, list) or not raw_prompts:
        raise _problem(file, "the pack has no [[prompts]]")
    if len(raw_prompts) > MAX_PROMPTS:
        raise _problem(file, f"a pack may have at most {MAX_PROMPTS} prompts")
    prompts = tuple(_prompt_from(raw, i, file) for i, raw in enumerate(raw_prompts))
    seen: set[str] = set()
    for p in prompts:
        if p.id in seen:
            raise _problem(file, "this prompt id is used twice", p.id)
        if p.id.startswith(CHECKIN_PREFIX):
            raise _problem(file, f"ids starting with '{CHECKIN_PREFIX}' are reserved", p.id)
        seen.add(p.id)
    if include_checkin:
        prompts = prompts + checkin_prompts()
    known = {
        "type",
        "id",
        "title",
        "phase",
        "description",
        "include_checkin",
        "focus",
        "version",
        "prompts",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise _problem(file, f"unknown key(s): {', '.join(unknown)}")
    return PromptPack(
        id=pack_id,
        title=title,
        phase=phase,
        prompts=prompts,
        description=description,
        include_checkin=include_checkin,
        focus=focus,
        version=str(version),
        source=file,
        origin=origin,
    )


def load_pack_file(path: Path, origin: str = "user") -> PromptPack:
    """Load and validate one prompt pack file.

    Raises:
        PackError: the file is unreadable or invalid.
    """
    return parse_pack(read_toml(path), path.name, origin)


# ---------------------------------------------------------------- locating & loading


def builtin_prompts_dir() -> Path | None:
    """The shipped packs: ``kapjournal/_prompts`` (wheel) or repo ``prompts/`` (checkout)."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_prompts", package_dir.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    return None


def _pack_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


def load_library(
    extra_dirs: Iterable[Path] = (),
    *,
    include_builtin: bool = True,
    include_user: bool = True,
) -> PackLibrary:
    """Load every pack; broken files become problems, the rest still load.

    Args:
        extra_dirs: further folders (loaded last, so they override).
        include_builtin: load the shipped packs.
        include_user: load the user's prompts folder.

    Returns:
        A :class:`PackLibrary`.
    """
    from kapjournal.core import scales
    from kapjournal.core.paths import user_prompts_dir

    folders: list[tuple[Path, str]] = []
    builtin = builtin_prompts_dir() if include_builtin else None
    if builtin is not None:
        folders.append((builtin, "builtin"))
    if include_user:
        folders.append((user_prompts_dir(), "user"))
    folders.extend((Path(d), "user") for d in extra_dirs)

    library = PackLibrary()
    for folder, origin in folders:
        if not folder.is_dir():
            continue
        for path in _pack_files(folder):
            try:
                data = read_toml(path)
                if data.get("type") == "scale":
                    scale = scales.parse_scale(data, path.name)
                    library.scales[scale.id] = scale
                else:
                    pack = parse_pack(data, path.name, origin)
                    library.packs[pack.id] = pack
            except PackError as err:
                library.problems.append(err.problem)
    return library


def import_pack(source: Path, dest_dir: Path | None = None) -> str:
    """Validate a pack file (e.g. one a clinic handed over) and copy it to the user folder.

    Args:
        source: the file to import.
        dest_dir: target folder; default :func:`user_prompts_dir`.

    Returns:
        The id of the imported pack.

    Raises:
        PackError: the file is invalid; nothing is copied.
    """
    from kapjournal.core import scales
    from kapjournal.core.paths import user_prompts_dir

    data = read_toml(source)
    if data.get("type") == "scale":
        pack_id = scales.parse_scale(data, source.name).id
    else:
        pack_id = parse_pack(data, source.name, "user").id
    target_dir = dest_dir or user_prompts_dir()
    target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = target_dir / f"{pack_id}.toml"
    tmp = target.with_suffix(".toml.tmp")
    # Private from the first byte (the user's own prompts can be personal), synced
    # before the rename so a crash leaves the old pack or the new one, never half.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover temp file from an older run keeps its mode otherwise
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    from kapjournal.core.vault import fsync_dir

    fsync_dir(target_dir)
    return pack_id


def clean_answer(prompt: Prompt, value: Any) -> Any:
    """Normalise an answer for storage; ``None`` means skipped.

    Raises:
        PromptPackInvalid: the value does not fit the prompt's kind.
    """
    if value is None or value == "" or value == []:
        return None
    if prompt.kind == "text":
        return str(value)
    if prompt.kind == "scale":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise PromptPackInvalid("Please choose a number from 0 to 10.")
        try:
            number = int(value)
        except ValueError as err:
            raise PromptPackInvalid("Please choose a number from 0 to 10.") from err
        if not 0 <= number <= 10:
            raise PromptPackInvalid("Please choose a number from 0 to 10.")
        return number
    if prompt.kind == "choice":
        if value not in prompt.choices:
            raise PromptPackInvalid("Please pick one of the listed options.")
        return value
    if prompt.kind == "words":
        words = value if isinstance(value, list) else str(value).replace(",", " ").split()
        words = [str(w).strip() for w in words if str(w).strip()]
        if len(words) > prompt.max_words:
            raise PromptPackInvalid(f"A few words are enough: at most {prompt.max_words}.")
        return words or None
    if prompt.kind == "yesno":
        if isinstance(value, bool):
            return value
        low = str(value).strip().lower()
        if low in ("y", "yes", "true"):
            return True
        if low in ("n", "no", "false"):
            return False
        raise PromptPackInvalid("Please answer yes or no.")
    raise PromptPackInvalid("Unknown answer kind.")


def answer_text(prompt: Prompt, value: Any) -> str:
    """A plain-text rendering of an answer (for entry bodies and exports)."""
    if value is None:
        return "(skipped)"
    if prompt.kind == "yesno":
        return "yes" if value else "no"
    if prompt.kind == "words" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if prompt.kind == "scale":
        return f"{value} / 10"
    return str(value)
