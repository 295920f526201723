"""Send connector address spaces, ``[Type:]AddressSpace[;Cost]``, read as New-SendConnector
documents them (exchange-facts 4.1, S9). Pure: no scope, no I/O."""

from __future__ import annotations

import re

from linter.domain.names import connector_name_problem
from linter.values import dataclass


@dataclass(frozen=True)
class AddressSpace:
    """One ``[Type:]AddressSpace[;Cost]`` entry of a send connector, read as New-SendConnector
    documents it; ``problem`` says why it is not valid (None when it is)."""

    type: str  # "SMTP" when no type is written
    space: str
    cost: int | None
    problem: str | None

    @property
    def is_smtp(self) -> bool:
        return self.type.lower() == "smtp"


_ADDRESS_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def parse_address_space(entry: str) -> AddressSpace:
    """Split and check one address space. Only SMTP spaces are checked in depth: their domain
    follows RFC 1035 (``*``, ``*.com``, ``*.contoso.com``; not ``*contoso.com``) and the cost is
    a whole number from 1 to 100. Other types (X400 and the like) have their own syntax, which
    exolint does not read beyond the type."""
    text = entry.strip()
    kind, colon, rest = text.partition(":")
    if not colon:
        kind, rest = "SMTP", text
    kind = kind.strip()
    if not _ADDRESS_TYPE.match(kind):
        return AddressSpace(kind, rest, None, f"has the type {kind!r}, not an address type")
    if kind.lower() != "smtp":
        return AddressSpace(kind, rest.strip(), None, None)
    space, semicolon, cost_text = rest.partition(";")
    space = space.strip()
    cost: int | None = 1
    if semicolon:
        digits = cost_text.strip()
        cost = int(digits) if digits.isascii() and digits.isdigit() else None
        if cost is None or not 1 <= cost <= 100:
            shown = f"cost {digits!r}" if digits else "an empty cost"
            return AddressSpace(kind, space, None, f"has {shown}, not a whole number from 1 to 100")
    if not space:
        return AddressSpace(kind, space, cost, "has no address space")
    problem = None if space == "*" else connector_name_problem(space)
    return AddressSpace(kind, space, cost, f"has the domain {space!r}: {problem}" if problem else None)
