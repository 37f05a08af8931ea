"""The Webflow CMS importer: an export folder in, articles and authors out.

Two steps, kept apart so a reader can be tested without a database:

- :mod:`~articles.webflow.reading` turns the export's CSVs into the plain rows of
  :mod:`~articles.webflow.rows` (:func:`read_export`), with :mod:`~articles.webflow.cells`
  for single cells, :mod:`~articles.webflow.richtext` for the post bodies and
  :mod:`~articles.webflow.images` for the image files;
- :mod:`~articles.webflow.apply` writes those rows to the database (:func:`apply_export`)
  and returns the :class:`~articles.webflow.report.ImportReport`.

``manage.py import_webflow`` calls both and prints the report.
"""

from .apply import apply_export
from .reading import WebflowFormatError, read_export
from .report import ImportReport, Outcome
from .rows import Export, Problem

__all__ = [
    "Export",
    "ImportReport",
    "Outcome",
    "Problem",
    "WebflowFormatError",
    "apply_export",
    "read_export",
]
