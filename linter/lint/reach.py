"""Which scopes a run lints, beyond those its targets lie in.

A file a commit deletes is gone from the work tree, yet what it held is missing from the scope
it was in: that scope is linted, and all its findings are kept ("bereaved"). A certificate in a
folder several deployments name in ``File:`` (a shared folder) belongs to the scopes that name
it. Everything else a changed file can affect across scopes goes through the claims index.
"""

from __future__ import annotations

from linter.load.loader import CERTIFICATE_SUFFIXES
from linter.objects.scopes import ScopeFinder, parent
from linter.values import dataclass

NOTHING = "\0"
"""A target no path is under: a run of deleted files alone keeps only their scopes' findings."""


@dataclass(frozen=True)
class Reach:
    """The scopes a run lints and whose findings it keeps."""

    directories: list[str]  # the scopes to lint
    bereaved: frozenset[str]  # scopes a deleted file leaves: every finding of theirs is kept
    targets: list[str]  # the paths whose findings are kept


def reach(
    finder: ScopeFinder,
    targets: list[str],
    deleted: list[str] | None,
) -> Reach:
    """With ``deleted`` given (even empty), no targets means only the bereaved scopes, not the
    whole root: the pre-commit hook's run of a commit that deletes files alone."""
    bereaved = frozenset(finder.scope_of(_existing_parent(finder, d)) for d in deleted or ())
    directories = finder.scopes_for(targets or [""]) if targets or deleted is None else []
    if any(t.lower().endswith(CERTIFICATE_SUFFIXES) for t in (*targets, *(deleted or ()))):
        from linter.lint.claims_index import referring_scopes

        naming = referring_scopes(finder, targets, known=set(directories))
        directories += [d for d in sorted(naming) if d not in directories]
        bereaved |= referring_scopes(finder, deleted or [])
    directories += [d for d in sorted(bereaved) if d not in directories]
    if deleted is not None and not targets:
        targets = [NOTHING]
    return Reach(directories, bereaved, targets)


def _existing_parent(finder: ScopeFinder, path: str) -> str:
    """The nearest directory above ``path`` that still exists under the root."""
    directory = parent(path)
    while directory and not finder.loader.absolute(directory).is_dir():
        directory = parent(directory)
    return directory
