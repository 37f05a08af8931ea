"""The edge: the HTTP cache in front of the site (Varnish, or a CDN), purged by key.

- :mod:`isha.edge.backends`: the purge itself, by Varnish ``BAN`` or Cloudflare's API.
- :mod:`isha.edge.tasks`: when to purge (at once after a commit, retried, and again after
  ``EDGE_REPURGE_SECONDS``), connected to :data:`isha.pagecache.content_changed` in
  ``isha.apps.IshaConfig.ready()``.
- :mod:`isha.edge.vcl`: the settings-derived part of ``deploy/varnish/default.vcl``
  (``manage.py edge_vcl``).

What the edge caches, and for how long, the site says in each response's headers
(:mod:`isha.pagecache`); the shipped VCL follows them.
"""
