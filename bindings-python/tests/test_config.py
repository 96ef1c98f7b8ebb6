"""Config loading and posture through the Python binding, driven by the
shared vectors in tests/vectors/config/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import halo_core
from halo_core import Config, ConfigError, HaloCoreError

import vectors

CASES = list(vectors.cases("config"))


def load(case: dict) -> Config:
    if "text" in case:
        return Config.from_json(case["text"])
    return Config.from_json(json.dumps(case["document"]))


def test_vectors_are_present() -> None:
    valid = [c for _, c in CASES if c["expect"]["ok"]]
    invalid = [c for _, c in CASES if not c["expect"]["ok"]]
    assert len(valid) >= 13 and len(invalid) >= 15


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_config_vector(case: dict) -> None:
    expect = case["expect"]
    if not expect["ok"]:
        with pytest.raises(ConfigError) as caught:
            load(case)
        err = caught.value
        assert err.code == expect["error"]
        got = sorted((p.path, p.code) for p in err.problems)
        want = sorted((p["path"], p["code"]) for p in expect["problems"])
        assert got == want, str(err)
        hints = {(p.path, p.code): p.hint for p in err.problems}
        for p in expect["problems"]:
            if "hint" in p:
                assert hints[(p["path"], p["code"])] == p["hint"]
        return

    config = load(case)
    try:
        written = config.to_json()
    except ConfigError as err:
        assert err.code == "config.inline_secret"
    else:
        assert Config.from_json(written) == config
        document = json.loads(written)
        for path, value in expect.get("values", {}).items():
            assert vectors.lookup(document, path) == value, path

    if "findings" in expect:
        got = sorted((f.code, f.severity, f.path) for f in config.posture())
        want = sorted((f["code"], f["severity"], f["path"]) for f in expect["findings"])
        assert got == want


def test_errors_form_one_tree_with_codes() -> None:
    with pytest.raises(ValueError) as caught:
        Config.from_json('{"security": {"mfa": {"enabeld": true}}}')
    err = caught.value
    assert isinstance(err, HaloCoreError) and isinstance(err, ConfigError)
    assert err.code == "config.invalid"
    (problem,) = err.problems
    assert (problem.path, problem.code) == ("security.mfa.enabeld", "config.unknown_field")
    assert problem.hint == "did you mean `enabled`?"
    assert "security.mfa.enabeld" in str(err)


def test_from_path_reads_files_and_reports_missing_ones(tmp_path: Path) -> None:
    path = tmp_path / "halo-core.json"
    path.write_text('{"security": {"auditing": {"storage": {"retention_days": 30}}}}')
    codes = [f.code for f in Config.from_path(path).posture()]
    assert codes == ["audit.retention_too_short"]

    with pytest.raises(ConfigError) as caught:
        Config.from_path(tmp_path / "absent.json")
    assert caught.value.code == "config.io"
    assert caught.value.problems == []


def test_default_has_no_findings_and_round_trips() -> None:
    config = Config.default()
    assert config.posture() == []
    assert Config.from_json(config.to_json()) == config
    assert Config.from_json("{}") == config


def test_inline_secret_is_not_serialised_or_shown() -> None:
    doc = {"security": {"webhooks": {"authentication": {"signature": {"secret": {"inline": "s3cret-v4lue"}}}}}}
    config = Config.from_json(json.dumps(doc))
    with pytest.raises(ConfigError) as caught:
        config.to_json()
    assert caught.value.code == "config.inline_secret"
    assert "s3cret-v4lue" not in repr(config)
    assert all("s3cret-v4lue" not in f.message for f in config.posture())


def test_package_exports() -> None:
    assert halo_core.__version__
    assert set(halo_core.__all__) >= {"Config", "ConfigError", "HaloCoreError", "Finding", "Problem"}
