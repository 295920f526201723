"""DNS-name maths: normalisation, connector-side patterns and certificate wildcards."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from linter.domain.names import (
    Coverage,
    base,
    best_coverage,
    cert_name_matches_host,
    connector_covers,
    connector_name_problem,
    is_wildcard,
    normalize,
    pattern_covers,
    shown,
)

LABEL_63 = "a" * 63
LABEL_64 = "a" * 64


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("contoso.com", "contoso.com"),
        ("Contoso.COM", "contoso.com"),
        ("contoso.com.", "contoso.com"),
        ("  mail.contoso.com \t", "mail.contoso.com"),
        ("*.contoso.com", "*.contoso.com"),
        ("*.Contoso.Com.", "*.contoso.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("BÜCHER.de", "xn--bcher-kva.de"),
        ("XN--BCHER-KVA.DE", "xn--bcher-kva.de"),
        ("*.bücher.de", "*.xn--bcher-kva.de"),
        ("mail.bücher.de.", "mail.xn--bcher-kva.de"),
        ("bücher\u3002de", "xn--bcher-kva.de"),
        ("\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com", "example.com"),
        ("a-b.c-d.com", "a-b.c-d.com"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("123.example", "123.example"),
        ("localhost", "localhost"),
        (f"{LABEL_63}.com", f"{LABEL_63}.com"),
        (".".join(["a" * 63] * 3 + ["b" * 61]), ".".join(["a" * 63] * 3 + ["b" * 61])),
    ],
)
def test_normalize_accepts(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        (".", "is empty"),
        ("a..b", "empty label"),
        (".contoso.com", "empty label"),
        ("contoso.com..", "empty label"),
        (f"{LABEL_64}.com", "longer than 63"),
        (".".join(["a" * 63] * 4), "longer than 253"),
        ("my_host.contoso.com", "'_'"),
        ("mail contoso.com", "' '"),
        ("mail.contoso.com/x", "'/'"),
        ("-mail.contoso.com", "hyphen"),
        ("mail-.contoso.com", "hyphen"),
        ("mail.contoso.com-", "hyphen"),
        ("*", "a lone '*' is not a domain"),
        ("*.", "a lone '*' is not a domain"),
        ("mail.*.contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("*contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("**.contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("mail*.contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("*.*.contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("contoso.*", "a wildcard is allowed only as a leading '*.'"),
        ("ü" * 70 + ".de", "not a valid IDNA 2008 label"),
        ("\u00ad.de", "not a valid IDNA 2008 label"),
        ("xn--zz.de", "not a valid IDNA 2008 label"),
    ],
)
def test_normalize_rejects_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        normalize(raw)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("contoso.com", None),
        ("*.contoso.com", None),
        ("*.CONTOSO.com.", None),
        ("*.bücher.de", None),
        ("mail.*.contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("*contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("**.contoso.com", "a wildcard is allowed only as a leading '*.'"),
        ("*", "a lone '*' is not a domain"),
        ("", "is empty"),
        (" ", "is empty"),
    ],
)
def test_connector_name_problem(value: str, problem: str | None) -> None:
    assert connector_name_problem(value) == problem


@pytest.mark.parametrize(
    "value",
    ["a..b", f"{LABEL_64}.com", "my_host.contoso.com", "-a.contoso.com"],
)
def test_connector_name_problem_passes_on_label_reasons(value: str) -> None:
    with pytest.raises(ValueError) as caught:
        normalize(value)
    assert connector_name_problem(value) == str(caught.value)


@pytest.mark.parametrize(
    ("name", "wildcard", "base_name"),
    [
        ("contoso.com", False, "contoso.com"),
        ("*.contoso.com", True, "contoso.com"),
        ("*.Contoso.com.", True, "contoso.com"),
        ("*.mail.contoso.com", True, "mail.contoso.com"),
        ("MAIL.contoso.com", False, "mail.contoso.com"),
        ("*.bücher.de", True, "xn--bcher-kva.de"),
    ],
)
def test_is_wildcard_and_base(name: str, wildcard: bool, base_name: str) -> None:
    assert is_wildcard(name) is wildcard
    assert base(name) == base_name


@pytest.mark.parametrize(
    ("cert_name", "host", "matches"),
    [
        ("mail.contoso.com", "mail.contoso.com", True),
        ("MAIL.contoso.com.", "mail.CONTOSO.com", True),
        ("mail.contoso.com", "smtp.contoso.com", False),
        ("contoso.com", "mail.contoso.com", False),
        ("*.contoso.com", "mail.contoso.com", True),
        ("*.contoso.com", "MAIL.Contoso.com.", True),
        ("*.contoso.com", "contoso.com", False),
        ("*.contoso.com", "a.mail.contoso.com", False),
        ("*.contoso.com", "mail.notcontoso.com", False),
        ("*.contoso.com", "notcontoso.com", False),
        ("*.contoso.com", "*.contoso.com", False),
        ("*.mail.contoso.com", "a.mail.contoso.com", True),
        ("*.mail.contoso.com", "mail.contoso.com", False),
        ("mail*.contoso.com", "mail1.contoso.com", False),
        ("*mail.contoso.com", "smtpmail.contoso.com", False),
        ("mail.*.com", "mail.contoso.com", False),
        ("*", "contoso", False),
        ("*.bücher.de", "mail.xn--bcher-kva.de", True),
        ("*.xn--bcher-kva.de", "mail.bücher.de", True),
        ("bücher.de", "xn--bcher-kva.de", True),
        ("xn--bcher-kva.de", "BÜCHER.de", True),
        ("", "", False),
        ("", "contoso.com", False),
        ("contoso.com", "", False),
        ("Contoso Ltd", "contoso.com", False),
        ("my_host.contoso.com", "my_host.contoso.com", False),
    ],
)
def test_cert_name_matches_host(cert_name: str, host: str, matches: bool) -> None:
    assert cert_name_matches_host(cert_name, host) is matches


@pytest.mark.parametrize(
    ("connector_name", "cert_name", "coverage"),
    [
        ("mail.contoso.com", "mail.contoso.com", Coverage.EXACT),
        ("Mail.Contoso.com.", " mail.contoso.COM ", Coverage.EXACT),
        ("contoso.com", "contoso.com", Coverage.EXACT),
        ("bücher.de", "xn--bcher-kva.de", Coverage.EXACT),
        ("xn--bcher-kva.de", "BÜCHER.DE", Coverage.EXACT),
        ("*.contoso.com", "contoso.com", Coverage.EXACT),
        ("*.contoso.com", "mail.contoso.com", Coverage.EXACT),
        ("*.contoso.com", "a.b.mail.contoso.com", Coverage.EXACT),
        ("*.contoso.com", "*.contoso.com", Coverage.EXACT),
        ("*.contoso.com", "*.mail.contoso.com", Coverage.EXACT),
        ("*.bücher.de", "mail.xn--bcher-kva.de", Coverage.EXACT),
        ("*.contoso.com", "notcontoso.com", Coverage.NONE),
        ("*.contoso.com", "mail.notcontoso.com", Coverage.NONE),
        ("*.contoso.com", "*.notcontoso.com", Coverage.NONE),
        ("*.contoso.com", "contoso.com.evil.example", Coverage.NONE),
        ("*.contoso.com", "*.com", Coverage.NONE),
        ("*.contoso.com", "com", Coverage.NONE),
        ("*.mail.contoso.com", "contoso.com", Coverage.NONE),
        ("*.mail.contoso.com", "*.contoso.com", Coverage.NONE),
        ("mail.contoso.com", "*.contoso.com", Coverage.WILDCARD_CERTIFICATE),
        ("MAIL.contoso.com.", "*.CONTOSO.com", Coverage.WILDCARD_CERTIFICATE),
        ("mail.bücher.de", "*.xn--bcher-kva.de", Coverage.WILDCARD_CERTIFICATE),
        ("contoso.com", "*.contoso.com", Coverage.NONE),
        ("a.mail.contoso.com", "*.contoso.com", Coverage.NONE),
        ("contoso.com", "mail.contoso.com", Coverage.NONE),
        ("mail.contoso.com", "contoso.com", Coverage.NONE),
        ("mail.contoso.com", "smtp.contoso.com", Coverage.NONE),
        ("mail1.contoso.com", "mail*.contoso.com", Coverage.NONE),
        ("*.contoso.com", "mail*.contoso.com", Coverage.NONE),
        ("mail.*.contoso.com", "mail.x.contoso.com", Coverage.NONE),
        ("*", "contoso.com", Coverage.NONE),
        ("", "contoso.com", Coverage.NONE),
        ("contoso.com", "", Coverage.NONE),
        ("", "", Coverage.NONE),
        ("contoso.com", "Contoso Ltd", Coverage.NONE),
    ],
)
def test_connector_covers(connector_name: str, cert_name: str, coverage: Coverage) -> None:
    assert connector_covers(connector_name, cert_name) is coverage


@pytest.mark.parametrize(
    ("connector_name", "cert_names", "expected"),
    [
        ("mail.contoso.com", [], (Coverage.NONE, None)),
        ("mail.contoso.com", ["smtp.contoso.com"], (Coverage.NONE, None)),
        (
            "mail.contoso.com",
            ["*.contoso.com", "MAIL.contoso.com"],
            (Coverage.EXACT, "MAIL.contoso.com"),
        ),
        (
            "mail.contoso.com",
            ["Contoso Ltd", "*.contoso.com", "*.Contoso.com"],
            (Coverage.WILDCARD_CERTIFICATE, "*.contoso.com"),
        ),
        (
            "*.contoso.com",
            ["www.fabrikam.com", "contoso.com", "mail.contoso.com"],
            (Coverage.EXACT, "contoso.com"),
        ),
        ("", ["contoso.com"], (Coverage.NONE, None)),
    ],
)
def test_best_coverage(
    connector_name: str, cert_names: list[str], expected: tuple[Coverage, str | None]
) -> None:
    assert best_coverage(connector_name, cert_names) == expected


def test_best_coverage_reads_any_iterable_once() -> None:
    names = iter(["*.contoso.com", "mail.contoso.com"])
    assert best_coverage("mail.contoso.com", names) == (Coverage.EXACT, "mail.contoso.com")


@pytest.mark.parametrize(
    ("outer", "inner", "covers"),
    [
        ("contoso.com", "contoso.com", True),
        ("Contoso.com.", "CONTOSO.COM", True),
        ("contoso.com", "mail.contoso.com", False),
        ("contoso.com", "*.contoso.com", False),
        ("mail.contoso.com", "*.contoso.com", False),
        ("*.contoso.com", "contoso.com", True),
        ("*.contoso.com", "a.contoso.com", True),
        ("*.contoso.com", "a.b.c.contoso.com", True),
        ("*.contoso.com", "*.a.contoso.com", True),
        ("*.contoso.com", "*.contoso.com", True),
        ("*.contoso.com.", "A.CONTOSO.COM", True),
        ("*.a.contoso.com", "contoso.com", False),
        ("*.a.contoso.com", "*.contoso.com", False),
        ("*.a.contoso.com", "b.contoso.com", False),
        ("*.contoso.com", "notcontoso.com", False),
        ("*.contoso.com", "a.notcontoso.com", False),
        ("*.contoso.com", "*.notcontoso.com", False),
        ("*.contoso.com", "com", False),
        ("*.bücher.de", "mail.xn--bcher-kva.de", True),
        ("*.xn--bcher-kva.de", "bücher.de", True),
        ("bücher.de", "xn--bcher-kva.de", True),
        ("*.contoso.com", "a.*.contoso.com", False),
        ("mail.*.contoso.com", "mail.a.contoso.com", False),
        ("*", "contoso.com", False),
        ("", "", False),
        ("contoso.com", "", False),
        ("", "contoso.com", False),
        ("  ", "contoso.com", False),
    ],
)
def test_pattern_covers(outer: str, inner: str, covers: bool) -> None:
    assert pattern_covers(outer, inner) is covers


LABEL_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
label_lists = st.lists(labels, min_size=1, max_size=5)
domains = label_lists.map(".".join)
wildcards = domains.map(lambda domain: "*." + domain)
patterns = st.one_of(domains, wildcards)
small_domains = st.lists(st.sampled_from("ab"), min_size=1, max_size=3).map(".".join)
small_patterns = st.one_of(small_domains, small_domains.map(lambda domain: "*." + domain))
unicode_labels = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüßéñçøå0123456789"),
    min_size=1,
    max_size=10,
)
unicode_domains = st.lists(unicode_labels, min_size=1, max_size=4).map(".".join)


def outside(name: str, domain: str) -> bool:
    """Whether ``name`` lies outside ``domain``, judged label by label rather than by suffix."""
    name_labels, domain_labels = name.split("."), domain.split(".")
    return name_labels[-len(domain_labels) :] != domain_labels


@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_yields_host_syntax(raw: str) -> None:
    try:
        once = normalize(raw)
    except ValueError:
        return
    assert normalize(once) == once
    assert once == once.strip().lower()
    assert not once.endswith(".")
    assert len(once) <= 253
    for position, label in enumerate(once.split(".")):
        assert (label == "*" and position == 0) or (label and set(label) <= set(LABEL_ALPHABET + "-"))


@given(unicode_domains)
def test_unicode_and_a_label_forms_are_one_name(name: str) -> None:
    try:
        a_labels = normalize(name)
    except ValueError:
        return
    assert connector_covers(name, a_labels) is Coverage.EXACT
    assert connector_covers(a_labels, name) is Coverage.EXACT
    upper = name.upper()
    if upper.lower() == name:  # "ß".upper() is "SS", another name under IDNA 2008
        assert cert_name_matches_host(upper, a_labels)


@given(patterns)
def test_every_valid_name_covers_itself(name: str) -> None:
    assert connector_name_problem(name) is None
    assert connector_covers(name, name) is Coverage.EXACT
    assert connector_covers(name.upper() + ".", f"  {name} ") is Coverage.EXACT
    assert pattern_covers(name, name)


@given(small_patterns, small_patterns, small_patterns)
def test_pattern_covers_is_reflexive_and_transitive(a: str, b: str, c: str) -> None:
    assert pattern_covers(a, a)
    if pattern_covers(a, b) and pattern_covers(b, c):
        assert pattern_covers(a, c)


@given(domains, label_lists)
def test_pattern_transitivity_along_a_generated_chain(domain: str, more: list[str]) -> None:
    outer = "*." + domain
    middle = "*." + ".".join([*more, domain])
    inner = ".".join(["x", *more, domain])
    assert pattern_covers(outer, middle)
    assert pattern_covers(middle, inner)
    assert pattern_covers(outer, inner)


@given(domains, label_lists)
def test_wildcard_covers_every_subdomain(domain: str, prefix: list[str]) -> None:
    subdomain = ".".join([*prefix, domain])
    assert pattern_covers("*." + domain, domain)
    assert pattern_covers("*." + domain, subdomain)
    assert pattern_covers("*." + domain, "*." + subdomain)
    assert connector_covers("*." + domain, subdomain) is Coverage.EXACT
    assert connector_covers("*." + domain, "*." + subdomain) is Coverage.EXACT


@given(domains, patterns)
def test_wildcard_covers_nothing_outside(domain: str, name: str) -> None:
    assume(outside(name.removeprefix("*."), domain))
    assert not pattern_covers("*." + domain, name)
    assert connector_covers("*." + domain, name) is Coverage.NONE


@given(domains, labels)
def test_sibling_with_shared_suffix_is_outside(domain: str, prefix: str) -> None:
    sibling = prefix + domain
    assert not pattern_covers("*." + domain, sibling)
    assert connector_covers("*." + domain, sibling) is Coverage.NONE


@given(domains, domains)
def test_exact_outer_covers_only_itself(outer: str, inner: str) -> None:
    assert pattern_covers(outer, inner) is (outer == inner)
    assert not pattern_covers(outer, "*." + inner)


@given(domains, domains)
def test_certificate_wildcard_needs_exactly_one_more_label(domain: str, host: str) -> None:
    same_count = len(host.split(".")) == len(domain.split(".")) + 1
    matches = cert_name_matches_host("*." + domain, host)
    if not same_count:
        assert not matches
    else:
        assert matches is (host.split(".")[1:] == domain.split("."))


@given(domains, labels)
def test_certificate_wildcard_matches_any_single_label(domain: str, label: str) -> None:
    host = f"{label}.{domain}"
    assert cert_name_matches_host("*." + domain, host)
    assert connector_covers(host, "*." + domain) is Coverage.WILDCARD_CERTIFICATE
    assert not cert_name_matches_host("*." + domain, domain)
    assert not cert_name_matches_host("*." + domain, f"{label}.{host}")


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        # IDNA 2008 with UTS 46 (non-transitional): ß, ς and the joiners are kept, not mapped away.
        ("straße-bau.de", "strasse-bau.de", False),
        ("straße-bau.de", "xn--strae-bau-j1a.de", True),
        ("STRASSE-BAU.de", "strasse-bau.de", True),
        ("Bücher.DE", "xn--bcher-kva.de", True),
    ],
)
def test_idna_2008_decides_equality(one: str, other: str, same: bool) -> None:
    assert (normalize(one) == normalize(other)) is same
    assert pattern_covers(one, other) is same


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("straße-bau.de", "straße-bau.de (xn--strae-bau-j1a.de)"),
        ("xn--strae-bau-j1a.de", "straße-bau.de (xn--strae-bau-j1a.de)"),
        ("*.Bücher.de", "*.bücher.de (*.xn--bcher-kva.de)"),
        ("contoso.com", "contoso.com"),
        ("not a name", "not a name"),
    ],
)
def test_shown_gives_unicode_and_a_label_forms(name: str, text: str) -> None:
    assert shown(name) == text
