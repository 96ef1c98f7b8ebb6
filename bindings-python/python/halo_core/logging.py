"""Masking for the standard ``logging`` module.

:class:`MaskingFilter` masks every record that passes through it with a
:class:`halo_core.Masker` (the guide's policy unless another is given)::

    import logging
    from halo_core.logging import MaskingFilter

    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())
    logging.getLogger("leads").addHandler(handler)

What it does to a record: the message is formatted first (``msg % args``),
then masked as one text, so personal data is found whether it was in the
template or in an argument; ``msg`` becomes the masked text and ``args``
becomes empty, so later handlers and formatters see only masked text. A
formatted traceback (``exc_text``) and ``stack_info`` are masked too.

What it does not do: fields added with ``extra=`` are left alone (mask them
with :meth:`Masker.mask_record` before logging), and a filter on a logger
only sees records logged through that logger, not those of its children;
attach it to handlers to cover everything they write.
"""

from __future__ import annotations

import logging

from halo_core import Masker

__all__ = ["MaskingFilter"]


class MaskingFilter(logging.Filter):
    """A ``logging.Filter`` that masks each record's message and arguments,
    and its traceback text. It never drops a record (beyond the standard
    ``name`` filtering of ``logging.Filter``)."""

    masker: Masker

    def __init__(self, masker: Masker | None = None, name: str = "") -> None:
        super().__init__(name)
        self.masker = masker if masker is not None else Masker.default()

    def filter(self, record: logging.LogRecord) -> bool:
        if not super().filter(record):
            return False
        mask = self.masker.mask_text
        record.msg = mask(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
