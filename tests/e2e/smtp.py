"""A real SMTP server for the tests that read the emails Ayni sends."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any


class MaildirSink:
    """An aiosmtpd handler that writes each message it accepts to its own .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        path = self.directory / f"{next(self.counter):04d}.eml"
        path.write_bytes(envelope.original_content or b"")
        return "250 OK"
