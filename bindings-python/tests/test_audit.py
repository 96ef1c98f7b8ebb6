"""The audit log through the binding: real files in a temp directory,
tampered by hand, and the shared chain vectors in tests/vectors/audit/."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from halo_core import (
    AuditError,
    AuditInputError,
    AuditLog,
    Config,
    FieldCipher,
    HaloCoreError,
    LeadSync,
    read_log,
    verify,
)
from halo_core.testing import Sandbox

import vectors

KEY_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
KEY = bytes(range(32))
FIRST = "segment-00000001.jsonl"


def write(log_dir: Path, n: int = 5, **options: Any) -> AuditLog:
    log = AuditLog(log_dir, KEY, **options)
    for i in range(n):
        seq = log.record(
            "data_access",
            "export",
            outcome="success",
            actor=f"svc-{i}",
            resource=f"opportunity/{i}",
            details={"count": i, "email": "jane@example.com"},
        )
        assert seq == i + 1
    log.flush()
    return log


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_written_log_verifies_and_masks_details(tmp_path: Path) -> None:
    write(tmp_path)
    report = verify(tmp_path, KEY_B64)
    assert report.intact and report.damage is None
    assert (report.entries, report.first_seq, report.last_seq) == (5, 1, 5)
    text = (tmp_path / FIRST).read_text(encoding="utf-8")
    assert "jane@example.com" not in text, "details are masked before they are written"
    events = read_log(tmp_path, KEY)
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert events[2]["event"]["actor"] == "svc-2"
    assert events[2]["event"]["details"]["count"] == 2


def test_each_line_mac_matches_an_independent_hmac(tmp_path: Path) -> None:
    write(tmp_path, 2)
    for line in lines(tmp_path / FIRST):
        body, mac = line.rstrip("\n").rsplit(',"mac":', 1)
        expected = hmac.new(KEY, b"halo-audit/line/v1\n" + body.encode(), hashlib.sha256)
        assert json.loads(mac.rstrip("}")) == expected.hexdigest()


def edit(path: Path, change: Any) -> None:
    content = lines(path)
    change(content)
    path.write_text("".join(content), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "kind", "line", "seq"),
    [
        (lambda ls: ls.__setitem__(2, ls[2].replace("svc-1", "svc-9")), "edited", 3, 2),
        (lambda ls: ls.pop(2), "deleted", 3, 2),
        (lambda ls: ls.insert(3, ls[2]), "inserted", 4, 3),
        (lambda ls: ls.__setitem__(slice(2, 4), [ls[3], ls[2]]), "reordered", 3, 2),
        (lambda ls: ls.__setitem__(-1, ls[-1].rstrip("\n")), "torn_line", 6, 5),
    ],
    ids=["edited", "deleted", "inserted", "reordered", "torn"],
)
def test_tampering_is_named(
    tmp_path: Path, change: Any, kind: str, line: int, seq: int
) -> None:
    write(tmp_path)
    edit(tmp_path / FIRST, change)
    report = verify(tmp_path, KEY)
    assert not report.intact
    damage = report.damage
    assert damage is not None
    assert (damage.kind, damage.file, damage.line, damage.seq) == (kind, FIRST, line, seq)
    with pytest.raises(AuditError) as caught:
        read_log(tmp_path, KEY)
    assert caught.value.code == "audit.chain_broken"


def test_truncation_against_the_head(tmp_path: Path) -> None:
    write(tmp_path)
    edit(tmp_path / FIRST, lambda ls: ls.pop())
    damage = verify(tmp_path, KEY).damage
    assert damage is not None and (damage.kind, damage.seq) == ("truncated", 5)


def test_reopening_continues_the_chain(tmp_path: Path) -> None:
    write(tmp_path, 3, fsync="never")
    log = AuditLog(tmp_path, KEY_B64, fsync=2)
    assert log.record("security", "prune") == 4
    assert verify(tmp_path, KEY).last_seq == 4


def test_prune_removes_old_segments(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, KEY, max_segment_bytes=600)
    old = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for i in range(8):
        log.record("authentication", "login_attempt", actor=f"u{i}", time=old + timedelta(hours=i))
    segments_before = len(list(tmp_path.glob("segment-*.jsonl")))
    assert segments_before >= 3
    removed, through = log.prune(now=old + timedelta(days=3650))
    assert removed >= 1 and through is not None
    report = verify(tmp_path, KEY)
    assert report.intact and report.first_seq == through + 1


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((b"short",), "audit.invalid_argument"),
        (("not base64!",), "audit.invalid_chain_key"),
    ],
)
def test_bad_keys(tmp_path: Path, args: tuple[Any, ...], code: str) -> None:
    with pytest.raises(AuditInputError) as caught:
        AuditLog(tmp_path, *args)
    assert caught.value.code == code and isinstance(caught.value, ValueError)


def test_bad_arguments(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, KEY)
    with pytest.raises(AuditInputError):
        log.record("nonsense", "read")
    with pytest.raises(AuditInputError) as caught:
        log.record("security", "Not Valid!")
    assert caught.value.code == "audit.invalid_action"
    with pytest.raises(AuditInputError):
        AuditLog(tmp_path / "other", KEY, fsync="sometimes")
    with pytest.raises(AuditError) as missing:
        verify(tmp_path / "nothing-here", KEY)
    assert missing.value.code in {"audit.no_log", "audit.io"}
    assert isinstance(missing.value, HaloCoreError)


def test_from_config_encrypts_details(tmp_path: Path) -> None:
    data_key = base64.b64encode(bytes([7] * 32)).decode()
    config = Config.from_json(
        json.dumps(
            {
                "security": {
                    "encryption": {"at_rest": {"keys": {"a1": {"env": "DATA_KEY"}}}},
                    "auditing": {"storage": {"chain_key": {"env": "AUDIT_KEY"}}},
                }
            }
        )
    )
    log = AuditLog.from_config(config, tmp_path, env={"AUDIT_KEY": KEY_B64, "DATA_KEY": data_key})
    log.record("data_access", "read", details={"note": "secret plan"})
    assert "secret plan" not in (tmp_path / FIRST).read_text(encoding="utf-8")
    cipher = FieldCipher({"a1": data_key})
    events = read_log(tmp_path, KEY, cipher)
    assert events[0]["event"]["details"] == {"note": "secret plan"}
    with pytest.raises(AuditError) as caught:
        read_log(tmp_path, KEY)
    assert caught.value.code == "audit.cipher_required"
    with pytest.raises(AuditInputError) as no_key:
        AuditLog.from_config(config, tmp_path / "b", env={})
    assert no_key.value.code in {"audit.no_chain_key", "audit.invalid_chain_key"}


def test_lead_sync_records_one_event_per_lead(tmp_path: Path) -> None:
    from halo_core import LeadSchema

    leads = [LeadSchema().validate({"first_name": "A", "last_name": "B", "email": f"a{i}@x.example",
                                    "company": "C"}) for i in range(3)]
    log = AuditLog(tmp_path, KEY)
    with Sandbox() as sandbox:
        report = LeadSync(sandbox.client(), audit=log, actor="nightly").sync(leads)
    assert report.created == 3 and report.audit_failures == 0
    events = read_log(tmp_path, KEY)
    assert [e["event"]["actor"] for e in events] == ["nightly"] * 3
    assert all(e["event"]["action"] == "write" for e in events)
    assert "a0@x.example" not in (tmp_path / FIRST).read_text(encoding="utf-8")


CHAIN = list(vectors.cases("audit"))


def test_chain_vectors_are_present() -> None:
    assert len(CHAIN) >= 3


@pytest.mark.parametrize(("name", "case"), CHAIN, ids=[i for i, _ in CHAIN])
def test_chain_vector(tmp_path: Path, name: str, case: dict[str, Any]) -> None:
    for file, text in case["files"].items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    report = verify(tmp_path, case["chain_key"])
    expect = case["expect"]
    assert report.intact == expect["intact"]
    if "entries" in expect:
        assert (report.entries, report.last_seq) == (expect["entries"], expect["last_seq"])
    if "damage" in expect:
        d = report.damage
        assert d is not None
        assert {"kind": d.kind, "file": d.file, "line": d.line, "seq": d.seq} == expect["damage"]
    if case["events"]:
        assert read_log(tmp_path, case["chain_key"]) == case["events"]
