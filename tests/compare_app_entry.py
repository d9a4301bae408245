"""A small Streamlit app with the physiotherapist pages only, for tests/test_browser_compare.py
(`streamlit run tests/compare_app_entry.py`): Compare (default) and Runner history."""

import streamlit as st

from gaitcam.ui import compare_page, history_page

st.set_page_config(page_title="gaitcam: compare (test)", layout="wide")
st.navigation([
    st.Page(compare_page.render, title="Compare", url_path="compare", default=True),
    st.Page(history_page.render, title="Runner history", url_path="history"),
]).run()
