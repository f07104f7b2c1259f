"""`python -m bench.serveur run app.py ...`: `streamlit run`, without the background
preparation of protected cubes (bench/regime.py says why)."""

from __future__ import annotations

import sys

from bench.regime import sans_preparation_en_fond

if __name__ == "__main__":
    sans_preparation_en_fond()
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(main())
