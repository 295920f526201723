"""Two definitions of one Exchange object in one scope: Exchange holds one object per identity.

A plain ``import`` followed by ``import --split`` into the same folder leaves every connector
twice; a copied file leaves one. The identity is what ``-Identity`` takes: the Name of a
connector, relay host or transport server, ``Server\\Name`` of a receive connector, the
Thumbprint of an Exchange certificate. Names compare as Exchange compares them, without regard
to case; a server written by its Name and by its Fqdn is one server when a TransportServer
definition gives both. Tenants (EX013) and accepted domains (EX304) have rules of their own.
"""

from __future__ import annotations

from linter import ids
from linter.load.locate import span
from linter.model import UNNAMED, Location, Object, Problem
from linter.objects.definitions import label_of

IDENTIFIED_BY = {
    "InboundConnector": ("Name",),
    "OutboundConnector": ("Name",),
    "SendConnector": ("Name",),
    "ReceiveConnector": ("Server", "Name"),
    "ExchangeCertificate": ("Thumbprint",),
    "TransportServer": ("Name",),
    "RelayHost": ("Name",),
}


def duplicate_identities(objects: list[Object]) -> list[Problem]:
    """EX015 for every definition after the first of one identity, the first as related."""
    servers = _server_names(objects)
    first: dict[tuple[str, ...], Object] = {}
    problems: list[Problem] = []
    for obj in objects:
        key = _key(obj, servers)
        if key is None:
            continue
        earlier = first.setdefault(key, obj)
        if earlier is obj:
            continue
        pointer = (IDENTIFIED_BY[obj.kind][-1],)
        where = span(obj.document, obj.raw_pointer(pointer))
        at = span(earlier.document, earlier.raw_pointer(pointer))
        message = (
            f"{label_of(obj)} is defined again: {earlier.path}:{at.line} defines it already, and Exchange "
            f"holds one object per identity, so the repository says two things about one object; keep one "
            "definition and merge what the two say (a plain import and an import --split into one folder "
            "leave both)"
        )
        related = (Location.at(earlier.path, at, "the first definition"),)
        problems.append(
            Problem(ids.DUPLICATE_IDENTITY, obj.path, where, message, obj, pointer, related=related)
        )
    return problems


def _key(obj: Object, servers: dict[str, str]) -> tuple[str, ...] | None:
    names = IDENTIFIED_BY.get(obj.kind)
    if names is None or obj.identity == UNNAMED:
        return None
    parts: list[str] = [obj.kind]
    for name in names:
        value = obj.get(name)
        if not isinstance(value, str) or not value.strip():
            return None  # a receive connector without Server: which server's is not known
        text = "".join(value.split()) if name == "Thumbprint" else value.strip()
        text = text.lower()
        parts.append(servers.get(text, text) if name == "Server" else text)
    return tuple(parts)


def _server_names(objects: list[Object]) -> dict[str, str]:
    """Every name of a TransportServer (Name, Fqdn) -> one of them, lower-cased."""
    found: dict[str, str] = {}
    for obj in objects:
        if obj.kind != "TransportServer":
            continue
        names = [str(obj.get(p, "")).strip().lower() for p in ("Name", "Fqdn")]
        names = [n for n in names if n]
        for name in names:
            found.setdefault(name, names[0])
    return found
