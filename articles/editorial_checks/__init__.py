"""Editorial checks of an article before it is published (not Django's system checks):
reading level, alt text, images from other sites, heading order, link text, claims
without a citation, over-claims and old evidence. They warn; they never block a save.

:func:`run_checks` is pure (HTML and numbers in, a :class:`CheckReport` out);
``articles.editorial_checks.stored`` keeps each article's result on its row.
"""

from .findings import CHECKS, Finding
from .report import CheckReport, CheckSettings, run_checks

__all__ = ["CHECKS", "CheckReport", "CheckSettings", "Finding", "run_checks"]
