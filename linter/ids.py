"""The ids of the rules exolint's own code reports or names, as constants (the rule files under
rules/ hold everything else about them). Each name is its rule file's name: EX001 is
rules/input/EX001-yaml-syntax.yaml, hence YAML_SYNTAX; tests/test_meta.py holds that."""

from __future__ import annotations

# Loading: a file that cannot become definitions (rules/input/).
YAML_SYNTAX = "EX001"
DUPLICATE_KEY = "EX002"
UNREADABLE_FILE = "EX003"
INPUT_LIMIT = "EX004"
INVALID_VALUE = "EX005"
UNKNOWN_PROPERTY = "EX006"
MISSING_PROPERTY = "EX007"
UNKNOWN_KIND = "EX008"
PATH_OUTSIDE_ROOT = "EX009"
CERTIFICATE_UNREADABLE = "EX010"
EMPTY_FILE = "EX011"
PROPERTY_SPELLING = "EX012"
DUPLICATE_TENANT = "EX013"
CHECK_FAILED = "EX014"
DUPLICATE_IDENTITY = "EX015"

# Rules another part of the code defers to.
ONPREMISES_CONNECTOR_IDENTIFIES_SENDER = "EX101"
CERTIFICATE_NAME_ACCEPTED = "EX103"
PRIVATE_KEY = "EX901"

# Suppressions (rules/suppressions/), reported by linter/report/suppress.py.
SUPPRESSION_BLANKET = "EX920"
SUPPRESSION_WITHOUT_REASON = "EX921"
SUPPRESSION_MALFORMED = "EX922"
SUPPRESSION_EXPIRED = "EX923"
SUPPRESSION_UNUSED = "EX924"
SUPPRESSION_SEVERITY_FORBIDDEN = "EX925"
SUPPRESSION_LIFETIME = "EX926"
