"""Retention, consent, exports and erasure through the binding, driven by
every file in tests/vectors/compliance/."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from halo_core import (
    AuditLog,
    ComplianceError,
    ComplianceInputError,
    Config,
    ConsentLedger,
    CryptoError,
    Exporter,
    RetentionPolicy,
    SubjectKeys,
    erase_subject,
    neutralise_cell,
    read_log,
)

import vectors

ALL = list(vectors.cases("compliance"))
RETENTION = [(i, c) for i, c in ALL if "retention.json" in i]
CSV_CELLS = [(i, c) for i, c in ALL if "csv_injection.json" in i]
AT = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def instant(text: str) -> datetime:
    # Before 3.11, fromisoformat takes a fraction of a second only with 3 or 6
    # digits; the vectors write as few as they need ("59.5Z").
    stamp, _, fraction = text.removesuffix("Z").partition(".")
    parsed = datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc)
    return parsed.replace(microsecond=int(fraction.ljust(6, "0"))) if fraction else parsed


def test_vectors_are_present() -> None:
    assert len(RETENTION) >= 20 and len(CSV_CELLS) >= 20


@pytest.mark.parametrize(("name", "case"), RETENTION, ids=[i for i, _ in RETENTION])
def test_retention_vector(name: str, case: dict[str, Any]) -> None:
    policy = RetentionPolicy(Config.from_json(json.dumps(case["config"])))
    created = instant(case["created_at"])
    if "error" in case:
        with pytest.raises(ComplianceInputError) as caught:
            policy.expires_at(case["entity"], created)
        assert caught.value.code == case["error"]
        return
    assert policy.expires_at(case["entity"], created) == instant(case["expires_at"])
    if "now" in case:
        expiry = policy.is_expired(case["entity"], "r1", created, instant(case["now"]))
        assert expiry.kind == ("expired" if case["expired"] else "retained")
        assert expiry.at == instant(case["expires_at"])


@pytest.mark.parametrize(("name", "case"), CSV_CELLS, ids=[i for i, _ in CSV_CELLS])
def test_csv_injection_vector(name: str, case: dict[str, Any]) -> None:
    assert neutralise_cell(case["cell"]) == case["expect"]
    document = Exporter().export("s1", [{"cell": case["cell"]}], format="csv")
    rows = list(csv.DictReader(io.StringIO(document, newline="")))
    assert rows[0]["record.cell"] == case["expect"]


def test_holds_override_dates() -> None:
    policy = RetentionPolicy(periods={"leads": ["1_year"], "deals": ["2_years", "400_days"]})
    assert sorted(policy.entities) == ["deals", "leads"]
    created = datetime(2020, 1, 1, tzinfo=timezone.utc)
    later = created + timedelta(days=3000)
    assert policy.is_expired("leads", "lead-1", created, later).kind == "expired"
    policy.place_hold("lead-1", "litigation 2026-17")
    held = policy.is_expired("leads", "lead-1", created, later)
    assert (held.kind, held.reason) == ("held", "litigation 2026-17")
    assert policy.hold("lead-1") == "litigation 2026-17"
    assert policy.release_hold("lead-1") == "litigation 2026-17"
    assert policy.release_hold("lead-1") is None
    assert policy.expires_at("deals", created) == datetime(2022, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        RetentionPolicy(periods={"leads": ["forever"]})


def test_consent_ledger_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "consent.jsonl"
    ledger = ConsentLedger(path=path)
    ledger.grant("bi:3kTx0q", "marketing", "web_form", at=AT)
    assert ledger.has_consent("bi:3kTx0q", "marketing", AT)
    assert not ledger.has_consent("bi:3kTx0q", "marketing", AT - timedelta(seconds=1))
    assert ledger.missing_required("bi:3kTx0q", AT) == ["data_sharing", "profiling"]
    ledger.withdraw("bi:3kTx0q", "marketing", "email_link", at=AT + timedelta(days=1))
    assert not ledger.has_consent("bi:3kTx0q", "marketing", AT + timedelta(days=2))

    reopened = ConsentLedger(path=path)
    assert len(reopened) == 2
    assert [(p, a, s) for p, a, _, s in reopened.history("bi:3kTx0q")] == [
        ("marketing", "grant", "web_form"),
        ("marketing", "withdraw", "email_link"),
    ]
    assert reopened.history("bi:3kTx0q")[0][2] == AT
    with pytest.raises(ComplianceInputError) as caught:
        ledger.grant("bi:3kTx0q", "astrology", "web_form", at=AT + timedelta(days=3))
    assert caught.value.code == "compliance.unknown_purpose"


def test_consent_ledger_in_code() -> None:
    ledger = ConsentLedger(purposes=["newsletter"], required=["terms"])
    ledger.grant("s", "terms", "signup", at=AT)
    assert ledger.missing_required("s", AT) == []
    with pytest.raises(ComplianceInputError):
        ledger.grant("s", "other", "signup", at=AT)
    custom = ConsentLedger(purposes=["a"], allow_custom_purposes=True)
    custom.grant("s", "anything", "api", at=AT)
    assert custom.has_consent("s", "anything", AT)


def test_export_json_and_csv_with_consent() -> None:
    ledger = ConsentLedger()
    ledger.grant("s1", "marketing", "web_form", at=AT)
    records = [{"name": "Ada", "address": {"city": "London"}, "tags": ["a", "b"], "n": -5}]
    document = json.loads(Exporter().export("s1", records, ledger=ledger))
    assert document["subject"] == "s1" and document["records"] == records
    assert document["consent"][0]["purpose"] == "marketing"

    table = Exporter().export("s1", records, format="csv", ledger=ledger)
    rows = list(csv.DictReader(io.StringIO(table, newline="")))
    assert rows[0]["record.address.city"] == "London"
    assert rows[0]["record.tags.1"] == "b"
    assert rows[0]["record.n"] == "'-5"
    assert rows[1]["consent.purpose"] == "marketing"


def test_disabled_formats_and_collisions() -> None:
    only_json = Exporter(formats=["json"])
    assert only_json.formats == ["json"] and only_json.enabled
    with pytest.raises(ComplianceError) as caught:
        only_json.export("s", [{}], format="csv")
    assert caught.value.code == "compliance.format_disabled"
    off = Exporter(
        Config.from_json('{"compliance": {"gdpr": {"data_portability": {"enabled": false}}}}')
    )
    with pytest.raises(ComplianceError) as disabled:
        off.export("s", [{}])
    assert disabled.value.code == "compliance.portability_disabled"
    with pytest.raises(ComplianceInputError) as clash:
        Exporter().export("s", [{"a.b": 1, "a": {"b": 2}}], format="csv")
    assert clash.value.code == "compliance.column_collision"
    with pytest.raises(ValueError):
        Exporter().export("s", [{}], format="xml")  # type: ignore[arg-type]


def test_erasure_shreds_and_is_audited(tmp_path: Path) -> None:
    keys = SubjectKeys({"k1": KEY}, store_dir=tmp_path / "keys")
    envelope = keys.encrypt_field("subject-9", "email", b"ada@example.com")
    log = AuditLog(tmp_path / "audit", KEY)

    erasure = erase_subject(keys, "subject-9", "dpo-1", at=AT, audit=log)
    assert (erasure.subject, erasure.actor, erasure.key_destroyed) == ("subject-9", "dpo-1", True)
    assert erasure.erased_at == AT
    with pytest.raises(CryptoError) as caught:
        keys.decrypt_field("subject-9", "email", envelope)
    assert caught.value.code == "crypto.subject_forgotten"
    assert not erase_subject(keys, "subject-9", "dpo-1", audit=log).key_destroyed

    events = read_log(tmp_path / "audit", KEY)
    assert [e["event"]["action"] for e in events] == ["erase", "erase"]
    assert events[0]["event"]["actor"] == "dpo-1"
    with pytest.raises(ComplianceInputError) as bad:
        erase_subject(keys, "", "dpo-1")
    assert bad.value.code == "compliance.invalid_input"
