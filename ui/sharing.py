"""Who a dataset is shared with: the editor on the Data page for its owner and the admins."""

from __future__ import annotations

import streamlit as st

from funnel.errors import FunnelError
from ui import auth, context
from ui.errors import error_text


def sharing_editor(t, dataset_id: int) -> None:
    """List the dataset's owner and readers; add or remove a reader (signed-in mode only)."""
    if not auth.auth_configured():
        return
    access = auth.access()
    owner, shared = access.access_of(dataset_id)
    auth.caption_text(t("auth.share.owner", owner=owner or t("auth.share.no_owner")))
    for principal in shared:
        c1, c2 = st.columns([4, 1])
        c1.text(principal)  # a name is text, never markup
        if c2.button(t("auth.share.remove"), key=f"unshare_{dataset_id}_{principal}"):
            access.unshare(auth.current_user(), dataset_id, principal)
            st.rerun()
    if not shared:
        st.caption(t("auth.share.nobody"))
    new = st.text_input(t("auth.share.add"), key=f"share_{dataset_id}", help=t("auth.share.help"))
    if st.button(t("auth.share.button"), key=f"share_btn_{dataset_id}") and new.strip():
        try:
            access.share(auth.current_user(), dataset_id, new)
        except FunnelError as exc:
            st.error(error_text(exc, context.lang()))
        else:
            st.rerun()
