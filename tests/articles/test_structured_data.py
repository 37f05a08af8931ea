"""An article page's JSON-LD read as a machine does: expanded with PyLD against the
schema.org context (release 30.0, vendored in ``schema_org/``, never fetched), every type
and property checked against that vocabulary; its date-times, shared with Open Graph and
the feeds; and feed entries that keep their id when a slug changes."""

import importlib
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse

from articles.demo import demo_image
from articles.derived import refresh_derived_data, refresh_renditions
from articles.models import Article
from tests.articles.page_head import SITE, get_head
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CitationFactory,
    ReviewerFactory,
    SourceFactory,
    TopicFactory,
    record_sign_off,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_url")]

SCHEMA = "http://schema.org/"
VENDORED = Path(__file__).parent / "schema_org"
CONTEXT = json.loads((VENDORED / "context.jsonld").read_text())
VOCABULARY = json.loads((VENDORED / "vocabulary.json").read_text())
CONTEXT_URLS = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
ATOM = "{http://www.w3.org/2005/Atom}"

try:
    from pyld import jsonld
except ImportError:  # PyLD is a test dependency; without it the compact form is checked.
    jsonld = None


def offline_loader(requested):
    """A PyLD document loader serving the vendored schema.org context and nothing else;
    ``requested`` collects every URL asked for."""

    def load(url, options=None):
        requested.append(url)
        if url not in CONTEXT_URLS:
            raise ValueError(f"the tests never fetch {url}")
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}

    return load


def with_superclasses(kinds):
    """``kinds`` (schema.org class names) and every class above them."""
    seen, todo = set(), list(kinds)
    while todo:
        kind = todo.pop()
        if kind not in seen:
            seen.add(kind)
            todo += VOCABULARY["classes"].get(kind, [])
    return seen


def local_name(iri):
    """``Article`` for ``http://schema.org/Article``; None for an IRI outside schema.org."""
    return iri[len(SCHEMA) :] if iri.startswith(SCHEMA) else None


def vocabulary_problems(nodes):
    """What in ``nodes`` (flattened, expanded JSON-LD node objects) the vendored schema.org
    vocabulary does not allow: unknown types or properties, a property on a type outside
    its domain, a node value of a type outside the property's range."""
    types = {node["@id"]: [local_name(kind) for kind in node.get("@type", [])] for node in nodes}
    problems = []
    for node in nodes:
        kinds = types[node["@id"]]
        problems += [f"unknown type {kind}" for kind in kinds if kind not in VOCABULARY["classes"]]
        for key, values in node.items():
            if key.startswith("@"):
                continue
            name = local_name(key)
            rules = VOCABULARY["properties"].get(name)
            if rules is None:
                problems.append(f"unknown property {key}")
                continue
            if not with_superclasses(kinds) & set(rules["domainIncludes"]):
                problems.append(f"{name} on {kinds}")
            for value in values:
                target = types.get(value.get("@id"))
                if target and not with_superclasses(target) & set(rules["rangeIncludes"]):
                    problems.append(f"{name} pointing to {target}")
    return problems


def expanded_nodes(document):
    """``document`` flattened with PyLD through the offline loader: its node objects."""
    requested = []
    flat = jsonld.flatten(document, None, {"documentLoader": offline_loader(requested)})
    assert set(requested) <= CONTEXT_URLS
    return flat


def compact_nodes(document):
    """Without PyLD: the nodes of ``document`` in the shape :func:`vocabulary_problems`
    reads, taking each term as the schema.org IRI of the same name (true of every term
    the vendored context defines)."""
    nodes = []

    def visit(value):
        if isinstance(value, list):
            return [item for entry in value for item in visit(entry)]
        if not isinstance(value, dict):
            return [{"@value": value}]
        node = {"@id": value.get("@id") or f"_:b{len(nodes)}"}
        if "@type" in value:
            node["@type"] = [SCHEMA + value["@type"]]
        if set(value) - {"@id"}:
            nodes.append(node)
        for key, item in value.items():
            if not key.startswith("@"):
                node[SCHEMA + key] = visit(item)
        return [{"@id": node["@id"]}]

    for node in document["@graph"]:
        visit(node)
    return nodes


