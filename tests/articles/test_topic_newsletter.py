"""The "newsletter topic" flag on topics: an editorial setting, for people who may publish."""

import pytest
from django.urls import reverse

from articles.models import Topic

pytestmark = pytest.mark.django_db


def test_only_people_who_may_publish_mark_newsletter_topics(client, editor, publisher):
    topic = Topic.objects.create(name="PTSD", slug="ptsd")
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    data = {"name": "PTSD", "slug": "ptsd", "description": "", "newsletter": "on"}

    client.force_login(editor)
    page = client.get(url)  # editors edit topics, but not this flag
    assert page.status_code == 200 and 'name="newsletter"' not in page.text
    assert client.post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.newsletter is False

    client.force_login(publisher)
    assert 'name="newsletter"' in client.get(url).text
    assert client.post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.newsletter is True
