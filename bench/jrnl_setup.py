"""Create an encrypted jrnl journal from a corpus file (run with jrnl's own Python).

Usage: ``JRNL_BENCH_PASSWORD=... python jrnl_setup.py CONFIG JOURNAL CORPUS``
(the password comes from the environment of this one setup process only, so
it is never on a command line).

It uses jrnl's own parser and writer, so the journal is exactly what jrnl would
write after importing the corpus, encrypted with jrnl's current format.
"""

import os
import sys

from jrnl.journals.Journal import Journal

CONFIG = """\
colors:
  body: none
  date: none
  tags: none
  title: none
default_hour: 9
default_minute: 0
editor: ''
encrypt: true
highlight: false
indent_character: '|'
journals:
  default:
    journal: {journal}
linewrap: 79
tagsymbols: '@'
template: false
timeformat: '%Y-%m-%d %H:%M'
version: '{version}'
"""


def main() -> None:
    config_path, journal_path, corpus_path = sys.argv[1:4]
    from jrnl.__version__ import __version__

    with open(config_path, "w", encoding="utf-8") as fh:
        fh.write(CONFIG.format(journal=journal_path, version=__version__.lstrip("v")))
    journal = Journal(
        "default",
        journal=journal_path,
        encrypt=True,
        timeformat="%Y-%m-%d %H:%M",
        tagsymbols="@",
    )
    with open(corpus_path, encoding="utf-8") as fh:
        journal.entries = journal._parse(fh.read())
    journal.sort()
    journal._reconfigure_encryption_method()
    journal.encryption_method.check_keyring = False
    journal.encryption_method.password = os.environ["JRNL_BENCH_PASSWORD"]
    journal.write()
    print(len(journal.entries))


if __name__ == "__main__":
    main()
