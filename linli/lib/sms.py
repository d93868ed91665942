"""Sending SMS through a pluggable backend (settings.SMS_BACKEND).

The default backend writes each message to the log, so nothing needs an outside account.
A real gateway implements `send(phone, text)` in its own class and is named in the setting.
"""

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from linli.lib.masking import mask_phone

logger = logging.getLogger("linli.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class MemorySmsBackend:
    """Keeps messages in `outbox`, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


@cache
def _backend(path: str) -> SmsBackend:
    backend: SmsBackend = import_string(path)()
    return backend


def send_sms(phone: str, text: str) -> None:
    _backend(settings.SMS_BACKEND).send(phone, text)
