"""The session/pack/safety core modules load without Textual.

(click is not checked: sqlite-utils, used by the vault, imports it.)
"""

from __future__ import annotations

import subprocess
import sys


def test_sessions_core_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import kapjournal.core.prompts, kapjournal.core.scales, kapjournal.core.schedule\n"
        "import kapjournal.core.due, kapjournal.core.safety, kapjournal.core.checkin\n"
        "import kapjournal.core.checklist, kapjournal.core.guided, kapjournal.core.session_form\n"
        "kapjournal.core.prompts.load_library(include_user=False)\n"
        "kapjournal.core.safety.keyword_list()\n"
        "bad = [m for m in ('textual',) if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
