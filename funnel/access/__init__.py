"""Who may see and change what, when the app is shared on an internal URL (issue 14).

Two modes:

- **local** (no sign-in configured): the person at the keyboard is the operator and may do
  everything (``FUNNEL_READ_ONLY=1`` makes them a viewer of every dataset). The CLI always acts as
  the local operator: whoever runs it has the store file anyway.
- **signed in** (OpenID Connect through Streamlit's ``st.login``): people are known by their
  *verified* e-mail; their role comes from the store (``access_users``), else from the
  configured first admins, else from a rule on their e-mail domain; no role = no access.

Roles: ``viewer`` reads the datasets shared with them; ``editor`` also imports datasets (which
they then own) and manages and shares their own; ``admin`` manages everything and everyone.

Rules are pure functions of data (:mod:`.rules`); the tables and the audit trail live in the store
(:mod:`.tables`). The Streamlit side (sign-in gate, filtering lists) is in ``ui/auth.py``.
"""

from .rules import (
    EVERYONE,
    Action,
    Role,
    User,
    can,
    local_user,
    normalize_email,
    principal_kind,
    resolve_role,
    sees,
)
from .tables import AccessStore

__all__ = [
    "EVERYONE",
    "AccessStore",
    "Action",
    "Role",
    "User",
    "can",
    "local_user",
    "normalize_email",
    "principal_kind",
    "resolve_role",
    "sees",
]
