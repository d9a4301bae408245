"""The Streamlit app's building blocks.

Pure helpers (no Streamlit import, unit-tested): `cache` (where uploads and results live, keyed
by content and settings), `cards` (metric-card, summary and headline HTML), `series` and `plots`
(per-frame series and Plotly figures), `steps` (foot contacts and their per-stride values),
`tables` (per-stride table), `frames` (decode one frame and draw the overlay on it),
`overlay_job` (the annotated video, drawn in the background after the results), `warmup`
(heavy imports and illustrations, done once per process in the background).
Pages and widgets (Streamlit): `upload_page`, `advice_page`, `advice_view` (findings, exercises
and plan blocks), `safety` (disclaimer and red-flag self-check on every page), `feedback`
(friendly errors, never a traceback). `live_page`, `compare_page` and `history_page` belong to
the live-mode and physio pages.
"""
