"""The Webflow CMS importer: an export folder in, articles and authors out.

Two steps, kept apart so a reader can be tested without a database:

- :mod:`~articles.webflow.reading` turns the export's CSVs into plain rows
  (:func:`read_export`), with :mod:`~articles.webflow.cells` for single cells,
  :mod:`~articles.webflow.richtext` for the post bodies and :mod:`~articles.webflow.images`
  for the image files;
- :mod:`~articles.webflow.apply` writes those rows to the database (:func:`apply_export`)
  and returns an :class:`ImportReport`.

``manage.py import_webflow`` calls both and prints the report.
"""

from .apply import ImportReport, Outcome, apply_export
from .reading import Export, Problem, WebflowFormatError, read_export

__all__ = [
    "Export",
    "ImportReport",
    "Outcome",
    "Problem",
    "WebflowFormatError",
    "apply_export",
    "read_export",
]
