"""Access rules as pure functions: a role from an identity, and what a role may do.

A dataset's access list holds *principals*: an e-mail (``ann@corp.example``), an e-mail domain
(``@corp.example``), a named group (``group:sales``) or ``*`` (everyone signed in with a role).
Shares grant reading; managing (rename, delete, mapping, stage order, sharing) stays with the
dataset's owner (an editor) and the admins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

EVERYONE = "*"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^@[^@\s]+\.[^@\s]+$")
_GROUP = re.compile(r"^group:[\w.\- ]{1,64}$")


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW = "view"  # open a dataset: pages, drill-downs, downloads, reports
    IMPORT = "import"  # create a dataset
    MANAGE = "manage"  # rename, delete, mapping, stage order, share one dataset
    ADMIN = "admin"  # users, domain rules, groups, the audit trail


@dataclass(frozen=True)
class User:
    email: str
    role: Role
    groups: frozenset[str] = field(default_factory=frozenset)
    local: bool = False  # the local operator (no sign-in configured)

    @property
    def domain(self) -> str:
        return "@" + self.email.rsplit("@", 1)[-1] if "@" in self.email else ""

    def principals(self) -> set[str]:
        """Every principal that names this user in an access list."""
        names = {self.email, EVERYONE} | {f"group:{g}" for g in self.groups}
        if self.domain:
            names.add(self.domain)
        return names


def local_user(read_only: bool = False) -> User:
    return User(email="local", role=Role.VIEWER if read_only else Role.ADMIN, local=True)


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def principal_kind(principal: str) -> str | None:
    """``email`` / ``domain`` / ``group`` / ``everyone`` for a well-formed principal, else None."""
    p = principal.strip()
    if p == EVERYONE:
        return "everyone"
    if _GROUP.match(p):
        return "group"
    if _DOMAIN.match(p.lower()):
        return "domain"
    if _EMAIL.match(p.lower()):
        return "email"
    return None


def resolve_role(email: str | None, verified: bool, *, stored: dict[str, str], admins: Iterable[str],
                 domains: dict[str, str], trust_unverified: bool = False) -> Role | None:
    """The role of a signed-in identity, or None (no access).

    Order: an unverified e-mail gets nothing (unless the deployment trusts its provider's e-mails);
    the configured first admins are admins; a role stored for the e-mail wins over a domain rule;
    the most specific domain rule (``@eu.corp.example`` before ``@corp.example``) applies last.
    """
    email = normalize_email(email)
    if not email or not _EMAIL.match(email) or not (verified or trust_unverified):
        return None
    if email in {normalize_email(a) for a in admins}:
        return Role.ADMIN
    if email in stored:
        return Role(stored[email])
    host = email.rsplit("@", 1)[1]
    for domain in sorted(domains, key=len, reverse=True):
        d = domain.lower().lstrip("@")
        if host == d or host.endswith("." + d):
            return Role(domains[domain])
    return None


def sees(user: User, owner: str | None, shared_with: Iterable[str]) -> bool:
    """Whether ``user`` may open a dataset with this owner and access list."""
    if user.local or user.role is Role.ADMIN:
        return True
    if owner is not None and normalize_email(owner) == user.email:
        return True
    mine = user.principals()
    return any(p.strip().lower() in mine or p.strip() in mine for p in shared_with)


def can(user: User, action: Action, *, owner: str | None = None, shared_with: Iterable[str] = (),
        read_only_server: bool = False) -> bool:
    """Whether ``user`` may do ``action`` (on a dataset with ``owner`` / ``shared_with``)."""
    if action is Action.VIEW:
        return sees(user, owner, shared_with)
    if read_only_server or user.role is Role.VIEWER:
        return False
    if action is Action.IMPORT:
        return user.role in (Role.EDITOR, Role.ADMIN)
    if action is Action.MANAGE:
        return user.role is Role.ADMIN or user.local or (
            owner is not None and normalize_email(owner) == user.email)
    return user.role is Role.ADMIN or user.local  # Action.ADMIN
