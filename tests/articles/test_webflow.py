"""The Webflow importer: reading an export, applying it, and the import_webflow command."""

import csv
import io
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Citation, Source
from articles.webflow import apply_export, read_export
from articles.webflow.cells import RowError, parse_bool, parse_js_date, parse_multi_reference
from articles.webflow.richtext import clean_body

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


@pytest.fixture
def real_export():
    path = Path(settings.BASE_DIR).parent / "shared" / "real-input" / "webflow"
    if not path.is_dir():
        message = f"the real Webflow export is not at {path} (shared/ must sit beside the clone)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def export_copy(real_export, tmp_path):
    """Write a copy of the real export whose posts a test may change; return its folder.

    ``edit(rows)`` changes the post rows (dicts) in place; ``header`` sets the columns and
    their order; ``skip_images`` leaves those image files out, ``fake_images`` replaces
    them by text.
    """
    posts_csv = next(real_export.glob("*Blog Posts*.csv"))
    authors_csv = next(real_export.glob("*Authors*.csv"))
    counter = iter(range(1000))

    def make(edit=None, header=None, skip_images=(), authors_edit=None, fake_images=()):
        folder = tmp_path / f"export-{next(counter)}"
        (folder / "images").mkdir(parents=True)
        for image in (real_export / "images").iterdir():
            if image.name in fake_images:
                (folder / "images" / image.name).write_text("<html>not a picture</html>")
            elif image.name not in skip_images:
                (folder / "images" / image.name).symlink_to(image)
        for source, change in ((posts_csv, edit), (authors_csv, authors_edit)):
            with open(source, newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                columns, rows = reader.fieldnames, list(reader)
            if change:
                change(rows)
            columns = header if header and source == posts_csv else columns
            with open(folder / source.name, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
        return folder

    return make


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
        inline = "articles/inline/6270a1f3c2b1e84d2f0a9c31_ketamine-addiction.jpg"
        assert default_storage.exists(inline)
        assert (
            f'<img src="{default_storage.url(inline)}" loading="lazy" alt="ketamine addiction">' in seed.body
        )
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
        before = dict(Article.objects.values_list("slug", "modified_at"))
        files = stored_files()

        output = run(real_export)

        assert "Posts: 0 created, 0 updated, 6 skipped (unchanged), 0 skipped" in output
        assert "Nothing changed" in output
        assert dict(Article.objects.values_list("slug", "modified_at")) == before
        assert stored_files() == files
        assert (Source.objects.count(), Citation.objects.count()) == (1, 1)


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

    def test_progress_is_reported_every_n_posts(self, real_export):
        calls = []

        apply_export(read_export(real_export), progress=lambda *a: calls.append(a), progress_every=2)

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


class TestCells:
    def test_javascript_dates_keep_their_offset_and_calendar_day(self):
        parsed = parse_js_date("Sun May 01 2022 00:00:00 GMT-0700 (Pacific Daylight Time)")
        assert parsed.date() == date(2022, 5, 1)
        assert parsed.utcoffset() == -timedelta(hours=7)
        assert parse_js_date("") is None
        assert parse_js_date("2022-05-01T14:03:00.000Z") == datetime(2022, 5, 1, 14, 3, tzinfo=UTC)

    @pytest.mark.parametrize(
        "text",
        ["May 1st", "Sun Mai 01 2022 00:00:00 GMT+0000", "Sun Feb 30 2022 00:00:00 GMT+0000"],
    )
    def test_bad_dates_raise_a_row_error_naming_the_column(self, text):
        with pytest.raises(RowError, match="Publish Date"):
            parse_js_date(text, "Publish Date")

    def test_booleans_and_multi_references(self):
        assert (parse_bool("true"), parse_bool("FALSE"), parse_bool("")) == (True, False, False)
        with pytest.raises(RowError, match="Draft 'yes' is not true or false"):
            parse_bool("yes", "Draft")
        assert parse_multi_reference("a; b;;a ") == ("a", "b")


class TestBody:
    def test_several_trailing_citations_are_lifted_in_order(self):
        body = (
            "<p>Text citing doi 10.1000/mid.1 in passing.</p><h2>References</h2>"
            "<p>First. doi: 10.1000/one.</p><p>&#8205;</p>"
            '<p>Second. <a href="https://pubmed.ncbi.nlm.nih.gov/123/">PMID: 123</a></p>\n'
        )

        cleaned, citations = clean_body(body)

        assert cleaned == "<p>Text citing doi 10.1000/mid.1 in passing.</p>"
        assert [(c.citation, c.doi, c.pmid, c.url) for c in citations] == [
            ("First. doi: 10.1000/one.", "10.1000/one", "", ""),
            ("Second. PMID: 123", "", "123", "https://pubmed.ncbi.nlm.nih.gov/123/"),
        ]

    def test_zero_width_paragraphs_go_and_a_plain_last_paragraph_stays(self):
        cleaned, citations = clean_body("<p>One.</p><p> \u200d&nbsp;</p><p>Two.</p>")
        assert (cleaned, citations) == ("<p>One.</p><p>Two.</p>", ())


def test_a_date_at_the_end_of_the_calendar_skips_its_row_with_a_reason():
    from articles.webflow.cells import RowError, parse_js_date

    with pytest.raises(RowError):
        parse_js_date("Fri Dec 31 9999 23:30:00 GMT-0500 (Eastern Standard Time)", "Publish Date")
    with pytest.raises(RowError):
        parse_js_date("0001-01-01T00:30:00+05:00", "Publish Date")


def test_a_body_larger_than_the_csv_modules_default_cell_limit_is_read(tmp_path):
    import csv as csv_module

    from articles.webflow import read_export

    path = tmp_path / "Site - Blog Posts - 0123456789abcdef01234567.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv_module.writer(f)
        writer.writerow(["Name", "Slug", "Item ID", "Post Body", "Author"])
        writer.writerow(
            ["Long", "long", "0123456789abcdef01234568", "<p>" + "x" * 200_000 + "</p>", "isha-team"]
        )
    export = read_export(tmp_path)
    assert len(export.posts[0].body) > 200_000
