"""Stand-alone entry for the live page (browser test): `streamlit run tests/live_app_entry.py`.

The real app mounts the same page through st.navigation (app.py).
"""

import streamlit as st

from gaitcam.ui.live_page import render

st.set_page_config(page_title="gaitcam live (test)", layout="wide")
render()