def full_article():
    """A reviewed article with every part its JSON-LD can have."""
    author = AuthorFactory(name="Ada Lovelace", credentials="RN")
    article = ArticleFactory(author=author, hero_image_alt="A calm room", published_on=date(2024, 2, 3))
    article.hero_image.save("hero.jpg", ContentFile(demo_image(1600, 1000, 0)))
    refresh_derived_data(article)
    article.topics.add(TopicFactory(name="Depression"))
    CitationFactory(
        article=article, source=SourceFactory(doi="10.1111/acem.13755", pmid="30901130"), position=0
    )
    CitationFactory(article=article, source=SourceFactory(url="https://example.org/guideline"), position=1)
    return record_sign_off(article, ReviewerFactory(credentials="MD, PhD", specialty="Psychiatry"))


def json_ld(client, article):
    return get_head(client, article.get_absolute_url())


class TestVocabulary:
    def test_every_type_and_property_of_the_page_is_in_the_schema_org_vocabulary(self, client):
        document = json_ld(client, full_article()).data()
        nodes = expanded_nodes(document) if jsonld else compact_nodes(document)

        assert vocabulary_problems(nodes) == []
        kinds = {local_name(kind) for node in nodes for kind in node.get("@type", [])}
        assert {"MedicalWebPage", "Article", "Organization", "Person", "ImageObject", "Patient"} <= kinds

    @pytest.mark.skipif(jsonld is None, reason="PyLD is not installed")
    def test_pyld_links_the_page_and_the_article_by_id_and_types_the_dates(self, client):
        article = full_article()
        nodes = {node["@id"]: node for node in expanded_nodes(json_ld(client, article).data())}

        url = SITE + article.get_absolute_url()
        page, entity = nodes[url + "#webpage"], nodes[url + "#article"]
        assert page["@type"] == [SCHEMA + "MedicalWebPage"]
        assert page[SCHEMA + "mainEntity"] == [{"@id": url + "#article"}]
        assert entity[SCHEMA + "mainEntityOfPage"] == [{"@id": url + "#webpage"}]
        [published] = entity[SCHEMA + "datePublished"]
        assert published == {"@type": SCHEMA + "Date", "@value": "2024-02-03T00:00:00+00:00"}
        assert len(entity[SCHEMA + "citation"]) == 2 and len(entity[SCHEMA + "image"]) == 3

    def test_the_check_catches_a_made_up_term_and_a_property_out_of_its_domain(self):
        document = {
            "@context": "https://schema.org",
            "@graph": [{"@type": "Person", "headline": "x", "heroImage": "y"}, {"@type": "Blogpost"}],
        }
        if jsonld:
            document["@context"] = {**CONTEXT["@context"], "heroImage": "schema:heroImage"}
        nodes = expanded_nodes(document) if jsonld else compact_nodes(document)
        problems = vocabulary_problems(nodes)
        assert "headline on ['Person']" in problems
        assert any("heroImage" in problem for problem in problems)
        assert "unknown type Blogpost" in problems

    @pytest.mark.skipif(jsonld is None, reason="PyLD is not installed")
    def test_the_loader_refuses_any_other_context(self):
        with pytest.raises(jsonld.JsonLdError):
            expanded_nodes({"@context": "https://example.org/context.jsonld", "name": "x"})


class TestPeople:
    def test_the_author_and_reviewer_are_people_with_their_pages_and_credentials(self, client):
        article = full_article()
        head = json_ld(client, article)

        author, reviewer = head.node("Article")["author"], head.node("MedicalWebPage")["reviewedBy"]
        assert (author["@type"], author["url"]) == ("Person", SITE + article.author.get_absolute_url())
        assert author["honorificSuffix"] == "RN"
        assert author["hasCredential"] == [{"@type": "EducationalOccupationalCredential", "name": "RN"}]
        assert (reviewer["@type"], reviewer["url"]) == (
            "Person",
            SITE + article.reviewed_by.get_absolute_url(),
        )
        assert [credential["name"] for credential in reviewer["hasCredential"]] == ["MD", "PhD"]
        byline = client.get(article.get_absolute_url()).content.decode()
        assert f">{article.author.name}</a>, RN</dd>" in byline

    def test_an_author_without_credentials_claims_none(self, client):
        author = json_ld(client, ArticleFactory()).node("Article")["author"]
        assert "honorificSuffix" not in author and "hasCredential" not in author


