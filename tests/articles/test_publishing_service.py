"""The publishing service (articles.publishing): who may change what, the system actor, the
history it records, and side effects that follow only a committed change."""

import ast
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from articles import publishing, revisions
from articles.demo import demo_image
from articles.derived import refresh_derived_data
from articles.models import Article, SlugRedirect
from isha import pagecache
from tests.factories import ArticleFactory, ReviewerFactory, store_pending_changes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def history_of(article):
    return article.history.order_by("-history_date", "-history_id").first()


# The system actor


CHANGES = {
    "save_draft": lambda article: publishing.save_draft(article=article, actor=None),
    "submit_for_review": lambda article: publishing.submit_for_review(article=article, actor=None),
    "publish": lambda article: publishing.publish(article=article, actor=None),
    "publish_pending": lambda article: publishing.publish_pending(article=article, actor=None),
    "unpublish": lambda article: publishing.unpublish(article=article, actor=None),
    "archive": lambda article: publishing.archive(article=article, actor=None),
    "restore_revision": lambda article: publishing.restore_revision(
        revision=article.history.first(), actor=None
    ),
    "sign_off_review": lambda article: publishing.sign_off_review(
        article=article, reviewer=ReviewerFactory(), actor=None
    ),
    "save_changes": lambda article: publishing.save_changes(article=article, actor=None),
}


@pytest.mark.parametrize("change", CHANGES)
def test_no_user_outside_a_command_is_refused_by_every_change(change):
    article = ArticleFactory(title="Untouched")
    version = article.version

    with pytest.raises(PermissionDenied, match="only management commands and migrations"):
        CHANGES[change](article)

    assert Article.objects.get(pk=article.pk).version == version


def test_inside_a_command_the_system_publishes_and_the_history_says_so():
    article = ArticleFactory(draft=True)

    with publishing.system_actor("import_webflow"):
        publishing.publish(article=article, actor=None)

    assert Article.objects.get(pk=article.pk).is_published
    record = history_of(article)
    assert record.history_user is None
    assert record.history_change_reason == "system (import_webflow)"


def test_the_system_context_ends_with_its_block_and_stays_in_its_thread():
    article = ArticleFactory(draft=True)
    refused_elsewhere = []

    def another_request():
        try:
            publishing.archive(article=article, actor=None)
        except PermissionDenied:
            refused_elsewhere.append(True)

    with publishing.system_actor("load_demo"):
        thread = threading.Thread(target=another_request)
        thread.start()
        thread.join()
    assert refused_elsewhere == [True]
    with pytest.raises(PermissionDenied):
        publishing.archive(article=article, actor=None)


#: Where code may name the system actor (and its context variable): the modules that
#: define and re-export it, management commands and migrations.
SYSTEM_ACTOR_ALLOWED = (
    "articles/actors.py",
    "articles/publishing.py",
    "/management/commands/",
    "/migrations/",
)


