"""Bots kept out without losing people: honeypot, fill time, rate limit (issue 5, "Abuse")."""

import logging
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from signups import abuse
from signups.forms import HONEYPOT
from signups.models import DEFAULT_CHECK_INBOX, DEFAULT_ERROR, DEFAULT_SUCCESS, Subscriber
from tests.signups.conftest import JSON, form_stamp

pytestmark = pytest.mark.django_db


# Honeypot

# Names browsers' and password managers' autofill heuristics fill in (the HTML autofill
# field names, https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofill,
# and the words their heuristics look for in a field's name).
AUTOFILL_WORDS = (
    "website",
    "url",
    "homepage",
    "web",
    "site",
    "name",
    "email",
    "mail",
    "phone",
    "tel",
    "company",
    "organization",
    "address",
    "street",
    "city",
    "zip",
    "postal",
    "country",
    "username",
    "user",
    "password",
    "nickname",
    "title",
    "comment",
    "message",
    "subject",
)


def _trap(text):
    """The trap field's name, its input tag and the wrapper around it, from a page's HTML."""
    wrapper_start = text.index('<div class="visually-hidden" aria-hidden="true">')
    wrapper = text[wrapper_start : text.index("</div>", wrapper_start)]
    tag = wrapper[wrapper.index("<input") : wrapper.index(">", wrapper.index("<input")) + 1]
    name = tag.split('name="')[1].split('"')[0]
    return name, tag, wrapper


def test_the_trap_is_hidden_from_people_screen_readers_autofill_and_password_managers(client):
    name, tag, wrapper = _trap(client.get("/signup/").text)

    assert not any(word in name.lower() for word in AUTOFILL_WORDS), name
    assert 'autocomplete="off"' in tag
    assert 'tabindex="-1"' in tag
    assert "data-1p-ignore" in tag  # 1Password
    assert 'data-lpignore="true"' in tag  # LastPass
    assert "<label" in wrapper  # a bot reading labels is told to leave it empty


@pytest.mark.parametrize("headers", [{}, JSON], ids=["form", "json"])
def test_a_filled_trap_is_held_for_review_not_dropped_and_not_emailed(sign_up, mailoutbox, headers):
    """Autofill or a password manager may fill it for a person: they are kept, never lost."""
    response = sign_up("jane@example.com", "/signup/", data={HONEYPOT: "https://jane.example"}, **headers)

    if headers:
        assert response.json() == {
            "ok": True,
            "message": DEFAULT_SUCCESS,
            "detail": DEFAULT_CHECK_INBOX,
            "errors": {},
        }
    else:
        assert response.status_code == 302
        assert response["Location"] == "/signup/thanks/?next=%2Fsignup%2F"
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("jane@example.com", Subscriber.Status.HELD)
    assert subscriber.held_reason == Subscriber.HeldReason.TRAP
    assert "trap" in subscriber.events.get().note
    assert mailoutbox == []


def test_a_filled_trap_with_an_invalid_address_gets_the_forms_error(sign_up):
    response = sign_up("not-an-address", data={HONEYPOT: "x"})

    assert response.status_code == 400
    assert not Subscriber.objects.exists()


# Fill time


