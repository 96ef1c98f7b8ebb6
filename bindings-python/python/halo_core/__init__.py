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
    Detection,
    FieldCipher,
    Finding,
    Grant,
    ManualClock,
    Masker,
    MemoryOtpStore,
    MfaPolicy,
    OneTimeCodes,
    Policy,
    Problem,
    Provider,
    RateDecision,
    RateLimiter,
    RecoveryCodes,
    Rule,
    Signature,
    SubjectKeys,
    TokenValidator,
    Totp,
    ValidatedToken,
    Verified,
    VerifiedKey,
    WebhookSigner,
    WebhookVerifier,
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
    MaskingError,
    RateLimitError,
    RateLimitValueError,
    WebhookError,
    WebhookInputError,
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
    "Detection",
    "FieldCipher",
    "Finding",
    "Grant",
    "HaloCoreError",
    "ManualClock",
    "Masker",
    "MaskingError",
    "MemoryOtpStore",
    "MfaPolicy",
    "OneTimeCodes",
    "Policy",
    "Problem",
    "Provider",
    "RateDecision",
    "RateLimitError",
    "RateLimitValueError",
    "RateLimiter",
    "RecoveryCodes",
    "Rule",
    "Signature",
    "SubjectKeys",
    "TokenValidator",
    "Totp",
    "ValidatedToken",
    "Verified",
    "VerifiedKey",
    "WebhookError",
    "WebhookInputError",
    "WebhookSigner",
    "WebhookVerifier",
    "client_ip",
    "__version__",
]
