"""The lead pipeline, end to end, through the Python binding: the same job as
the Rust ``lead-pipeline`` example.

    python examples/python/lead_pipeline.py [--leads N] [--faults] [--config PATH]
                                            [--out DIR] [--role ROLE]

Signed webhook deliveries of Apollo-style person records arrive (some
tampered with, some replayed, some from a sender that floods), are verified
and rate-limited per sender, validated and normalised, logged masked,
stored encrypted with a blind index of the email, checked against the
acting role's permission to ``data.sync``, synced into HaloPSA, and recorded
in the audit trail, which is verified at the end.

It starts the sandbox in process unless ``HALO_BASE_URL``,
``HALO_CLIENT_ID`` and ``HALO_CLIENT_SECRET`` name a real tenant. Secrets
the configuration references through environment variables that are not set
are generated for the run, and the at-rest keys (a KMS in the example
configuration) are fresh in-memory keys: this is a demonstration. One
difference from the Rust program: the audit trail's details are masked but
not encrypted, because the Python ``AuditLog`` takes a cipher only from a
configuration whose keys it can read.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

from halo_core import (
    AuditLog,
    BlindIndex,
    Config,
    FieldCipher,
    HaloClient,
    Lead,
    LeadSchema,
    LeadSync,
    LeadValidationError,
    Masker,
    Policy,
    RateLimiter,
    SyncReport,
    ValidLead,
    WebhookError,
    WebhookSigner,
    WebhookVerifier,
    verify,
)
from halo_core.logging import MaskingFilter
from halo_core.testing import FaultPlan, Sandbox

BUNDLED = Path(__file__).resolve().parents[1] / "config" / "halo-core.json"
USER_AGENT = "Apollo-Webhook/1.0"
FLOOD = 130
FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia",
         "Ken", "Margaret", "Dennis"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus"]
COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Wingtip", "Litware", "Proseware",
             "Adventure Works", "Woodgrove"]
TITLES = ["CTO", "IT Manager", "Head of Operations", "CISO", "Founder"]
STORE_CONTEXT = "lead-store"

log = logging.getLogger("lead-pipeline")


@dataclass
class Delivery:
    remote: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Intake:
    received: int = 0
    rate_limited: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    accepted: list[dict[str, str]] = field(default_factory=list)


def env_refs(value: Any) -> Iterator[str]:
    """Every ``{"env": NAME}`` secret reference in a configuration document."""
    if isinstance(value, dict):
        if set(value) == {"env"} and isinstance(value["env"], str):
            yield value["env"]
        for item in value.values():
            yield from env_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from env_refs(item)


def demo_secrets(document: Any) -> tuple[dict[str, str], list[str]]:
    """The environment, plus 32 random bytes (base64) for every referenced
    variable it does not set."""
    values: dict[str, str] = {}
    generated = []
    for name in env_refs(document):
        if name in os.environ:
            values[name] = os.environ[name]
        elif name not in values:
            values[name] = base64.b64encode(secrets.token_bytes(32)).decode()
            generated.append(name)
    return values, generated


def domain_of(n: int) -> str:
    return COMPANIES[n % len(COMPANIES)].lower().replace(" ", "-") + ".example"


def person(n: int) -> dict[str, Any]:
    """Person ``n`` shaped like Apollo's records: every 20th has an invalid
    email, every 25th repeats the previous person's email in upper case."""
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    domain = domain_of(n)
    if n % 20 == 19:
        email = f"{first.lower()}.{n}.at.{domain}"
    elif n % 25 == 24:
        earlier = n - 1
        email = f"{FIRST[earlier % len(FIRST)].upper()}.{earlier}@{domain_of(earlier)}"
    else:
        email = f"{first.lower()}.{n}@{domain}"
    return {
        "id": f"apollo-{n:06}",
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}",
        "email": email,
        "email_status": "verified",
        "title": TITLES[n % len(TITLES)],
        "city": "Springfield",
        "country": "United States",
        "organization": {
            "name": COMPANIES[n % len(COMPANIES)],
            "website_url": f"https://{domain}",
            "primary_domain": domain,
        },
        "phone_numbers": [
            {
                "raw_number": f"+1 (415) 555-{n % 10_000:04}",
                "sanitized_number": f"+1415555{n % 10_000:04}",
                "type_cd": "work_direct",
            }
        ],
    }


