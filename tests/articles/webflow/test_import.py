"""The Webflow importer end to end: the import_webflow command on the real export and edited copies."""

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import Article, Author, Citation, Image, Source
from articles.publishing import system_actor
from articles.webflow import apply_export, read_export

SEED = "is-ketamine-addictive"
RELATED = [
    "racemic-ketamine-vs-r-ketamine-vs-s-ketamine",
    "can-ketamine-be-effective-for-ptsd",
    "how-effective-ketamine-be-for-anxiety",
    "6-research-papers-to-read-about-oral-ketamine-for-depression",
    "how-is-ketamine-different-from-traditional-antidepressants",
]
CITATION = (
    "Lumanauw DD, Youn S, Horeczko T, Yadav K, Tanen DA. Subdissociative-dose Ketamine Is "
    "Effective for Treating Acute Exacerbations of Chronic Pain. Acad Emerg Med. 2019 "
    "Sep;26(9):1044-1051. doi: 10.1111/acem.13755. Epub 2019 Apr 29. PMID: 30901130."
)


def run(directory, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_webflow", str(directory), *args, stdout=out, stderr=err)
    return out.getvalue()


def row(rows, slug):
    return next(r for r in rows if r["Slug"] == slug)


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db
class TestRealExport:
    def test_imports_six_posts_with_webflow_statuses(self, real_export):
        output = run(real_export)

        assert "Posts: 6 created, 0 updated, 0 skipped (unchanged), 0 skipped" in output
        statuses = dict(Article.objects.values_list("slug", "status"))
        assert statuses == {
            SEED: "published",
            RELATED[0]: "published",
            RELATED[1]: "published",
            RELATED[2]: "published",
            RELATED[3]: "draft",
            RELATED[4]: "archived",
        }
        assert Article.objects.get(slug=RELATED[3]).published_at is None

    def test_posts_are_published_through_the_service_as_the_system_with_renditions(
        self, real_export, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            run(real_export)

        seed = Article.objects.get(slug=SEED)
        record = seed.history.order_by("-history_date").first()
        assert (record.history_user, record.history_change_reason) == (None, "system (import_webflow)")
        assert seed.hero_renditions["sources"]

    def test_seed_post_keeps_its_content_and_calendar_dates(self, real_export, settings):
        settings.TIME_ZONE = "America/Los_Angeles"
        run(real_export)

        seed = Article.objects.get(webflow_item_id="6270a1f3c2b1e84d2f0a9c30")
        assert (seed.title, seed.slug) == ("Is Ketamine Addictive?", SEED)
        assert seed.summary.startswith("Ketamine can be psychologically addictive.")
        assert seed.hero_image_alt == "A guy who's doubting that ketamine is not addictive"
        assert not seed.hero_image_decorative and not seed.needs_editor_attention
        assert seed.published_on == date(2022, 5, 1)
        assert seed.updated_on == date(2023, 1, 26)
        assert seed.published_at == datetime(2022, 5, 1, tzinfo=UTC)
        assert seed.author.name == "Isha Team"
        assert seed.featured is True
        assert default_storage.exists(seed.hero_image.name)
        assert default_storage.exists(seed.thumbnail.name)

    def test_seed_body_is_cleaned_and_its_citation_becomes_a_reference(self, real_export):
        run(real_export)

        seed = Article.objects.get(slug=SEED)
        inline = "library/6270a1f3c2b1e84d2f0a9c31_ketamine-addiction.jpg"
        assert default_storage.exists(inline)
        # The inline image joined the media library, its alt text as the default.
        image = Image.objects.get(file=inline)
        assert image.alt_text == "ketamine addiction" and image.renditions["name"] == inline
        assert (
            f'<img data-file="{image.pk}" src="{default_storage.url(inline)}" loading="lazy" '
            'alt="ketamine addiction">' in seed.body
        )
        assert list(image.articles_using()) == [seed]
        assert "cdn.prod.website-files.com" not in seed.body
        assert "\u200d" not in seed.body and "<p></p>" not in seed.body
        assert "PMID" not in seed.body and "Lumanauw" not in seed.body
        assert seed.body.endswith("as positive of an experience as possible.</p>")
        [source] = Source.objects.cited_by(seed)
        assert (source.citation_text, source.doi, source.pmid, source.url) == (
            CITATION,
            "10.1111/acem.13755",
            "30901130",
            "",
        )

    def test_related_posts_are_linked_in_order(self, real_export):
        run(real_export)

        seed = Article.objects.get(slug=SEED)
        linked = seed.related_links.order_by("position").values_list("to_article__slug", flat=True)
        assert list(linked) == RELATED

    def test_hero_without_alt_is_marked_decorative_and_flagged(self, real_export):
        run(real_export)

        article = Article.objects.get(slug=RELATED[0])
        assert article.hero_image and article.hero_image_alt == ""
        assert article.hero_image_decorative and article.needs_editor_attention

    def test_a_second_import_changes_nothing_and_says_so(self, real_export):
        run(real_export)
        images = list(Image.objects.values_list("pk", flat=True))
        before = dict(Article.objects.values_list("slug", "modified_at"))
        files = stored_files()

        output = run(real_export)

        assert "Posts: 0 created, 0 updated, 6 skipped (unchanged), 0 skipped" in output
        assert "Nothing changed" in output
        assert dict(Article.objects.values_list("slug", "modified_at")) == before
        assert stored_files() == files
        assert (Source.objects.count(), Citation.objects.count()) == (1, 1)
        assert list(Image.objects.values_list("pk", flat=True)) == images == [images[0]]


@pytest.mark.django_db
class TestReimport:
    def test_a_changed_item_is_updated_and_no_other(self, real_export, export_copy):
        run(real_export)
        before = dict(Article.objects.values_list("slug", "modified_at"))
        files = stored_files()
        changed = export_copy(lambda rows: row(rows, RELATED[1]).update({"Post Summary": "New summary."}))

        output = run(changed)

        assert "Posts: 0 created, 1 updated, 5 skipped (unchanged), 0 skipped" in output
        after = dict(Article.objects.values_list("slug", "modified_at"))
        assert [slug for slug in after if after[slug] != before[slug]] == [RELATED[1]]
        assert Article.objects.get(slug=RELATED[1]).summary == "New summary."
        assert stored_files() == files

    def test_an_article_edited_in_the_admin_is_kept_and_reported_unless_forced(
        self, real_export, export_copy
    ):
        run(real_export)
        edited = Article.objects.get(slug=RELATED[1])
        edited.title = "Edited by an editor"
        edited.save()
        assert edited.edited_since_import()
        changed = export_copy(lambda rows: row(rows, RELATED[1]).update({"Post Summary": "New summary."}))

        output = run(changed)

        assert "1 skipped" in output
        assert f"line 4 ({RELATED[1]}): edited in the admin" in output
        assert "--force" in output
        assert Article.objects.get(slug=RELATED[1]).title == "Edited by an editor"

        output = run(changed, "--force")

        assert "Posts: 0 created, 1 updated, 5 skipped (unchanged), 0 skipped" in output
        article = Article.objects.get(slug=RELATED[1])
        assert (article.title, article.summary) == (
            "Can Ketamine Be Effective For PTSD?",
            "New summary.",
        )
        assert not article.edited_since_import()

    def test_items_missing_from_a_later_export_are_listed_and_left_alone(self, real_export, export_copy):
        run(real_export)
        shorter = export_copy(lambda rows: rows.remove(row(rows, RELATED[4])))

        output = run(shorter)

        assert "Not in this export (left alone):" in output
        assert f"post {RELATED[4]} (6270a1f3c2b1e84d2f0a9d04)" in output
        assert Article.objects.filter(slug=RELATED[4], status="archived").exists()

    def test_a_changed_author_is_kept_unless_forced(self, real_export, export_copy):
        run(real_export)
        changed = export_copy(authors_edit=lambda rows: rows[0].update({"Bio": "<p>New bio.</p>"}))

        output = run(changed)

        assert "Authors: 0 created, 0 updated, 0 skipped (unchanged), 1 skipped" in output
        assert "differs from the site's author (bio)" in output
        assert "Isha Health" in Author.objects.get().bio
        run(changed, "--force")
        assert Author.objects.get().bio == "<p>New bio.</p>"


@pytest.mark.django_db
class TestExportVariants:
    def test_reordered_columns_titled_first_column_and_no_draft_archived_columns(self, export_copy):
        def rename(rows):
            for r in rows:
                r["Title"] = r.pop("Name")

        header = [
            "Title",
            "Related Posts",
            "Author",
            "Published On",
            "Item ID",
            "Slug",
            "Post Body",
            "Main Image",
            "Main Image Alt",
            "Publish Date",
            "Last Updated",
            "Post Summary",
            "Collection ID",
            "Created On",
            "Updated On",
            "Thumbnail image",
            "Featured?",
        ]
        output = run(export_copy(rename, header=header))

        assert "Posts: 6 created" in output
        seed = Article.objects.get(slug=SEED)
        assert seed.title == "Is Ketamine Addictive?"
        assert seed.updated_on == date(2023, 1, 26)
        # Without Draft/Archived, an item is live when Webflow has published it.
        assert Article.objects.get(slug=RELATED[3]).status == "draft"
        assert Article.objects.get(slug=RELATED[4]).status == "published"

    def test_a_missing_image_is_reported_and_the_post_still_imported(self, export_copy):
        missing = "6270a1f3c2b1e84d2f0a9e02_how-effective-ketamine-be-for-anxiety-hero.jpg"

        output = run(export_copy(skip_images=[missing]))

        assert "Posts: 6 created" in output
        assert f"line 5 ({RELATED[2]}): Main Image file {missing!r} not found in images/" in output
        article = Article.objects.get(slug=RELATED[2])
        assert not article.hero_image and article.thumbnail
        assert article.needs_editor_attention

    def test_a_file_that_is_not_an_image_is_refused_and_reported(self, export_copy):
        fake = "6270a1f3c2b1e84d2f0a9f01_can-ketamine-be-effective-for-ptsd-thumb.jpg"

        output = run(export_copy(fake_images=[fake]))

        assert f"line 4 ({RELATED[1]}): {fake} not imported: This file is not a JPEG" in output
        article = Article.objects.get(slug=RELATED[1])
        assert article.hero_image and not article.thumbnail
        assert not [name for name in stored_files() if "9f01" in name]

    def test_a_bad_date_skips_its_row_with_the_line_number(self, export_copy):
        folder = export_copy(lambda rows: row(rows, RELATED[0]).update({"Publish Date": "May 1st"}))

        output = run(folder)

        assert "Posts: 5 created, 0 updated, 0 skipped (unchanged), 1 skipped" in output
        assert f"line 3 ({RELATED[0]}): Publish Date 'May 1st' is not a date" in output
        assert not Article.objects.filter(slug=RELATED[0]).exists()
        assert f"related post {RELATED[0]!r} is neither in the export nor on the site" in output

    @pytest.mark.parametrize(
        ("bad", "reason"),
        [
            ({"Draft": "maybe"}, "Draft 'maybe' is not true or false"),
            ({"Author": "nobody"}, "author 'nobody' is neither in the export nor on the site"),
        ],
    )
    def test_a_row_fixed_later_is_imported_and_linked_from_its_related_post(self, export_copy, bad, reason):
        output = run(export_copy(lambda rows: row(rows, RELATED[0]).update(bad)))
        assert f"line 3 ({RELATED[0]}): {reason}" in output
        assert RELATED[0] not in Article.objects.get(slug=SEED).related_links.values_list(
            "to_article__slug", flat=True
        )

        output = run(export_copy())

        assert "Posts: 1 created, 1 updated, 4 skipped (unchanged), 0 skipped" in output
        linked = Article.objects.get(slug=SEED).related_links.values_list("to_article__slug", flat=True)
        assert list(linked) == RELATED

    def test_a_row_failing_in_the_database_leaves_nothing_behind(self, export_copy, monkeypatch):
        def fail(objs, *args, **kwargs):
            if list(objs):
                raise RuntimeError("disk full")
            return []

        monkeypatch.setattr(Citation.objects, "bulk_create", fail)

        output = run(export_copy())

        # Only the seed post has references, so only its row fails, after its article and
        # images were saved.
        assert f"line 2 ({SEED}): failed, nothing written: RuntimeError: disk full" in output
        assert not Article.objects.filter(slug=SEED).exists()
        assert not Source.objects.exists()
        assert not [name for name in stored_files() if "6270a1f3c2b1e84d2f0a9c3" in name]
        assert stored_files()
        assert Article.objects.count() == 5

    def test_a_dry_run_writes_nothing(self, real_export):
        output = run(real_export, "--dry-run")

        assert "Posts: 6 would be created" in output
        assert "Dry run: nothing was written." in output
        assert not Article.objects.exists() and not Author.objects.exists()
        assert stored_files() == []

    def test_a_hostile_body_comes_out_clean(self, export_copy):
        hostile = (
            '<p style="color:red">Hello</p><script>alert(1)</script>'
            '<img src="x.jpg" onerror="alert(2)" alt="x">'
            '<p><a href="javascript:alert(3)">click</a></p>'
        )
        run(export_copy(lambda rows: row(rows, RELATED[0]).update({"Post Body": hostile})))

        body = Article.objects.get(slug=RELATED[0]).body
        assert "Hello" in body and "click" in body
        for bad in ("<script", "alert(1)", "onerror", "javascript:", "style="):
            assert bad not in body

    def test_an_inline_image_without_a_src_does_not_stop_its_post(self, export_copy):
        body = '<p>Before.</p><img src="" alt=""><p>After.</p>'

        output = run(export_copy(lambda rows: row(rows, RELATED[0]).update({"Post Body": body})))

        assert "After." in Article.objects.get(slug=RELATED[0]).body
        assert "failed" not in output

    def test_progress_is_reported_every_n_posts(self, real_export):
        calls = []

        with system_actor("import_webflow"):
            apply_export(
                read_export(real_export), actor=None, progress=lambda *a: calls.append(a), progress_every=2
            )

        assert calls == [(2, 6), (4, 6), (6, 6)]


class TestBadInput:
    def test_a_missing_folder_is_a_command_error(self, tmp_path):
        with pytest.raises(CommandError, match="is not a folder"):
            run(tmp_path / "nowhere")

    def test_a_folder_without_csv_is_a_command_error(self, tmp_path):
        with pytest.raises(CommandError, match="No CSV file"):
            run(tmp_path)

    def test_a_csv_without_item_ids_is_a_command_error(self, tmp_path):
        (tmp_path / "Site - Blog Posts - 1.csv").write_text("Name,Slug\nA,a\n")
        with pytest.raises(CommandError, match="has no Item ID column"):
            run(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_page_cached_before_the_related_links_are_made_shows_them_after_the_import(real_export, settings):
    """Related links are written after their posts committed, without model signals
    (``bulk_create``): the page cache must still learn of them once they commit."""
    settings.PAGE_CACHE_SECONDS = 600
    cached_during_import = []

    def read_the_seed_meanwhile(done, total):
        if done == total:  # every post committed, no related link made yet
            cached_during_import.append(Client().get(f"/articles/{SEED}/").content.decode())

    with system_actor("import_webflow"):
        apply_export(read_export(real_export), actor=None, progress=read_the_seed_meanwhile, progress_every=1)

    assert 'id="related-heading"' not in cached_during_import[0]
    after = Client().get(f"/articles/{SEED}/").content.decode()
    related = after[after.index('id="related-heading"') :]
    assert f'href="/articles/{RELATED[0]}/"' in related
