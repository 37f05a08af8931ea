"""The editors' product: articles, the library they draw on, and medical review."""

from . import article, library  # noqa: F401 (importing registers the admins)
