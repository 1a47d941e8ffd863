"""``Journal``: typed add/update/delete/query of the models on top of the vault.

Screens and the CLI use only this object after unlock. Records are decrypted
lazily, one kind at a time, and cached in memory; ``close()`` drops the cache
and wipes the keys. Listeners (the search index, the UI) hear about every
committed change so they stay in step.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from kapjournal.core.crypto import KdfPolicy
from kapjournal.core.errors import InvalidInput, RecordNotFound, VaultLocked
from kapjournal.core.fastload import decoder
from kapjournal.core.models import (
    MODEL_KINDS,
    SETTINGS_ID,
    Draft,
    Entry,
    Model,
    Settings,
    local_now,
)
from kapjournal.core.vault import OpenedRecord, Vault, VerifyReport

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Change:
    """A committed change, sent to listeners."""

    action: str  # "saved" | "deleted"
    kind: str
    id: str
    model: Model | None


Listener = Callable[[Change], None]
Progress = Callable[[int, int], None]


def _rid(model_id: str) -> bytes:
    try:
        raw = bytes.fromhex(model_id)
    except ValueError as err:
        raise InvalidInput("That is not a valid record id.") from err
    if len(raw) != 16:
        raise InvalidInput("That is not a valid record id.")
    return raw


class Journal:
    """An unlocked journal."""

    def __init__(self, vault: Vault, *, now: Callable[[], datetime] = local_now) -> None:
        self.vault = vault
        self.now = now
        self._cache: dict[str, dict[str, Model]] = {}
        self.damaged: dict[str, str] = {}
        self._listeners: list[Listener] = []
        self._pending: list[Change] | None = None
        """Changes made inside an open transaction, announced after its commit."""

    # -- opening ------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path | str,
        passphrase: str,
        *,
        policy: KdfPolicy | None = None,
        now: Callable[[], datetime] = local_now,
    ) -> Journal:
        return cls(Vault.create(path, passphrase, policy=policy), now=now)

    @classmethod
    def unlock(
        cls,
        path: Path | str,
        passphrase: str,
        *,
        policy: KdfPolicy | None = None,
        now: Callable[[], datetime] = local_now,
        readonly: bool = False,
    ) -> Journal:
        return cls(Vault.unlock(path, passphrase, policy=policy, readonly=readonly), now=now)

    @classmethod
    def unlock_with_recovery(
        cls, path: Path | str, code: str, *, now: Callable[[], datetime] = local_now
    ) -> Journal:
        """Open with the recovery code; the caller must then set a new passphrase."""
        return cls(Vault.unlock_with_recovery(path, code), now=now)

    @property
    def path(self) -> Path:
        return self.vault.path

    @property
    def warnings(self) -> list[str]:
        return self.vault.warnings

    def close(self) -> None:
        """Drop every decrypted object and wipe the keys."""
        self._cache.clear()
        self._listeners.clear()
        self.vault.close()

    @property
    def closed(self) -> bool:
        return self.vault.closed

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- listeners ----------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def _emit(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # -- loading ------------------------------------------------------

    def _check_open(self) -> None:
        if self.vault.closed:
            raise VaultLocked()

    def _decode(self, rec: OpenedRecord) -> Model | None:
        model_cls = MODEL_KINDS.get(rec.kind)
        if model_cls is None:
            return None
        try:
            return decoder(model_cls)(rec.plaintext)
        except (InvalidInput, ValueError):
            self.damaged[rec.id.hex()] = rec.kind
            return None

    def _load_kinds(self, kinds: list[str], progress: Progress | None = None) -> None:
        missing = [k for k in dict.fromkeys(kinds) if k not in self._cache]
        if not missing:
            return
        self._check_open()
        total = sum(self.vault.count(k) for k in missing) if progress is not None else 0
        fresh: dict[str, dict[str, Model]] = {k: {} for k in missing}
        decoders = {k: decoder(MODEL_KINDS[k]) for k in missing if k in MODEL_KINDS}
        damaged = self.damaged
        done = 0
        for kind, rid, plain in self.vault.open_payloads(missing):
            done += 1
            if plain is None:
                damaged[rid.hex()] = kind
            elif kind in decoders:
                try:
                    model = decoders[kind](plain)
                except (InvalidInput, ValueError):
                    damaged[rid.hex()] = kind
                else:
                    fresh[kind][model.id] = model  # type: ignore[attr-defined]
            if progress is not None and done % 500 == 0:
                progress(done, total)
        if progress is not None:
            progress(done, total)
        self._cache.update(fresh)

    def preload(self, *model_classes: type[Model]) -> None:
        """Decrypt several kinds at once (one pass over the vault instead of one per kind)."""
        self._load_kinds([cls.KIND for cls in model_classes])

    def load_all(self, progress: Progress | None = None) -> None:
        """Decrypt every record into the cache (run in a worker)."""
        self._load_kinds(list(MODEL_KINDS), progress)

    def all(self, model_cls: type[M]) -> list[M]:
        """Every stored model of one type (decrypting that kind on first use)."""
        self._load_kinds([model_cls.KIND])
        return list(self._cache[model_cls.KIND].values())  # type: ignore[arg-type]

    def get(self, model_cls: type[M], model_id: str) -> M:
        """One model by id.

        Raises:
            RecordNotFound: when no such record of that type exists.
            RecordDamaged: when its tag fails.
        """
        cached = self._cache.get(model_cls.KIND)
        if cached is not None:
            if model_id in cached:
                return cached[model_id]  # type: ignore[return-value]
            raise RecordNotFound()
        self._check_open()
        rec = self.vault.get(_rid(model_id))
        if rec.kind != model_cls.KIND:
            raise RecordNotFound()
        model = self._decode(rec)
        if model is None:
            raise RecordNotFound()
        return model  # type: ignore[return-value]

    def find(self, model_cls: type[M], model_id: str) -> M | None:
        try:
            return self.get(model_cls, model_id)
        except RecordNotFound:
            return None

    def resolve(self, prefix: str) -> tuple[type[Model], str]:
        """Resolve a full or shortened id (at least 4 hex characters).

        Raises:
            InvalidInput: when the prefix is too short, not hex, or ambiguous.
            RecordNotFound: when nothing matches.
        """
        prefix = prefix.strip().lower()
        if len(prefix) < 4 or any(c not in "0123456789abcdef" for c in prefix):
            raise InvalidInput("Give at least the first 4 characters of the id (0-9, a-f).")
        self._check_open()
        matches = self.vault.ids_with_prefix(prefix)
        if not matches:
            raise RecordNotFound(f"No record id starts with '{prefix}'.")
        if len(matches) > 1:
            raise InvalidInput(f"More than one record id starts with '{prefix}'; type more of it.")
        kind = self.vault.kind_of(matches[0])
        model_cls = MODEL_KINDS.get(kind or "")
        if model_cls is None:
            raise RecordNotFound()
        return model_cls, matches[0].hex()

    # -- writing ------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several saves into one atomic vault transaction.

        Listeners hear about the changes only after the commit succeeds.
        """
        if self._pending is not None:
            with self.vault.transaction():
                yield
            return
        self._pending = []
        snapshot = {k: dict(v) for k, v in self._cache.items()}
        try:
            with self.vault.transaction():
                yield
        except BaseException:
            self._cache = snapshot
            self._pending = None
            raise
        pending, self._pending = self._pending or [], None
        for change in pending:
            self._emit(change)

    def _record(self, change: Change) -> None:
        pending = self._pending
        if pending is not None:
            pending.append(change)
        else:
            self._emit(change)

    def save(self, model: M) -> M:
        """Insert or update a model; one sealed record, one transaction."""
        self._check_open()
        model_id: str = model.id  # type: ignore[attr-defined]
        try:
            payload = json.dumps(model.to_dict(), ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8"
            )
        except UnicodeEncodeError as err:
            # Lone surrogates (e.g. from a hostile import) cannot be stored as UTF-8.
            raise InvalidInput(
                "The text contains characters that cannot be stored (broken Unicode); "
                "nothing was saved."
            ) from err
        self.vault.put(model.KIND, payload, record_id=_rid(model_id), schema_v=model.SCHEMA_V)
        if model.KIND in self._cache:
            self._cache[model.KIND][model_id] = model
        self._record(Change("saved", model.KIND, model_id, model))
        return model

    def delete(self, model: Model) -> None:
        self.delete_id(type(model), model.id)  # type: ignore[attr-defined]

    def delete_id(self, model_cls: type[Model], model_id: str) -> None:
        self._check_open()
        self.vault.delete(_rid(model_id))
        if model_cls.KIND in self._cache:
            self._cache[model_cls.KIND].pop(model_id, None)
        self._record(Change("deleted", model_cls.KIND, model_id, None))

    # -- conveniences -------------------------------------------------

    def entries(self, *, newest_first: bool = True) -> list[Entry]:
        return sorted(self.all(Entry), key=lambda e: e.created, reverse=newest_first)

    def add_entry(self, body: str, **fields: Any) -> Entry:
        """Create and save a journal entry stamped with the journal clock."""
        entry = Entry.new(body, now=self.now(), **fields)
        return self.save(entry)

    def update_entry(self, entry: Entry, **changes: Any) -> Entry:
        return self.save(entry.replace(modified=self.now(), **changes))

    def settings(self) -> Settings:
        found = self.find(Settings, SETTINGS_ID)
        return found if found is not None else Settings()

    def save_settings(self, settings: Settings) -> Settings:
        return self.save(settings)

    def drafts(self) -> list[Draft]:
        return sorted(self.all(Draft), key=lambda d: d.updated, reverse=True)

    def verify(self) -> VerifyReport:
        return self.vault.verify()

    def change_passphrase(self, new_passphrase: str) -> None:
        self.vault.change_passphrase(new_passphrase)

    def rekey(self, passphrase: str) -> str | None:
        """Rotate the data key (see :meth:`Vault.rekey`); returns a new recovery code or None."""
        self._check_open()
        return self.vault.rekey(passphrase)
