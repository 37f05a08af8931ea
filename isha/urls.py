"""The site's URLs: the public pages of each app, the admin, media and the dev outbox."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from articles.cache_keys import robots_keys, sitemap_keys
from articles.sitemaps import SITEMAPS

from . import health
from .media import serve_image
from .outbox import outbox_view
from .pagecache import cache_public_page
from .two_factor import AdminLoginForm
from .two_factor_views import two_factor
from .view_on_site import view_on_site

admin.site.site_header = "Isha Health admin"
admin.site.site_title = "Isha Health admin"
admin.site.index_title = "Articles, sign-ups and site copy"
# Asks for the second factor's code once a user has turned it on (isha.two_factor).
admin.site.login_form = AdminLoginForm

# A database that cannot be reached gets a styled 503 with Retry-After, not a 500 (isha.outage).
handler500 = "isha.outage.server_error"

urlpatterns = [
    # Load balancers probe healthz/live; monitoring reads healthz (isha.health).
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    # Before the admin's own URLs, which would take any admin/ path. 404 unless DEBUG.
    path("admin/outbox/", outbox_view, name="outbox"),
    path("admin/two-factor/", two_factor, name="two-factor"),
    # The admin's view-on-site redirect, only for objects the user may view (isha.view_on_site).
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    # Shared by every cache like the pages (isha.pagecache); a large sitemap pages by ?p=.
    path(
        "sitemap.xml",
        cache_public_page(sitemap, query=("p",), keys=sitemap_keys),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "robots.txt",
        cache_public_page(
            TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), keys=robots_keys
        ),
        name="robots",
    ),
    path("", include("signups.urls")),
    path("", include("articles.urls")),
]

# Without a bucket, uploaded images are in MEDIA_ROOT on this host and the site serves
# them itself (isha.media: images only), in development and production alike, unless a
# proxy in front answers MEDIA_URL first.
if not settings.AWS_STORAGE_BUCKET_NAME:
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_image, name="media"))
