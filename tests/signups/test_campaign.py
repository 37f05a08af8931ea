"""The visit's UTM parameters (issue 15): never written into a page by the server, where a
cached copy would hand one visitor's campaign to the next; taken from the page script's
fields, or without JavaScript from the POST's same-origin ``Referer``."""

import re

import pytest

from signups.models import Subscriber
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

UTM = "utm_source=spring-news&utm_medium=email&utm_campaign=week-7"
SPRING = ("spring-news", "email", "week-7")


def utm_of(row):
    return (row.utm_source, row.utm_medium, row.utm_campaign)


def hidden_values(html):
    """``{name: value}`` of the sign-up form's hidden inputs."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)"(?: value="([^"]*)")?', html))


@pytest.fixture
def article_path():
    return ArticleFactory().get_absolute_url()


def test_a_page_visited_with_utm_parameters_does_not_carry_them(client, article_path):
    html = client.get(f"{article_path}?{UTM}").text

    fields = hidden_values(html)
    assert fields["next"] == article_path
    assert (fields["utm_source"], fields["utm_medium"], fields["utm_campaign"]) == ("", "", "")
    assert "spring-news" not in html


def test_a_cached_page_shared_by_visits_with_and_without_a_campaign_holds_none(
    client, settings, article_path
):
    settings.PAGE_CACHE_SECONDS = 600

    first = client.get(f"{article_path}?utm_source=spring-news")
    later = client.get(article_path)

    assert "spring-news" not in first.text
    assert "spring-news" not in later.text


def test_without_javascript_the_campaign_comes_from_the_pages_address(sign_up, article_path):
    sign_up("jane@example.com", article_path, HTTP_REFERER=f"http://testserver{article_path}?{UTM}")

    subscriber = Subscriber.objects.get()
    assert utm_of(subscriber) == SPRING
    assert utm_of(subscriber.events.get(kind="signed_up")) == SPRING


def test_a_referer_without_a_campaign_records_none(sign_up, article_path):
    sign_up("jane@example.com", article_path, HTTP_REFERER=f"http://testserver{article_path}?page=2")

    assert utm_of(Subscriber.objects.get()) == ("", "", "")


@pytest.mark.parametrize(
    "referer",
    [
        f"https://elsewhere.example/articles/x/?{UTM}",
        f"http://testserver.elsewhere.example/?{UTM}",
        f"https://testserver/?{UTM}",  # another scheme: another origin
        f"//testserver/?{UTM}",
        f"not a url?{UTM}",
        "http://[::1/?utm_source=x",
    ],
)
def test_another_sites_address_gives_no_campaign(sign_up, referer):
    response = sign_up("jane@example.com", HTTP_REFERER=referer)

    assert response.status_code == 302
    assert utm_of(Subscriber.objects.get()) == ("", "", "")


def test_an_address_with_hundreds_of_parameters_gives_no_campaign_and_no_error(sign_up):
    referer = "http://testserver/?utm_source=x&" + "&".join(f"p{n}=1" for n in range(150))

    response = sign_up("jane@example.com", HTTP_REFERER=referer)

    assert response.status_code == 302
    assert utm_of(Subscriber.objects.get()) == ("", "", "")


def test_the_scripts_fields_win_over_the_referer(sign_up, article_path):
    sign_up(
        "jane@example.com",
        article_path,
        data={"utm_source": "from-script"},
        HTTP_REFERER=f"http://testserver{article_path}?{UTM}",
    )

    assert utm_of(Subscriber.objects.get()) == ("from-script", "", "")


def test_a_long_or_repeated_referer_value_is_cut_and_the_first_taken(sign_up):
    sign_up("jane@example.com", HTTP_REFERER=f"http://testserver/?utm_source={'x' * 500}&utm_source=second")

    assert Subscriber.objects.get().utm_source == "x" * 200


def test_an_error_page_keeps_the_campaign_for_the_corrected_sign_up(client, sign_up, article_path):
    response = sign_up("not-an-address", article_path, HTTP_REFERER=f"http://testserver{article_path}?{UTM}")

    assert response.status_code == 400
    fields = hidden_values(response.text)
    assert (fields["utm_source"], fields["utm_medium"], fields["utm_campaign"]) == SPRING
    # The script must not empty them from this page's own address (/signup/).
    assert "data-signup-evidence-kept" in response.text

    # The corrected form is sent from /signup/, whose address has no campaign.
    sign_up("jane@example.com", article_path, data=fields, HTTP_REFERER="http://testserver/signup/")
    assert utm_of(Subscriber.objects.get()) == SPRING


def test_a_fresh_page_lets_the_script_fill_the_campaign(client, article_path):
    assert "data-signup-evidence-kept" not in client.get(article_path).text


def test_the_rate_limited_page_keeps_the_campaign_too(client, settings, article_path):
    settings.SIGNUP_RATE_LIMIT = "1/m"
    data = {"email": "jane@example.com", "next": article_path}
    client.post("/signup/", data)

    response = client.post("/signup/", data, HTTP_REFERER=f"http://testserver{article_path}?{UTM}")

    assert response.status_code == 429
    fields = hidden_values(response.text)
    assert (fields["utm_source"], fields["utm_medium"], fields["utm_campaign"]) == SPRING
