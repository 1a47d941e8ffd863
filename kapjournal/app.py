"""The kapjournal Textual app: wires the screens together and owns lock state.

``KapJournalApp.journal`` is the unlocked :class:`~kapjournal.core.journal.Journal`
or ``None``. Locking (hotkey, palette or idle timer) closes it (dropping the
decrypted cache and wiping the keys), removes every screen that showed journal
data and returns to the unlock screen.

Start-up is kept light: only the unlock (or welcome) screen is imported before
the first paint; the crypto stack and the journal screens load in a worker
while the passphrase is typed.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerState

from kapjournal.screens.unlock import UnlockScreen

if TYPE_CHECKING:
    from kapjournal.core.journal import Journal
    from kapjournal.core.models import Settings
    from kapjournal.screens.registry import Feature

HIGH_CONTRAST = Theme(
    name="kapjournal-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffffff",
    warning="#ffff00",
    error="#ff5f5f",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1c1c1c",
    boost="#262626",
    dark=True,
    variables={
        "text-muted": "#ffffff",
        "border": "#ffffff",
        "border-blurred": "#bcbcbc",
        "footer-key-foreground": "#ffff00",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "input-selection-background": "#ffff00 50%",
    },
)

CRASH_MESSAGE = (
    "kapjournal stopped after an unexpected problem ({name}). Everything you saved "
    "is safe in your encrypted journal; no journal text was shown or logged."
)

DEFAULT_AUTO_LOCK_MINUTES = 5
# Cursor home, erase the screen, erase the scrollback (xterm "E3", also understood by
# VTE, kitty, iTerm2, Windows Terminal...). Written on lock and on exit so no journal
# text stays in the terminal: some terminals copy the alternate screen into scrollback.
CLEAR_TERMINAL = "\x1b[H\x1b[2J\x1b[3J"
# Events that count as the user being present (for auto-lock).
_ACTIVITY = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)


def _local_now() -> datetime:
    return datetime.now().astimezone()


def _input_fd() -> int | None:
    stdin = sys.__stdin__
    try:
        return stdin.fileno() if stdin is not None else None
    except (OSError, ValueError):
        return None


def _terminal_alive(fd: int | None) -> bool:
    """Whether ``fd`` is still a working terminal (a hung-up one fails with EIO)."""
    if fd is None:
        return False
    import termios

    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError):
        return False
    return True


class KapJournalApp(App[None]):
    """The journal app.

    | key | action |
    |-----|--------|
    | ctrl+l | lock now |
    | f1, ? | help |
    | ctrl+p | command palette |
    | ctrl+q | quit |
    """

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "kapjournal"
    BINDINGS = [
        Binding("ctrl+l", "lock_now", "Lock", priority=True),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    HELP_LINES = {
        "lock_now": "Lock the journal now (also happens by itself after idle minutes)",
        "help": "This help",
        "quit": "Quit (the journal is locked first)",
    }

    def __init__(
        self,
        vault: Path,
        *,
        demo_passphrase: str | None = None,
        idle_seconds: float | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.vault = Path(vault)
        self.demo_passphrase = demo_passphrase
        self.journal: Journal | None = None
        self.clock: Callable[[], datetime] = clock or _local_now
        self._idle_override = idle_seconds
        self.auto_lock_seconds: float = idle_seconds or DEFAULT_AUTO_LOCK_MINUTES * 60.0
        self._last_activity = time.monotonic()
        # Locking: the journal being sealed and closed in a worker, if any.
        self._locking: Journal | None = None
        self._lock_skip = threading.Event()
        self._lock_done = threading.Event()
        self._lock_done.set()
        self._exit_after_lock = False
        self._unsaved_not_kept = False
        self._crisis_after_lock: Any = None
        self.register_theme(HIGH_CONTRAST)

    # -- start-up -------------------------------------------------------

    def on_mount(self) -> None:
        if self.vault.exists():
            self.push_screen(self._unlock_screen())
        else:
            from kapjournal.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(self.vault))
        interval = 1.0 if self._idle_override is None else max(0.05, self._idle_override / 4)
        self.set_interval(interval, self._check_idle, name="auto-lock")
        if not self.is_headless and _terminal_alive(_input_fd()):
            self.set_interval(2.0, self._check_terminal, name="terminal-watch")

    def _check_terminal(self) -> None:
        """Close the journal and leave when the terminal has gone away.

        A closed terminal window does not always deliver SIGHUP (for example
        when the app runs under `make`); Textual then reads end-of-file in a
        loop and the app would spin on, unlocked, with nobody at the screen.
        """
        if _terminal_alive(_input_fd()):
            return
        self._secure_unsaved_work()
        self._close_journal()
        self.exit(return_code=1)

    def _unlock_screen(self) -> UnlockScreen:
        return UnlockScreen(self.vault, demo_passphrase=self.demo_passphrase)

    def journal_ready(self, journal: Journal, *, created: bool = False) -> None:
        """Called by the unlock/create screens once the journal is open."""
        from kapjournal.screens.home import HomeScreen

        self.journal = journal
        self._last_activity = time.monotonic()
        self.apply_settings(journal.settings())
        self.switch_screen(HomeScreen())
        if created:
            self.notify("Your encrypted journal is ready.", timeout=6)
        for warning in journal.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if journal.damaged:
            count = len(journal.damaged)
            self.notify(
                f"{count} record(s) could not be read and were left untouched; "
                "'kapjournal verify' lists them.",
                severity="warning",
                timeout=10,
            )

    def apply_settings(self, settings: Settings) -> None:
        """Apply theme and auto-lock from the sealed settings."""
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        if self._idle_override is None:
            minutes = min(60, max(1, settings.auto_lock_minutes))
            self.auto_lock_seconds = minutes * 60.0

    def show_vault_error(self, error: Exception) -> None:
        """A blocking problem opening the vault: calm modal with a way back."""
        from kapjournal.core import errors
        from kapjournal.screens.error import ErrorModal

        titles: list[tuple[type[Exception], str]] = [
            (errors.NotAVault, "This is not a journal file"),
            (errors.VaultTooNew, "This journal needs a newer kapjournal"),
            (errors.VaultHeaderDamaged, "The journal file is damaged"),
            (errors.VaultBusy, "The journal is open elsewhere"),
            (errors.StoragePermission, "The journal file cannot be opened"),
        ]
        title = next((t for cls, t in titles if isinstance(error, cls)), "Could not open")
        message = str(error) if isinstance(error, errors.KapError) else type(error).__name__

        def chosen(choice: str | None) -> None:
            if choice == "quit":
                self.exit()

        self.push_screen(ErrorModal(title, message), chosen)

    # -- idle and locking ----------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _ACTIVITY):
            self._last_activity = time.monotonic()
        await super().on_event(event)

    def touch(self) -> None:
        """Count as user activity (resets the auto-lock timer)."""
        self._last_activity = time.monotonic()

    def _check_idle(self) -> None:
        if self.journal is None:
            return
        if time.monotonic() - self._last_activity >= self.auto_lock_seconds:
            self.lock(reason="idle")

    def lock(self, *, reason: str = "manual") -> None:
        """Close the journal, drop every journal screen and show the unlock screen.

        The journal screens go at once and a "Locking..." screen shows while a
        worker seals the search index and then closes the journal (keys and
        decrypted data dropped), whatever the sealing does. The UI never waits
        for the sealing; Esc on that screen skips it.
        """
        if self.journal is None:
            return
        self._unsaved_not_kept = not self._secure_unsaved_work()
        # CLINICAL.md (d): the crisis screen is never closed automatically. An idle
        # lock still closes the journal, then shows the screen again (same numbers).
        self._crisis_after_lock = self._open_crisis_resources() if reason == "idle" else None
        journal, self.journal = self.journal, None
        self._clipboard = ""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if reason != "quit":  # quitting clears the terminal on the way out (on_unmount)
            self.clear_terminal()
        from kapjournal.screens.locking import LockingScreen

        self._locking = journal
        self._lock_skip.clear()
        self._lock_done.clear()
        self.push_screen(LockingScreen(self._lock_skip))
        self.run_worker(
            lambda: self._seal_and_close(journal, reason),
            name="lock",
            group="lock",
            thread=True,
            exit_on_error=False,
        )

    def _open_crisis_resources(self) -> Any:
        """The numbers on a crisis screen still waiting to be acknowledged, if any."""
        from kapjournal.screens.crisis import CrisisScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, CrisisScreen):
                return screen.resources
        return None

    def _seal_and_close(self, journal: Journal, reason: str) -> None:
        """Worker: save the search index image if it changed, then close the journal."""
        problem: str | None = None
        try:
            from kapjournal.core.index import drop_service

            drop_service(journal, cancelled=self._lock_skip.is_set)
        except Exception as err:  # noqa: BLE001 - locking must finish whatever happens
            problem = type(err).__name__
        finally:
            try:
                journal.close()
            finally:
                self._locking = None
                self._lock_done.set()
                with contextlib.suppress(Exception):
                    self.call_from_thread(self._lock_finished, reason, problem)

    def _lock_finished(self, reason: str, problem: str | None) -> None:
        if self._exit_after_lock:
            self.exit()
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        # The terminal was cleared when the journal screens went (lock()).
        self.push_screen(self._unlock_screen())
        crisis, self._crisis_after_lock = self._crisis_after_lock, None
        if crisis is not None:
            from kapjournal.screens.crisis import CrisisScreen

            self.push_screen(CrisisScreen(resources=crisis))
        lost, self._unsaved_not_kept = self._unsaved_not_kept, False
        if lost:
            self.notify(
                "Locked. Unsaved writing could not be kept: the journal file could not be "
                "written to (is its folder read-only or the disk full?).",
                severity="warning",
                timeout=15,
            )
        elif reason == "idle":
            self.notify("Locked after a quiet while. Your writing was kept.", timeout=8)
        elif reason == "session_grace_over":
            self.notify(
                "Session mode's time ran out, so the journal locked. Your fragments are kept.",
                timeout=10,
            )
        if problem is not None:
            self.notify(
                f"Locked. The search index could not be saved ({problem}); it is rebuilt "
                "at the next unlock. Your entries are safe.",
                severity="warning",
                timeout=10,
            )

    @property
    def locking(self) -> bool:
        """True while a lock is sealing the index and closing the journal."""
        return not self._lock_done.is_set()

    def _secure_unsaved_work(self) -> bool:
        """Let screens seal unsaved text as drafts before the keys go.

        Returns False if a screen could not keep its text (the vault could not
        be written, e.g. its folder is read-only), so the lock can say so.
        """
        kept = True
        for screen in list(self.screen_stack):
            before_lock = getattr(screen, "before_lock", None)
            if callable(before_lock):
                # Locking must always finish, whatever a screen does.
                try:
                    before_lock()
                except Exception:  # noqa: BLE001
                    kept = False
        return kept

    def clear_terminal(self) -> None:
        """Erase the terminal's screen and scrollback (best effort: some terminals
        ignore the scrollback part, and nothing can reach a screenshot or a log the
        terminal itself keeps)."""
        driver = self._driver
        if driver is None:
            return
        with contextlib.suppress(Exception):
            driver.write(CLEAR_TERMINAL)
            driver.flush()

    def copy_to_clipboard(self, text: str) -> None:
        """Copy inside the app only. Textual would also send the text to the system
        clipboard (OSC 52), where other programs can read it (SECURITY.md: no
        clipboard by default). The in-app clipboard is emptied on lock."""
        self._clipboard = text

    def _close_journal(self) -> None:
        """Close the journal now, from the UI thread (exit and crash paths).

        A lock already sealing in its worker is told to skip and awaited
        briefly: it closes its journal itself.
        """
        self._clipboard = ""
        if self.locking:
            self._exit_after_lock = True  # every caller is on the way out
            self._lock_skip.set()
            self._lock_done.wait(timeout=10)
        journal, self.journal = self.journal, None
        if journal is not None and not journal.closed:
            # Seal the in-memory search index into the vault (only if it changed) so
            # the next unlock is fast, then drop it. Locking must finish regardless.
            from kapjournal.core.errors import KapError
            from kapjournal.core.index import drop_service

            try:
                drop_service(journal)
            except KapError as err:
                self.notify(
                    f"The search index was not saved: {err.user_message}", severity="warning"
                )
            finally:
                # Whatever saving the index did, the keys and decrypted data must go.
                journal.close()

    def action_lock_now(self) -> None:
        self.lock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in ("lock_now", "open_settings") and self.journal is None)

    # -- navigation -----------------------------------------------------

    def action_help(self) -> None:
        from kapjournal.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_open_settings(self) -> None:
        if self.journal is None:
            return
        from kapjournal.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def open_feature(self, feature: Feature) -> None:
        """Push a registry feature's screen (imported only now)."""
        if self.journal is None:
            return
        from kapjournal.screens.home import load_feature_screen

        try:
            screen_cls = load_feature_screen(feature)
        except (ImportError, AttributeError):
            self.notify("That part of the app is not available.", severity="error")
            return
        self.push_screen(screen_cls())

    async def action_quit(self) -> None:
        """Lock (sealing the index in a worker, as on lock), then exit."""
        if self.journal is not None:
            self._exit_after_lock = True
            self.lock(reason="quit")
            return
        if self.locking:
            self._exit_after_lock = True  # the running lock exits when it is done
            return
        self.exit()

    # -- command palette ------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action as "Area: Verb" (Textual's screenshot command is left out:
        it would write journal text to disk)."""
        from kapjournal.screens import registry

        journal_open = self.journal is not None
        name = type(screen).__name__
        if journal_open and name == "HomeScreen":
            yield SystemCommand("Entry: New", "Write a new entry", screen.action_new_entry)  # type: ignore[attr-defined]
            yield SystemCommand(
                "Entry: Open",
                "Open the highlighted entry",
                screen.action_open_entry,  # type: ignore[attr-defined]
            )
            yield SystemCommand(
                "Entry: Delete",
                "Delete the highlighted entry (asks first)",
                screen.action_delete_entry,  # type: ignore[attr-defined]
            )
            for feature in registry.FEATURES:
                yield SystemCommand(
                    feature.title, feature.help, lambda f=feature: self.open_feature(f)
                )
        if journal_open and name == "EditorScreen":
            yield SystemCommand("Entry: Save", "Save this entry", screen.action_save)  # type: ignore[attr-defined]
            yield SystemCommand("Entry: Close", "Close the editor", screen.action_close)  # type: ignore[attr-defined]
        if journal_open and name == "SettingsScreen":
            yield SystemCommand("Settings: Save", "Save the settings", screen.action_save)  # type: ignore[attr-defined]
        if journal_open:
            yield SystemCommand("Vault: Lock now", "Lock the journal", self.action_lock_now)
            yield SystemCommand(
                "Settings: Open",
                "Auto-lock, colour theme, country, privacy mode...",
                self.action_open_settings,
            )
        yield SystemCommand("Help: Show keys", "Every key binding", self.action_help)
        yield SystemCommand("App: Quit", "Lock and quit", self.action_quit)

    # -- errors ---------------------------------------------------------

    def on_worker_state_changed(self, event: Any) -> None:
        # Worker.StateChanged does not bubble: screens with workers call
        # ``report_worker_error`` from their own handler; this covers app workers.
        if event.state == WorkerState.ERROR and event.worker.group != "warm-up":
            self.report_worker_error(event.worker.error)

    def report_worker_error(self, error: BaseException | None) -> None:
        """A worker failed unexpectedly: a calm modal naming only the error class."""
        from kapjournal.screens.error import ErrorModal

        name = type(error).__name__ if error is not None else "Error"
        self.push_screen(
            ErrorModal(
                "Something went wrong",
                f"That did not work ({name}). Nothing you saved was changed.",
                quit_label=None,
            )
        )

    def _handle_exception(self, error: Exception) -> None:
        """Replace Textual's crash report, whose traceback prints local variables
        (which may hold journal text), with one calm sentence naming the error class."""
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        with contextlib.suppress(Exception):
            self._close_journal()
        self._exit_renderables.append(Text(CRASH_MESSAGE.format(name=type(error).__name__)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        self._close_journal()
        # Last thing before Textual leaves the alternate screen: wipe what was shown.
        self.clear_terminal()


def run_app(vault: Path, *, demo_passphrase: str | None = None) -> None:
    """Run the TUI on ``vault`` (the CLI calls this when no subcommand is given)."""
    app = KapJournalApp(vault, demo_passphrase=demo_passphrase)
    try:
        app.run()
    except Exception as err:  # noqa: BLE001 - never show a traceback with locals
        print(CRASH_MESSAGE.format(name=type(err).__name__), file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        app._close_journal()
    if app.return_code:
        raise SystemExit(app.return_code)
