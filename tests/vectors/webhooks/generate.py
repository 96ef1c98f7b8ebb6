#!/usr/bin/env python3
"""Writes the webhook vectors under tests/vectors/webhooks/.

Every expected signature is computed here with Python's own `hmac` and
`hashlib`, independently of halo-core, so the Rust, Python and Node suites
check the library against a second implementation. The Standard Webhooks
example is the one published with the specification; its expected signature
is written out literally and asserted below before anything is written.

Run from the repository root: python3 tests/vectors/webhooks/generate.py
"""

import base64
import hashlib
import hmac
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent

# The Standard Webhooks example (standard-webhooks/standard-webhooks,
# libraries/javascript/src/webhook.test.ts, test "sign function works").
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TS = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SECRET = "test-secret-do-not-use-5c3f9a"
OTHER = "another-secret-do-not-use-71be"
ROTATED = "rotated-secret-do-not-use-0d44"
NOW = 1767225600  # 2026-01-01T00:00:00Z
BODY = '{"event":"lead.created","lead":{"email":"ada@example.com","company":"Example Ltd"}}'
BINARY = bytes([0x00, 0xFF, 0xFE, 0x80, 0x7B, 0x22, 0xC3, 0x28, 0x0A])


def mac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def sig_id(tag: bytes) -> str:
    return "sig_" + hashlib.sha256(tag).hexdigest()[:32]


def whsec_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def flip(body: str) -> str:
    """The body with its tenth byte changed."""
    raw = bytearray(body.encode())
    raw[9] ^= 0x01
    return raw.decode()


def config(provider: dict, name: str | None = None) -> dict:
    webhooks = {"providers": {name: provider}} if name else provider
    return {"security": {"webhooks": webhooks}}


def signature_block(scheme: str, secrets: list[str], **extra) -> dict:
    refs = [{"env": s} for s in secrets]
    block = {"scheme": scheme, "secret": refs[0] if len(refs) == 1 else refs}
    block.update(extra)
    return {"authentication": {"methods": ["signature"], "signature": block}}


def ok(scheme, id=None, timestamp=None, provider=None):
    return {"ok": True, "provider": provider, "scheme": scheme, "id": id, "timestamp": timestamp}


def err(code):
    return {"ok": False, "code": code}


def step(headers, body, expect, now=NOW, **extra):
    s = {"headers": [list(h) for h in headers], "now": now}
    if isinstance(body, bytes):
        s["body_base64"] = b64(body)
    else:
        s["body"] = body
    s.update(extra)
    s["expect"] = expect
    return s


def case(name, cfg, env, steps):
    return {"name": name, "config": cfg, "env": env, "steps": steps}


def write(path: str, about: str, cases: list):
    target = OUT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"about": about, "cases": cases}, indent=2, ensure_ascii=False)
    target.write_text(text + "\n")


# --- Standard Webhooks ---------------------------------------------------

def sw_headers(msg_id, ts, signature, prefix="webhook"):
    return [(f"{prefix}-id", msg_id), (f"{prefix}-timestamp", str(ts)), (f"{prefix}-signature", signature)]


def sw_sign(secret, msg_id, ts, body):
    return "v1," + b64(mac(whsec_key(secret), f"{msg_id}.{ts}.".encode() + body.encode()))


