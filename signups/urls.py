from django.urls import path

from isha.pagecache import cache_public_page

from . import views

app_name = "signups"

urlpatterns = [
    # GETs are cached for anonymous visitors (keyed on ?signup=, which every page reads);
    # POSTs always reach the view.
    path("signup/", cache_public_page(views.signup), name="signup"),
    path("signup/confirm/<str:token>/", views.confirm, name="confirm"),
    path("signup/confirmed/", views.confirmed, name="confirmed"),
    path("signup/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("signup/manage/<str:token>/", views.manage, name="manage"),
]