def references(source, names):
    """The ``names`` a module's source refers to, however: a name, an attribute, an
    imported name (even renamed), a string (``getattr``), a decorator or a ``with``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.update(node.name.split("."))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return found & set(names)


def test_the_reference_check_sees_decorators_renamed_imports_and_getattr():
    for source in (
        "@system_actor('x')\ndef view(request): ...",
        "from articles.actors import system_actor as allowed\n",
        "import articles.actors as a\na.system_actor\n",
        "getattr(actors, 'system_actor')('x')\n",
        "with publishing.system_actor('x'): ...\n",
    ):
        assert references(source, {"system_actor"}) == {"system_actor"}, source


def test_only_management_commands_and_migrations_refer_to_the_system_actor():
    """No view, admin or template tag can act as the system: nothing but commands (and
    data migrations) names the context that allows ``actor=None``, in any form."""
    referring = set()
    for app in ("articles", "signups", "isha"):
        for path in (ROOT / app).rglob("*.py"):
            if references(path.read_text(), {"system_actor", "_system_name"}):
                referring.add(path.relative_to(ROOT).as_posix())
    assert "articles/management/commands/import_webflow.py" in referring
    for path in referring:
        assert any(allowed in path for allowed in SYSTEM_ACTOR_ALLOWED), path


def test_only_the_publishing_service_stores_pending_changes():
    """Pending changes are stored by ``publishing.save_draft`` (and restore_revision, and
    ``autosave`` from its sibling ``articles.autosaving``), which check the permission; no
    other code, tests included, writes them."""
    names = {"store_pending", "store_pending_edit", "_store_pending", "_store_pending_edit"}
    referring = {
        path.relative_to(ROOT).as_posix()
        for folder in ("articles", "signups", "isha", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if path != Path(__file__) and references(path.read_text(), names)
    }
    assert referring == {"articles/revisions.py", "articles/publishing.py", "articles/autosaving.py"}
    assert not hasattr(revisions, "store_pending")


def test_an_article_offers_no_sign_off_around_the_service():
    """A medical sign-off is recorded only by ``publishing.sign_off_review`` (permission
    checked, history written); the model itself notes a review in memory only."""
    assert not hasattr(Article, "sign_off_review")


def test_an_anonymous_user_is_refused(rf):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        publishing.publish(article=ArticleFactory(draft=True), actor=AnonymousUser())


# Permissions, checked by the service whoever calls it


def test_an_editor_may_not_publish_archive_or_unpublish(editor):
    draft, live = ArticleFactory(draft=True), ArticleFactory()

    for change in (
        lambda: publishing.publish(article=draft, actor=editor),
        lambda: publishing.archive(article=live, actor=editor),
        lambda: publishing.unpublish(article=live, actor=editor),
        lambda: publishing.publish_pending(article=live, actor=editor),
    ):
        with pytest.raises(PermissionDenied, match="publish_article"):
            change()

    assert Article.objects.get(pk=draft.pk).status == "draft"
    assert Article.objects.get(pk=live.pk).status == "published"


def test_an_editors_save_of_a_live_article_becomes_pending_changes(editor):
    article = ArticleFactory(title="Live")
    article.title = "Edited"

    assert publishing.save_draft(article=article, actor=editor) is publishing.Saved.PENDING

    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Live"
    assert stored.pending_revision["fields"]["title"] == "Edited"
    assert stored.pending_revision_by == editor


def test_an_editor_cannot_move_a_live_articles_time_even_as_pending_changes(editor):
    article = ArticleFactory()
    article.published_at = article.published_at.replace(year=article.published_at.year + 1)

    with pytest.raises(PermissionDenied, match="publication time"):
        publishing.save_draft(article=article, actor=editor)

    assert Article.objects.get(pk=article.pk).pending_revision is None


def test_save_draft_does_not_change_whether_an_article_is_published(publisher):
    article = ArticleFactory(draft=True)
    article.status = Article.Status.PUBLISHED

    with pytest.raises(ValueError, match="does not publish"):
        publishing.save_draft(article=article, actor=publisher)


def test_a_reviewer_signs_off_only_as_their_own_profile(reviewer):
    article = ArticleFactory()

    with pytest.raises(PermissionDenied, match="their own medical reviewer profile"):
        publishing.sign_off_review(article=article, reviewer=ReviewerFactory(), actor=reviewer)

    signed = publishing.sign_off_review(article=article, reviewer=reviewer.reviewer_profile, actor=reviewer)
    assert signed.reviewed_by == reviewer.reviewer_profile


def test_a_change_from_a_stale_page_is_refused(publisher, editor):
    article = ArticleFactory()
    store_pending_changes(article, editor, title="Pending")

    with pytest.raises(publishing.StaleArticle):
        publishing.publish_pending(article=article, actor=publisher, expected_version=article.version - 1)

    assert Article.objects.get(pk=article.pk).pending_revision is not None


@pytest.mark.parametrize("actor_name", ["publisher", "editor"])
def test_a_save_from_a_stale_page_is_refused_by_the_service_itself(actor_name, request):
    actor = request.getfixturevalue(actor_name)
    article = ArticleFactory(title="Live")
    loaded = article.version
    Article.objects.get(pk=article.pk).save()  # someone else's save meanwhile
    article.title = "From the stale page"

    with pytest.raises(publishing.StaleArticle):
        publishing.save_changes(article=article, actor=actor, expected_version=loaded)

    stored = Article.objects.get(pk=article.pk)
    assert (stored.title, stored.pending_revision) == ("Live", None)


@pytest.mark.parametrize(
    ("stored_status", "status", "moved", "message"),
    [
        (None, "published", False, "Only publishers can publish or archive an article."),
        ("draft", "archived", False, "Only publishers can publish or archive an article."),
        ("published", "draft", False, "Only publishers can unpublish an article"),
        ("archived", "in_review", False, "Only publishers can unpublish an article"),
        ("published", "published", True, "Only publishers can change the publication time"),
    ],
)
def test_the_publishing_rule_names_what_only_publishers_may_do(
    editor, publisher, stored_status, status, moved, message
):
    stored_at = timezone.now().replace(microsecond=0)
    change = {
        "status": status,
        "published_at": stored_at + timedelta(hours=1) if moved else stored_at.replace(microsecond=5),
        "stored_status": stored_status,
        "stored_published_at": stored_at,
    }

    with pytest.raises(PermissionDenied, match=message):
        publishing.check_publishing_fields(actor=editor, **change)
    publishing.check_publishing_fields(actor=publisher, **change)


def test_the_service_refuses_an_editors_publish_in_the_forms_words(editor):
    article = ArticleFactory(draft=True)
    article.status = Article.Status.PUBLISHED

    with pytest.raises(PermissionDenied, match=r"Only publishers can publish or archive an article\."):
        publishing.save_draft(article=article, actor=editor)


# Deleting


def test_an_editor_deletes_a_draft_and_the_history_names_them(editor):
    article = ArticleFactory(draft=True)
    pk = article.pk

    publishing.delete(article=article, actor=editor)

    assert not Article.objects.filter(pk=pk).exists()
    record = Article.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-",
        editor,
        "Deleted",
    )


@pytest.mark.parametrize("trait", ["published", "archived"])
def test_only_a_publisher_deletes_a_live_or_archived_article(editor, publisher, trait):
    article = ArticleFactory(archived=trait == "archived")

    pk = article.pk

    with pytest.raises(PermissionDenied, match="publish_article"):
        publishing.delete(article=article, actor=editor)
    assert Article.objects.filter(pk=pk).exists()

    publishing.delete(article=article, actor=publisher)
    assert not Article.objects.filter(pk=pk).exists()


def test_the_system_deletes_only_inside_a_command():
    article = ArticleFactory()
    pk = article.pk

    with pytest.raises(PermissionDenied):
        publishing.delete(article=article, actor=None)
    with publishing.system_actor("load_demo"):
        publishing.delete(article=article, actor=None)

    record = Article.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == "Deleted; system (load_demo)"


def test_publishing_needs_alt_text_on_the_hero_image_and_changes_nothing_without(publisher):
    article = ArticleFactory(draft=True, hero_image="articles/hero/missing.jpg")

    with pytest.raises(ValidationError):
        publishing.publish(article=article, actor=publisher)

    assert Article.objects.get(pk=article.pk).status == "draft"


def test_a_restored_revision_names_its_date_in_the_history(publisher):
    article = ArticleFactory(draft=True, body="<p>First.</p>")
    first = article.history.first()
    article.body = "<p>Second.</p>"
    article.save()

    publishing.restore_revision(revision=first, actor=publisher)

    article.refresh_from_db()
    assert article.body == "<p>First.</p>"
    record = history_of(article)
    assert record.history_user == publisher
    assert record.history_change_reason.startswith("Restored the version of ")


# Side effects follow the commit, never a rollback


@pytest.fixture
def moved_live_article(publisher):
    """A live article given a new slug and a hero image, ready to be saved."""
    article = ArticleFactory(slug="old-slug", title="Old title", hero_image_alt="A garden")
    article.slug, article.title = "new-slug", "Ketamine explained"
    article.hero_image.save("hero.jpg", ContentFile(demo_image(600, 300, 0)), save=False)
    return article


def rendition_files(settings):
    """The rendition files in storage (written outside the database, so a rollback keeps them)."""
    folder = Path(settings.MEDIA_ROOT) / "renditions"
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def stored_search_vector(article):
    return Article.objects.filter(pk=article.pk).values_list("search_vector", flat=True).get()


def test_a_committed_save_makes_renditions_the_search_document_and_the_redirect(
    publisher, moved_live_article, django_capture_on_commit_callbacks, settings
):
    vector_before = stored_search_vector(moved_live_article)

    with django_capture_on_commit_callbacks(execute=True):
        publishing.save_changes(article=moved_live_article, actor=publisher)

    stored = Article.objects.get(pk=moved_live_article.pk)
    assert stored.hero_renditions["width"] == 600
    assert "hero-480.webp" in rendition_files(settings)
    assert SlugRedirect.objects.filter(old_slug="old-slug", article=stored).exists()
    if connection.vendor == "postgresql":
        assert stored_search_vector(stored) != vector_before
        assert "ketamin" in stored_search_vector(stored)


def test_a_rolled_back_save_leaves_no_redirect_no_renditions_and_the_old_search_document(
    publisher, moved_live_article, django_capture_on_commit_callbacks, settings
):
    vector_before = stored_search_vector(moved_live_article)
    generation_before = pagecache.generation()

    def save_then_fail():
        with transaction.atomic():
            publishing.save_changes(article=moved_live_article, actor=publisher)
            raise RuntimeError("something later in the same transaction failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        save_then_fail()

    assert callbacks == []
    assert rendition_files(settings) == []
    stored = Article.objects.get(pk=moved_live_article.pk)
    assert (stored.slug, stored.hero_renditions) == ("old-slug", {})
    assert not SlugRedirect.objects.exists()
    assert stored_search_vector(stored) == vector_before
    assert pagecache.generation() == generation_before


def test_a_publish_retires_the_page_cache_after_its_own_side_effects(
    publisher, django_capture_on_commit_callbacks
):
    article = ArticleFactory(draft=True)
    generation_before = pagecache.generation()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publishing.publish(article=article, actor=publisher)
        assert pagecache.generation() == generation_before  # nothing before the commit

    assert pagecache.generation() != generation_before
    names = [getattr(callback, "func", callback).__name__ for callback in callbacks]
    derived = ["refresh_redirects", "refresh_search_document", "refresh_renditions"]
    assert [name for name in names if name in derived] == derived
    assert max(names.index(name) for name in derived) < names.index("invalidate")


def test_storage_that_cannot_take_renditions_loses_neither_the_redirect_nor_the_search_document(
    publisher, moved_live_article, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    vector_before = stored_search_vector(moved_live_article)
    generation_before = pagecache.generation()

    def storage_down(*args, **kwargs):
        raise OSError("storage unreachable")

    # The storage the fixture's upload set up, not the lazy proxy that settings reset.
    monkeypatch.setattr(default_storage._wrapped, "save", storage_down)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.save_changes(article=moved_live_article, actor=publisher)

    stored = Article.objects.get(pk=moved_live_article.pk)
    assert SlugRedirect.objects.filter(old_slug="old-slug", article=stored).exists()
    assert stored.hero_renditions == {}
    assert "storage unreachable" in caplog.text
    assert pagecache.generation() != generation_before
    if connection.vendor == "postgresql":
        assert stored_search_vector(stored) != vector_before


def test_previewing_pending_changes_never_writes_the_live_renditions(editor):
    article = ArticleFactory(hero_image_alt="Live picture")
    article.hero_image.save("live.jpg", ContentFile(demo_image(400, 200, 0)), save=False)
    article.save()
    refresh_derived_data(article)
    live_renditions = Article.objects.get(pk=article.pk).hero_renditions
    store_pending_changes(
        article,
        editor,
        hero_image=ContentFile(demo_image(300, 150, 1), name="new.jpg"),
        citations=[],
        related=[],
    )

    copy, _sources, _related = revisions.pending_preview(article)

    assert copy.hero_renditions["width"] == 300
    assert Article.objects.get(pk=article.pk).hero_renditions == live_renditions
