"""Every entry of an IP list is a form Exchange Online accepts (IPv4, single or CIDR /24-/32)."""

from __future__ import annotations

from collections.abc import Iterator

from linter.checks.params import ONE_PROPERTY, one_property
from linter.model import Hit, Object
from linter.scopes import Scope

PARAMS = ONE_PROPERTY
prepare = one_property


def check(name: str, obj: Object, scope: Scope) -> Iterator[Hit]:
    from linter.ips import SenderIPError, parse_sender_ip

    value = obj.get(name)
    for index, entry in enumerate(value if isinstance(value, list) else []):
        try:
            parse_sender_ip(str(entry))
        except SenderIPError as exc:
            yield Hit(
                (name, index),
                f"{name} entry {entry!r}: {exc}",
                {"value": entry, "reason": exc.reason, "reason_text": str(exc)},
            )
