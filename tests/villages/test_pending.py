"""A checked upload kept in the session until it is confirmed: read back only with its fingerprint."""

from __future__ import annotations

import datetime

from villages import pending


def test_a_payload_is_read_back_with_the_fingerprint_it_was_kept_with():
    session: dict = {}
    fingerprint = pending.keep(session, "k", {"rows": [[1, "a"]]})
    assert len(fingerprint) == 64
    assert pending.read(session, "k", fingerprint) == {"rows": [[1, "a"]]}


def test_the_fingerprint_names_the_content():
    assert pending.keep({}, "k", [1, 2]) == pending.keep({}, "k", [1, 2]) != pending.keep({}, "k", [2, 1])


def test_another_fingerprint_reads_nothing():
    session: dict = {}
    pending.keep(session, "k", [1])
    assert pending.read(session, "k", "0" * 64) is None
    assert pending.read(session, "k", None) is None
    assert pending.read(session, "other", "0" * 64) is None


def test_a_fingerprint_may_be_given():
    session: dict = {}
    assert pending.keep(session, "k", [1], fingerprint="plan-state") == "plan-state"
    assert session["k"]["fingerprint"] == "plan-state"
    assert pending.read(session, "k", "plan-state") == [1]


def test_values_json_cannot_hold_are_kept_as_text():
    session: dict = {}
    fingerprint = pending.keep(session, "k", [datetime.date(2026, 1, 20)])
    assert pending.read(session, "k", fingerprint) == ["2026-01-20"]


def test_a_dropped_payload_is_gone():
    session: dict = {}
    fingerprint = pending.keep(session, "k", [1])
    pending.drop(session, "k")
    pending.drop(session, "k")  # dropping twice is harmless
    assert pending.read(session, "k", fingerprint) is None
