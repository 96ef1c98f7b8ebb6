"""Field encryption through the Python binding, driven by the shared vectors
in tests/vectors/crypto/. The Wycheproof AES-GCM file tests the raw AEAD,
which is not exposed; it runs in the Rust unit tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from halo_core import (
    BlindIndex,
    Config,
    CryptoError,
    CryptoInputError,
    FieldCipher,
    HaloCoreError,
    SubjectKeys,
)

import vectors

KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
KEY_B = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="


def cases(stem: str) -> list[tuple[str, dict]]:
    return [(i, c) for i, c in vectors.cases("crypto") if i.split("/")[-1].split("#")[0] == stem]


ENVELOPES = cases("envelope.json")
TAMPERED = cases("tamper.json")
INDEXES = cases("blind-index.json")


def test_vectors_are_present() -> None:
    assert len(vectors.files("crypto")) >= 4
    assert len(ENVELOPES) >= 4 and len(TAMPERED) >= 10 and len(INDEXES) >= 8


@pytest.mark.parametrize("case", [c for _, c in ENVELOPES], ids=[i for i, _ in ENVELOPES])
def test_envelope_vector(case: dict) -> None:
    cipher = FieldCipher({case["key_id"]: case["key"]})
    plaintext = cipher.decrypt_field(case["field"], case["context"], case["envelope"])
    assert plaintext == bytes.fromhex(case["plaintext_hex"])


@pytest.mark.parametrize("case", [c for _, c in TAMPERED], ids=[i for i, _ in TAMPERED])
def test_tampered_vector(case: dict) -> None:
    cipher = FieldCipher({case["key_id"]: case["key"]})
    with pytest.raises(CryptoError) as caught:
        cipher.decrypt_field(case["field"], case["context"], case["envelope"])
    assert caught.value.code == case["error"]


@pytest.mark.parametrize("case", [c for _, c in INDEXES], ids=[i for i, _ in INDEXES])
def test_blind_index_vector(case: dict) -> None:
    index = BlindIndex(case["key"], case["bytes"])
    assert index.index(case["field"], case["value"]) == case["index"]


def test_records_round_trip_and_rotate() -> None:
    cipher = FieldCipher({"a": KEY_A})
    record = {"name": "Ada", "email": "ada@example.com", "phone": None, "bank_account_details": {"iban": "GB33"}}
    sealed = cipher.encrypt_record("lead-1", record)
    assert sealed["email"].startswith("hc1.a.") and "ada@" not in json.dumps(sealed)
    assert cipher.decrypt_record("lead-1", sealed) == record

    cipher.add_key("b", KEY_B)
    cipher.set_primary("b")
    assert cipher.needs_reencrypt(sealed["email"])
    rotated = cipher.reencrypt_record("lead-1", sealed)
    cipher.remove_key("a")
    assert cipher.key_ids == ["b"] and cipher.primary_key_id == "b"
    assert cipher.decrypt_record("lead-1", rotated) == record
    with pytest.raises(CryptoError) as caught:
        cipher.decrypt_record("lead-1", sealed)
    assert caught.value.code == "crypto.unknown_key_id"


def test_errors_are_coded_and_input_errors_are_value_errors() -> None:
    cipher = FieldCipher({"a": KEY_A})
    envelope = cipher.encrypt_field("email", "lead-1", b"x")
    with pytest.raises(CryptoError) as caught:
        cipher.decrypt_field("email", "lead-2", envelope)
    assert caught.value.code == "crypto.decrypt_failed"
    assert isinstance(caught.value, HaloCoreError) and not isinstance(caught.value, ValueError)

    with pytest.raises(ValueError) as bad:
        cipher.decrypt_field("email", "lead-1", "not an envelope")
    assert isinstance(bad.value, CryptoInputError)
    assert bad.value.code == "crypto.malformed_envelope"
    with pytest.raises(CryptoInputError) as short:
        FieldCipher({"a": "AAEC"})
    assert short.value.code == "crypto.invalid_key"
    with pytest.raises(CryptoError) as several:
        FieldCipher({"a": KEY_A, "b": KEY_B})
    assert several.value.code == "crypto.no_key"


def test_from_config_reads_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_TEST_KEY_A", KEY_A)
    monkeypatch.setenv("HALO_TEST_INDEX_KEY", KEY_B)
    doc = {"security": {"encryption": {"at_rest": {
        "keys": {"a": {"env": "HALO_TEST_KEY_A"}},
        "blind_index_key": {"env": "HALO_TEST_INDEX_KEY"}, "blind_index_bytes": 8}}}}
    config = Config.from_json(json.dumps(doc))
    cipher = FieldCipher.from_config(config)
    assert cipher.primary_key_id == "a"
    assert len(BlindIndex.from_config(config).index("email", "a@b.example")) == 11

    with pytest.raises(CryptoError) as caught:
        FieldCipher.from_config(Config.from_json('{"security": {"encryption": {"at_rest": {"key_management": "aws-kms"}}}}'))
    assert caught.value.code == "crypto.provider_required"


def test_forget_makes_a_subject_unreadable(tmp_path: Path) -> None:
    subjects = SubjectKeys({"a": KEY_A}, store_dir=tmp_path)
    record = {"email": "ada@example.com", "phone": "+44 20 7946 0000"}
    ada = subjects.encrypt_record("lead-ada", record)
    bob = subjects.encrypt_record("lead-bob", record)
    assert subjects.decrypt_record("lead-ada", ada) == record

    assert subjects.forget("lead-ada")
    for field in ("email", "phone"):
        with pytest.raises(CryptoError) as caught:
            subjects.decrypt_field("lead-ada", field, ada[field])
        assert caught.value.code == "crypto.subject_forgotten"
    assert subjects.decrypt_record("lead-bob", bob) == record


def test_repr_shows_no_key() -> None:
    for obj in (FieldCipher({"a": KEY_A}), BlindIndex(KEY_A), SubjectKeys({"a": KEY_A})):
        assert KEY_A not in repr(obj)
