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
    CsvMapping,
    FieldCipher,
    Finding,
    Lead,
    LeadSchema,
    Outcome,
    Problem,
    SubjectKeys,
    ValidLead,
    Violation,
    __version__,
)
from halo_core.errors import (
    ConfigError,
    CryptoError,
    CryptoInputError,
    HaloCoreError,
    LeadValidationError,
)

__all__ = [
    "BlindIndex",
    "Config",
    "ConfigError",
    "CryptoError",
    "CryptoInputError",
    "CsvMapping",
    "FieldCipher",
    "Finding",
    "HaloCoreError",
    "Lead",
    "LeadSchema",
    "LeadValidationError",
    "Outcome",
    "Problem",
    "SubjectKeys",
    "ValidLead",
    "Violation",
    "__version__",
]
