"""Every admin list of the articles and signups apps, and the change pages with growing
inlines, run a fixed number of queries however many rows they show.

The lists are read from the admin's registry, so a model registered later is covered
as soon as it exists; ``Library.grow`` (in ``test_query_counts``) must then add rows
of it, or the test below fails saying so.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.isha.test_query_counts import LARGE, SMALL, Library, assert_fixed_query_count

APPS = {"articles", "signups"}
ADMIN_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS),
    key=lambda model: model._meta.label_lower,
)


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def library(admin_user):
    return Library(staff_user=admin_user)


def test_the_registry_has_the_lists_this_file_expects():
    assert {model._meta.label for model in ADMIN_MODELS} >= {
        "articles.Article",
        "articles.Source",
        "articles.Topic",
        "articles.Author",
        "articles.Reviewer",
        "signups.Subscriber",
        "signups.ErasureLog",
        "signups.SignupFormCopyVersion",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label_lower)
def test_an_admin_list_runs_the_same_queries_however_many_rows_it_shows(
    model, admin_client, library, django_assert_max_num_queries, record_property
):
    url = changelist_url(model)
    # Singletons (site settings, the sign-up form's copy) answer their list with their one row's page.
    small, large = assert_fixed_query_count(
        admin_client, lambda lib: url, library, django_assert_max_num_queries, record_property, follow=True
    )

    if "cl" in large.context:
        rows_before, rows_after = small.context["cl"].result_count, large.context["cl"].result_count
        assert rows_after >= rows_before + (LARGE - SMALL), (
            f"The {model._meta.verbose_name} list did not grow: add rows of it in Library.grow"
        )
        assert len(large.context["cl"].result_list) == rows_after  # all on one page
    else:
        assert large.redirect_chain, f"{url} shows neither a list nor a redirect to the one row"


def article_change_url(lib):
    return reverse("admin:articles_article_change", args=[lib.article.pk])


def source_change_url(lib):
    return reverse("admin:articles_source_change", args=[lib.shared_source.pk])


def subscriber_change_url(lib):
    return reverse("admin:signups_subscriber_change", args=[lib.subscriber.pk])


# Change pages whose inlines grow with Library.grow: the inline rows each must show, and
# how many rows with an autocomplete widget each grow adds.
CHANGE_PAGES = {
    # Citations (LARGE studies and the shared one), editor's picks, update notes.
    "article-with-inlines": (article_change_url, [LARGE + 1, LARGE, LARGE], 2),
    # "Cited by": the page-rich article and every article grown since.
    "source-cited-by": (source_change_url, [LARGE + 1], 0),
    # The subscriber's history: a sign-up from each grown article.
    "subscriber-history": (subscriber_change_url, [LARGE], 0),
}


def autocomplete_widgets(response):
    return sum(
        len(inline.formset.forms) * len(inline.opts.autocomplete_fields)
        for inline in response.context["inline_admin_formsets"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("change_page", list(CHANGE_PAGES))
def test_an_admin_change_page_runs_the_same_queries_however_many_inline_rows_it_shows(
    change_page, admin_client, library, django_assert_max_num_queries, record_property
):
    """Except one query per autocomplete widget: Django's AutocompleteSelect looks up its
    own selected object when it renders (``optgroups`` in django/contrib/admin/widgets.py),
    so an article's change page runs one more query per attached source and per related
    article. Everything else on the page is fixed."""
    url, inline_rows, autocomplete_rows_per_grow = CHANGE_PAGES[change_page]
    allowance = (LARGE - SMALL) * autocomplete_rows_per_grow

    small, large = assert_fixed_query_count(
        admin_client, url, library, django_assert_max_num_queries, record_property, allowance=allowance
    )

    assert [len(inline.formset.forms) for inline in large.context["inline_admin_formsets"]] == inline_rows
    assert autocomplete_widgets(large) - autocomplete_widgets(small) == allowance
