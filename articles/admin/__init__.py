"""The editors' product, one module per models module: articles (with medical review), the
sources they cite, the people behind them, topics, standalone pages, and the site settings."""

from . import article, media, pages, people, site, sources, topics  # noqa: F401 (importing registers the admins)
