"""halo-core: the security and integration core for connecting B2B lead
sources to HaloPSA, from Python.

Everything starts from one configuration document in the format of the
security guide::

    from halo_core import Config

    config = Config.from_path("halo-core.json")
    for finding in config.posture():
        print(finding.severity, finding.code, finding.path)
"""

from halo_core._native import (
    Config,
    Finding,
    ManualClock,
    Problem,
    RateDecision,
    RateLimiter,
    Rule,
    __version__,
    client_ip,
)
from halo_core.errors import ConfigError, HaloCoreError, RateLimitError, RateLimitValueError

__all__ = [
    "Config",
    "ConfigError",
    "Finding",
    "HaloCoreError",
    "ManualClock",
    "Problem",
    "RateDecision",
    "RateLimitError",
    "RateLimitValueError",
    "RateLimiter",
    "Rule",
    "__version__",
    "client_ip",
]