def standard_webhooks():
    assert sw_sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE
    env = {"SW_SECRET": SPEC_SECRET}
    cfg = config(signature_block("standard_webhooks", ["SW_SECRET"]))
    spec = sw_headers(SPEC_ID, SPEC_TS, SPEC_SIGNATURE)
    good = ok("standard_webhooks", SPEC_ID, SPEC_TS)
    rotated_env = {"SW_OLD": "whsec_" + b64(b"old-key-material-24-bytes"), "SW_NEW": SPEC_SECRET}
    rotated_cfg = config(signature_block("standard_webhooks", ["SW_OLD", "SW_NEW"]))
    other = "whsec_" + b64(b"a-different-key-of-24-by")
    late_ts = SPEC_TS + 5
    long_id = "m" * 256
    late = sw_headers(SPEC_ID, late_ts, sw_sign(SPEC_SECRET, SPEC_ID, late_ts, SPEC_BODY))
    # The spec library's "multi sig payload is valid" layout: unknown
    # versions and wrong v1 entries around the valid one.
    multi = " ".join([
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        SPEC_SIGNATURE,
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
    ])
    return [
        case("spec-example-verifies", cfg, env, [step(spec, SPEC_BODY, good, now=SPEC_TS)]),
        case("spec-example-secret-without-prefix", cfg, {"SW_SECRET": SPEC_SECRET.removeprefix("whsec_")},
             [step(spec, SPEC_BODY, good, now=SPEC_TS)]),
        case("spec-example-at-edges-of-tolerance", cfg, env, [
            step(spec, SPEC_BODY, good, now=SPEC_TS + 300, release=True),
            step(spec, SPEC_BODY, good, now=SPEC_TS - 300, release=True),
            step(spec, SPEC_BODY, err("webhook.timestamp_out_of_tolerance"), now=SPEC_TS + 301),
            step(spec, SPEC_BODY, err("webhook.timestamp_out_of_tolerance"), now=SPEC_TS - 301),
        ]),
        case("spec-example-ignoring-timestamp", cfg, env, [
            step(spec, SPEC_BODY, good, now=SPEC_TS + 86_400 * 365, mode="verify_ignoring_timestamp"),
        ]),
        case("spec-example-svix-headers", cfg, env, [
            step(sw_headers(SPEC_ID, SPEC_TS, SPEC_SIGNATURE, "svix"), SPEC_BODY, good, now=SPEC_TS),
        ]),
        case("spec-example-header-names-any-case", cfg, env, [
            step([(n.upper(), v) for n, v in spec], SPEC_BODY, good, now=SPEC_TS),
        ]),
        case("multiple-signatures-one-valid", cfg, env, [
            step(sw_headers(SPEC_ID, SPEC_TS, multi), SPEC_BODY, good, now=SPEC_TS),
        ]),
        # Four wrong v1 entries before the valid one: a verifier that keeps
        # only the first few signatures of a header misses it.
        case("valid-signature-fifth-of-five", cfg, env, [
            step(sw_headers(SPEC_ID, SPEC_TS, " ".join(
                ["v1," + b64(bytes([i]) * 32) for i in range(4)] + [SPEC_SIGNATURE])),
                SPEC_BODY, good, now=SPEC_TS),
        ]),
        case("rotated-secret-second-of-two", rotated_cfg, rotated_env, [
            step(spec, SPEC_BODY, good, now=SPEC_TS),
        ]),
        case("body-byte-flipped", cfg, env, [
            step(spec, flip(SPEC_BODY), err("webhook.signature_mismatch"), now=SPEC_TS),
        ]),
        case("timestamp-moved", cfg, env, [
            step(sw_headers(SPEC_ID, SPEC_TS + 1, SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.signature_mismatch"), now=SPEC_TS),
        ]),
        case("id-changed", cfg, env, [
            step(sw_headers("msg_p5jXN8AQM9LWM0D4loKWxJel", SPEC_TS, SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.signature_mismatch"), now=SPEC_TS),
        ]),
        case("wrong-secret", cfg, {"SW_SECRET": other}, [
            step(spec, SPEC_BODY, err("webhook.signature_mismatch"), now=SPEC_TS),
        ]),
        case("missing-id", cfg, env, [
            step(spec[1:], SPEC_BODY, err("webhook.missing_header"), now=SPEC_TS),
        ]),
        case("missing-signature", cfg, env, [
            step(spec[:2], SPEC_BODY, err("webhook.missing_header"), now=SPEC_TS),
        ]),
        case("timestamp-not-a-number", cfg, env, [
            step(sw_headers(SPEC_ID, "hello", SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.malformed_header"), now=SPEC_TS),
        ]),
        case("signature-truncated", cfg, env, [
            step(sw_headers(SPEC_ID, SPEC_TS, SPEC_SIGNATURE[:8]), SPEC_BODY,
                 err("webhook.malformed_header"), now=SPEC_TS),
            step(sw_headers(SPEC_ID, SPEC_TS, "v1,"), SPEC_BODY, err("webhook.malformed_header"), now=SPEC_TS),
        ]),
        # Spaces and tabs around a value are not part of it (RFC 9110 OWS);
        # a value of blanks alone is an empty one, and a non-ASCII byte
        # makes a value malformed.
        case("header-values-padded-with-blanks", cfg, env, [
            step([(n, f" \t{v}\t ") for n, v in spec], SPEC_BODY, good, now=SPEC_TS),
            step(sw_headers(" \t ", SPEC_TS, SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.malformed_header"), now=SPEC_TS),
            step(sw_headers(SPEC_ID + "\u00e9", SPEC_TS, SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.malformed_header"), now=SPEC_TS),
        ]),
        # An id is 1 to 256 visible ASCII characters (checked before the
        # signature, so these signatures need not match).
        case("id-of-256-visible-characters", cfg, env, [
            step(sw_headers(long_id, SPEC_TS, sw_sign(SPEC_SECRET, long_id, SPEC_TS, SPEC_BODY)),
                 SPEC_BODY, ok("standard_webhooks", long_id, SPEC_TS), now=SPEC_TS),
        ]),
        case("id-not-visible-ascii", cfg, env, [
            step(sw_headers("m" * 257, SPEC_TS, SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.malformed_header"), now=SPEC_TS),
            step(sw_headers("msg 1", SPEC_TS, SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.malformed_header"), now=SPEC_TS),
            step(sw_headers("msg\u007f1", SPEC_TS, SPEC_SIGNATURE), SPEC_BODY,
                 err("webhook.malformed_header"), now=SPEC_TS),
        ]),
        case("header-repeated", cfg, env, [
            step(spec + [("webhook-id", SPEC_ID)], SPEC_BODY, err("webhook.malformed_header"), now=SPEC_TS),
        ]),
        case("replayed-then-released", cfg, env, [
            step(spec, SPEC_BODY, good, now=SPEC_TS),
            step(spec, SPEC_BODY, err("webhook.replayed"), now=SPEC_TS + 10),
            step(late, SPEC_BODY, err("webhook.replayed"), now=SPEC_TS + 10),
            step(spec, SPEC_BODY, good, now=SPEC_TS + 20, release_before=True),
        ]),
    ]


# --- Generic (the guide's) ----------------------------------------------

def generic():
    env = {"HOOK_SECRET": SECRET}
    key = SECRET.encode()
    tag = mac(key, BODY.encode())
    ts_tag = mac(key, f"{NOW}.".encode() + BODY.encode())
    hex_cfg = config(signature_block("generic", ["HOOK_SECRET"]))
    b64_cfg = config(signature_block("generic", ["HOOK_SECRET"], encoding="base64"))
    ts_cfg = config(signature_block("generic", ["HOOK_SECRET"], header="X-Apollo-Signature",
                                    timestamp_header="X-Apollo-Timestamp"))
    rot_env = {"HOOK_NEW": ROTATED, "HOOK_OLD": SECRET}
    rot_cfg = config(signature_block("generic", ["HOOK_NEW", "HOOK_OLD"]))
    binary_tag = mac(key, BINARY)
    sig = "X-Webhook-Signature"
    good = ok("generic", sig_id(tag))
    both = {"authentication": {
        "methods": ["signature", "api_key"],
        "signature": {"secret": {"env": "HOOK_SECRET"}},
        "api_key": {"key": [{"env": "KEY_OLD"}, {"env": "KEY_NEW"}]},
    }}
    both_env = {"HOOK_SECRET": SECRET, "KEY_OLD": "key-old-8d1e", "KEY_NEW": "key-new-2f7a"}
    return [
        case("hex-signature", hex_cfg, env, [step([(sig, tag.hex())], BODY, good)]),
        case("hex-signature-uppercase", hex_cfg, env, [step([(sig, tag.hex().upper())], BODY, good)]),
        case("hex-signature-sha256-prefix", hex_cfg, env, [step([(sig, "sha256=" + tag.hex())], BODY, good)]),
        case("base64-signature", b64_cfg, env, [step([(sig, b64(tag))], BODY, good)]),
        case("base64-configured-hex-sent", b64_cfg, env, [
            step([(sig, tag.hex())], BODY, err("webhook.malformed_header")),
        ]),
        case("non-utf8-body", hex_cfg, env, [
            step([(sig, binary_tag.hex())], BINARY, ok("generic", sig_id(binary_tag))),
        ]),
        case("body-byte-flipped", hex_cfg, env, [
            step([(sig, tag.hex())], flip(BODY), err("webhook.signature_mismatch")),
        ]),
        case("signature-byte-flipped", hex_cfg, env, [
            step([(sig, bytes([tag[0] ^ 0x80]) .hex() + tag[1:].hex())], BODY,
                 err("webhook.signature_mismatch")),
        ]),
        case("wrong-secret", hex_cfg, {"HOOK_SECRET": OTHER}, [
            step([(sig, tag.hex())], BODY, err("webhook.signature_mismatch")),
        ]),
        case("rotated-secret-old-still-accepted", rot_cfg, rot_env, [
            step([(sig, tag.hex())], BODY, good),
        ]),
        case("rotated-secret-new-accepted", rot_cfg, rot_env, [
            step([(sig, mac(ROTATED.encode(), BODY.encode()).hex())], BODY,
                 ok("generic", sig_id(mac(ROTATED.encode(), BODY.encode())))),
        ]),
        case("missing-signature", hex_cfg, env, [step([], BODY, err("webhook.missing_header"))]),
        case("signature-too-short", hex_cfg, env, [
            step([(sig, tag.hex()[:62])], BODY, err("webhook.malformed_header")),
        ]),
        case("signature-not-hex", hex_cfg, env, [
            step([(sig, "z" * 64)], BODY, err("webhook.malformed_header")),
        ]),
        case("timestamped", ts_cfg, env, [
            step([("X-Apollo-Signature", ts_tag.hex()), ("X-Apollo-Timestamp", str(NOW))], BODY,
                 ok("generic", sig_id(ts_tag), NOW), now=NOW + 120),
        ]),
        case("timestamped-timestamp-moved", ts_cfg, env, [
            step([("X-Apollo-Signature", ts_tag.hex()), ("X-Apollo-Timestamp", str(NOW + 1))], BODY,
                 err("webhook.signature_mismatch")),
        ]),
        case("timestamped-too-old", ts_cfg, env, [
            step([("X-Apollo-Signature", ts_tag.hex()), ("X-Apollo-Timestamp", str(NOW))], BODY,
                 err("webhook.timestamp_out_of_tolerance"), now=NOW + 301),
        ]),
        case("timestamped-from-the-future", ts_cfg, env, [
            step([("X-Apollo-Signature", ts_tag.hex()), ("X-Apollo-Timestamp", str(NOW))], BODY,
                 err("webhook.timestamp_out_of_tolerance"), now=NOW - 301),
        ]),
        case("timestamped-missing-timestamp", ts_cfg, env, [
            step([("X-Apollo-Signature", ts_tag.hex())], BODY, err("webhook.missing_header")),
        ]),
        case("timestamped-milliseconds-refused", ts_cfg, env, [
            step([("X-Apollo-Signature", ts_tag.hex()), ("X-Apollo-Timestamp", str(NOW * 1000))], BODY,
                 err("webhook.malformed_header")),
        ]),
        case("same-body-replayed-within-tolerance", hex_cfg, env, [
            step([(sig, tag.hex())], BODY, good),
            step([(sig, tag.hex())], BODY, err("webhook.replayed"), now=NOW + 300),
            step([(sig, tag.hex())], BODY, good, now=NOW + 301),
        ]),
        case("api-key-when-signature-absent", config(both), both_env, [
            step([("X-API-Key", "key-new-2f7a")], BODY, ok("api_key")),
            step([("x-api-key", "key-old-8d1e")], BODY, ok("api_key")),
        ]),
        case("api-key-wrong", config(both), both_env, [
            step([("X-API-Key", "key-new-2f7b")], BODY, err("webhook.credentials_rejected")),
        ]),
        case("api-key-accepted-beside-bad-signature", config(both), both_env, [
            step([(sig, "00" * 32), ("X-API-Key", "key-old-8d1e")], BODY, ok("api_key")),
        ]),
        case("bad-signature-reported-before-bad-key", config(both), both_env, [
            step([(sig, "00" * 32), ("X-API-Key", "nope")], BODY, err("webhook.signature_mismatch")),
        ]),
        case("no-credentials-at-all", config(both), both_env, [
            step([], BODY, err("webhook.missing_header")),
        ]),
        case("guide-block-without-secrets", config({"authentication": {
            "required": True, "methods": ["signature", "api_key"],
            "signature": {"algorithm": "hmac-sha256", "header": "X-Webhook-Signature", "tolerance_seconds": 300},
        }}), {}, [step([(sig, tag.hex())], BODY, err("webhook.no_secret"))]),
    ]


# --- Stripe style -------------------------------------------------------

def stripe():
    secret = "whsec_stripe_style_secret_do_not_use"
    env = {"STRIPE_SECRET": secret}
    cfg = config(signature_block("stripe", ["STRIPE_SECRET"]))
    tag = mac(secret.encode(), f"{NOW}.{BODY}".encode())
    old_tag = mac(OTHER.encode(), f"{NOW}.{BODY}".encode())
    header = "Stripe-Signature"
    good = ok("stripe", sig_id(tag), NOW)
    rot_cfg = config(signature_block("stripe", ["STRIPE_OLD", "STRIPE_SECRET"]))
    rot_env = {"STRIPE_OLD": OTHER, "STRIPE_SECRET": secret}
    return [
        case("valid", cfg, env, [step([(header, f"t={NOW},v1={tag.hex()}")], BODY, good)]),
        case("several-v1-and-v0", cfg, env, [
            step([(header, f"t={NOW},v1={old_tag.hex()},v0={'ab' * 32},v1={tag.hex()}")], BODY, good),
        ]),
        case("valid-signature-fifth-of-five", cfg, env, [
            step([(header, f"t={NOW}," + ",".join(f"v1={bytes([i]).hex() * 32}" for i in range(4))
                   + f",v1={tag.hex()}")], BODY, good),
        ]),
        case("rotated-secret", rot_cfg, rot_env, [
            step([(header, f"t={NOW},v1={tag.hex()}")], BODY, good),
        ]),
        case("custom-header", config(signature_block("stripe", ["STRIPE_SECRET"], header="X-Signature")), env, [
            step([("x-signature", f"t={NOW},v1={tag.hex()}")], BODY, good),
        ]),
        case("body-byte-flipped", cfg, env, [
            step([(header, f"t={NOW},v1={tag.hex()}")], flip(BODY), err("webhook.signature_mismatch")),
        ]),
        case("timestamp-moved", cfg, env, [
            step([(header, f"t={NOW - 1},v1={tag.hex()}")], BODY, err("webhook.signature_mismatch")),
        ]),
        case("timestamp-too-old", cfg, env, [
            step([(header, f"t={NOW},v1={tag.hex()}")], BODY, err("webhook.timestamp_out_of_tolerance"),
                 now=NOW + 301),
        ]),
        case("wrong-secret", cfg, {"STRIPE_SECRET": OTHER}, [
            step([(header, f"t={NOW},v1={tag.hex()}")], BODY, err("webhook.signature_mismatch")),
        ]),
        case("no-timestamp", cfg, env, [
            step([(header, f"v1={tag.hex()}")], BODY, err("webhook.malformed_header")),
        ]),
        case("two-timestamps", cfg, env, [
            step([(header, f"t={NOW},t={NOW},v1={tag.hex()}")], BODY, err("webhook.malformed_header")),
        ]),
        case("only-v0", cfg, env, [
            step([(header, f"t={NOW},v0={tag.hex()}")], BODY, err("webhook.malformed_header")),
        ]),
        case("replayed", cfg, env, [
            step([(header, f"t={NOW},v1={tag.hex()}")], BODY, good),
            step([(header, f"t={NOW},v1={old_tag.hex()},v1={tag.hex()}")], BODY, err("webhook.replayed"),
                 now=NOW + 5),
        ]),
    ]


# --- GitHub style -------------------------------------------------------

def github():
    env = {"GH_SECRET": SECRET}
    cfg = config(signature_block("github", ["GH_SECRET"]))
    tag = mac(SECRET.encode(), BODY.encode())
    header = "X-Hub-Signature-256"
    return [
        case("valid", cfg, env, [step([(header, "sha256=" + tag.hex())], BODY, ok("github", sig_id(tag)))]),
        case("missing-prefix", cfg, env, [step([(header, tag.hex())], BODY, err("webhook.malformed_header"))]),
        case("body-byte-flipped", cfg, env, [
            step([(header, "sha256=" + tag.hex())], flip(BODY), err("webhook.signature_mismatch")),
        ]),
        case("wrong-secret", cfg, {"GH_SECRET": OTHER}, [
            step([(header, "sha256=" + tag.hex())], BODY, err("webhook.signature_mismatch")),
        ]),
        case("sha1-header-only", cfg, env, [
            step([("X-Hub-Signature", "sha1=" + "00" * 20)], BODY, err("webhook.missing_header")),
        ]),
    ]


# --- HTTP Basic (HaloPSA) ------------------------------------------------

def basic():
    halo = {"authentication": {
        "methods": ["basic"],
        "basic": {"username": "halo-webhook", "password": {"env": "HALO_HOOK_PASSWORD"}},
    }}
    cfg = config(halo, "halopsa")
    env = {"HALO_HOOK_PASSWORD": "correct horse battery staple"}
    auth = "Basic " + b64(b"halo-webhook:correct horse battery staple")
    good = ok("basic", provider="halopsa")
    return [
        case("valid", cfg, env, [step([("Authorization", auth)], BODY, good, provider="halopsa")]),
        case("scheme-name-any-case", cfg, env, [
            step([("authorization", "BASIC " + auth.split(" ")[1])], BODY, good, provider="halopsa"),
        ]),
        case("wrong-password", cfg, env, [
            step([("Authorization", "Basic " + b64(b"halo-webhook:correct horse battery stapler"))], BODY,
                 err("webhook.credentials_rejected"), provider="halopsa"),
        ]),
        case("wrong-username", cfg, env, [
            step([("Authorization", "Basic " + b64(b"halo:correct horse battery staple"))], BODY,
                 err("webhook.credentials_rejected"), provider="halopsa"),
        ]),
        case("bearer-instead", cfg, env, [
            step([("Authorization", "Bearer abc")], BODY, err("webhook.malformed_header"), provider="halopsa"),
        ]),
        case("not-base64", cfg, env, [
            step([("Authorization", "Basic ***")], BODY, err("webhook.malformed_header"), provider="halopsa"),
        ]),
        case("missing", cfg, env, [step([], BODY, err("webhook.missing_header"), provider="halopsa")]),
        case("not-replay-guarded", cfg, env, [
            step([("Authorization", auth)], BODY, good, provider="halopsa"),
            step([("Authorization", auth)], BODY, good, provider="halopsa"),
        ]),
        case("default-provider-is-not-halopsa", cfg, env, [
            step([("Authorization", auth)], BODY, err("webhook.no_secret")),
        ]),
        case("unknown-provider", cfg, env, [
            step([("Authorization", auth)], BODY, err("webhook.unknown_provider"), provider="halo"),
        ]),
    ]


# --- Origin and size checks ----------------------------------------------

def validation():
    env = {"HOOK_SECRET": SECRET}
    tag = mac(SECRET.encode(), BODY.encode())
    sig = [("X-Webhook-Signature", tag.hex())]
    provider = signature_block("generic", ["HOOK_SECRET"])
    provider["validation"] = {
        "ip_whitelist": ["192.0.2.0/24", "2001:db8:1::/48"],
        "user_agent_check": True,
        "expected_user_agent": "Apollo-Webhook/1.0",
    }
    cfg = config(provider)
    ua = ("User-Agent", "Apollo-Webhook/1.0")
    good = ok("generic", sig_id(tag))
    small = signature_block("generic", ["HOOK_SECRET"])
    small["max_body_bytes"] = len(BODY) - 1
    open_provider = {"authentication": {"required": False}, "validation": {"ip_whitelist": ["192.0.2.0/24"]}}
    return [
        case("ipv4-allowed", cfg, env, [step(sig + [ua], BODY, good, remote_addr="192.0.2.77")]),
        case("ipv6-allowed", cfg, env, [step(sig + [ua], BODY, good, remote_addr="2001:db8:1:ff::9")]),
        case("ipv4-mapped-ipv6-allowed", cfg, env, [
            step(sig + [ua], BODY, good, remote_addr="::ffff:192.0.2.8"),
        ]),
        case("ipv4-refused", cfg, env, [
            step(sig + [ua], BODY, err("webhook.ip_not_allowed"), remote_addr="198.51.100.1"),
        ]),
        case("ipv6-refused", cfg, env, [
            step(sig + [ua], BODY, err("webhook.ip_not_allowed"), remote_addr="2001:db8:2::1"),
        ]),
        case("address-unknown-refused", cfg, env, [step(sig + [ua], BODY, err("webhook.ip_not_allowed"))]),
        case("ip-checked-before-signature", cfg, env, [
            step([ua], BODY, err("webhook.ip_not_allowed"), remote_addr="203.0.113.9"),
        ]),
        case("user-agent-wrong", cfg, env, [
            step(sig + [("User-Agent", "Apollo-Webhook/1.1")], BODY, err("webhook.user_agent_rejected"),
                 remote_addr="192.0.2.1"),
        ]),
        case("user-agent-missing", cfg, env, [
            step(sig, BODY, err("webhook.user_agent_rejected"), remote_addr="192.0.2.1"),
        ]),
        case("body-too-large", config(small), env, [step(sig, BODY, err("webhook.body_too_large"))]),
        case("body-at-limit", config(dict(small, max_body_bytes=len(BODY))), env, [step(sig, BODY, good)]),
        case("authentication-not-required", config(open_provider), {}, [
            step([], BODY, ok(None), remote_addr="192.0.2.1"),
            step([], BODY, err("webhook.ip_not_allowed"), remote_addr="203.0.113.1"),
        ]),
    ]


# --- Signing ---------------------------------------------------------------

def sign_case(name, cfg, env, body, expect, provider=None, msg_id="msg_1", ts=NOW):
    return {"name": name, "config": cfg, "env": env, "provider": provider, "id": msg_id,
            "timestamp": ts, "body": body, "expect": {"headers": [list(h) for h in expect]}}


def signing():
    sw_env = {"SW_SECRET": SPEC_SECRET, "SW_SECOND": "whsec_" + b64(b"second-key-material-32-bytes-ok!")}
    spec = sign_case("standard-webhooks-spec-example",
                     config(signature_block("standard_webhooks", ["SW_SECRET"])), sw_env, SPEC_BODY,
                     sw_headers(SPEC_ID, SPEC_TS, SPEC_SIGNATURE), msg_id=SPEC_ID, ts=SPEC_TS)
    two = sw_sign(SPEC_SECRET, "msg_2", NOW, BODY) + " " + sw_sign(sw_env["SW_SECOND"], "msg_2", NOW, BODY)
    key = SECRET.encode()
    stripe_two = f"t={NOW},v1={mac(key, f'{NOW}.{BODY}'.encode()).hex()}," \
                 f"v1={mac(OTHER.encode(), f'{NOW}.{BODY}'.encode()).hex()}"
    env = {"A": SECRET, "B": OTHER}
    return [
        spec,
        sign_case("standard-webhooks-two-secrets",
                  config(signature_block("standard_webhooks", ["SW_SECRET", "SW_SECOND"])), sw_env, BODY,
                  sw_headers("msg_2", NOW, two), msg_id="msg_2"),
        sign_case("generic-hex", config(signature_block("generic", ["A", "B"])), env, BODY,
                  [("X-Webhook-Signature", mac(key, BODY.encode()).hex())]),
        sign_case("generic-base64-timestamped",
                  config(signature_block("generic", ["A"], encoding="base64", timestamp_header="X-Timestamp")),
                  env, BODY,
                  [("X-Webhook-Signature", b64(mac(key, f"{NOW}.{BODY}".encode()))), ("X-Timestamp", str(NOW))]),
        sign_case("stripe-two-secrets", config(signature_block("stripe", ["A", "B"])), env, BODY,
                  [("Stripe-Signature", stripe_two)]),
        sign_case("github", config(signature_block("github", ["A"]), "gh"), env, BODY,
                  [("X-Hub-Signature-256", "sha256=" + mac(key, BODY.encode()).hex())], provider="gh"),
    ]


SPEC_ABOUT = (
    "Standard Webhooks: the example published with the specification "
    "(https://github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md; the same values "
    "in libraries/javascript/src/webhook.test.ts, tests 'sign function works' and 'multi sig payload is "
    "valid': secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, id msg_p5jXN8AQM9LWM0D4loKWxJek, timestamp "
    "1614265330, payload {\"test\": 2432232314}, signature v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=, "
    "checked with Python's hmac module), and tampered variants generated by generate.py"
)
GENERATED = "halo-core vectors generated by tests/vectors/webhooks/generate.py with Python's hmac module"

write("verify/standard-webhooks.json", SPEC_ABOUT, standard_webhooks())
write("verify/generic.json", GENERATED + ": the guide's generic scheme (X-Webhook-Signature) and its api_key method",
      generic())
write("verify/stripe.json", GENERATED + ": Stripe-style t=/v1= headers", stripe())
write("verify/github.json", GENERATED + ": GitHub-style X-Hub-Signature-256", github())
write("verify/basic.json", "halo-core vectors: HTTP Basic as HaloPSA sends it (RFC 7617 encoding)", basic())
write("verify/validation.json", GENERATED + ": source networks, user agent, body size, unauthenticated providers",
      validation())
write("sign/signers.json", SPEC_ABOUT.replace("tampered variants", "signer vectors"), signing())
