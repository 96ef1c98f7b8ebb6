"""A FastAPI endpoint receiving lead webhooks through halo-core.

    python examples/python/fastapi_receiver.py [--port N] [--config PATH] [--self-test]

POST /webhooks/apollo: the delivery is rate-limited per client address,
verified on its raw body bytes (the configuration's signature scheme,
timestamp tolerance, sender networks, user agent and replay guard), mapped
from Apollo's person record, validated, and logged through
``halo_core.logging.MaskingFilter``. The answer is 202 with the lead's
de-duplication key; a refused delivery gets the status the core maps its
error to (``WebhookError.status``: 401 for a bad signature, 409 for a
replay, ...) and ``{"error": code}``; a lead that does not validate gets 422.

The handler reads the body itself rather than declaring a pydantic model:
a model would hand it a parsed and re-serialisable document, and a
signature covers the bytes that were sent. It verifies inline on the event
loop, which costs microseconds for a webhook-sized body (the verifier lets
go of the GIL for large ones).

Secrets come from the environment variables the configuration names
(APOLLO_WEBHOOK_SECRET in the bundled one). With ``--self-test`` it
generates that secret when unset, adds 127.0.0.1 to the configuration's
sender allow-list, serves on a free loopback port with uvicorn, sends itself
one signed delivery, its replay and a tampered copy, prints the answers and
exits.

Needs ``pip install fastapi uvicorn`` beside halo_core.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import secrets
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterable, Mapping

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from halo_core import (
    Config,
    Lead,
    LeadSchema,
    LeadValidationError,
    Masker,
    RateLimiter,
    WebhookError,
    WebhookSigner,
    WebhookVerifier,
)
from halo_core.logging import MaskingFilter

BUNDLED = Path(__file__).resolve().parents[1] / "config" / "halo-core.json"
SECRET_ENV = "APOLLO_WEBHOOK_SECRET"
USER_AGENT = "Apollo-Webhook/1.0"
# What is read at all; the verifier then applies the provider's own limit
# (1 MiB unless the configuration says otherwise).
MAX_BODY_BYTES = 1024 * 1024

log = logging.getLogger("halo_core.examples.fastapi_receiver")


def create_app(config: Config, secret_env: Mapping[str, str]) -> FastAPI:
    """The receiver for ``config``, its secrets read from ``secret_env``."""
    verifier = WebhookVerifier.from_config(config, secret_env)
    limiter = RateLimiter.from_config(config)
    schema = LeadSchema(unknown_fields="strip")
    mask_logs(log, Masker(config, env=secret_env))

    app = FastAPI()

    @app.post("/webhooks/apollo", status_code=202)
    async def apollo(request: Request) -> JSONResponse:
        ip = request.client.host if request.client else None
        decision = limiter.check("webhooks", ip or "unknown", ip=ip,
                                 user_agent=request.headers.get("user-agent"))
        if not decision.allowed:
            return reply({"error": "ratelimit.limited"}, 429, decision.headers)

        body = await read_body(request, MAX_BODY_BYTES)
        if body is None:
            return reply({"error": "webhook.body_too_large"}, 413)
        try:
            # The ASGI header list as received: (bytes, bytes) pairs, which
            # the verifier reads without copying.
            delivery = verifier.verify(body, request.headers.raw, ip)
        except WebhookError as err:
            log.warning("delivery refused code=%s status=%d", err.code, err.status)
            return reply({"error": err.code}, err.status)

        try:
            lead = schema.validate(Lead.from_apollo(json.loads(body)))
        except LeadValidationError as err:
            log.info("lead refused code=%s", err.code)
            violations = [v.to_dict() for v in err.violations]
            return reply({"error": err.code, "violations": violations}, 422)
        except ValueError:
            log.info("lead refused code=json.syntax")
            return reply({"error": "json.syntax", "violations": []}, 422)
        log.info("lead accepted email=%s delivery=%s", lead.email, delivery.id)
        return reply({"dedupe_key": lead.dedupe_key}, 202)

    return app


async def read_body(request: Request, limit: int) -> bytes | None:
    """The raw body, or ``None`` as soon as it passes ``limit`` bytes."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def mask_logs(logger: logging.Logger, masker: Masker) -> None:
    """Masks every record of ``logger`` before any handler sees it (a
    filter on the logger, replacing one an earlier app put there)."""
    for old in [f for f in logger.filters if isinstance(f, MaskingFilter)]:
        logger.removeFilter(old)
    logger.addFilter(MaskingFilter(masker))


def reply(payload: Any, status: int, headers: Iterable[tuple[str, str]] = ()) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers=dict(headers))


def load(path: Path, *, self_test: bool) -> tuple[Config, dict[str, str]]:
    """The configuration and the secrets it references. For the self-test,
    loopback is an allowed sender and a missing secret is generated."""
    document = json.loads(path.read_text(encoding="utf-8"))
    secret_env = {SECRET_ENV: os.environ.get(SECRET_ENV, "")}
    if self_test:
        document["security"]["webhooks"]["validation"]["ip_whitelist"].append("127.0.0.1/32")
        if not secret_env[SECRET_ENV]:
            secret_env[SECRET_ENV] = base64.b64encode(secrets.token_bytes(32)).decode()
    return Config.from_json(json.dumps(document)), secret_env


class Serving:
    """uvicorn serving ``app`` on a free loopback port in a thread, until
    the ``with`` block ends."""

    def __init__(self, app: FastAPI) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def __enter__(self) -> Serving:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join()
        self.socket.close()


def self_test(config: Config, secret_env: Mapping[str, str]) -> bool:
    """Sends the app a genuine delivery, its replay and a tampered copy:
    202, 409 and 401 expected."""
    with Serving(create_app(config, secret_env)) as serving:
        url = f"{serving.url}/webhooks/apollo"
        signer = WebhookSigner.from_config(config, None, secret_env)
        person = {"id": "apollo-000001", "first_name": "Ada", "last_name": "Lovelace",
                  "email": "ada@northwind.example", "organization": {"name": "Northwind"}}
        body = json.dumps(person).encode()
        headers = dict(signer.sign(body)) | {"User-Agent": USER_AGENT,
                                             "Content-Type": "application/json"}
        tampered = body.replace(b"ada@", b"eve@")
        statuses = [post(url, what, payload, headers) for what, payload in
                    [("genuine", body), ("replayed", body), ("tampered", tampered)]]
    return statuses == [202, 409, 401]


def post(url: str, what: str, body: bytes, headers: Mapping[str, str]) -> int:
    req = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            status, text = int(response.status), response.read().decode()
    except urllib.error.HTTPError as err:
        status, text = int(err.code), err.read().decode()
    print(f"{what:<10} {status} {text}")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--config", type=Path, default=BUNDLED)
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    config, secret_env = load(args.config, self_test=args.self_test)
    if args.self_test:
        return 0 if self_test(config, secret_env) else 1
    if not secret_env[SECRET_ENV]:
        parser.error(f"set {SECRET_ENV} (or run with --self-test)")
    uvicorn.run(create_app(config, secret_env), host="0.0.0.0", port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
