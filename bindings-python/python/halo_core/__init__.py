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
    BlindIndex,
    Config,
    FieldCipher,
    Finding,
    Problem,
    Provider,
    Signature,
    SubjectKeys,
    Verified,
    WebhookSigner,
    WebhookVerifier,
    __version__,
)
from halo_core.errors import (
    ConfigError,
    CryptoError,
    CryptoInputError,
    HaloCoreError,
    WebhookError,
    WebhookInputError,
)

__all__ = [
    "BlindIndex",
    "Config",
    "ConfigError",
    "CryptoError",
    "CryptoInputError",
    "FieldCipher",
    "Finding",
    "HaloCoreError",
    "Problem",
    "Provider",
    "Signature",
    "SubjectKeys",
    "Verified",
    "WebhookError",
    "WebhookInputError",
    "WebhookSigner",
    "WebhookVerifier",
    "__version__",
]
