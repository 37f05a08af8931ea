"""isha.commits.on_commit_once: one call per transaction and function, after the commit."""

import logging
import operator

import pytest
from django.db import transaction

from isha.commits import on_commit_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def calls():
    return []


def test_the_changes_of_one_transaction_make_one_call_after_it_commits(calls):
    with transaction.atomic():
        on_commit_once(calls.append, {"a": False})
        on_commit_once(calls.append, {"b": True, "a": True}, merge=operator.or_)
        on_commit_once(calls.append, {"b": False}, merge=operator.or_)
        assert calls == []
    assert calls == [{"a": True, "b": True}]


def test_without_merge_a_key_given_again_keeps_the_new_value(calls):
    with transaction.atomic():
        on_commit_once(calls.append, {"a": 1})
        on_commit_once(calls.append, {"a": 2})
    assert calls == [{"a": 2}]


def test_each_function_gets_its_own_batch_and_each_transaction_its_own_call(calls):
    other = []
    for round_ in (1, 2):
        with transaction.atomic():
            on_commit_once(calls.append, {round_: None})
            on_commit_once(other.append, {"x": round_})
    assert calls == [{1: None}, {2: None}]
    assert other == [{"x": 1}, {"x": 2}]


def test_a_rollback_makes_no_call_and_outside_a_transaction_the_call_is_at_once(calls):
    with transaction.atomic():
        on_commit_once(calls.append, {"a": None})
        transaction.set_rollback(True)
    assert calls == []
    on_commit_once(calls.append, {"b": None})
    assert calls == [{"b": None}]


def test_a_failing_function_is_logged_not_raised_into_the_committed_change(caplog):
    def broken(batch):
        raise RuntimeError("storage is full")

    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"), transaction.atomic():
        on_commit_once(broken, {"a": None})
    [record] = [r for r in caplog.records if "on_commit()" in r.getMessage()]
    assert "broken" in record.getMessage() and "storage is full" in record.getMessage()
