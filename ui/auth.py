"""Sign-in and access for the Streamlit app (rules: funnel/access).

With no ``[auth]`` section in Streamlit's secrets the app runs in local mode: the person at the
keyboard is the operator (a viewer under ``FUNNEL_READ_ONLY=1``), as before sign-in existed. With
one, nobody sees anything before signing in through the configured OpenID Connect provider
(``st.login``), and every list, page and action is limited to what the user's role and the
datasets' access lists allow.

A link with filters must survive the sign-in round trip, which drops the query string (the
provider sends the browser back to the app's root): the sign-in screen keeps the path and query
in the browser's ``sessionStorage`` and the first signed-in run puts them back.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from funnel.access import AccessStore, Action, User, can, local_user
from ui import context

_USER_KEY = "_funnel_user"
_RETURN_KEY = "funnel.return_to"


def _secrets_section(name: str) -> dict[str, Any]:
    try:
        return dict(st.secrets.get(name) or {})
    except Exception:  # no secrets file at all: Streamlit raises instead of returning nothing
        return {}


_TONES = {
    "caption": "color: rgba(49, 51, 63, 0.6); font-size: 0.875rem",
    "warning": "background: rgba(255, 189, 69, 0.2); color: rgb(146, 108, 5); padding: 1rem; border-radius: 0.5rem",
}


def caption_text(text: str, where=st, tone: str = "caption") -> None:
    """A line of plain text (grey, or as a warning). Not Markdown: GFM turns ``a@b.c`` into a mailto
    link even when escaped, and an address or a name is text, never a link."""
    where.html(f'<div style="{_TONES[tone]}">{html.escape(text)}</div>')


def auth_configured() -> bool:
    return bool(_secrets_section("auth"))


def settings() -> dict[str, Any]:
    """``[funnel]`` in the secrets: ``admins`` (list of e-mails), ``trust_unverified_email``;
    ``FUNNEL_ADMINS`` (comma-separated) adds first admins from the environment."""
    section = _secrets_section("funnel")
    admins = list(section.get("admins") or [])
    admins += [a for a in os.environ.get("FUNNEL_ADMINS", "").split(",") if a.strip()]
    return {"admins": admins, "trust_unverified": bool(section.get("trust_unverified_email", False))}


@st.cache_resource(show_spinner=False)
def _access_for(path: str) -> AccessStore:
    return AccessStore(context.get_store())


def access() -> AccessStore:
    return _access_for(str(context.get_store().path))


def current_user() -> User:
    """The user of this run (set by :func:`require_user`, which app.py calls first)."""
    user = st.session_state.get(_USER_KEY)
    return user if isinstance(user, User) else require_user()


def require_user(gate_pages: Callable[[], list] | None = None) -> User:
    """The signed-in user, or the local operator; stops the run with a sign-in or no-access screen.

    ``gate_pages``: builds the app's pages, registered hidden on those screens so that a deep link
    neither lists the ``pages/`` folder nor reports "page not found" before the user has signed in
    (called only then: a signed-in or local run does not pay for them).
    """
    if not auth_configured():
        user = local_user(read_only=context.read_only_server())
        st.session_state[_USER_KEY] = user
        return user
    t = context.tr()
    if not st.user.is_logged_in:
        _sign_in_screen(t)
        _stop(gate_pages)
    info = settings()
    email = st.user.get("email")
    user = access().user(email if isinstance(email, str) else None, bool(st.user.get("email_verified")),
                         admins=info["admins"], trust_unverified=info["trust_unverified"])
    if user is None:
        st.session_state.pop(_USER_KEY, None)
        st.title("Funnel Audit")
        caption_text(t("auth.no_access", email=str(st.user.get("email") or "?")), tone="warning")
        st.button(t("auth.sign_out"), on_click=st.logout, key="auth_no_access_logout")
        _stop(gate_pages)
    st.session_state[_USER_KEY] = user
    _restore_link()
    return user


def _stop(gate_pages: Callable[[], list] | None) -> None:
    if gate_pages is not None:
        st.navigation(gate_pages(), position="hidden")  # registered, never run
    st.stop()


def _sign_in_screen(t) -> None:
    st.title("Funnel Audit")
    st.write(t("auth.sign_in_text"))
    st.button(t("auth.sign_in"), on_click=st.login, type="primary", key="auth_sign_in")
    # remember where the link pointed (path + query): the provider returns to the root
    components.html(
        "<script>try{const l=window.parent.location;"
        f"if(l.pathname!=='/'||l.search){{sessionStorage.setItem({json.dumps(_RETURN_KEY)},"
        "l.pathname+l.search);}}catch(e){}</script>", height=0)


def _restore_link() -> None:
    if st.query_params.to_dict() or st.session_state.get("_funnel_link_restored"):
        return
    st.session_state["_funnel_link_restored"] = True
    components.html(
        "<script>try{const k=" + json.dumps(_RETURN_KEY) + ";const to=sessionStorage.getItem(k);"
        "sessionStorage.removeItem(k);"
        "if(to&&to.startsWith('/')&&!to.startsWith('//')){"
        # a sandboxed frame may not navigate the page; a timer of the page's own realm may
        "const P=window.parent;P.setTimeout(new P.Function('location.replace('+JSON.stringify(to)+')'),0);}}"
        "catch(e){}</script>", height=0)


def sidebar_account(t) -> None:
    """Who is signed in, with a sign-out button (nothing in local mode)."""
    user = current_user()
    if user.local:
        return
    caption_text(t("auth.signed_in_as", email=user.email, role=t(f"auth.role.{user.role.value}")), st.sidebar)
    st.sidebar.button(t("auth.sign_out"), on_click=st.logout, key="auth_sign_out")


# -- what the user may see and do ----------------------------------------------------------------
def visible(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalog rows the current user may open."""
    user = current_user()
    if user.local:
        return rows
    ids = set(access().visible_ids(user, [r["id"] for r in rows]))
    return [r for r in rows if r["id"] in ids]


def allowed(action: Action, dataset_id: int | None = None) -> bool:
    user = current_user()
    owner, shared = (None, []) if dataset_id is None or user.local else access().access_of(dataset_id)
    return can(user, action, owner=owner, shared_with=shared, read_only_server=context.read_only_server())


def admin_page_visibility() -> str | None:
    """The admin page: listed for admins, reachable by URL (to say "admins only") for others, absent
    in local mode."""
    if not auth_configured():
        return None
    return "visible" if allowed(Action.ADMIN) else "hidden"
