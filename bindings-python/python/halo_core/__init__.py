"""halo-core: the security and integration core for connecting B2B lead
sources to HaloPSA, from Python.

Everything starts from one configuration document in the format of the
security guide::

    from halo_core import Config

    config = Config.from_path("halo-core.json")
    for finding in config.posture():
        print(finding.severity, finding.code, finding.path)

    masker = Masker(config)
    print(masker.mask_text("login jane@example.com password=hunter2"))
"""

from halo_core._native import Config, Detection, Finding, Masker, Problem, __version__
from halo_core.errors import ConfigError, HaloCoreError, MaskingError

__all__ = [
    "Config",
    "ConfigError",
    "Detection",
    "Finding",
    "HaloCoreError",
    "Masker",
    "MaskingError",
    "Problem",
    "__version__",
]
