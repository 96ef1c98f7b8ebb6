"""The Flask and FastAPI webhook receivers of examples/python, each served
by a real server (werkzeug, uvicorn) on a loopback port and sent signed
deliveries over HTTP: the body they verify is the bytes on the wire."""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import logging
import secrets
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

import pytest
import uvicorn
from werkzeug.serving import make_server

from halo_core import Config, WebhookSigner

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"
CONFIG = EXAMPLES.parent / "config" / "halo-core.json"
USER_AGENT = "Apollo-Webhook/1.0"
PERSON = {
    "id": "apollo-000042",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada.lovelace@northwind.example",
    "title": "CTO",
    "organization": {"name": "Northwind"},
}


def example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"halo_core_examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


FLASK = example("flask_receiver")
FASTAPI = example("fastapi_receiver")


@contextlib.contextmanager
def werkzeug_server(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@contextlib.contextmanager
def uvicorn_server(app: Any) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


RECEIVERS: dict[str, tuple[ModuleType, Callable[[Any], Any]]] = {
    "flask": (FLASK, werkzeug_server),
    "fastapi": (FASTAPI, uvicorn_server),
}


@pytest.fixture(scope="module")
def setup() -> tuple[Config, dict[str, str]]:
    """The bundled configuration with loopback as an allowed sender, and a
    fresh secret for it."""
    document = json.loads(CONFIG.read_text(encoding="utf-8"))
    document["security"]["webhooks"]["validation"]["ip_whitelist"].append("127.0.0.1/32")
    env = {"APOLLO_WEBHOOK_SECRET": base64.b64encode(secrets.token_bytes(32)).decode()}
    return Config.from_json(json.dumps(document)), env


@pytest.fixture(params=sorted(RECEIVERS))
def receiver(request: pytest.FixtureRequest, setup: tuple[Config, dict[str, str]]) -> Iterator[str]:
    """The URL of the receiver's endpoint, served until the test ends."""
    module, serve = RECEIVERS[request.param]
    config, env = setup
    with serve(module.create_app(config, env)) as base:
        yield f"{base}/webhooks/apollo"


@pytest.fixture
def signer(setup: tuple[Config, dict[str, str]]) -> WebhookSigner:
    config, env = setup
    return WebhookSigner.from_config(config, None, env)


def post(url: str, body: bytes, headers: list[tuple[str, str]]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST")
    for name, value in headers + [("User-Agent", USER_AGENT), ("Content-Type", "application/json")]:
        if not request.has_header(name.capitalize()):
            request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def person_body(**changes: Any) -> bytes:
    return json.dumps({**PERSON, **changes}).encode()


def test_valid_delivery_is_accepted_then_its_replay_refused(receiver: str, signer: WebhookSigner) -> None:
    body = person_body()
    headers = signer.sign(body)

    assert post(receiver, body, headers) == (202, {"dedupe_key": "ada.lovelace@northwind.example"})
    assert post(receiver, body, headers) == (409, {"error": "webhook.replayed"})


def test_tampered_body_is_refused_with_401_and_its_code(receiver: str, signer: WebhookSigner) -> None:
    body = person_body()
    headers = signer.sign(body)
    tampered = body.replace(b"ada.lovelace@", b"eve@")

    assert post(receiver, tampered, headers) == (401, {"error": "webhook.signature_mismatch"})
    # The genuine delivery still goes through: the refusal claimed nothing.
    assert post(receiver, body, headers)[0] == 202


def test_the_raw_bytes_are_verified_not_a_reserialised_document(
    receiver: str, signer: WebhookSigner
) -> None:
    # Spacing and key order that json.dumps would not reproduce.
    body = b'{ "email" : "grace@navy.example",\n  "first_name":"Grace", "last_name":"Hopper",' \
           b' "organization": {"name": "US Navy"}, "id": "apollo-7" }'
    assert post(receiver, body, signer.sign(body)) == (202, {"dedupe_key": "grace@navy.example"})


def test_other_refusals_carry_the_core_status(receiver: str, signer: WebhookSigner) -> None:
    body = person_body(id="apollo-000043")
    headers = signer.sign(body)

    assert post(receiver, body, []) == (400, {"error": "webhook.missing_header"})
    assert post(receiver, body, [("X-Webhook-Signature", "not hex")]) == (
        400, {"error": "webhook.malformed_header"})
    assert post(receiver, body, headers + [("User-Agent", "curl/8")]) == (
        403, {"error": "webhook.user_agent_rejected"})


def test_a_verified_delivery_with_an_invalid_lead_is_422(receiver: str, signer: WebhookSigner) -> None:
    body = person_body(id="apollo-000044", email="not-an-address")
    status, answer = post(receiver, body, signer.sign(body))
    assert status == 422 and answer["error"] == "lead.invalid"
    assert {"field": "email", "code": "lead.email_invalid"}.items() <= answer["violations"][0].items()

    status, answer = post(receiver, b"[1, 2", signer.sign(b"[1, 2"))
    assert (status, answer["error"]) == (422, "json.syntax")


def test_logs_are_masked(receiver: str, signer: WebhookSigner, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="halo_core.examples")
    body = person_body(id="apollo-000045")
    assert post(receiver, body, signer.sign(body))[0] == 202
    assert post(receiver, body.replace(b"Ada", b"Eve"), signer.sign(body))[0] == 401

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("halo_core.examples")]
    accepted = [line for line in lines if line.startswith("lead accepted")]
    assert len(accepted) == 1 and "@northwind.example" in accepted[0]
    assert "ada.lovelace@" not in accepted[0]
    assert "delivery refused code=webhook.signature_mismatch status=401" in lines
    assert not any("ada.lovelace@" in line for line in caplog.text.splitlines())


@pytest.mark.parametrize("name", sorted(RECEIVERS))
def test_self_test_of_each_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    module, _ = RECEIVERS[name]
    config, env = module.load(CONFIG, self_test=True)
    assert module.self_test(config, env)
    printed = capsys.readouterr().out.split("\n")
    assert [line.split()[:2] for line in printed if line] == [
        ["genuine", "202"], ["replayed", "409"], ["tampered", "401"]]
