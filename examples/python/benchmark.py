"""halo-core from Python against what Python users reach for today, on the
same data, printing operations per second and the ratio (halo-core's rate
over the peer's; above 1 means halo-core is faster). Not a test.

    pip install "pydantic>=2,<3" email-validator standardwebhooks cryptography
    (cd bindings-python && maturin develop --release)
    python examples/python/benchmark.py

Peers and what each comparison measures:

- webhook verification (Standard Webhooks, 1 KiB and 64 KiB bodies): the
  stdlib ``hmac`` doing only the HMAC and a constant-time compare, and the
  ``standardwebhooks`` package (header parsing, timestamp tolerance, HMAC).
  halo-core runs its full check list except the replay guard, which the
  peers do not have (``dangerous_without_replay_guard=True``).
- lead validation: a pydantic v2 model with the guide's lengths and phone
  pattern, its email checked by a regular expression (the target
  comparison) and by ``EmailStr`` (email-validator). halo-core also
  normalises (trims, collapses spaces, lowercases the domain, IDNA).
- log masking: a chain of ``re.sub`` calls for emails, phone numbers, card
  numbers, SSNs and bearer tokens against ``Masker.mask_text`` (which also
  checks card numbers with Luhn and masks JWTs, URL credentials and
  ``key=value`` secrets).
- field encryption (64-byte values): ``cryptography``'s AESGCM with a
  random nonce and the field name as associated data against
  ``FieldCipher.encrypt_field`` (which also writes the ``hc1.`` envelope in
  base64), and both decryptions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import platform
import re
import time
from typing import Callable, Optional

from halo_core import FieldCipher, LeadSchema, Masker, Provider, Signature, WebhookVerifier

ROUNDS = 15
BUDGET = 0.06
# The guide's phone pattern, and a plain email shape for the regex model.
PHONE_PATTERN = r"^\+?[\d\s\-\(\)]+$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def best_rates(count: int, *runs: Callable[[], object]) -> list[float]:
    """Operations per second of each of ``runs`` (``count`` operations per
    run): the best of ROUNDS timed rounds of about BUDGET s each. The runs
    take turns round by round, so that a busy spell of a shared machine
    falls on all of them rather than on whichever was being timed."""
    repeats = []
    for run in runs:
        run()
        start = time.perf_counter()
        run()
        once = max(time.perf_counter() - start, 1e-9)
        repeats.append(max(1, int(BUDGET / once)))
    best = [float("inf")] * len(runs)
    for _ in range(ROUNDS):
        for i, (run, repeat) in enumerate(zip(runs, repeats)):
            start = time.perf_counter()
            for _ in range(repeat):
                run()
            best[i] = min(best[i], (time.perf_counter() - start) / repeat)
    return [count / b for b in best]


ROWS: list[tuple[str, str, float, float]] = []


def compare(what: str, peer: str, ours: float, theirs: float) -> None:
    ROWS.append((what, peer, ours, theirs))


def webhooks() -> None:
    from standardwebhooks import Webhook

    secret_bytes = bytes(range(32))
    secret = "whsec_" + base64.b64encode(secret_bytes).decode()
    verifier = WebhookVerifier(
        Provider(Signature("standard_webhooks", [secret])), dangerous_without_replay_guard=True
    )
    peer = Webhook(secret)
    for size, label in ((1024, "1 KiB"), (64 * 1024, "64 KiB")):
        body = (b'{"event":"lead.created","data":"' + b"x" * size)[:size - 2] + b'"}'
        now = int(time.time())
        msg_id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
        mac = hmac.new(secret_bytes, f"{msg_id}.{now}.".encode() + body, hashlib.sha256)
        signature = "v1," + base64.b64encode(mac.digest()).decode()
        headers = [("webhook-id", msg_id), ("webhook-timestamp", str(now)),
                   ("webhook-signature", signature)]
        header_map = dict(headers)
        n = 200

        def ours() -> None:
            for _ in range(n):
                verifier.verify(body, headers)

        def stdlib() -> None:
            for _ in range(n):
                h = header_map
                expected = hmac.new(
                    secret_bytes,
                    f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + body,
                    hashlib.sha256,
                ).digest()
                given = base64.b64decode(h["webhook-signature"].split(",", 1)[1])
                if not hmac.compare_digest(expected, given):
                    raise ValueError("mismatch")

        def standard() -> None:
            for _ in range(n):
                peer.verify(body, header_map)

        rate, stdlib_rate, standard_rate = best_rates(n, ours, stdlib, standard)
        compare(f"webhook verify {label}", "stdlib hmac", rate, stdlib_rate)
        compare(f"webhook verify {label}", "standardwebhooks", rate, standard_rate)


def leads() -> None:
    from pydantic import BaseModel, EmailStr, Field


    class RegexLead(BaseModel):
        first_name: str = Field(min_length=1, max_length=50)
        last_name: str = Field(min_length=1, max_length=50)
        email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
        phone: Optional[str] = Field(default=None, pattern=PHONE_PATTERN)
        company: str = Field(min_length=1, max_length=100)
        title: Optional[str] = Field(default=None, max_length=100)

    class EmailLead(BaseModel):
        first_name: str = Field(min_length=1, max_length=50)
        last_name: str = Field(min_length=1, max_length=50)
        email: EmailStr
        phone: Optional[str] = Field(default=None, pattern=PHONE_PATTERN)
        company: str = Field(min_length=1, max_length=100)
        title: Optional[str] = Field(default=None, max_length=100)

    data = [
        {
            "first_name": f"Ada{i}",
            "last_name": "Lovelace",
            "email": f"ada{i}@example.com",
            "phone": "+44 20 7946 0000",
            "company": "Analytical Engines",
            "title": "Engineer",
        }
        for i in range(1000)
    ]
    schema = LeadSchema()
    ours, regex, email = best_rates(
        len(data),
        lambda: [schema.validate(d) for d in data],
        lambda: [RegexLead(**d) for d in data],
        lambda: [EmailLead(**d) for d in data],
    )
    compare("lead validation", "pydantic v2, regex email", ours, regex)
    compare("lead validation", "pydantic v2, EmailStr", ours, email)


def masking() -> None:
    chain = [
        (re.compile(r"[\w.+-]+@([\w-]+\.[\w.-]+)"), r"***@\1"),
        (re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[CARD]"),
        (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[SSN]"),
        (re.compile(r"\+?\d[\d\s().-]{7,}\d"), "[PHONE]"),
        (re.compile(r"(?i)bearer\s+[\w.~+/-]+=*"), "Bearer [REDACTED]"),
    ]

    def resub(line: str) -> str:
        for pattern, replacement in chain:
            line = pattern.sub(replacement, line)
        return line

    lines = [
        f"sync lead {i}: email=jane.doe{i}@example.com phone=+1 415 555 {i % 10000:04} "
        f"card 4111 1111 1111 1111 ssn 123-45-6789 auth Bearer abc.def{i} status=ok"
        if i % 2
        else f"GET /api/Opportunities status=200 rows={i} duration_ms=12 route=/api/Client"
        for i in range(1000)
    ]
    masker = Masker.default()
    ours, peer = best_rates(len(lines), lambda: [masker.mask_text(line) for line in lines],
                            lambda: [resub(line) for line in lines])
    compare("log masking (1 000 lines, half with PII)", "re.sub chain", ours, peer)


def encryption() -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = bytes(range(32))
    cipher = FieldCipher({"k1": base64.b64encode(key).decode()})
    aead = AESGCM(key)
    value = b"v" * 64
    n = 1000

    def ours_encrypt() -> None:
        for _ in range(n):
            cipher.encrypt_field("email", "record-1", value)

    def peer_encrypt() -> None:
        for _ in range(n):
            aead.encrypt(os.urandom(12), value, b"email|record-1")

    envelope = cipher.encrypt_field("email", "record-1", value)
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, value, b"email|record-1")

    def ours_decrypt() -> None:
        for _ in range(n):
            cipher.decrypt_field("email", "record-1", envelope)

    def peer_decrypt() -> None:
        for _ in range(n):
            aead.decrypt(nonce, sealed, b"email|record-1")

    compare("encrypt 64 B field", "cryptography AESGCM", *best_rates(n, ours_encrypt, peer_encrypt))
    compare("decrypt 64 B field", "cryptography AESGCM", *best_rates(n, ours_decrypt, peer_decrypt))


def main() -> None:
    load = os.getloadavg()[0]
    webhooks()
    leads()
    masking()
    encryption()
    print(f"| {'operation':<42} | {'peer':<26} | {'halo-core ops/s':>15} | "
          f"{'peer ops/s':>12} | {'ratio':>6} |")
    print(f"|{'-' * 44}|{'-' * 28}|{'-' * 17}|{'-' * 14}|{'-' * 8}|")
    for what, peer, ours, theirs in ROWS:
        print(f"| {what:<42} | {peer:<26} | {ours:>15,.0f} | {theirs:>12,.0f} | "
              f"{ours / theirs:>5.2f}x |")
    print(f"CPython {platform.python_version()}, {os.cpu_count()} CPUs, 1-minute load average "
          f"{load:.2f} before and {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
