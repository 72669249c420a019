"""The Streamlit dashboard: pages render, the library computes (see ``app.py``)."""
