"""Masking through the Python binding, driven by the shared vectors in
tests/vectors/masking/ and the masking blocks of tests/vectors/config/."""

from __future__ import annotations

import json
import threading

import pytest

import halo_core
from halo_core import Config, ConfigError, Detection, HaloCoreError, Masker, MaskingError

import vectors

CASES = list(vectors.cases("masking"))
SHORT_KEY = bytes([7] * 16)


def area(case_id: str) -> str:
    """The file stem of a case id such as ``masking/email.json#plain``."""
    return case_id.split("/")[-1].split(".json#")[0]


def config_of(case: dict) -> Config:
    return Config.from_json(json.dumps(case["config"])) if "config" in case else Config.default()


def env_of(case: dict) -> dict[str, bytes]:
    env = {"MASKING_SHORT_KEY": SHORT_KEY}
    if "key_hex" in case:
        env["MASKING_KEY"] = bytes.fromhex(case["key_hex"])
    return env


def masker_of(case: dict) -> Masker:
    return Masker(config_of(case), env=env_of(case))


def check_text(masker: Masker, case: dict) -> None:
    text, expected = case["input"], case["output"]
    assert masker.mask_text(text) == expected
    assert masker.mask_text(expected) == expected, "not idempotent"
    if "detectors" in case:
        found = masker.find(text)
        assert [d.detector for d in found] == case["detectors"]
        for d in found:
            assert text[d.start : d.end] not in ("", None)


def check_value(case: dict) -> None:
    doc = {"security": {"data_masking": {"rules": {"rule": case["rule"]}}}}
    masker = Masker(Config.from_json(json.dumps(doc)))
    output = masker.mask_value("rule", case["input"])
    assert output == case["output"]
    assert masker.mask_value("rule", output) == output, "not idempotent"


def check_record(masker: Masker, case: dict, key: str) -> None:
    record = case[key]
    before = json.dumps(record)
    masked = masker.mask_record(record)
    assert masked == case["output"]
    assert json.dumps(record) == before, "the input record was changed"
    assert masker.mask_record(masked) == case["output"], "not idempotent"
    assert json.loads(masker.mask_json(json.dumps(record))) == case["output"]


def check_error(case: dict) -> None:
    expected = case["error"]
    if expected.startswith("config."):
        with pytest.raises(ConfigError) as caught:
            Config.from_json(json.dumps(case["config"]))
        assert caught.value.code == expected
        got = [(p.path, p.code) for p in caught.value.problems]
        assert got == [(p["path"], p["code"]) for p in case["problems"]]
        return
    config = Config.from_json(json.dumps(case["config"]))
    with pytest.raises(MaskingError) as caught:
        Masker(config, env=env_of(case))
    assert caught.value.code == expected


def test_vectors_are_present() -> None:
    assert len(vectors.files("masking")) >= 11
    assert len(CASES) >= 140


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[i for i, _ in CASES])
def test_masking_vector(case_id: str, case: dict) -> None:
    kind = area(case_id)
    if kind == "values":
        check_value(case)
    elif kind == "records":
        check_record(masker_of(case), case, "input")
    elif kind == "errors":
        check_error(case)
    elif kind == "pseudonyms" and "record" in case:
        check_record(masker_of(case), case, "record")
    elif kind == "pseudonyms":
        assert masker_of(case).mask_text(case["text"]) == case["output"]
    else:
        check_text(masker_of(case), case)


def config_vector(name: str) -> dict:
    (case,) = [c for i, c in vectors.cases("config") if i.endswith(f"#{name}")]
    return case


def test_guide_masking_block_builds_the_default_masker() -> None:
    config = Config.from_json(json.dumps(config_vector("guide-data-masking")["document"]))
    masker = Masker(config)
    assert masker.rule_names() == ["email", "phone", "ssn"]
    line = "jane@example.com 415-555-0123 123-45-6789 api_key=abc"
    assert masker.mask_text(line) == Masker.default().mask_text(line)
    assert masker.mask_text(line) == "****@example.com 415-***-**** ***-**-**** api_key=[REDACTED]"


def test_masking_extensions_block_needs_its_key() -> None:
    config = Config.from_json(json.dumps(config_vector("masking-extensions")["document"]))
    with pytest.raises(MaskingError) as caught:
        Masker(config, env={})
    assert caught.value.code == "masking.pseudonym_key_unavailable"

    masker = Masker(config, env={"HALO_MASKING_PSEUDONYM_KEY": bytes(range(32))})
    assert sorted(masker.rule_names()) == ["card", "email", "names"]
    masked = masker.mask_record({"id": 7, "status": "open", "customer_name": "Jane", "note": "hi"})
    assert masked["id"] == 7 and masked["status"] == "open"
    assert masked["customer_name"] == "[name]"
    assert masked["note"] != "hi"
    token = masker.mask_value("email", "jane@example.com")
    assert token is not None and token.startswith("tok_")
    assert masker.mask_value("email", "JANE@example.com") == token
    assert masker.mask_value("absent", "x") is None


def test_find_indexes_python_strings() -> None:
    text = "café ✓ jane@example.com"
    (found,) = Masker.default().find(text)
    assert isinstance(found, Detection)
    assert (found.detector, text[found.start : found.end]) == ("email", "jane@example.com")


def test_unchanged_text_is_the_same_object() -> None:
    text = "synced 12 leads " + "x" * 10
    assert Masker.default().mask_text(text) is text


def test_errors_form_one_tree_with_codes() -> None:
    doc = {"security": {"data_masking": {"rules": {"email": {}, "contact": {"kind": "redact", "fields": ["Email"]}}}}}
    with pytest.raises(ValueError) as caught:
        Masker(Config.from_json(json.dumps(doc)))
    err = caught.value
    assert isinstance(err, HaloCoreError) and isinstance(err, MaskingError)
    assert err.code == "masking.invalid_rule"
    with pytest.raises(ValueError):
        Masker.default().mask_json("{not json")
    with pytest.raises(ValueError):
        Masker.default().mask_record({"x": float("nan")})


def test_env_values_may_be_text_and_are_not_shown() -> None:
    doc = {"security": {"data_masking": {"pseudonym_key": {"env": "K"}, "rules": {"email": {"pseudonymize": True}}}}}
    masker = Masker(Config.from_json(json.dumps(doc)), env={"K": "k" * 32})
    assert "k" * 32 not in repr(masker)
    assert masker.mask_text("a@b.io").startswith("tok_")


def test_shared_across_threads() -> None:
    masker = Masker.default()
    results: list[str] = []

    def work() -> None:
        results.append(masker.mask_text("password=hunter2"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["password=[REDACTED]"] * 4


def test_package_exports() -> None:
    assert {"Masker", "MaskingError", "Detection"} <= set(halo_core.__all__)
