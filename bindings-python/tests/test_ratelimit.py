"""The rate limiter through the Python binding, driven by the shared vectors
in tests/vectors/ratelimit/."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from halo_core import (
    Config,
    HaloCoreError,
    ManualClock,
    RateLimiter,
    RateLimitValueError,
    Rule,
    client_ip,
)

import vectors

START = timedelta(milliseconds=1_700_000_000_000)
GCRA = [(i, c) for i, c in vectors.cases("ratelimit") if "client_ip.json" not in i]
CLIENT_IP = [(i, c) for i, c in vectors.cases("ratelimit") if "client_ip.json" in i]


def test_vectors_are_present() -> None:
    assert len(GCRA) >= 10 and len(CLIENT_IP) >= 10


@pytest.mark.parametrize("case", [c for _, c in GCRA], ids=[i for i, _ in GCRA])
def test_gcra_vector(case: dict) -> None:
    config = Config.from_json(json.dumps(case.get("config", {})))
    clock = ManualClock(START)
    if "build_error" in case:
        with pytest.raises(RateLimitValueError) as caught:
            RateLimiter.from_config(config, clock=clock)
        assert caught.value.code == case["build_error"]
        return
    limiter = RateLimiter.from_config(config, clock=clock)
    for i, step in enumerate(case["steps"]):
        clock.set(START + timedelta(milliseconds=step["at_ms"]))
        key = "k" * step["key_repeat"] if "key_repeat" in step else step.get("key", "client")
        for _ in range(step.get("repeat", 1)):
            if "error" in step:
                with pytest.raises(HaloCoreError) as caught:
                    limiter.check(case["rule"], key, ip=step.get("ip"), user_agent=step.get("user_agent"))
                assert caught.value.code == step["error"], i
                continue
            decision = limiter.check(case["rule"], key, ip=step.get("ip"), user_agent=step.get("user_agent"))
            assert decision.kind == step["decision"], (i, decision)
            if "remaining" in step:
                assert decision.remaining == step["remaining"], i
            if "reset_ms" in step:
                assert decision.reset == timedelta(milliseconds=step["reset_ms"]), i
            if "retry_after_ms" in step:
                assert decision.retry_after == timedelta(milliseconds=step["retry_after_ms"]), i
            if "headers" in step:
                assert dict(decision.headers) == step["headers"], i


@pytest.mark.parametrize("case", [c for _, c in CLIENT_IP], ids=[i for i, _ in CLIENT_IP])
def test_client_ip_vector(case: dict) -> None:
    headers = [tuple(h) for h in case["headers"]]
    found = client_ip(case["remote"], headers, case["trusted"], case["header"])
    assert str(found) == case["expect"]


def test_rules_in_code_and_blocks() -> None:
    clock = ManualClock(START)
    limiter = RateLimiter(
        {"api": Rule.per_minute(100).with_burst(2).with_block(timedelta(minutes=15))},
        exempt_networks=["10.0.0.0/8"],
        clock=clock,
    )
    assert limiter.rule_names == ["api"]
    assert limiter.check("api", "k").allowed
    assert limiter.check("api", "k").allowed
    blocked = limiter.check("api", "k")
    assert blocked.kind == "blocked" and not blocked.allowed
    assert blocked.retry_after == timedelta(minutes=15)
    assert blocked.until is not None
    assert limiter.check("api", "k", ip="10.1.1.1").kind == "exempt"
    assert limiter.is_exempt(ip="10.2.2.2")


def test_bad_input_is_a_value_error_with_a_code() -> None:
    with pytest.raises(ValueError) as caught:
        RateLimiter({"a": Rule.per_minute(0)})
    assert isinstance(caught.value, HaloCoreError)
    assert caught.value.code == "ratelimit.invalid_rule"
    with pytest.raises(ValueError):
        RateLimiter({"a": Rule.per_minute(1)}, failure_mode="sideways")
    with pytest.raises(ValueError):
        client_ip("10.0.0.1", [], ["10.0.0.0/8"], "x-real-ip")


def test_rule_properties() -> None:
    rule = Rule(10, timedelta(minutes=1)).with_burst(5)
    assert rule == Rule.per_minute(10).with_burst(5)
    assert rule.emission_interval == timedelta(seconds=6)
    assert rule.burst == 5 and rule.block is None
