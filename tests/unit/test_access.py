"""Access rules (roles, visibility, actions) and the access tables with their audit trail."""

from __future__ import annotations

import pytest

from funnel.access import AccessStore, Action, Role, User, can, local_user, resolve_role, sees
from funnel.errors import FunnelError
from funnel.store import Store

ANN = User("ann@corp.example", Role.VIEWER)
EDDIE = User("eddie@corp.example", Role.EDITOR)
ADA = User("ada@corp.example", Role.ADMIN)


def role(email, verified=True, stored=None, admins=(), domains=None, **kw):
    return resolve_role(email, verified, stored=stored or {}, admins=admins, domains=domains or {}, **kw)


def test_role_order_admins_then_stored_then_most_specific_domain():
    domains = {"@corp.example": "viewer", "@eu.corp.example": "editor"}
    assert role("Ada@Corp.Example ", admins=["ada@corp.example"], stored={"ada@corp.example": "viewer"}) is Role.ADMIN
    assert role("bob@corp.example", stored={"bob@corp.example": "editor"}, domains=domains) is Role.EDITOR
    assert role("cat@corp.example", domains=domains) is Role.VIEWER
    assert role("dan@eu.corp.example", domains=domains) is Role.EDITOR  # the longer rule wins
    assert role("eve@sales.corp.example", domains=domains) is Role.VIEWER  # a subdomain of the rule
    assert role("mallory@corp.example.evil.test", domains=domains) is None  # not a subdomain
    assert role("zed@other.example", domains=domains) is None


def test_unverified_or_malformed_email_gets_nothing():
    assert role("ada@corp.example", verified=False, admins=["ada@corp.example"]) is None
    assert role("ada@corp.example", verified=False, admins=["ada@corp.example"], trust_unverified=True) is Role.ADMIN
    assert role("", admins=[""]) is None
    assert role("not-an-email", domains={"@corp.example": "viewer"}) is None


def test_visibility_by_owner_email_domain_group_and_everyone():
    grouped = User("gus@corp.example", Role.VIEWER, groups=frozenset({"sales"}))
    assert not sees(ANN, "eddie@corp.example", [])
    assert sees(ANN, None, ["ann@corp.example"])
    assert sees(ANN, None, ["@corp.example"])
    assert not sees(ANN, None, ["@other.example", "group:sales"])
    assert sees(grouped, None, ["group:sales"])
    assert sees(ANN, None, ["*"])
    assert sees(EDDIE, "eddie@corp.example", [])  # the owner
    assert sees(ADA, "eddie@corp.example", [])  # admins see everything
    assert sees(local_user(), None, [])


def test_actions_per_role():
    mine = dict(owner="eddie@corp.example", shared_with=["ann@corp.example"])
    assert can(ANN, Action.VIEW, **mine)
    assert not any(can(ANN, a, **mine) for a in (Action.IMPORT, Action.MANAGE, Action.ADMIN))
    assert can(EDDIE, Action.IMPORT) and can(EDDIE, Action.MANAGE, **mine)
    assert not can(EDDIE, Action.MANAGE, owner="other@corp.example")  # not their dataset
    assert not can(EDDIE, Action.ADMIN)
    assert all(can(ADA, a, owner="x@corp.example") for a in Action)
    assert not can(ADA, Action.IMPORT, read_only_server=True)
    assert can(local_user(), Action.MANAGE) and not can(local_user(read_only=True), Action.IMPORT)


def test_tables_roles_groups_sharing_and_audit(tmp_path):
    access = AccessStore(Store(tmp_path / "s.duckdb"))
    access.set_role(ADA, "Ann@Corp.Example", "viewer")
    access.set_domain_rule(ADA, "partner.example", "viewer")
    access.set_group(ADA, "sales", ["gus@partner.example", "ann@corp.example"])
    assert access.user("ann@corp.example", True) == User("ann@corp.example", Role.VIEWER, frozenset({"sales"}))
    assert access.user("gus@partner.example", True).role is Role.VIEWER
    assert access.user("stranger@nowhere.example", True) is None
    assert access.user("boss@corp.example", True, admins=["boss@corp.example"]).role is Role.ADMIN

    access.claim(EDDIE, 1, "deals.csv")
    access.claim(EDDIE, 2, "other.csv")
    access.share(EDDIE, 2, "group:sales")
    gus = access.user("gus@partner.example", True)
    assert access.visible_ids(gus, [1, 2, 3]) == [2]
    assert access.visible_ids(EDDIE, [1, 2, 3]) == [1, 2]
    assert access.visible_ids(ADA, [1, 2, 3]) == [1, 2, 3]
    assert access.access_of(2) == ("eddie@corp.example", ["group:sales"])
    access.unshare(EDDIE, 2, "group:sales")
    assert access.visible_ids(gus, [1, 2]) == []
    access.forget(ADA, 1, "deals")
    assert access.access_of(1) == (None, [])

    trail = access.audit_trail()
    assert [r["action"] for r in reversed(trail)] == [
        "role", "domain_rule", "group", "import", "import", "share", "unshare", "delete"]
    assert trail[0]["actor"] == "ada@corp.example" and trail[0]["dataset_id"] == 1


def test_bad_input_changes_nothing(tmp_path):
    access = AccessStore(Store(tmp_path / "s.duckdb"))
    for call in (lambda: access.set_role(ADA, "nobody", "viewer"),
                 lambda: access.set_role(ADA, "x@corp.example", "superuser"),
                 lambda: access.share(EDDIE, 1, "'); DROP TABLE datasets; --"),
                 lambda: access.set_group(ADA, "sales", ["not an email"])):
        with pytest.raises(FunnelError):
            call()
    assert access.users() == [] and access.groups() == {} and access.audit_trail() == []


def test_read_only_store_without_access_tables_reads_as_empty(tmp_path):
    Store(tmp_path / "s.duckdb").close()  # a store made before sign-in existed
    access = AccessStore(Store(tmp_path / "s.duckdb", read_only=True))
    assert access.user("ann@corp.example", True) is None
    assert access.acl() == {} and access.audit_trail() == [] and access.users() == []
    assert access.user("ada@corp.example", True, admins=["ada@corp.example"]).role is Role.ADMIN
