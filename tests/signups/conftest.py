import time

import pytest
from django.core import signing
from django.urls import reverse

from signups.abuse import STAMP_SALT

SIGNUP_URL = reverse("signups:signup")
JSON = {"HTTP_ACCEPT": "application/json"}


def form_stamp(seconds_ago=60):
    """The hidden ``rendered_at`` of a form shown ``seconds_ago`` (a person's pace)."""
    return signing.dumps(time.time() - seconds_ago, salt=STAMP_SALT)


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """POST the sign-up form like a person would and run what commits (the email task).

    ``sign_up(email, next_path="/", data={...}, client=..., **headers)``; ``data``
    overrides or adds form fields (``rendered_at=None`` leaves the timestamp out).
    """

    def post(email, next_path="/", *, data=None, client=client, **headers):
        fields = {"email": email, "next": next_path, "rendered_at": form_stamp(), **(data or {})}
        fields = {name: value for name, value in fields.items() if value is not None}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SIGNUP_URL, fields, **headers)

    return post


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """``with run_on_commit(): ...`` runs the on-commit callbacks (enqueued tasks) at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def staff_in(group_name, django_user_model, username=None):
    """A staff user in ``group_name`` (a group made by post_migrate)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=username or group_name.lower(), password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def marketing_client(client, django_user_model):
    """A client logged in as a member of Marketing (who may export)."""
    client.force_login(staff_in("Marketing", django_user_model))
    return client


@pytest.fixture
def editor_client(django_user_model):
    """A client of its own logged in as a member of Editors (no sign-up permissions)."""
    from django.test import Client

    client = Client()
    client.force_login(staff_in("Editors", django_user_model))
    return client