def deliveries(signer: WebhookSigner, count: int, flood: int, now: int) -> list[Delivery]:
    """Every 33rd tampered, every 29th replayed, the last ``flood`` from one
    sender."""
    out = []
    for n in range(count):
        body = json.dumps(person(n)).encode()
        delivery_id = f"dlv_{n:06}"
        headers = signer.sign(body, id=delivery_id, timestamp=now)
        headers += [("User-Agent", USER_AGENT), ("X-Delivery-Id", delivery_id)]
        remote = f"192.0.2.{(250 if n + flood >= count else n % 40) % 254 + 1}"
        tampered = n % 33 == 32
        if tampered:
            raw = bytearray(body)
            raw[-4] ^= 0x01
            body = bytes(raw)
        out.append(Delivery(remote, headers, body))
        if n % 29 == 28 and not tampered:
            out.append(Delivery(remote, headers, body))
    return out


def receive(config: Config, env: dict[str, str], batch: list[Delivery], audit: AuditLog) -> Intake:
    verifier = WebhookVerifier.from_config(config, env)
    limiter = RateLimiter.from_config(config)
    intake = Intake()
    for delivery in batch:
        intake.received += 1
        decision = limiter.check("webhooks", delivery.remote, ip=delivery.remote,
                                 user_agent=USER_AGENT)
        if decision.kind in ("limited", "blocked"):
            intake.rate_limited += 1
            refuse(audit, delivery, "ratelimit.limited")
            continue
        try:
            verifier.verify(delivery.body, delivery.headers, delivery.remote)
        except WebhookError as err:
            intake.refused[err.code] += 1
            log.warning("delivery refused: %s", err.code)
            refuse(audit, delivery, err.code)
            continue
        try:
            intake.accepted.append(Lead.from_apollo(json.loads(delivery.body)))
        except LeadValidationError as err:
            intake.invalid[err.code] += 1
    return intake


def refuse(audit: AuditLog, delivery: Delivery, code: str) -> None:
    audit.record("security", "webhook_refused", outcome="denied", resource="webhooks",
                 source_ip=delivery.remote, user_agent=USER_AGENT, details={"code": code})


def start_target(faults: bool) -> tuple[HaloClient, Sandbox | None]:
    tenant = [os.environ.get(n) for n in ("HALO_BASE_URL", "HALO_CLIENT_ID", "HALO_CLIENT_SECRET")]
    if all(tenant):
        base, client_id, secret = tenant
        assert base and client_id and secret
        return HaloClient(base_url=base, client_id=client_id, client_secret=secret), None
    # The sandbox enforces Halo's default fair-use limit, and the client
    # paces to the same limit, as against a real tenant.
    sandbox = Sandbox(rate_limit=(500, timedelta(seconds=180)))
    if faults:
        sandbox.set_fault_plan(FaultPlan.mixed(8, seed=2026))
    client = sandbox.client(
        rate_limit=(500, timedelta(seconds=180)), max_attempts=10,
        retry_base_delay=timedelta(milliseconds=50), retry_max_delay=timedelta(milliseconds=800),
    )
    return client, sandbox


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=500)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--config", type=Path, default=BUNDLED)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--role", default="operator")
    args = parser.parse_args()
    if not 1 <= args.leads <= 1_000_000:
        parser.error("--leads takes a number from 1 to 1000000")
    started = time.monotonic()

    document = json.loads(args.config.read_text(encoding="utf-8"))
    config = Config.from_json(json.dumps(document))
    env, generated = demo_secrets(document)
    out = args.out or Path(tempfile.gettempdir()) / f"halo-core-pipeline-py-{int(time.time() * 1000)}"
    out.mkdir(parents=True, exist_ok=True)
    masker = Masker(config, env=env)
    log_path = out / "pipeline.log"
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.addFilter(MaskingFilter(masker))
    logging.basicConfig(level=logging.INFO, handlers=[handler])

    print(f"configuration  {args.config}")
    if generated:
        print(f"demo secrets   generated for {', '.join(generated)}")

    signer = WebhookSigner.from_config(config, None, env)
    batch = deliveries(signer, args.leads, min(FLOOD, args.leads), int(time.time()))
    audit_dir = out / "audit"
    chain_key = env["HALO_AUDIT_CHAIN_KEY"]
    # One fsync per 64 entries (and at each flush): a batch job's trade.
    audit = AuditLog(audit_dir, chain_key, fsync=64)
    intake = receive(config, env, batch, audit)

    schema = LeadSchema()
    leads: list[ValidLead] = []
    for lead in intake.accepted:
        try:
            valid = schema.validate(lead)
        except LeadValidationError as err:
            for violation in err.violations:
                intake.invalid[violation.code] += 1
            continue
        log.info("lead accepted email=%s phone=%s", valid.email, valid.phone or "")
        leads.append(valid)

    key = base64.b64encode(secrets.token_bytes(32)).decode()
    cipher = FieldCipher({"demo-1": key}, fields=list(
        document["security"]["encryption"]["at_rest"]["encrypted_fields"]))
    blind = BlindIndex(base64.b64encode(secrets.token_bytes(32)).decode(), 16)
    store_path = out / "leads.jsonl"
    with store_path.open("w", encoding="utf-8") as store:
        for lead in leads:
            sealed = cipher.encrypt_record(STORE_CONTEXT, lead.to_dict())
            sealed["email_bidx"] = blind.index("email", lead.dedupe_key)
            store.write(json.dumps(sealed) + "\n")
    found = not leads or find_email(store_path, leads[0].email, cipher, blind) == leads[0].email

    decision = Policy.from_config(config).decide([args.role], "data.sync")
    grant = decision.granted_by if decision.allowed else None
    audit.record("security", "authorize", actor=args.role, resource="data.sync",
                 outcome="success" if grant else "denied",
                 details={"granted_by": f"{grant.role}:{grant.permission}"} if grant else None)
    if grant is None:
        audit.flush()
        print(f"access         role `{args.role}` may not `data.sync`: nothing synced")
        return 1

    client, sandbox = start_target(args.faults)
    sync = LeadSync(client, clients=True, masker=masker, audit=audit)
    report = sync.sync(leads)
    second = sync.sync(leads)
    audit.flush()
    trail = verify(audit_dir, chain_key)
    text = log_path.read_text(encoding="utf-8")
    raw_emails = sum(1 for lead in leads if lead.email in text)

    summary(intake, report, second, sandbox, len(leads), found, raw_emails)
    print(f"at rest        {store_path} (keys of this run: the configuration's are in a KMS)")
    print(f"masked log     {log_path}")
    state = "verified intact" if trail.intact else "DAMAGED"
    print(f"audit trail    {audit_dir}: {trail.entries} entries in {trail.segments} segment(s), "
          f"{state}")
    print(f"access         role `{args.role}` may `data.sync` through `{grant.permission}` of "
          f"role `{grant.role}`")
    print(f"elapsed        {time.monotonic() - started:.2f} s")
    if sandbox is not None:
        sandbox.stop()
    ok = not report.failed and second.created == 0 and raw_emails == 0 and found and trail.intact
    return 0 if ok else 1


