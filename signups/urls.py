from django.urls import path

from . import views

app_name = "signups"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
]
