"""Access control through the Python binding, driven by the shared vectors in
tests/vectors/access/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from halo_core import (
    AccessError,
    AccessSettingsError,
    ApiKeyStore,
    Config,
    HaloCoreError,
    MemoryOtpStore,
    MfaPolicy,
    OneTimeCodes,
    Policy,
    RecoveryCodes,
    TokenValidator,
    Totp,
)

import vectors

CASES = dict(vectors.cases("access"))


def of(prefix: str) -> list[tuple[str, dict]]:
    return [(i, c) for i, c in CASES.items() if i.startswith(f"access/{prefix}")]


def test_vectors_are_present() -> None:
    assert len(of("rbac-")) >= 10 and len(of("totp-")) >= 20 and len(of("jwt-")) >= 30


def build_policy(case: dict) -> Policy:
    if "document" in case:
        return Policy.from_config(Config.from_json(json.dumps(case["document"])))
    return Policy(case["roles"])


@pytest.mark.parametrize("case", [c for _, c in of("rbac-decisions")], ids=[i for i, _ in of("rbac-decisions")])
def test_rbac_decisions(case: dict) -> None:
    policy = build_policy(case)
    for check in case["checks"]:
        decision = policy.decide(check["roles"], check["permission"])
        assert decision.allowed == check["allowed"], check
        grant = decision.granted_by
        got = None if grant is None else {"role": grant.role, "permission": grant.permission}
        assert got == check["granted_by"], check
        if len(check["roles"]) == 1:
            assert policy.is_allowed(check["roles"][0], check["permission"]) == check["allowed"]
    for role, expected in case.get("effective", {}).items():
        assert policy.effective_permissions(role) == expected


@pytest.mark.parametrize("case", [c for _, c in of("rbac-broken")], ids=[i for i, _ in of("rbac-broken")])
def test_rbac_broken(case: dict) -> None:
    with pytest.raises(AccessSettingsError) as caught:
        build_policy(case)
    assert caught.value.code == case["error"]
    assert isinstance(caught.value, (HaloCoreError, ValueError))


def totp(case: dict, **throttle: int) -> Totp:
    return Totp(bytes.fromhex(case["secret_hex"]), case["algorithm"], case["digits"], **throttle)


@pytest.mark.parametrize("case", [c for _, c in of("totp-rfc6238")], ids=[i for i, _ in of("totp-rfc6238")])
def test_totp_rfc6238(case: dict) -> None:
    assert totp(case).generate(case["time"]) == case["code"]


@pytest.mark.parametrize("case", [c for _, c in of("totp-verify")], ids=[i for i, _ in of("totp-verify")])
def test_totp_verify(case: dict) -> None:
    t = totp(case, max_failures=case["max_failures"], lockout=case["lockout_seconds"])
    store = MemoryOtpStore()
    for attempt in case["attempts"]:
        account = attempt.get("account", "alice")
        if attempt["error"] is None:
            t.verify(account, attempt["code"], store, attempt["time"])
        else:
            with pytest.raises(AccessError) as caught:
                t.verify(account, attempt["code"], store, attempt["time"])
            assert caught.value.code == attempt["error"]


def validator(case: dict) -> TokenValidator:
    s = case["settings"]
    algorithms = [a for a in s["algorithms"] if a != "HS256"]
    v = TokenValidator(json.dumps(case["jwks"]), s.get("issuer"), s.get("audience"), s["leeway"], algorithms)
    if "hs256_secret_hex" in s:
        v.dangerous_accept_hs256(bytes.fromhex(s["hs256_secret_hex"]))
    return v


@pytest.mark.parametrize("case", [c for _, c in of("jwt-validation")], ids=[i for i, _ in of("jwt-validation")])
def test_jwt_vectors(case: dict) -> None:
    expect = case["expect"]
    v = validator(case)
    if "error" in expect:
        with pytest.raises(AccessError) as caught:
            v.validate(case["token"], case["now"])
        assert caught.value.code == expect["error"]
        return
    token = v.validate(case["token"], case["now"])
    assert token.subject == expect["sub"]
    assert token.scopes == expect["scopes"]
    if "require_scope" in case:
        if "scope_error" in expect:
            with pytest.raises(AccessError) as caught:
                token.require_scope(case["require_scope"])
            assert caught.value.code == expect["scope_error"]
        else:
            token.require_scope(case["require_scope"])


def test_api_keys(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    store = ApiKeyStore(path=path)
    key_id, key = store.issue("apollo", 1_700_000_000)
    assert key.startswith("halo_") and key_id in key
    assert store.verify(key, 1_700_000_000).status == "active"
    new_id, new_key = store.rotate(key_id, 1_700_000_000)
    old = store.verify(key, 1_700_000_000 + 3600)
    assert (old.status, old.until) == ("retiring", 1_700_000_000 + 86_400)
    with pytest.raises(AccessError) as caught:
        store.verify(key, 1_700_000_000 + 86_400)
    assert caught.value.code == "access.api_key_expired"
    text = path.read_text()
    assert key not in text and new_key not in text and new_id in text
    with pytest.raises(AccessError) as caught:
        store.verify("halo_nope", 0)
    assert caught.value.code == "access.api_key_malformed"


def test_mfa_and_codes() -> None:
    mfa = MfaPolicy.from_config(Config.default())
    assert mfa.requirement("viewer", False, 0, 0) == ("not_required", None)
    assert mfa.requirement("admin", False, 0, 86_400) == ("in_grace", 7 * 86_400)
    assert mfa.requirement("admin", False, 0, 7 * 86_400) == ("required", None)

    codes = OneTimeCodes(ttl=60, attempts=3)
    code = codes.issue("alice", "email", 1000)
    assert codes.verify("alice", code, 1010) == "email"
    with pytest.raises(AccessError) as caught:
        codes.verify("alice", code, 1010)
    assert caught.value.code == "access.otp_no_pending_code"

    shown, stored = RecoveryCodes.generate(5)
    kept = RecoveryCodes.from_json(stored.to_json())
    kept.redeem(shown[0])
    assert kept.remaining() == 4
    assert all(c.replace("-", "") not in stored.to_json() for c in shown)


def test_totp_secret_and_uri() -> None:
    secret = Totp.generate_secret()
    t = Totp.from_base32(secret)
    uri = t.provisioning_uri("Acme MSP", "alice@example.com")
    assert uri.startswith("otpauth://totp/Acme%20MSP:alice%40example%2Ecom?secret=")
    with pytest.raises(AccessSettingsError) as caught:
        Totp(b"short")
    assert caught.value.code == "access.otp_invalid_settings"
