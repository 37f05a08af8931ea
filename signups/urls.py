from django.urls import path

from . import views

app_name = "signups"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<str:token>/", views.confirm, name="confirm"),
    path("signup/confirmed/", views.confirmed, name="confirmed"),
    path("signup/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
