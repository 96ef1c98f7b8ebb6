"""A Flask endpoint receiving lead webhooks through halo-core.

    python examples/python/flask_receiver.py [--port N] [--config PATH] [--self-test]

POST /webhooks/apollo: the delivery is rate-limited per client address,
verified on its raw body bytes (the configuration's signature scheme,
timestamp tolerance, sender networks, user agent and replay guard), mapped
from Apollo's person record, validated, and logged through
``halo_core.logging.MaskingFilter``. The answer is 202 with the lead's
de-duplication key; a refused delivery gets the status the core maps its
error to (``WebhookError.status``: 401 for a bad signature, 409 for a
replay, ...) and ``{"error": code}``; a lead that does not validate gets 422.

Secrets come from the environment variables the configuration names
(APOLLO_WEBHOOK_SECRET in the bundled one). With ``--self-test`` it
generates that secret when unset, adds 127.0.0.1 to the configuration's
sender allow-list, serves on a free loopback port, sends itself one signed
delivery, its replay and a tampered copy, prints the answers and exits.

Needs ``pip install flask`` beside halo_core. The development server below
is for trying it out; run the app under a production WSGI server.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import secrets
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterable, Mapping

from flask import Flask, Response, request
from werkzeug.serving import make_server

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
# What the server reads at all; the verifier then applies the provider's own
# limit (1 MiB unless the configuration says otherwise).
MAX_BODY_BYTES = 1024 * 1024

log = logging.getLogger("halo_core.examples.flask_receiver")


def create_app(config: Config, secret_env: Mapping[str, str]) -> Flask:
    """The receiver for ``config``, its secrets read from ``secret_env``."""
    verifier = WebhookVerifier.from_config(config, secret_env)
    limiter = RateLimiter.from_config(config)
    schema = LeadSchema(unknown_fields="strip")
    mask_logs(log, Masker(config, env=secret_env))

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.errorhandler(413)
    def too_large(_: Exception) -> Response:
        return reply({"error": "webhook.body_too_large"}, 413)

    @app.post("/webhooks/apollo")
    def apollo() -> Response:
        ip = request.remote_addr
        decision = limiter.check("webhooks", ip or "unknown", ip=ip,
                                 user_agent=request.headers.get("User-Agent"))
        if not decision.allowed:
            return reply({"error": "ratelimit.limited"}, 429, decision.headers)

        # The bytes as sent: a signature covers them, not a re-serialised
        # JSON document.
        body = request.get_data(cache=False)
        try:
            delivery = verifier.verify(body, request.headers, ip)
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


def mask_logs(logger: logging.Logger, masker: Masker) -> None:
    """Masks every record of ``logger`` before any handler sees it (a
    filter on the logger, replacing one an earlier app put there)."""
    for old in [f for f in logger.filters if isinstance(f, MaskingFilter)]:
        logger.removeFilter(old)
    logger.addFilter(MaskingFilter(masker))


def reply(payload: Any, status: int, headers: Iterable[tuple[str, str]] = ()) -> Response:
    response = Response(json.dumps(payload), status=status, mimetype="application/json")
    for name, value in headers:
        response.headers[name] = value
    return response


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


def self_test(config: Config, secret_env: Mapping[str, str]) -> bool:
    """Serves the app on a free loopback port and sends it a genuine
    delivery, its replay and a tampered copy: 202, 409 and 401 expected."""
    server = make_server("127.0.0.1", 0, create_app(config, secret_env), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/webhooks/apollo"
    try:
        signer = WebhookSigner.from_config(config, None, secret_env)
        person = {"id": "apollo-000001", "first_name": "Ada", "last_name": "Lovelace",
                  "email": "ada@northwind.example", "organization": {"name": "Northwind"}}
        body = json.dumps(person).encode()
        headers = dict(signer.sign(body)) | {"User-Agent": USER_AGENT,
                                             "Content-Type": "application/json"}
        tampered = body.replace(b"ada@", b"eve@")
        statuses = [post(url, what, payload, headers) for what, payload in
                    [("genuine", body), ("replayed", body), ("tampered", tampered)]]
    finally:
        server.shutdown()
        thread.join()
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
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--config", type=Path, default=BUNDLED)
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    config, secret_env = load(args.config, self_test=args.self_test)
    if args.self_test:
        return 0 if self_test(config, secret_env) else 1
    if not secret_env[SECRET_ENV]:
        parser.error(f"set {SECRET_ENV} (or run with --self-test)")
    print(f"listening on :{args.port}, POST /webhooks/apollo")
    make_server("0.0.0.0", args.port, create_app(config, secret_env), threaded=True).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
