"""Admin page (signed-in mode, admins only): users and their roles, domain rules, groups, audit trail."""

import streamlit as st

from funnel.access import Action, Role
from funnel.errors import FunnelError
from funnel.formats import fmt_datetime
from ui import auth, context
from ui.errors import error_text
from ui.routing import require_frame

require_frame()

t = context.tr()
if not auth.allowed(Action.ADMIN):  # the page is only listed for admins; a typed URL lands here
    st.warning(t("auth.admin.only"))
    st.stop()
st.title(t("auth.admin.title"))
access = auth.access()
me = auth.current_user()
roles = [r.value for r in Role]


def _role_form(form_key: str, label: str, save, placeholder: str | None = None) -> None:
    """A text field and a role picker ("remove" drops the entry); ``save(text, role_or_None)``."""
    with st.form(form_key, border=True):
        c1, c2 = st.columns([3, 1])
        text = c1.text_input(label, placeholder=placeholder, key=f"{form_key}_text")
        role = c2.selectbox(t("auth.admin.role"), [*roles, "-"], key=f"{form_key}_role",
                            format_func=lambda r: t("auth.admin.remove") if r == "-" else t(f"auth.role.{r}"))
        if st.form_submit_button(t("auth.admin.save")):
            _apply(lambda: save(text, None if role == "-" else role))


def _apply(change) -> None:
    try:
        change()
    except FunnelError as exc:
        st.error(error_text(exc, context.lang()))
    else:
        st.rerun()


st.subheader(t("auth.admin.users"))
st.caption(t("auth.admin.users_help"))
users = access.users()
if users:
    st.dataframe([{t("auth.admin.email"): u["email"], t("auth.admin.role"): t(f"auth.role.{u['role']}"),
                   t("auth.admin.added_by"): u["added_by"]} for u in users], hide_index=True)
_role_form("admin_user", t("auth.admin.email"), lambda email, role: access.set_role(me, email, role))

st.subheader(t("auth.admin.domains"))
st.caption(t("auth.admin.domains_help"))
rules = access.domain_rules()
if rules:
    st.dataframe([{t("auth.admin.domain"): d, t("auth.admin.role"): t(f"auth.role.{r}")} for d, r in rules.items()],
                 hide_index=True)
_role_form("admin_domain", t("auth.admin.domain"), lambda domain, role: access.set_domain_rule(me, domain, role),
           placeholder="@company.example")

st.subheader(t("auth.admin.groups"))
st.caption(t("auth.admin.groups_help"))
groups = access.groups()
if groups:
    st.dataframe([{t("auth.admin.group"): g, t("auth.admin.members"): ", ".join(m)} for g, m in groups.items()],
                 hide_index=True)
with st.form("admin_group", border=True):
    group = st.text_input(t("auth.admin.group"), key="admin_group")
    members = st.text_area(t("auth.admin.members"), key="admin_group_members", help=t("auth.admin.members_help"))
    if st.form_submit_button(t("auth.admin.save")):
        _apply(lambda: access.set_group(me, group, members.replace(",", "\n").splitlines()))

st.subheader(t("auth.admin.audit"))
trail = access.audit_trail(limit=200)
if trail:  # a plain table: the latest 200 changes, readable and searchable with the browser's find
    st.table([{t("auth.admin.when"): fmt_datetime(r["happened_at"], t.lang), t("auth.admin.who"): r["actor"],
                   t("auth.admin.action"): t(f"auth.audit.{r['action']}"), t("auth.admin.dataset"): r["dataset_id"],
                   t("auth.admin.detail"): r["detail"]} for r in trail])
else:
    st.caption(t("auth.admin.audit_empty"))
