"""Writes ../jwt-validation.json: JWTs signed with the Python `cryptography`
package (independently of halo-core's Rust code) and the result each must
give. Keys are generated afresh on every run and only public keys are kept,
so running it again changes every token; the expected results do not change.

    python3 jwt_vectors.py
"""

import base64
import hashlib
import hmac
import json
import pathlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

NOW = 1_700_000_000
ISS = "https://idp.example"
AUD = "halopsa-integration"
HS_SECRET = b"a shared secret of at least 32 bytes!"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint(n: int) -> str:
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
other_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())

rsa_pub = rsa_key.public_key().public_numbers()
ec_pub = ec_key.public_key().public_numbers()
JWKS = {
    "keys": [
        {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": uint(rsa_pub.n), "e": uint(rsa_pub.e)},
        {"kty": "EC", "kid": "ec-1", "use": "sig", "crv": "P-256",
         "x": b64(ec_pub.x.to_bytes(32, "big")), "y": b64(ec_pub.y.to_bytes(32, "big"))},
    ]
}
RSA_PUBLIC_PEM = rsa_key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def sign(header: dict, claims: dict, key=rsa_key, secret: bytes = HS_SECRET) -> str:
    head = b64(json.dumps(header, separators=(",", ":")).encode())
    body = b64(json.dumps(claims, separators=(",", ":")).encode())
    message = f"{head}.{body}".encode()
    alg = header.get("alg")
    if alg == "RS256":
        sig = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "RS384":
        sig = key.sign(message, padding.PKCS1v15(), hashes.SHA384())
    elif alg == "ES256":
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    elif alg == "HS256":
        sig = hmac.new(secret, message, hashlib.sha256).digest()
    else:
        sig = b""
    return f"{head}.{body}.{b64(sig)}"


def claims(**overrides) -> dict:
    base = {"iss": ISS, "aud": AUD, "sub": "client-42", "exp": NOW + 300, "iat": NOW - 10, "scope": "read write"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


RS = {"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}
ES = {"alg": "ES256", "kid": "ec-1", "typ": "JWT"}
cases = []


def case(name, token, expect, settings=None, require_scope=None):
    c = {"name": name, "token": token, "now": NOW, "jwks": JWKS,
         "settings": settings or {"issuer": ISS, "audience": AUD, "leeway": 30, "algorithms": ["RS256", "ES256"]},
         "expect": expect}
    if require_scope:
        c["require_scope"] = require_scope
    cases.append(c)


ok = {"ok": True, "sub": "client-42", "scopes": ["read", "write"]}
case("rs256-valid", sign(RS, claims()), ok)
case("es256-valid-audience-list", sign(ES, claims(aud=["other", AUD], scope=None, scp=["read"]), key=ec_key),
     {"ok": True, "sub": "client-42", "scopes": ["read"]})
case("expired-within-leeway", sign(RS, claims(exp=NOW - 29)), ok)
case("expired-at-leeway", sign(RS, claims(exp=NOW - 30)), {"error": "access.token_expired"})
case("expired-beyond-leeway", sign(RS, claims(exp=NOW - 3600)), {"error": "access.token_expired"})
case("expired-no-leeway", sign(RS, claims(exp=NOW)), {"error": "access.token_expired"},
     settings={"issuer": ISS, "audience": AUD, "leeway": 0, "algorithms": ["RS256"]})
case("not-before-within-leeway", sign(RS, claims(nbf=NOW + 20)), ok)
case("not-before-beyond-leeway", sign(RS, claims(nbf=NOW + 60)), {"error": "access.token_not_yet_valid"})
case("missing-exp", sign(RS, claims(exp=None)), {"error": "access.token_missing_exp"})
case("wrong-issuer", sign(RS, claims(iss="https://evil.example")), {"error": "access.token_issuer"})
case("missing-issuer", sign(RS, claims(iss=None)), {"error": "access.token_issuer"})
case("wrong-audience", sign(RS, claims(aud="another-app")), {"error": "access.token_audience"})
case("missing-audience", sign(RS, claims(aud=None)), {"error": "access.token_audience"})
case("no-issuer-or-audience-configured", sign(RS, claims(iss=None, aud=None)), ok,
     settings={"leeway": 30, "algorithms": ["RS256"]})
case("alg-none", sign({"alg": "none", "typ": "JWT"}, claims()), {"error": "access.token_algorithm"})
case("alg-none-with-kid", sign({"alg": "none", "kid": "rsa-1"}, claims()), {"error": "access.token_algorithm"})
case("hs256-not-enabled", sign({"alg": "HS256", "kid": "rsa-1"}, claims()), {"error": "access.token_algorithm"})
case("hs256-signed-with-the-rsa-public-key", sign({"alg": "HS256", "kid": "rsa-1"}, claims(), secret=RSA_PUBLIC_PEM),
     {"error": "access.token_signature"},
     settings={"issuer": ISS, "audience": AUD, "leeway": 30, "algorithms": ["RS256", "HS256"], "hs256_secret_hex": HS_SECRET.hex()})
case("hs256-enabled-valid", sign({"alg": "HS256"}, claims()), ok,
     settings={"issuer": ISS, "audience": AUD, "leeway": 30, "algorithms": ["RS256", "HS256"], "hs256_secret_hex": HS_SECRET.hex()})
case("rs384-not-accepted", sign({"alg": "RS384", "kid": "rsa-1"}, claims()), {"error": "access.token_algorithm"})
case("es256-only-refuses-rs256", sign(RS, claims()), {"error": "access.token_algorithm"},
     settings={"issuer": ISS, "audience": AUD, "leeway": 30, "algorithms": ["ES256"]})
case("rs256-header-on-the-ec-key", sign({"alg": "RS256", "kid": "ec-1"}, claims()), {"error": "access.token_algorithm"})
case("es256-header-on-the-rsa-key", sign({"alg": "ES256", "kid": "rsa-1"}, claims(), key=ec_key), {"error": "access.token_algorithm"})
case("unknown-kid", sign({"alg": "RS256", "kid": "rsa-9"}, claims(), key=other_rsa), {"error": "access.token_unknown_key"})
case("no-kid-with-two-keys", sign({"alg": "RS256"}, claims()), {"error": "access.token_unknown_key"})
case("signed-by-another-key", sign(RS, claims(), key=other_rsa), {"error": "access.token_signature"})
good = sign(RS, claims())
head, body, sig = good.split(".")
forged = b64(json.dumps(claims(sub="admin"), separators=(",", ":")).encode())
case("payload-changed", f"{head}.{forged}.{sig}", {"error": "access.token_signature"})
case("signature-stripped", f"{head}.{body}.", {"error": "access.token_signature"})
case("two-segments", f"{head}.{body}", {"error": "access.token_malformed"})
case("four-segments", f"{good}.x", {"error": "access.token_malformed"})
case("header-not-base64", f"!!.{body}.{sig}", {"error": "access.token_malformed"})
case("header-not-json", f"{b64(b'alg')}.{body}.{sig}", {"error": "access.token_malformed"})
case("empty", "", {"error": "access.token_malformed"})
case("scope-present", sign(RS, claims(scope="read write admin")), {"ok": True, "sub": "client-42", "scopes": ["read", "write", "admin"]},
     require_scope="admin")
case("scope-missing", sign(RS, claims()), {"ok": True, "sub": "client-42", "scopes": ["read", "write"], "scope_error": "access.token_missing_scope"},
     require_scope="admin")

doc = {
    "about": "Bearer-token validation (RFC 7519 claims, RFC 7515 signatures, RFC 7517 key sets) under halo_core::access rules. "
    "Tokens were signed offline with Python `cryptography` by tools/jwt_vectors.py; `now` is Unix seconds; `settings` configure the "
    "validator (`hs256_secret_hex` enables HS256 with that secret); `expect` is an error code or the subject and scopes, and "
    "`scope_error` the code of require_scope(`require_scope`).",
    "cases": cases,
}
out = pathlib.Path(__file__).resolve().parent.parent / "jwt-validation.json"
out.write_text(json.dumps(doc, indent=2) + "\n")
