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
    ApiKeyStore,
    BlindIndex,
    Config,
    Decision,
    FieldCipher,
    Finding,
    Grant,
    ManualClock,
    MemoryOtpStore,
    MfaPolicy,
    OneTimeCodes,
    Policy,
    Problem,
    RateDecision,
    RateLimiter,
    RecoveryCodes,
    Rule,
    SubjectKeys,
    TokenValidator,
    Totp,
    ValidatedToken,
    VerifiedKey,
    client_ip,
    __version__,
)
from halo_core.errors import (
    AccessError,
    AccessSettingsError,
    ConfigError,
    CryptoError,
    CryptoInputError,
    HaloCoreError,
    RateLimitError,
    RateLimitValueError,
)

__all__ = [
    "AccessError",
    "AccessSettingsError",
    "ApiKeyStore",
    "BlindIndex",
    "Config",
    "ConfigError",
    "CryptoError",
    "CryptoInputError",
    "Decision",
    "FieldCipher",
    "Finding",
    "Grant",
    "HaloCoreError",
    "ManualClock",
    "MemoryOtpStore",
    "MfaPolicy",
    "OneTimeCodes",
    "Policy",
    "Problem",
    "RateDecision",
    "RateLimitError",
    "RateLimitValueError",
    "RateLimiter",
    "RecoveryCodes",
    "Rule",
    "SubjectKeys",
    "TokenValidator",
    "Totp",
    "ValidatedToken",
    "VerifiedKey",
    "client_ip",
    "__version__",
]
