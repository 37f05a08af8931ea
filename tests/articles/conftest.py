"""Fixtures for the articles tests: staff in the editorial groups, signed in."""

import pytest

from tests.factories import ReviewerFactory

from .admin_support import staff_in
from .page_head import SITE


@pytest.fixture
def editor(django_user_model):
    return staff_in("Editors", django_user_model, "edna")


@pytest.fixture
def publisher(django_user_model):
    return staff_in("Publishers", django_user_model, "pablo")


@pytest.fixture
def reviewer(django_user_model):
    """A staff account in the Reviewers group, linked to a medical reviewer profile."""
    user = staff_in("Reviewers", django_user_model, "rhea")
    ReviewerFactory(name="Dr Rhea Patel", credentials="MD, PhD", user=user)
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def site_url(settings):
    """``SITE_URL`` set to :data:`page_head.SITE`, the origin the page-metadata tests expect."""
    settings.SITE_URL = SITE
    return SITE