class TestImages:
    def test_the_hero_image_is_given_in_16_9_4_3_and_1_1_at_most_1200_px_wide(self, client):
        article = ArticleFactory(hero_image_alt="A calm room")
        article.hero_image.save("wide.jpg", ContentFile(demo_image(2000, 1000, 0)))
        refresh_derived_data(article)

        images = json_ld(client, article).node("Article")["image"]

        assert [(image["width"], image["height"]) for image in images] == [
            (1200, 675),
            (1200, 900),
            (1000, 1000),
        ]
        for image in images:
            assert client.get(image["url"].removeprefix(SITE)).status_code == 200

    def test_renditions_made_before_the_crops_get_them_at_the_next_refresh(self):
        article = ArticleFactory(hero_image_alt="A calm room")
        article.hero_image.save("old.jpg", ContentFile(demo_image(900, 600, 0)))
        refresh_derived_data(article)
        old = {key: value for key, value in article.hero_renditions.items() if key != "crops"}
        Article.objects.filter(pk=article.pk).update(hero_renditions=old)
        article.refresh_from_db()

        refresh_renditions(article)

        article.refresh_from_db()
        assert [crop["ratio"] for crop in article.hero_renditions["crops"]] == ["16:9", "4:3", "1:1"]
        assert article.hero_renditions["sources"] == old["sources"]


class TestDateTimes:
    def test_json_ld_open_graph_and_the_feed_give_the_same_date_times_in_the_sites_offset(
        self, client, settings
    ):
        settings.TIME_ZONE = "America/New_York"
        article = ArticleFactory(
            published_at=datetime(2024, 2, 3, 14, 30, 15, 500, tzinfo=UTC), updated_on=date(2024, 5, 6)
        )

        head = json_ld(client, article)

        entity = head.node("Article")
        assert entity["datePublished"] == "2024-02-03T09:30:15-05:00"
        assert entity["dateModified"] == "2024-05-06T00:00:00-04:00"
        assert head.one("article:published_time") == entity["datePublished"]
        assert head.one("article:modified_time") == entity["dateModified"]
        [entry] = ET.fromstring(client.get(reverse("articles:feed-atom")).content).iter(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}published") == entity["datePublished"]
        assert entry.findtext(f"{ATOM}updated") == entity["dateModified"]

    def test_a_never_updated_article_was_modified_when_it_was_published(self, client):
        article = ArticleFactory(published_at=datetime(2024, 2, 3, 8, tzinfo=UTC))
        head = json_ld(client, article)
        assert (
            head.one("article:modified_time")
            == head.one("article:published_time")
            == "2024-02-03T08:00:00+00:00"
        )


def feed_ids(client):
    """``{"rss": [(guid, isPermaLink)], "atom": [id]}`` of the site's feeds."""
    rss = ET.fromstring(client.get(reverse("articles:feed-rss")).content)
    atom = ET.fromstring(client.get(reverse("articles:feed-atom")).content)
    return {
        "rss": [(guid.text, guid.get("isPermaLink")) for guid in rss.iter("guid")],
        "atom": [entry.findtext(f"{ATOM}id") for entry in atom.iter(f"{ATOM}entry")],
    }


class TestFeedIds:
    def test_a_new_article_is_a_tag_uri_that_a_slug_change_leaves_alone(self, client):
        article = ArticleFactory(slug="ketamine-and-slep")
        before = feed_ids(client)

        article.slug = "ketamine-and-sleep"
        article.save()

        assert feed_ids(client) == before
        [(guid, permalink)] = before["rss"]
        assert re.fullmatch(r"tag:www\.example\.org,\d{4}-\d{2}-\d{2}:article:[0-9a-f]{32}", guid)
        assert permalink == "false" and before["atom"] == [guid]

    def test_the_migration_keeps_the_url_existing_articles_had_as_their_id(self, client):
        article = ArticleFactory(slug="ketamine-basics")
        Article.objects.filter(pk=article.pk).update(feed_id="")
        migration = importlib.import_module("articles.migrations.0015_structured")

        migration.store_current_urls(apps, None)

        old_url = SITE + "/articles/ketamine-basics/"
        assert Article.objects.get(pk=article.pk).feed_id == old_url
        article.refresh_from_db()
        article.slug = "ketamine-the-basics"
        article.save()
        assert feed_ids(client) == {"rss": [(old_url, "false")], "atom": [old_url]}
