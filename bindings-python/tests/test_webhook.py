"""Webhook verification through the Python binding, driven by the shared
vectors in tests/vectors/webhooks/ (see its README.md for the format)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from halo_core import (
    Config,
    HaloCoreError,
    Provider,
    Signature,
    Verified,
    WebhookError,
    WebhookInputError,
    WebhookSigner,
    WebhookVerifier,
)

import vectors

VERIFY = [(i, c) for i, c in vectors.cases("webhooks") if i.startswith("webhooks/verify/")]
SIGN = [(i, c) for i, c in vectors.cases("webhooks") if i.startswith("webhooks/sign/")]

# The Standard Webhooks specification's published example.
SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SW_TIMESTAMP = 1614265330
SW_BODY = b'{"test": 2432232314}'
SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_vectors_are_present() -> None:
    assert len(vectors.files("webhooks")) >= 7
    assert len(VERIFY) >= 80 and len(SIGN) >= 6


def body_of(step: dict[str, Any]) -> bytes:
    if "body_base64" in step:
        return base64.b64decode(step["body_base64"])
    return step["body"].encode("utf-8")


def outcome(verified: Verified) -> dict[str, Any]:
    return {
        "ok": True,
        "provider": verified.provider,
        "scheme": verified.scheme,
        "id": verified.id,
        "timestamp": verified.timestamp,
    }


@pytest.mark.parametrize("case", [c for _, c in VERIFY], ids=[i for i, _ in VERIFY])
def test_verify_vector(case: dict[str, Any]) -> None:
    verifier = WebhookVerifier.from_config(Config.from_json(json.dumps(case["config"])), case["env"])
    last_ok: Verified | None = None
    for i, step in enumerate(case["steps"]):
        if step.get("release_before"):
            assert last_ok is not None
            verifier.release(last_ok)
        method = {
            "verify": verifier.verify,
            "verify_ignoring_timestamp": verifier.verify_ignoring_timestamp,
        }[step.get("mode", "verify")]
        headers = [(name, value) for name, value in step["headers"]]
        try:
            verified = method(
                body_of(step),
                headers,
                step.get("remote_addr"),
                step.get("provider"),
                now=step["now"],
            )
        except WebhookError as err:
            assert isinstance(err, HaloCoreError)
            assert {"ok": False, "code": err.code} == step["expect"], f"step {i}: {err}"
            continue
        assert outcome(verified) == step["expect"], f"step {i}"
        if step.get("release"):
            verifier.release(verified)
        last_ok = verified


@pytest.mark.parametrize("case", [c for _, c in SIGN], ids=[i for i, _ in SIGN])
def test_sign_vector(case: dict[str, Any]) -> None:
    config = Config.from_json(json.dumps(case["config"]))
    signer = WebhookSigner.from_config(config, case["provider"], case["env"])
    headers = signer.sign(body_of(case), id=case["id"], timestamp=case["timestamp"])
    actual = sorted((name.lower(), value) for name, value in headers)
    expected = sorted((name.lower(), value) for name, value in case["expect"]["headers"])
    assert actual == expected


def spec_verifier(**kwargs: Any) -> WebhookVerifier:
    return WebhookVerifier(Provider(Signature("standard_webhooks", [SW_SECRET])), **kwargs)


def test_flask_like_header_dict_with_mixed_case() -> None:
    verifier = spec_verifier()
    headers = {
        "Webhook-Id": SW_ID,
        "WEBHOOK-TIMESTAMP": str(SW_TIMESTAMP),
        "webhook-Signature": SW_SIGNATURE,
        "Content-Type": "application/json",
    }
    verified = verifier.verify(SW_BODY, headers, now=SW_TIMESTAMP + 60)
    assert (verified.scheme, verified.id, verified.timestamp) == ("standard_webhooks", SW_ID, SW_TIMESTAMP)
    assert verified.provider is None

    with pytest.raises(WebhookError) as caught:
        verifier.verify(SW_BODY, headers, now=SW_TIMESTAMP + 60)
    assert caught.value.code == "webhook.replayed"

    verifier.release(verified)
    assert verifier.verify(SW_BODY, headers, now=SW_TIMESTAMP + 61) == verified


def test_asgi_raw_byte_headers_and_bytearray_body() -> None:
    raw = [
        (b"webhook-id", SW_ID.encode()),
        (b"webhook-timestamp", str(SW_TIMESTAMP).encode()),
        (b"webhook-signature", SW_SIGNATURE.encode()),
    ]
    verified = spec_verifier().verify(bytearray(SW_BODY), raw, now=SW_TIMESTAMP)
    assert verified.id == SW_ID


def test_body_byte_flip_is_a_signature_mismatch() -> None:
    headers = {"webhook-id": SW_ID, "webhook-timestamp": str(SW_TIMESTAMP), "webhook-signature": SW_SIGNATURE}
    tampered = bytearray(SW_BODY)
    tampered[3] ^= 0x01
    with pytest.raises(WebhookError) as caught:
        spec_verifier().verify(bytes(tampered), headers, now=SW_TIMESTAMP)
    assert caught.value.code == "webhook.signature_mismatch"
    assert "g0hM9" not in str(caught.value)


def test_timestamp_checks_and_the_ignoring_method() -> None:
    headers = {"webhook-id": SW_ID, "webhook-timestamp": str(SW_TIMESTAMP), "webhook-signature": SW_SIGNATURE}
    verifier = spec_verifier()
    with pytest.raises(WebhookError) as caught:
        verifier.verify(SW_BODY, headers)
    assert caught.value.code == "webhook.timestamp_out_of_tolerance"
    assert verifier.verify_ignoring_timestamp(SW_BODY, headers).timestamp == SW_TIMESTAMP


def test_signer_round_trip_for_every_code_first_scheme() -> None:
    body = b"\x00\xff not utf-8 \x80"
    for scheme, secret in [
        ("generic", "s3cr3t"),
        ("stripe", "whsec_stripe_style"),
        ("github", b"github secret"),
        ("standard_webhooks", SW_SECRET),
    ]:
        signature = Signature(scheme, [secret])
        signer = WebhookSigner(signature)
        headers = signer.sign(body, id="msg_1", timestamp=1_767_225_600)
        verified = WebhookVerifier(providers={"p": Provider(signature)}).verify(
            body, headers, provider="p", now=1_767_225_600
        )
        assert (verified.provider, verified.scheme) == ("p", scheme)


def test_basic_api_key_networks_and_user_agent() -> None:
    provider = Provider(
        api_keys=["k3y-one", "k3y-two"],
        basic=("halo", "correct horse"),
        allow_networks=["192.0.2.0/24", "2001:db8::/32"],
        expected_user_agent="HaloPSA",
    )
    verifier = WebhookVerifier(provider)
    basic = WebhookSigner.basic("halo", "correct horse").sign(b"{}")
    ua = [("User-Agent", "HaloPSA")]
    assert verifier.verify(b"{}", basic + ua, "192.0.2.7").scheme == "basic"
    key = WebhookSigner.api_key("X-API-Key", "k3y-two").sign(b"{}")
    assert verifier.verify(b"{}", key + ua, "2001:db8::1").scheme == "api_key"

    for addr in ["198.51.100.1", None, "testclient"]:
        with pytest.raises(WebhookError) as caught:
            verifier.verify(b"{}", key + ua, addr)
        assert caught.value.code == "webhook.ip_not_allowed"
    with pytest.raises(WebhookError) as caught:
        verifier.verify(b"{}", key + [("User-Agent", "curl")], "192.0.2.7")
    assert caught.value.code == "webhook.user_agent_rejected"
    with pytest.raises(WebhookError) as caught:
        verifier.verify(b"{}", [("X-API-Key", "wrong")] + ua, "192.0.2.7")
    assert caught.value.code == "webhook.credentials_rejected"


def test_unknown_provider_and_bad_settings() -> None:
    with pytest.raises(WebhookError) as caught:
        spec_verifier().verify(SW_BODY, {}, provider="nobody")
    assert caught.value.code == "webhook.unknown_provider"
    with pytest.raises(WebhookInputError) as bad:
        Signature("sha1", ["x"])
    assert isinstance(bad.value, ValueError) and bad.value.code == "webhook.invalid_setting"
    with pytest.raises(WebhookInputError):
        Provider(allow_networks=["not a network"])
    with pytest.raises(WebhookInputError):
        Signature("standard_webhooks", ["whsec_!!!"])


def test_missing_secret_reference_is_reported_without_reading_the_environment() -> None:
    config = Config.from_json(
        json.dumps(
            {
                "security": {
                    "webhooks": {
                        "authentication": {
                            "methods": ["signature"],
                            "signature": {"scheme": "generic", "secret": {"env": "HALO_TEST_ABSENT"}},
                        }
                    }
                }
            }
        )
    )
    with pytest.raises(WebhookError) as caught:
        WebhookVerifier.from_config(config, {})
    assert caught.value.code == "webhook.secret_unavailable"


def test_reprs_hide_secrets() -> None:
    signature = Signature("generic", ["hunter2-secret"])
    signer = WebhookSigner.basic("halo", "hunter2-secret")
    for text in [repr(signature), repr(signer), repr(Provider(signature, api_keys=["hunter2-secret"]))]:
        assert "hunter2" not in text


def test_refusals_carry_the_http_status_of_the_core() -> None:
    headers = {"webhook-id": SW_ID, "webhook-timestamp": str(SW_TIMESTAMP), "webhook-signature": SW_SIGNATURE}
    verifier = spec_verifier()
    refusals = [
        (lambda: verifier.verify(SW_BODY, {}, now=SW_TIMESTAMP), "webhook.missing_header", 400),
        (lambda: verifier.verify(SW_BODY, {**headers, "webhook-timestamp": "soon"}, now=SW_TIMESTAMP),
         "webhook.malformed_header", 400),
        (lambda: verifier.verify(SW_BODY + b" ", headers, now=SW_TIMESTAMP), "webhook.signature_mismatch", 401),
        (lambda: verifier.verify(SW_BODY, headers), "webhook.timestamp_out_of_tolerance", 401),
        (lambda: verifier.verify(SW_BODY, headers, provider="nobody"), "webhook.unknown_provider", 404),
    ]
    for refuse, code, status in refusals:
        with pytest.raises(WebhookError) as caught:
            refuse()
        assert (caught.value.code, caught.value.status) == (code, status)
    verifier.verify(SW_BODY, headers, now=SW_TIMESTAMP)
    with pytest.raises(WebhookError) as caught:
        verifier.verify(SW_BODY, headers, now=SW_TIMESTAMP)
    assert (caught.value.code, caught.value.status) == ("webhook.replayed", 409)
    limited = WebhookVerifier(Provider(api_keys=["k3y"], allow_networks=["192.0.2.0/24"]))
    with pytest.raises(WebhookError) as caught:
        limited.verify(b"{}", {"X-API-Key": "k3y"}, "198.51.100.1")
    assert caught.value.status == 403
    with pytest.raises(WebhookInputError) as bad:
        Signature("sha1", ["x"])
    assert bad.value.status == 500


def test_every_kind_of_header_container_reads_alike() -> None:
    from collections.abc import Mapping
    from types import MappingProxyType

    pairs = [("Webhook-Id", SW_ID), ("webhook-timestamp", str(SW_TIMESTAMP)),
             ("WEBHOOK-SIGNATURE", SW_SIGNATURE), ("Content-Type", "application/json")]

    class Headers(Mapping[str, str]):
        """A mapping that is not a dict, like Starlette's or werkzeug's."""

        def __getitem__(self, key: str) -> str:
            return dict(pairs)[key]

        def __iter__(self) -> Any:
            return iter(dict(pairs))

        def __len__(self) -> int:
            return len(pairs)

    containers: list[Any] = [
        dict(pairs), pairs, tuple(pairs), (p for p in pairs), MappingProxyType(dict(pairs)), Headers(),
        [(n.encode(), v.encode()) for n, v in pairs], [(n, v.encode()) for n, v in pairs],
    ]
    for headers in containers:
        verified = spec_verifier().verify(SW_BODY, headers, now=SW_TIMESTAMP)
        assert (verified.id, verified.timestamp) == (SW_ID, SW_TIMESTAMP)


def test_headers_that_are_not_text_or_pairs_are_type_errors() -> None:
    verifier = spec_verifier()
    for headers in [{"webhook-id": 7}, [["webhook-id", SW_ID]], 42, {b"\xff\xfe": b"x", 3: "y"}]:
        with pytest.raises(TypeError):
            verifier.verify(SW_BODY, headers, now=SW_TIMESTAMP)
    with pytest.raises(ValueError):
        verifier.verify(SW_BODY, [("webhook-id",)], now=SW_TIMESTAMP)
    # A bytes name that is not UTF-8 is no header the verifier reads.
    headers = [(b"\xff\xfe", b"x"), ("webhook-id", SW_ID), ("webhook-timestamp", str(SW_TIMESTAMP)),
               ("webhook-signature", SW_SIGNATURE)]
    assert verifier.verify(SW_BODY, headers, now=SW_TIMESTAMP).id == SW_ID


def test_large_bodies_verify_alike_with_the_gil_released() -> None:
    import threading

    signature = Signature("standard_webhooks", [SW_SECRET])
    signer = WebhookSigner(signature)
    verifier = WebhookVerifier(Provider(signature))
    results: list[str | None] = []

    def deliver(n: int) -> None:
        body = bytes([n]) * (256 * 1024)
        headers = dict(signer.sign(body, id=f"msg_{n}", timestamp=SW_TIMESTAMP))
        results.append(verifier.verify(body, headers, now=SW_TIMESTAMP).id)
        with pytest.raises(WebhookError):
            verifier.verify(body[:-1] + b"!", headers, now=SW_TIMESTAMP)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [f"msg_{n}" for n in range(4)]
