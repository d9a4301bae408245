"""gaitcam Streamlit app (placeholder until the app lands): `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="gaitcam", page_icon="🏃", layout="wide")
st.title("gaitcam: check your running form from video")
st.info("The upload page is being built. Meanwhile use `gaitcam analyze VIDEO --out DIR`.")
