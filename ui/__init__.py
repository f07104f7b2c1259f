"""The app's building blocks, between warehouse/ (data) and pages/ (screens)."""

# pandas and pyarrow are imported here, once, by the first session: Streamlit and polars import
# them lazily, and two sessions starting at once on a new server imported pandas from two
# threads: one of them read the module half built ("partially initialized module 'pandas' has
# no attribute 'Timestamp'"). Importing `ui` is serialised by Python's module lock.
import pandas  # noqa: F401
import pyarrow  # noqa: F401
