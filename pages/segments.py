import streamlit as st
from ui.routing import require_frame
require_frame()
st.title("wip")