def find_email(path: Path, email: str, cipher: FieldCipher, blind: BlindIndex) -> str | None:
    """The stored lead with ``email``, found by its blind index and decrypted."""
    wanted = blind.index("email", email.lower())
    with path.open(encoding="utf-8") as store:
        for line in store:
            sealed = json.loads(line)
            if sealed.get("email_bidx") == wanted:
                return cipher.decrypt_record(STORE_CONTEXT, sealed).get("email")
    return None


def summary(intake: Intake, report: SyncReport, second: SyncReport, sandbox: Sandbox | None,
            stored: int, found: bool, raw_emails: int) -> None:
    def codes(counts: Counter[str]) -> str:
        return ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"

    rows = [
        ("deliveries received", intake.received),
        ("rate limited (per sender)", intake.rate_limited),
        ("refused", sum(intake.refused.values())),
        ("leads invalid", sum(intake.invalid.values())),
        ("leads stored encrypted", stored),
        ("duplicates in input", len(report.duplicates)),
        ("opportunities created", report.created),
        ("opportunities updated", report.updated),
        ("opportunities unchanged", report.unchanged),
        ("clients created", report.clients_created),
        ("sync failures", len(report.failed)),
        ("creates reconciled", report.reconciled),
        ("halo requests (retries)", f"{report.requests} ({report.retries})"),
        ("second run: created", second.created),
        ("raw emails in the log", raw_emails),
    ]
    print()
    print(f"{'step':<28} {'count':>8}")
    print("-" * 60)
    for name, value in rows:
        print(f"{name:<28} {value!s:>8}")
    print("-" * 60)
    print(f"refused by     {codes(intake.refused)}")
    print(f"invalid by     {codes(intake.invalid)}")
    where = f"sandbox at {sandbox.base_url}" if sandbox else "the tenant at HALO_BASE_URL"
    print(f"halopsa        {where}")
    print("blind index    " + ("lead found by email without decrypting the store" if found
                               else "lookup FAILED"))


if __name__ == "__main__":
    sys.exit(main())
