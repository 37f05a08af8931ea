"""The admin's "view on site" redirect (/admin/r/<content type>/<id>/) names the public
address of any object: staff who may not view an object must not learn its address."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory

from .admin_support import staff_in


def view_on_site_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.fixture
def draft():
    return ArticleFactory(status=Article.Status.DRAFT, slug="secret-launch-plan")


@pytest.mark.django_db
def test_staff_without_article_permissions_cannot_learn_a_draft_slug(client, django_user_model, draft):
    client.force_login(staff_in("Marketing", django_user_model, "mara"))

    response = client.get(view_on_site_url(draft))

    assert response.status_code in (403, 404)
    assert "secret-launch-plan" not in response.get("Location", "")
    assert b"secret-launch-plan" not in response.content


@pytest.mark.django_db
def test_staff_without_permissions_get_the_same_answer_for_missing_objects(client, django_user_model, draft):
    client.force_login(staff_in("Marketing", django_user_model, "mara"))
    content_type = ContentType.objects.get_for_model(draft)

    existing = client.get(view_on_site_url(draft))
    missing = client.get(reverse("admin:view_on_site", args=[content_type.pk, draft.pk + 1000]))

    # A different answer would tell which ids exist.
    assert existing.status_code == missing.status_code == 404


@pytest.mark.django_db
def test_editors_are_still_taken_to_the_page(editor_client, draft):
    response = editor_client.get(view_on_site_url(draft))

    assert response.status_code == 302
    assert response["Location"].endswith("/secret-launch-plan/")


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login(client, draft):
    response = client.get(view_on_site_url(draft))

    assert response.status_code == 302
    assert "secret-launch-plan" not in response["Location"]
    assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("object_id", ["abc", "99999999999999999999999"])
def test_a_malformed_object_id_is_a_404_not_an_error(editor_client, object_id):
    content_type = ContentType.objects.get_for_model(Article)

    response = editor_client.get(f"/admin/r/{content_type.pk}/{object_id}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_an_object_id_with_a_nul_character_is_a_bad_request(editor_client):
    content_type = ContentType.objects.get_for_model(Article)

    response = editor_client.get(f"/admin/r/{content_type.pk}/1%00/")

    assert response.status_code == 400
