"""Performance bench: `python -m bench --scale reunion|region|national` (see bench/README.md)."""
