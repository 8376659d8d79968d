"""Users, domain rules, groups, dataset access lists and the audit trail, kept in the store.

The tables sit in the store's main schema beside the ``datasets`` catalog, so a backup of the
store file carries who may see what. Every change here writes one audit row in the same
transaction; imports, renames and deletes are recorded by their callers through :meth:`record`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import duckdb

from ..errors import FunnelError
from ..sql import ident, render, run
from .rules import EVERYONE, Role, User, normalize_email, principal_kind, resolve_role, sees

ACCESS_DDL = (
    """CREATE TABLE IF NOT EXISTS access_users (
        email VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, added_at TIMESTAMP, added_by VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS access_domains (
        domain VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, added_at TIMESTAMP, added_by VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS access_groups (
        group_name VARCHAR NOT NULL, email VARCHAR NOT NULL, PRIMARY KEY (group_name, email))""",
    """CREATE TABLE IF NOT EXISTS access_datasets (
        dataset_id INTEGER NOT NULL, principal VARCHAR NOT NULL, relation VARCHAR NOT NULL,
        PRIMARY KEY (dataset_id, principal))""",
    "CREATE SEQUENCE IF NOT EXISTS audit_seq START 1",
    """CREATE TABLE IF NOT EXISTS audit_log (
        seq BIGINT NOT NULL, happened_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL, dataset_id INTEGER, detail VARCHAR)""",
)
OWNER, READER = "owner", "reader"


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise FunnelError("access.bad_role", role=str(value)) from None


class AccessStore:
    """The access tables of one :class:`funnel.store.Store` (created on first use)."""

    def __init__(self, store):
        self.store = store
        if getattr(store, "read_only", False):  # a read-only store: use the tables if they are there
            return
        with store.writing() as con:
            for ddl in ACCESS_DDL:
                run(con, ddl)

    def _select(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        """Rows of a read; none when a read-only store predates the access tables."""
        with self.store.connect() as con:
            try:
                return run(con, sql, params).fetchall()
            except duckdb.CatalogException:
                if getattr(self.store, "read_only", False):
                    return []
                raise

    # -- who is who -------------------------------------------------------------------------
    def roles(self) -> dict[str, str]:
        return dict(self._select("SELECT email, role FROM access_users"))

    def domain_rules(self) -> dict[str, str]:
        return dict(self._select("SELECT domain, role FROM access_domains"))

    def groups_of(self, email: str) -> frozenset[str]:
        rows = self._select("SELECT group_name FROM access_groups WHERE email = $e", {"e": normalize_email(email)})
        return frozenset(r[0] for r in rows)

    def user(self, email: str | None, verified: bool, admins: Iterable[str] = (),
             trust_unverified: bool = False) -> User | None:
        """The signed-in user with their role and groups, or None when they have no access."""
        role = resolve_role(email, verified, stored=self.roles(), admins=admins,
                            domains=self.domain_rules(), trust_unverified=trust_unverified)
        if role is None:
            return None
        email = normalize_email(email)
        return User(email=email, role=role, groups=self.groups_of(email))

    def set_role(self, actor: User, email: str, role: str | None) -> None:
        """Give ``email`` a role, or remove its stored role (``role=None``)."""
        email = normalize_email(email)
        if principal_kind(email) != "email":
            raise FunnelError("access.bad_email", email=email)
        self._set_rule(actor, "access_users", "email", email, role, "role")

    def set_domain_rule(self, actor: User, domain: str, role: str | None) -> None:
        """Give everyone at ``domain`` (and its subdomains) a role, or drop the rule (``role=None``)."""
        domain = "@" + domain.strip().lower().lstrip("@")
        if principal_kind(domain) != "domain":
            raise FunnelError("access.bad_domain", domain=domain)
        self._set_rule(actor, "access_domains", "domain", domain, role, "domain_rule")

    def _set_rule(self, actor: User, table: str, key_column: str, key: str, role: str | None,
                  action: str) -> None:
        role = None if role is None else _role(role).value
        with self._transaction() as con:
            names = {"table": ident(table), "key": ident(key_column)}
            run(con, render("DELETE FROM {table} WHERE {key} = $k", **names), {"k": key})
            if role is not None:
                run(con, render("INSERT INTO {table} VALUES ($k, $r, $t, $by)", **names),
                    {"k": key, "r": role, "t": datetime.now(), "by": actor.email})
            self._audit(con, actor, action, None, f"{key}={role or '-'}")

    def set_group(self, actor: User, group: str, members: Iterable[str]) -> None:
        """Replace the members of ``group`` (no members = the group is gone)."""
        group = group.strip()
        if principal_kind(f"group:{group}") != "group":
            raise FunnelError("access.bad_group", group=group)
        emails = sorted({normalize_email(m) for m in members if m.strip()})
        for email in emails:
            if principal_kind(email) != "email":
                raise FunnelError("access.bad_email", email=email)
        with self._transaction() as con:
            run(con, "DELETE FROM access_groups WHERE group_name = $g", {"g": group})
            for email in emails:
                run(con, "INSERT INTO access_groups VALUES ($g, $e)", {"g": group, "e": email})
            self._audit(con, actor, "group", None, f"{group}: {', '.join(emails) or '-'}")

    def groups(self) -> dict[str, list[str]]:
        rows = self._select("SELECT group_name, email FROM access_groups ORDER BY 1, 2")
        out: dict[str, list[str]] = {}
        for group, email in rows:
            out.setdefault(group, []).append(email)
        return out

    def users(self) -> list[dict[str, Any]]:
        rows = self._select("SELECT email, role, added_at, added_by FROM access_users ORDER BY email")
        return [dict(zip(("email", "role", "added_at", "added_by"), r, strict=True)) for r in rows]

    # -- datasets ---------------------------------------------------------------------------
    def acl(self) -> dict[int, tuple[str | None, list[str]]]:
        """dataset id -> (owner, principals it is shared with)."""
        rows = self._select("SELECT dataset_id, principal, relation FROM access_datasets ORDER BY dataset_id, principal")
        out: dict[int, tuple[str | None, list[str]]] = {}
        for ds, principal, relation in rows:
            owner, shared = out.get(ds, (None, []))
            if relation == OWNER:
                owner = principal
            else:
                shared = [*shared, principal]
            out[ds] = (owner, shared)
        return out

    def access_of(self, dataset_id: int) -> tuple[str | None, list[str]]:
        return self.acl().get(int(dataset_id), (None, []))

    def visible_ids(self, user: User, dataset_ids: Iterable[int]) -> list[int]:
        acl = self.acl()
        return [i for i in dataset_ids if sees(user, *acl.get(int(i), (None, [])))]

    def claim(self, actor: User, dataset_id: int, detail: str = "") -> None:
        """Record ``actor`` as the owner of a dataset they just imported (and audit the import)."""
        with self._transaction() as con:
            if not actor.local:
                run(con, "DELETE FROM access_datasets WHERE dataset_id = $d AND relation = $o",
                    {"d": int(dataset_id), "o": OWNER})
                run(con, "INSERT INTO access_datasets VALUES ($d, $p, $o)",
                    {"d": int(dataset_id), "p": actor.email, "o": OWNER})
            self._audit(con, actor, "import", dataset_id, detail)

    def share(self, actor: User, dataset_id: int, principal: str) -> None:
        principal = principal.strip()
        kind = principal_kind(principal)
        if kind is None:
            raise FunnelError("access.bad_principal", principal=principal)
        if kind in ("email", "domain"):
            principal = principal.lower()
        with self._transaction() as con:
            run(con, "INSERT OR REPLACE INTO access_datasets VALUES ($d, $p, $r)",
                {"d": int(dataset_id), "p": principal, "r": READER})
            self._audit(con, actor, "share", dataset_id, principal)

    def unshare(self, actor: User, dataset_id: int, principal: str) -> None:
        with self._transaction() as con:
            run(con, "DELETE FROM access_datasets WHERE dataset_id = $d AND principal = $p AND relation = $r",
                {"d": int(dataset_id), "p": principal, "r": READER})
            self._audit(con, actor, "unshare", dataset_id, principal)

    def forget(self, actor: User, dataset_id: int, detail: str = "") -> None:
        """A dataset was deleted: drop its access list and audit the deletion."""
        with self._transaction() as con:
            run(con, "DELETE FROM access_datasets WHERE dataset_id = $d", {"d": int(dataset_id)})
            self._audit(con, actor, "delete", dataset_id, detail)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One write transaction: every change and its audit row land together or not at all."""
        with self.store.writing() as con:
            run(con, "BEGIN TRANSACTION")
            try:
                yield con
            except Exception:
                run(con, "ROLLBACK")
                raise
            run(con, "COMMIT")

    # -- the audit trail ----------------------------------------------------------------------
    def record(self, actor: User, action: str, dataset_id: int | None = None, detail: str = "") -> None:
        with self.store.writing() as con:
            self._audit(con, actor, action, dataset_id, detail)

    @staticmethod
    def _audit(con, actor: User, action: str, dataset_id: int | None, detail: str) -> None:
        run(con, "INSERT INTO audit_log VALUES (nextval('audit_seq'), $t, $a, $x, $d, $s)",
            {"t": datetime.now(), "a": actor.email, "x": action,
             "d": None if dataset_id is None else int(dataset_id), "s": detail})

    def audit_trail(self, limit: int = 500) -> list[dict[str, Any]]:
        rows = self._select("SELECT happened_at, actor, action, dataset_id, detail FROM audit_log "
                            "ORDER BY seq DESC LIMIT $n", {"n": int(limit)})
        return [dict(zip(("happened_at", "actor", "action", "dataset_id", "detail"), r, strict=True)) for r in rows]


__all__ = ["ACCESS_DDL", "EVERYONE", "OWNER", "READER", "AccessStore"]
