"""An unexpected exception ends the app with one calm sentence, never a traceback
with local variables (which could hold journal text)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kapjournal.app import CRASH_MESSAGE, KapJournalApp
from tests.screens.tui_helpers import SIZE, make_vault, settle


class _Boom(KapJournalApp):
    def on_mount(self) -> None:
        super().on_mount()
        self.set_timer(0.1, self.boom)

    def boom(self) -> None:
        secret_local = "MARKER-PLAINTEXT-4711"  # noqa: F841 - a local a traceback would print
        raise RuntimeError("boom")


async def test_crash_replaced_by_calm_sentence(
    vault_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    make_vault(vault_path)
    app = _Boom(vault_path)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            await settle(pilot)
    assert app.return_code == 1
    out, err = capfd.readouterr()
    printed = " ".join((out + err).split())
    assert CRASH_MESSAGE.format(name="RuntimeError") in printed
    assert "MARKER-PLAINTEXT-4711" not in printed
    assert "Traceback" not in printed


def test_crash_output_of_real_run_has_no_locals(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "v" / "j.kapj")
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from kapjournal.app import KapJournalApp

        class Boom(KapJournalApp):
            def on_mount(self):
                super().on_mount()
                secret_local = "MARKER-PLAINTEXT-4711"
                raise ValueError("MARKER-IN-MESSAGE")

        Boom(Path({str(vault)!r})).run(headless=True)
        """
    )
    script_path = tmp_path / "boom.py"
    script_path.write_text(script)
    proc = subprocess.run(
        [sys.executable, str(script_path)], capture_output=True, text=True, timeout=60
    )
    output = proc.stdout + proc.stderr
    assert "ValueError" in output
    assert "stopped after an unexpected problem" in output
    assert "MARKER-PLAINTEXT-4711" not in output
    assert "MARKER-IN-MESSAGE" not in output
    assert "Traceback" not in output


async def test_crash_in_worker_shows_modal_and_app_keeps_running(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input, Static

    from kapjournal.core.journal import Journal
    from kapjournal.screens.error import ErrorModal
    from kapjournal.screens.unlock import UnlockScreen

    make_vault(vault_path)

    def broken_unlock(*args: object, **kwargs: object) -> Journal:
        secret_local = "MARKER-PLAINTEXT-4711"  # noqa: F841
        raise OSError("MARKER-IN-MESSAGE")

    monkeypatch.setattr(Journal, "unlock", broken_unlock)
    app = KapJournalApp(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#unlock-passphrase", Input)
        field.value = "whatever passphrase"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorModal)
        message = str(app.screen.query_one("#error-message", Static).render())
        assert "OSError" in message and "MARKER" not in message
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        field = app.screen.query_one("#unlock-passphrase", Input)
        assert not field.disabled and app.focused is field
    assert not app.return_code  # the app was never torn down by the error