def test_a_too_fast_sign_up_is_held_not_lost_and_not_emailed(sign_up, mailoutbox, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 2

    response = sign_up("quick@example.com", data={"rendered_at": form_stamp(seconds_ago=0.5)}, **JSON)

    assert response.json()["ok"] is True
    assert response.json()["message"] == DEFAULT_SUCCESS
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.HELD
    assert subscriber.held_reason == Subscriber.HeldReason.TOO_FAST
    assert "s after the form was shown (minimum 2 s)" in subscriber.events.get().note
    assert mailoutbox == []


# ids keep the generated stamp out of the test id, so parallel workers collect the same tests.
@pytest.mark.parametrize(
    "stamp",
    [None, "", "forged:value", form_stamp().replace(":", ";")],
    ids=["missing", "empty", "forged", "mangled-signature"],
)
def test_a_missing_or_forged_timestamp_is_held_never_refused(sign_up, mailoutbox, stamp):
    response = sign_up("jane@example.com", data={"rendered_at": stamp})

    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.HELD
    assert subscriber.held_reason == Subscriber.HeldReason.NO_STAMP
    assert mailoutbox == []


def test_a_person_at_a_normal_pace_is_pending_and_emailed(sign_up, mailoutbox, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 2

    sign_up("jane@example.com", data={"rendered_at": form_stamp(seconds_ago=3)})

    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert len(mailoutbox) == 1


def test_a_page_from_a_cache_only_makes_the_check_more_lenient(client, sign_up, settings):
    """The stamp is made when the page is rendered, so a cached copy carries an older one."""
    settings.SIGNUP_MIN_FILL_SECONDS = 2
    page = client.get("/signup/").text
    stamp = page.split('name="rendered_at" value="')[1].split('"')[0]

    assert abuse.fill_time_problem(stamp)  # sent at once: too fast
    assert abuse.fill_time_problem(form_stamp(seconds_ago=3600)) == ""  # an hour-old cached page


@pytest.mark.parametrize(
    ("server", "edge", "browser"),
    [(0, 0, 0), (600, 0, 0), (600, 3600, 0), (3600, 3600, 300), (86400, 0, 3600)],
)
def test_a_stamp_as_old_as_any_cache_may_keep_the_page_is_still_fine(
    sign_up, mailoutbox, settings, server, edge, browser
):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_BROWSER_SECONDS = server, browser
    settings.EDGE_CACHE_SECONDS, settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS = edge, 30
    # Kept the longest by the page cache, then by Varnish or a CDN (served stale while it
    # refreshes), then by the browser, then left open in a tab for an hour.
    oldest = server + edge + 30 + browser + 3600

    assert abuse.stamp_max_age() > oldest
    sign_up("jane@example.com", data={"rendered_at": form_stamp(seconds_ago=oldest)})

    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("headers", [{}, JSON], ids=["form", "json"])
def test_an_expired_stamp_holds_the_sign_up_never_refuses_it(sign_up, mailoutbox, settings, headers):
    settings.PAGE_CACHE_SECONDS = 600
    stamp = form_stamp(seconds_ago=abuse.stamp_max_age() + 60)

    response = sign_up("jane@example.com", data={"rendered_at": stamp}, **headers)

    assert response.status_code == (200 if headers else 302)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.HELD
    assert subscriber.held_reason == Subscriber.HeldReason.EXPIRED
    assert "expired" in subscriber.events.get().note
    assert mailoutbox == []


def test_marketing_filters_held_sign_ups_by_reason(sign_up, marketing_client, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 2
    sign_up("trap@example.com", data={HONEYPOT: "x"})
    sign_up("fast@example.com", data={"rendered_at": form_stamp(seconds_ago=0.1)})
    sign_up("old@example.com", data={"rendered_at": form_stamp(seconds_ago=abuse.stamp_max_age() + 1)})
    sign_up("none@example.com", data={"rendered_at": None})
    sign_up("person@example.com")
    shown = {}

    for reason in Subscriber.HeldReason.values:
        page = marketing_client.get("/admin/signups/subscriber/", {"held_reason__exact": reason}).text
        shown[reason] = {email for email in ("trap", "fast", "old", "none", "person") if f"{email}@" in page}

    assert shown == {"trap": {"trap"}, "too_fast": {"fast"}, "expired": {"old"}, "no_stamp": {"none"}}
    page = marketing_client.get("/admin/signups/subscriber/").text
    assert "By held because" in page
    assert "?held_reason__exact=too_fast" in page


def test_zero_turns_the_fill_time_check_off(sign_up, mailoutbox, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0

    sign_up("jane@example.com", data={"rendered_at": None})

    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert len(mailoutbox) == 1


def test_a_too_fast_repeat_never_changes_an_existing_subscriber(sign_up, mailoutbox):
    from tests.factories import SubscriberFactory

    subscriber = SubscriberFactory(email="jane@example.com", status=Subscriber.Status.UNSUBSCRIBED)

    sign_up("jane@example.com", data={"rendered_at": None})

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert "only recorded" in subscriber.events.get().note
    assert mailoutbox == []


# Rate limit


def test_the_21st_sign_up_in_a_minute_from_one_client_is_turned_away_with_429(sign_up, settings):
    settings.SIGNUP_RATE_LIMIT = "20/m"

    answers = [sign_up(f"person{n}@example.com").status_code for n in range(20)]
    turned_away = sign_up("person20@example.com")

    assert answers == [302] * 20
    assert turned_away.status_code == 429
    assert turned_away["Retry-After"] == "60"
    assert DEFAULT_ERROR in turned_away.text
    assert "try again in a minute" in turned_away.text
    assert 'value="person20@example.com"' in turned_away.text
    assert Subscriber.objects.count() == 20


def test_over_the_limit_the_script_gets_json_with_the_note(sign_up, settings):
    settings.SIGNUP_RATE_LIMIT = "1/m"
    sign_up("a@example.com", **JSON)

    response = sign_up("b@example.com", **JSON)

    assert response.status_code == 429
    assert response.json()["ok"] is False
    assert response.json()["message"] == DEFAULT_ERROR
    assert "try again in a minute" in response.json()["detail"]


def test_the_limit_is_per_client_and_configurable(sign_up, settings):
    settings.SIGNUP_RATE_LIMIT = "2/m"

    statuses = [sign_up(f"a{n}@example.com", REMOTE_ADDR="203.0.113.1").status_code for n in range(3)]
    other = sign_up("b@example.com", REMOTE_ADDR="203.0.113.2")

    assert statuses == [302, 302, 429]
    assert other.status_code == 302


def test_an_empty_limit_turns_it_off(sign_up, settings):
    settings.SIGNUP_RATE_LIMIT = ""

    assert {sign_up(f"p{n}@example.com").status_code for n in range(25)} == {302}


def test_a_broken_cache_never_costs_a_sign_up(sign_up, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)

    assert sign_up("jane@example.com").status_code == 302
    assert Subscriber.objects.count() == 1


def _cache_keys():
    """Every key in the cache, from the local-memory or the Redis backend."""
    if hasattr(cache._cache, "get_client"):
        return [key.decode() for key in cache._cache.get_client().keys("*")]
    return list(cache._cache.keys())


def test_the_rate_limit_keeps_no_address_in_the_cache(sign_up):
    sign_up("jane@example.com", REMOTE_ADDR="198.51.100.7")

    keys = _cache_keys()
    assert keys
    assert not any("198.51.100.7" in key for key in keys)


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxy_hops(settings, hops, forwarded, expected):
    settings.SIGNUP_TRUSTED_PROXY_HOPS = hops
    request = SimpleNamespace(META={"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded})

    assert abuse.client_ip(request) == expected


def test_behind_a_proxy_clients_are_counted_apart(sign_up, settings):
    settings.SIGNUP_TRUSTED_PROXY_HOPS = 1
    settings.SIGNUP_RATE_LIMIT = "1/m"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = sign_up("a@example.com", HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    second = sign_up("b@example.com", HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)
    again = sign_up("c@example.com", HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)

    assert (first.status_code, second.status_code, again.status_code) == (302, 302, 429)


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("20/m", (20, 60)),
        ("100/10m", (100, 600)),
        (" 5 / h ", (5, 3600)),
        ("1/d", (1, 86400)),
        ("", None),
        ("0", None),
        ("off", None),
    ],
)
def test_rates_are_parsed(rate, parsed):
    assert abuse.parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["20", "20/week", "m/20", "-1/m", "20/minute"])
def test_a_malformed_rate_fails_the_start_up_check_by_name_and_the_view_never_500s(rate, sign_up, settings):
    with pytest.raises(ValueError, match="SIGNUP_RATE_LIMIT"):
        abuse.parse_rate(rate)
    settings.SIGNUP_RATE_LIMIT = rate

    with pytest.raises(SystemCheckError, match="SIGNUP_RATE_LIMIT must be COUNT/UNIT"):
        call_command("check")
    # A process started without the checks still takes sign-ups rather than failing them.
    assert sign_up("jane@example.com").status_code == 302


@pytest.mark.faults
def test_with_redis_stopped_sign_ups_are_accepted_and_still_limited_per_process(
    redis_server, sign_up, settings, caplog
):
    settings.SIGNUP_RATE_LIMIT = "2/m"
    assert sign_up("before@example.com", REMOTE_ADDR="203.0.113.1").status_code == 302

    redis_server.stop()
    caplog.set_level(logging.INFO)
    statuses = [sign_up(f"a{n}@example.com", REMOTE_ADDR="203.0.113.1").status_code for n in range(3)]
    other = sign_up("b@example.com", REMOTE_ADDR="203.0.113.2")

    assert statuses == [302, 302, 429]
    assert other.status_code == 302
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "before@example.com",
        "a0@example.com",
        "a1@example.com",
        "b@example.com",
    }
    fallback_notes = [
        record for record in caplog.records if "counts sign-ups on its own" in record.getMessage()
    ]
    assert len(fallback_notes) == 1
