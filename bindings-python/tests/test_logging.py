"""MaskingFilter through real logging handlers writing to a stream and a
file."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Iterator

import pytest

from halo_core import Config, Masker
from halo_core.logging import MaskingFilter

EMAIL = "jane.doe@example.com"
CARD = "4111 1111 1111 1111"


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    log = logging.getLogger(f"halo-test-{id(object())}")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    yield log
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()


def stream_handler(log: logging.Logger, masking: MaskingFilter) -> io.StringIO:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(masking)
    log.addHandler(handler)
    return out


def test_args_and_template_are_masked(logger: logging.Logger) -> None:
    out = stream_handler(logger, MaskingFilter())
    logger.info("lead %s paid with %s", EMAIL, CARD)
    logger.warning(f"inline {EMAIL} in the template")
    logger.info("count=%d ok", 3)
    text = out.getvalue()
    assert EMAIL not in text and CARD not in text and "jane.doe" not in text
    assert "example.com" in text, "the guide's email rule keeps the domain"
    assert "1111 1111 1111" not in text
    assert "INFO count=3 ok" in text, "text without personal data is untouched"
    assert len(text.splitlines()) == 3


def test_tracebacks_are_masked_in_a_file(logger: logging.Logger, tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(MaskingFilter())
    logger.addHandler(handler)
    try:
        raise ValueError(f"bad lead {EMAIL}")
    except ValueError:
        logger.exception("sync failed for %s", EMAIL)
    logger.info("stack", stack_info=True, extra={"note": "x"})
    handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "ValueError: bad lead" in text
    assert EMAIL not in text
    assert "Stack (most recent call last)" in text


def test_a_configured_masker_and_name_filtering(logger: logging.Logger) -> None:
    config = Config.from_json('{"security": {"data_masking": {"enabled": true}}}')
    masking = MaskingFilter(Masker(config), name=logger.name)
    out = stream_handler(logger, masking)
    logger.info("token=%s", "abc123supersecretvalue")
    other = logging.LogRecord("elsewhere", logging.INFO, __file__, 1, EMAIL, None, None)
    assert masking.filter(other) is False, "records of other loggers are filtered out"
    assert "abc123supersecretvalue" not in out.getvalue()
    assert isinstance(masking, logging.Filter)
