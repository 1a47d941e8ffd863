"""PDF export from the same HTML, through the optional WeasyPrint extra.

``pip install 'kapjournal[pdf]'`` installs WeasyPrint. Without it the export
fails with a message explaining how to print the HTML export to PDF instead.
"""

from __future__ import annotations

from kapjournal.core.errors import ExportFailed
from kapjournal.core.export.html import render_html
from kapjournal.core.export.model import ExportDocument

NO_WEASYPRINT = (
    "PDF export needs the optional PDF extra: pip install 'kapjournal[pdf]'. "
    "Without it, export HTML instead, open the file in your browser and choose "
    "Print > Save as PDF (the page is laid out for printing)."
)


def require_weasyprint() -> None:
    """Fail early (before unlocking) when the PDF extra is missing."""
    try:
        import weasyprint  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except (ImportError, OSError):
        raise ExportFailed(NO_WEASYPRINT) from None


def render_pdf(doc: ExportDocument) -> bytes:
    """Render the HTML export to PDF bytes in memory.

    Raises:
        ExportFailed: when WeasyPrint is not installed (with the way around it).
    """
    try:
        import weasyprint  # type: ignore[import-not-found,unused-ignore]
    except (ImportError, OSError):
        raise ExportFailed(NO_WEASYPRINT) from None
    html = weasyprint.HTML(string=render_html(doc), base_url=None)
    # No url_fetcher access: the document has no external resources, and any
    # attempt to fetch one is refused.
    return bytes(html.write_pdf(url_fetcher=_no_fetch))


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError("external resources are not allowed in exports")
