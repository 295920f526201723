"""The definition schemas in ``schemas/<kind>.schema.json``: shape, documented facts, examples.

Each schema must be a valid draft 2020-12 schema, follow the house rules (``kind`` const,
identity required, unknown keys refused, every property described), carry defaults that are
themselves valid, accept realistic definitions and refuse broken ones at the right place.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
EXOLINT = "exolint property (not a cmdlet parameter): "
CERT_NAME = "<I>CN=GeoTrust TLS DV RSA Mixed SHA256 2020 CA-1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com"
THUMBPRINT = "78E1BE82F683EE6D8CB9B9266FC1185AE0890C41"
HCW_GUID = "4f2c1a9e-7b3d-4e8a-9c61-2d5f0b7e8a13"

# file stem -> (kind, identity properties in the order `required` lists them after "kind")
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tenant": ("Tenant", ("Name",)),
    "accepted-domain": ("AcceptedDomain", ("DomainName",)),
    "inbound-connector": ("InboundConnector", ("Name",)),
    "outbound-connector": ("OutboundConnector", ("Name",)),
    "send-connector": ("SendConnector", ("Name",)),
    "receive-connector": ("ReceiveConnector", ("Name", "Server")),
    "exchange-certificate": ("ExchangeCertificate", ("Thumbprint",)),
    "transport-server": ("TransportServer", ("Name",)),
    "relay-host": ("RelayHost", ("Name",)),
}

# Properties that are exolint's own, not cmdlet parameters: their descriptions say so.
EXOLINT_PROPERTIES: dict[str, set[str]] = {
    "tenant": {"kind", "Name", "Comment"},
    "accepted-domain": {"kind"},
    "inbound-connector": {"kind"},
    "outbound-connector": {"kind"},
    "send-connector": {"kind"},
    "receive-connector": {"kind"},
    "exchange-certificate": {"kind", "File", "Servers"},
    "transport-server": {"kind", "ExternalIPAddresses"},
    "relay-host": {"kind", "Name", "Comment", "ExternalIPAddresses", "File", "MailFromDomains"},
}


@functools.cache
def load(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{stem}.schema.json").read_text("utf-8"))
    return data


@functools.cache
def validator(stem: str) -> Draft202012Validator:
    return Draft202012Validator(load(stem))


def problems(stem: str, obj: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str, str]]:
    """(instance path, failing keyword, message) of every error, sorted by path."""
    found = [
        (tuple(error.absolute_path), str(error.validator), error.message)
        for error in validator(stem).iter_errors(obj)
    ]
    return sorted(found, key=lambda p: [str(part) for part in p[0]])


def kebab(kind: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in kind).lstrip("-")


def minimal(stem: str) -> dict[str, Any]:
    """The smallest valid object of a kind."""
    kind, identity = KINDS[stem]
    obj: dict[str, Any] = {"kind": kind}
    for name in identity:
        obj[name] = THUMBPRINT if name == "Thumbprint" else "x"
    return obj


def all_properties() -> list[tuple[str, str]]:
    return [(stem, name) for stem in KINDS for name in load(stem)["properties"]]


# --------------------------------------------------------------------------- shape of each file


@pytest.mark.parametrize("stem", KINDS)
def test_valid_against_metaschema(stem: str) -> None:
    schema = load(stem)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert validator_for(schema) is Draft202012Validator
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("stem", KINDS)
def test_header(stem: str) -> None:
    schema = load(stem)
    assert schema["$id"] == f"https://exolint.dev/schemas/{stem}.schema.json"
    assert isinstance(schema["title"], str) and schema["title"].strip()
    assert isinstance(schema["description"], str) and schema["description"].strip()


@pytest.mark.parametrize("stem", KINDS)
def test_kind_identity_and_closed_object(stem: str) -> None:
    kind, identity = KINDS[stem]
    schema = load(stem)
    assert kebab(kind) == stem
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["kind", *identity]
    assert schema["properties"]["kind"]["const"] == kind
    for name in identity:
        prop = schema["properties"][name]
        assert prop["type"] == "string"
        assert prop.get("minLength", 0) >= 1 or "pattern" in prop, name


@pytest.mark.parametrize(("stem", "name"), all_properties())
def test_every_property_has_a_one_line_description(stem: str, name: str) -> None:
    description = load(stem)["properties"][name].get("description")
    assert isinstance(description, str) and description.strip()
    assert "\n" not in description


@pytest.mark.parametrize("stem", KINDS)
def test_each_key_is_spelled_once(stem: str) -> None:
    # The engine matches keys case-insensitively, so two spellings of one key would collide.
    names = [name.lower() for name in load(stem)["properties"]]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("stem", KINDS)
def test_no_invented_description_property(stem: str) -> None:
    assert "description" not in {name.lower() for name in load(stem)["properties"]}


@pytest.mark.parametrize("stem", KINDS)
def test_exolint_properties_are_documented_as_such(stem: str) -> None:
    properties = load(stem)["properties"]
    marked = {n for n, p in properties.items() if p["description"].startswith(EXOLINT)}
    assert marked == EXOLINT_PROPERTIES[stem]


@pytest.mark.parametrize(("stem", "name"), all_properties())
def test_multivalued_properties_are_plain_arrays(stem: str, name: str) -> None:
    # The engine wraps a scalar into a one-item list when the schema says "array", so an array
    # property must be only an array, with its items described.
    prop = load(stem)["properties"][name]
    types = prop.get("type")
    if types == "array":
        assert prop["items"].get("type") == "string"
    else:
        assert "array" not in (types if isinstance(types, list) else [types])
        assert "items" not in prop


@pytest.mark.parametrize(
    ("stem", "name"),
    [(stem, name) for stem, name in all_properties() if "default" in load(stem)["properties"][name]],
)
def test_default_is_valid_for_its_property(stem: str, name: str) -> None:
    prop = load(stem)["properties"][name]
    Draft202012Validator(prop).validate(prop["default"])
    assert problems(stem, {**minimal(stem), name: prop["default"]}) == []


# --------------------------------------------------------------------------- documented facts

SPELLINGS = [
    ("inbound-connector", "TlsSenderCertificateName"),
    ("inbound-connector", "SenderIPAddresses"),
    ("inbound-connector", "RequireTls"),
    ("inbound-connector", "RestrictDomainsToIPAddresses"),
    ("inbound-connector", "CloudServicesMailEnabled"),
    ("inbound-connector", "EFSkipIPs"),
    ("outbound-connector", "UseMXRecord"),
    ("outbound-connector", "TlsSettings"),
    ("outbound-connector", "SmartHosts"),
    ("send-connector", "RequireTLS"),
    ("send-connector", "DNSRoutingEnabled"),
    ("send-connector", "IgnoreSTARTTLS"),
    ("send-connector", "TlsAuthLevel"),
    ("send-connector", "TlsCertificateName"),
    ("send-connector", "SourceTransportServers"),
    ("send-connector", "AddressSpaces"),
    ("send-connector", "SmartHosts"),
    ("send-connector", "ConnectionInactivityTimeOut"),
    ("receive-connector", "RequireTLS"),
    ("receive-connector", "TlsDomainCapabilities"),
    ("receive-connector", "TlsCertificateName"),
    ("receive-connector", "ConnectionInactivityTimeout"),
    ("receive-connector", "RemoteIPRanges"),
    ("accepted-domain", "DomainName"),
    ("accepted-domain", "MatchSubDomains"),
    ("exchange-certificate", "Thumbprint"),
]


@pytest.mark.parametrize(("stem", "name"), SPELLINGS)
def test_cmdlet_spelling(stem: str, name: str) -> None:
    assert name in load(stem)["properties"]


DEFAULTS = [
    ("inbound-connector", "Enabled", True),
    ("inbound-connector", "RequireTls", True),
    ("inbound-connector", "RestrictDomainsToCertificate", False),
    ("inbound-connector", "RestrictDomainsToIPAddresses", False),
    ("inbound-connector", "TreatMessagesAsInternal", False),
    ("inbound-connector", "EFSkipLastIP", False),
    ("inbound-connector", "ConnectorSource", "Default"),
    ("outbound-connector", "Enabled", True),
    ("outbound-connector", "UseMXRecord", True),
    ("outbound-connector", "AllAcceptedDomains", False),
    ("outbound-connector", "RouteAllMessagesViaOnPremises", False),
    ("outbound-connector", "SenderRewritingEnabled", False),
    ("outbound-connector", "IsTransportRuleScoped", False),
    ("outbound-connector", "TestMode", False),
    ("outbound-connector", "MtaStsMode", "Opportunistic"),
    ("outbound-connector", "SmtpDaneMode", "Opportunistic"),
    ("outbound-connector", "TlsSettings", None),
    ("accepted-domain", "DomainType", "Authoritative"),
    ("accepted-domain", "MatchSubDomains", False),
    ("accepted-domain", "OutboundOnly", False),
    ("send-connector", "DNSRoutingEnabled", True),
    ("send-connector", "RequireTLS", False),
    ("send-connector", "IgnoreSTARTTLS", False),
    ("send-connector", "Enabled", True),
    ("send-connector", "Port", 25),
    ("send-connector", "ConnectorType", "Default"),
    ("send-connector", "Usage", "Custom"),
    ("receive-connector", "RequireTLS", False),
    ("receive-connector", "Enabled", True),
    ("receive-connector", "ProtocolLoggingLevel", "None"),
]


@pytest.mark.parametrize(("stem", "name", "value"), DEFAULTS)
def test_documented_default(stem: str, name: str, value: Any) -> None:
    prop = load(stem)["properties"][name]
    assert "default" in prop
    assert prop["default"] == value and type(prop["default"]) is type(value)


def enum_of(stem: str, name: str) -> list[Any]:
    prop = load(stem)["properties"][name]
    values: list[Any] = prop["items"]["enum"] if prop.get("type") == "array" else prop["enum"]
    return values


ENUMS = [
    ("inbound-connector", "ConnectorType", ["Partner", "OnPremises"]),
    ("inbound-connector", "ConnectorSource", ["Default", "HybridWizard", "Migrated", "AdminUI"]),
    ("outbound-connector", "ConnectorType", ["Partner", "OnPremises"]),
    ("outbound-connector", "ConnectorSource", ["Default", "HybridWizard", "Migrated", "AdminUI"]),
    (
        "outbound-connector",
        "TlsSettings",
        ["EncryptionOnly", "CertificateValidation", "DomainValidation", None],
    ),
    ("outbound-connector", "MtaStsMode", ["Opportunistic", "None"]),
    ("outbound-connector", "SmtpDaneMode", ["Opportunistic", "Mandatory", "None"]),
    ("accepted-domain", "DomainType", ["Authoritative", "InternalRelay", "ExternalRelay"]),
    ("send-connector", "ConnectorType", ["Default", "XPremises"]),
    ("send-connector", "TlsAuthLevel", ["EncryptionOnly", "CertificateValidation", "DomainValidation"]),
    ("send-connector", "ProtocolLoggingLevel", ["None", "Verbose"]),
    ("send-connector", "Usage", ["Custom", "Internal", "Internet", "Partner"]),
    ("receive-connector", "ProtocolLoggingLevel", ["None", "Verbose"]),
    ("receive-connector", "TransportRole", ["FrontendTransport", "HubTransport"]),
    (
        "receive-connector",
        "AuthMechanism",
        [
            "None",
            "Tls",
            "Integrated",
            "BasicAuth",
            "BasicAuthRequireTLS",
            "ExchangeServer",
            "ExternalAuthoritative",
        ],
    ),
    (
        "receive-connector",
        "PermissionGroups",
        [
            "None",
            "AnonymousUsers",
            "ExchangeUsers",
            "ExchangeServers",
            "ExchangeLegacyServers",
            "Partners",
            "Custom",
        ],
    ),
    (
        "exchange-certificate",
        "Services",
        ["None", "Federation", "IIS", "IMAP", "POP", "SMTP", "UM", "UMCallRouter"],
    ),
]


@pytest.mark.parametrize(("stem", "name", "values"), ENUMS)
def test_documented_enum(stem: str, name: str, values: list[Any]) -> None:
    assert enum_of(stem, name) == values


# --------------------------------------------------------------------------- realistic objects

VALID: list[tuple[str, str, dict[str, Any]]] = [
    ("tenant", "initial domain", {"kind": "Tenant", "Name": "contoso.onmicrosoft.com"}),
    (
        "tenant",
        "with comment",
        {"kind": "Tenant", "Name": "fabrikam.onmicrosoft.com", "Comment": "MSP customer 0042"},
    ),
    (
        "accepted-domain",
        "cloud authoritative",
        {"kind": "AcceptedDomain", "DomainName": "contoso.com", "DomainType": "Authoritative"},
    ),
    (
        "accepted-domain",
        "HCW coexistence domain on-premises",
        {
            "kind": "AcceptedDomain",
            "DomainName": "contoso.mail.onmicrosoft.com",
            "Name": "contoso.mail.onmicrosoft.com",
            "DomainType": "Authoritative",
            "IsCoexistenceDomain": True,
            "AddressBookEnabled": True,
            "Default": False,
        },
    ),
    (
        "accepted-domain",
        "internal relay with subdomains",
        {
            "kind": "AcceptedDomain",
            "DomainName": "*.contoso.com",
            "DomainType": "InternalRelay",
            "MatchSubDomains": True,
            "OutboundOnly": False,
        },
    ),
    (
        "accepted-domain",
        "unused MOERA domain",
        {
            "kind": "AcceptedDomain",
            "DomainName": "contoso.onmicrosoft.com",
            "SendingToDomainDisabled": True,
            "SendingFromDomainDisabled": False,
        },
    ),
    (
        "accepted-domain",
        "external relay (a rule, not the schema, reports it in EXO)",
        {"kind": "AcceptedDomain", "DomainName": "partner.example", "DomainType": "ExternalRelay"},
    ),
    (
        "inbound-connector",
        "HCW inbound",
        {
            "kind": "InboundConnector",
            "Name": f"Inbound from {HCW_GUID}",
            "ConnectorType": "OnPremises",
            "ConnectorSource": "HybridWizard",
            "CloudServicesMailEnabled": True,
            "RequireTls": True,
            "SenderDomains": ["*"],
            "RestrictDomainsToIPAddresses": False,
            "TlsSenderCertificateName": "mail.contoso.com",
            "Enabled": True,
        },
    ),
    (
        "inbound-connector",
        "restricting partner connector",
        {
            "kind": "InboundConnector",
            "Name": "Contoso Inbound Secure Connector",
            "ConnectorType": "Partner",
            "ConnectorSource": "Default",
            "SenderDomains": ["*.contoso.com"],
            "SenderIPAddresses": ["192.168.0.1/25"],
            "RestrictDomainsToIPAddresses": True,
            "RestrictDomainsToCertificate": False,
            "RequireTls": True,
            "TlsSenderCertificateName": "*.contoso.com",
            "Comment": "Third-party filtering service",
        },
    ),
    (
        "inbound-connector",
        "enhanced filtering and legacy source",
        {
            "kind": "InboundConnector",
            "Name": "From Mimecast",
            "ConnectorType": "Partner",
            "ConnectorSource": "AdminUI",
            "SenderDomains": ["*"],
            "EFSkipLastIP": False,
            "EFSkipIPs": ["203.0.113.0/24", "198.51.100.1-198.51.100.20"],
            "EFUsers": ["user@contoso.mail.onmicrosoft.com"],
            "AssociatedAcceptedDomains": ["contoso.com"],
            "TreatMessagesAsInternal": False,
            "TrustedOrganizations": [],
        },
    ),
    ("inbound-connector", "name only", {"kind": "InboundConnector", "Name": "Minimal"}),
    (
        "outbound-connector",
        "HCW outbound",
        {
            "kind": "OutboundConnector",
            "Name": f"Outbound to {HCW_GUID}",
            "ConnectorType": "OnPremises",
            "ConnectorSource": "HybridWizard",
            "CloudServicesMailEnabled": True,
            "RecipientDomains": ["contoso.com", "contoso.ca"],
            "SmartHosts": ["mail.contoso.com"],
            "UseMXRecord": False,
            "TlsSettings": "DomainValidation",
            "TlsDomain": "mail.contoso.com",
            "RouteAllMessagesViaOnPremises": False,
            "IsTransportRuleScoped": False,
            "AllAcceptedDomains": False,
        },
    ),
    (
        "outbound-connector",
        "partner with transport security modes",
        {
            "kind": "OutboundConnector",
            "Name": "To Fabrikam",
            "ConnectorType": "Partner",
            "RecipientDomains": ["*.fabrikam.com"],
            "UseMXRecord": True,
            "TlsSettings": None,
            "MtaStsMode": "None",
            "SmtpDaneMode": "Mandatory",
            "SenderRewritingEnabled": False,
            "TestMode": True,
        },
    ),
    (
        "outbound-connector",
        "validation bookkeeping and a 64-character name",
        {
            "kind": "OutboundConnector",
            "Name": "N" * 64,
            "IsValidated": True,
            "LastValidationTimestamp": "2021-05-06 14:30:00z",
            "ValidationRecipients": ["postmaster@contoso.com"],
            "LinkForModifiedConnector": HCW_GUID,
            "SmartHosts": ["192.168.0.1/25", "10.10.1.1"],
        },
    ),
    (
        "send-connector",
        "HCW send connector",
        {
            "kind": "SendConnector",
            "Name": f"Outbound to Office 365 - {HCW_GUID}",
            "AddressSpaces": ["smtp:contoso.mail.onmicrosoft.com;1"],
            "DNSRoutingEnabled": True,
            "Fqdn": "mail.contoso.com",
            "RequireTLS": True,
            "IgnoreSTARTTLS": False,
            "TlsAuthLevel": "DomainValidation",
            "TlsDomain": "mail.protection.outlook.com",
            "CloudServicesMailEnabled": True,
            "TlsCertificateName": CERT_NAME,
            "SourceTransportServers": ["EX01", "EX02"],
        },
    ),
    (
        "send-connector",
        "relay to the internet through EXO",
        {
            "kind": "SendConnector",
            "Name": "To Internet via EOP",
            "AddressSpaces": ["*"],
            "SmartHosts": ["contoso-com.mail.protection.outlook.com"],
            "DNSRoutingEnabled": False,
            "CloudServicesMailEnabled": True,
            "Fqdn": "mail.contoso.com",
            "RequireTLS": True,
            "TlsAuthLevel": "CertificateValidation",
            "SmartHostAuthMechanism": "None",
            "Port": 25,
            "MaxMessageSize": "35 MB",
            "ConnectorType": "XPremises",
            "Usage": "Internet",
            "ProtocolLoggingLevel": "Verbose",
            "ErrorPolicies": ["DowngradeDnsFailures", "DowngradeCustomFailures"],
            "ConnectionInactivityTimeOut": "00:15:00",
            "Comment": "Managed in git",
        },
    ),
    (
        "send-connector",
        "edge connector with byte sizes",
        {
            "kind": "SendConnector",
            "Name": "EdgeSync - Default-First-Site-Name to Internet",
            "AddressSpaces": ["smtp:*;100"],
            "MaxMessageSize": 36700160,
            "SourceIPAddress": "0.0.0.0",
            "DomainSecureEnabled": True,
            "IsScopedConnector": False,
            "UseExternalDNSServersEnabled": True,
            "SmtpMaxMessagesPerConnection": 20,
            "Port": 0,
        },
    ),
    (
        "receive-connector",
        "HCW default frontend",
        {
            "kind": "ReceiveConnector",
            "Name": "Default Frontend EX01",
            "Server": "EX01",
            "TransportRole": "FrontendTransport",
            "Bindings": ["0.0.0.0:25", "[::]:25"],
            "RemoteIPRanges": ["0.0.0.0-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
            "AuthMechanism": ["Tls", "Integrated", "BasicAuth", "BasicAuthRequireTLS", "ExchangeServer"],
            "PermissionGroups": ["AnonymousUsers", "ExchangeServers", "ExchangeLegacyServers"],
            "TlsCertificateName": CERT_NAME,
            "TlsDomainCapabilities": ["mail.protection.outlook.com:AcceptCloudServicesMail"],
            "Fqdn": "EX01.contoso.com",
            "ProtocolLoggingLevel": "Verbose",
            "MaxMessageSize": "36 MB",
            "MaxInboundConnection": 5000,
            "MessageRateLimit": "Unlimited",
            "SizeEnabled": "Enabled",
            "ConnectionTimeout": "00:10:00",
            "Enabled": True,
        },
    ),
    (
        "receive-connector",
        "anonymous relay for devices",
        {
            "kind": "ReceiveConnector",
            "Name": "Relay - Scanners",
            "Server": "EX02",
            "Usage": "Custom",
            "TransportRole": "FrontendTransport",
            "Bindings": ["10.0.0.5:25"],
            "RemoteIPRanges": ["10.0.20.0/24", "10.0.30.15"],
            "PermissionGroups": ["AnonymousUsers"],
            "AuthMechanism": ["Tls"],
            "RequireTLS": False,
            "MaxInboundConnectionPerSource": "unlimited",
            "MaxProtocolErrors": 0,
            "MessageRateSource": "IPAddress",
            "ExtendedProtectionPolicy": "None",
            "Comment": "Floor printers",
        },
    ),
    (
        "exchange-certificate",
        "hybrid transport certificate",
        {
            "kind": "ExchangeCertificate",
            "Thumbprint": THUMBPRINT,
            "Services": ["IIS", "SMTP"],
            "Servers": ["EX01", "EX02"],
            "File": "certs/mail.contoso.com.cer",
            "FriendlyName": "mail.contoso.com 2025",
        },
    ),
    (
        "exchange-certificate",
        "lower-case thumbprint, no services",
        {"kind": "ExchangeCertificate", "Thumbprint": THUMBPRINT.lower(), "Services": ["None"]},
    ),
    (
        "transport-server",
        "mailbox server behind NAT",
        {
            "kind": "TransportServer",
            "Name": "EX01",
            "Fqdn": "EX01.contoso.local",
            "ExternalIPAddresses": ["203.0.113.10"],
        },
    ),
    (
        "relay-host",
        "multifunction printer",
        {
            "kind": "RelayHost",
            "Name": "Scanner 3rd floor",
            "ExternalIPAddresses": ["203.0.113.25"],
            "MailFromDomains": ["contoso.com"],
            "File": "../certs/scanner.pem",
            "Comment": "Relays through the OnPremises connector",
        },
    ),
    ("relay-host", "name only", {"kind": "RelayHost", "Name": "CRM app"}),
]


@pytest.mark.parametrize(
    ("stem", "obj"), [(stem, obj) for stem, _, obj in VALID], ids=[f"{s}: {c}" for s, c, _ in VALID]
)
def test_realistic_definition_is_valid(stem: str, obj: dict[str, Any]) -> None:
    assert problems(stem, obj) == []


@pytest.mark.parametrize("stem", KINDS)
def test_every_kind_has_valid_examples(stem: str) -> None:
    assert any(s == stem for s, _, _ in VALID)


# --------------------------------------------------------------------------- broken objects

PathT = tuple[str | int, ...]
Case = tuple[str, str, dict[str, Any], PathT, str, str]
_DELETE = object()


def bad(case: str, stem: str, path: PathT, keyword: str, text: str = "", **changes: Any) -> Case:
    """A minimal valid ``stem`` object with ``changes`` applied (``_DELETE`` removes a key), and
    the single error it must raise: instance path, failing keyword, text in the message."""
    obj = minimal(stem)
    for key, value in changes.items():
        if value is _DELETE:
            del obj[key]
        else:
            obj[key] = value
    return (case, stem, obj, path, keyword, text)


IN, OUT, AD = "inbound-connector", "outbound-connector", "accepted-domain"
SC, RC, EC = "send-connector", "receive-connector", "exchange-certificate"
ROOT: PathT = ()

# fmt: off
INVALID: list[Case] = [
    # InboundConnector
    bad("inbound wrong enum", IN, ("ConnectorType",), "enum", ConnectorType="Hybrid"),
    bad("inbound enum is case-sensitive", IN, ("ConnectorType",), "enum", ConnectorType="onpremises"),
    bad("inbound unknown ConnectorSource", IN, ("ConnectorSource",), "enum", ConnectorSource="Wizard"),
    bad("inbound boolean as string", IN, ("RequireTls",), "type", RequireTls="yes"),
    bad(
        "inbound list item of wrong type", IN, ("SenderIPAddresses", 1), "type",
        SenderIPAddresses=["203.0.113.0/24", 24],
    ),
    bad("inbound bare scalar where a list belongs", IN, ("SenderDomains",), "type", SenderDomains="*"),
    bad("inbound Description refused", IN, ROOT, "additionalProperties", "Description", Description="x"),
    bad(
        "inbound unknown property", IN, ROOT, "additionalProperties", "TlsSenderCertificate",
        TlsSenderCertificate="mail.contoso.com",
    ),
    bad("inbound missing identity", IN, ROOT, "required", "Name", Name=_DELETE),
    bad("inbound empty identity", IN, ("Name",), "minLength", Name=""),
    bad("inbound wrong kind", IN, ("kind",), "const", kind="InboundConnectors"),
    # OutboundConnector
    bad("outbound name of 65 characters", OUT, ("Name",), "maxLength", Name="N" * 65),
    bad("outbound TlsSettings value", OUT, ("TlsSettings",), "enum", TlsSettings="Opportunistic"),
    bad("outbound MtaStsMode value", OUT, ("MtaStsMode",), "enum", MtaStsMode="Enforce"),
    bad("outbound SmtpDaneMode case", OUT, ("SmtpDaneMode",), "enum", SmtpDaneMode="mandatory"),
    bad("outbound UseMXRecord as string", OUT, ("UseMXRecord",), "type", UseMXRecord="false"),
    bad(
        "outbound YAML timestamp, not a string", OUT, ("LastValidationTimestamp",), "type",
        LastValidationTimestamp=dt.datetime(2021, 5, 6, 14, 30),
    ),
    bad("outbound missing identity", OUT, ROOT, "required", "Name", Name=_DELETE),
    # AcceptedDomain
    bad("accepted DomainName of 257 chars", AD, ("DomainName",), "maxLength", DomainName="a" * 253 + ".com"),
    bad("accepted Name of 65 characters", AD, ("Name",), "maxLength", Name="n" * 65),
    bad("accepted DomainType value", AD, ("DomainType",), "enum", DomainType="Relay"),
    bad(
        "accepted missing DomainName", AD, ROOT, "required", "DomainName",
        DomainName=_DELETE, Name="contoso.com",
    ),
    bad("accepted domains have no Comment", AD, ROOT, "additionalProperties", "Comment", Comment="x"),
    # SendConnector
    bad("send port above range", SC, ("Port",), "maximum", Port=65536),
    bad("send port below range", SC, ("Port",), "minimum", Port=-1),
    bad("send port as string", SC, ("Port",), "type", Port="25"),
    bad("send TlsAuthLevel value", SC, ("TlsAuthLevel",), "enum", TlsAuthLevel="Domain"),
    bad("send EXO ConnectorType value", SC, ("ConnectorType",), "enum", ConnectorType="OnPremises"),
    bad("send ProtocolLoggingLevel value", SC, ("ProtocolLoggingLevel",), "enum", ProtocolLoggingLevel="Low"),
    bad("send Usage Client is receive-only", SC, ("Usage",), "enum", Usage="Client"),
    bad("send RequireTLS as string", SC, ("RequireTLS",), "type", RequireTLS="true"),
    bad("send ErrorPolicies item", SC, ("ErrorPolicies", 0), "enum", ErrorPolicies=["DowngradeAuthFailures"]),
    bad("send MaxMessageSize negative", SC, ("MaxMessageSize",), "minimum", MaxMessageSize=-1),
    bad("send MaxMessageSize boolean", SC, ("MaxMessageSize",), "type", MaxMessageSize=True),
    bad(
        "send credentials stay out of git", SC, ROOT, "additionalProperties", "AuthenticationCredential",
        AuthenticationCredential="svc:secret",
    ),
    # ReceiveConnector
    bad("receive missing Server", RC, ROOT, "required", "Server", Server=_DELETE),
    bad("receive empty Server", RC, ("Server",), "minLength", Server=""),
    bad("receive name of 65 characters", RC, ("Name",), "maxLength", Name="n" * 65),
    bad("receive AuthMechanism case", RC, ("AuthMechanism", 1), "enum", AuthMechanism=["Tls", "TLS"]),
    bad("receive PermissionGroups", RC, ("PermissionGroups", 0), "enum", PermissionGroups=["Anonymous"]),
    bad("receive TransportRole value", RC, ("TransportRole",), "enum", TransportRole="Frontend"),
    bad("receive unlimited as words", RC, ("MaxInboundConnection",), "anyOf", MaxInboundConnection="lots"),
    bad("receive unlimited below range", RC, ("MaxInboundConnection",), "anyOf", MaxInboundConnection=0),
    bad("receive hop count above range", RC, ("MaxHopCount",), "maximum", MaxHopCount=501),
    bad("receive RemoteIPRanges scalar", RC, ("RemoteIPRanges",), "type", RemoteIPRanges="10.0.0.0/8"),
    # ExchangeCertificate
    bad("certificate thumbprint of 39 chars", EC, ("Thumbprint",), "pattern", Thumbprint=THUMBPRINT[:39]),
    bad("certificate thumbprint of 41 chars", EC, ("Thumbprint",), "pattern", Thumbprint=THUMBPRINT + "0"),
    bad(
        "certificate thumbprint with separators", EC, ("Thumbprint",), "pattern",
        Thumbprint=f"{THUMBPRINT[:20]} {THUMBPRINT[20:39]}",
    ),
    bad("certificate thumbprint not hex", EC, ("Thumbprint",), "pattern", Thumbprint="G" * 40),
    bad("certificate Services item case", EC, ("Services", 1), "enum", Services=["IIS", "Smtp"]),
    bad("certificate private key property", EC, ROOT, "additionalProperties", "PrivateKey", PrivateKey="..."),
    bad(
        "certificate missing thumbprint", EC, ROOT, "required", "Thumbprint",
        Thumbprint=_DELETE, File="a.cer",
    ),
    # Tenant, TransportServer, RelayHost
    bad("tenant missing Name", "tenant", ROOT, "required", "Name", Name=_DELETE),
    bad("tenant has nothing else", "tenant", ROOT, "additionalProperties", "DomainName", DomainName="x.com"),
    bad(
        "transport server IPs as scalar", "transport-server", ("ExternalIPAddresses",), "type",
        ExternalIPAddresses="203.0.113.10",
    ),
    bad("transport server Fqdn as number", "transport-server", ("Fqdn",), "type", Fqdn=1),
    bad("relay host empty Name", "relay-host", ("Name",), "minLength", Name=""),
    bad(
        "relay host domain of wrong type", "relay-host", ("MailFromDomains", 1), "type",
        MailFromDomains=["contoso.com", 1],
    ),
]
# fmt: on


@pytest.mark.parametrize(
    ("stem", "obj", "path", "keyword", "text"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_broken_definition_fails_at_the_right_place(
    stem: str, obj: dict[str, Any], path: PathT, keyword: str, text: str
) -> None:
    found = problems(stem, obj)
    assert [(p, k) for p, k, _ in found] == [(path, keyword)], found
    assert text in found[0][2]


def test_case_ids_are_unique() -> None:
    ids = [case[0] for case in INVALID] + [f"{s}: {c}" for s, c, _ in VALID]
    assert len(ids) == len(set(ids))
