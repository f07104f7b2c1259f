"""The app as it runs once a version's protected cubes are ready: no background preparation.

After a load, the app computes the statistical-secrecy cubes of the new version in a
background thread (warehouse.publication.preparer_en_fond; in local mode, as in the bench, the
latest year's): a full core for about 30 s at the Réunion scale, and an interpreter waits at exit for the cube it is computing. In the
bench that thread ran during the page timings and the browser sessions, and made the
AppTest child wait about 30 s after its last page; on 2 shared cores the sessions then
starved (tabs that never rendered within the bench's 90 s). The pages and sessions measure
the steady state instead: the figures are those of an app whose cubes are ready (the
administrator the bench plays reads figures without secrecy, so no page waits for a cube).
"""

from __future__ import annotations


def sans_preparation_en_fond() -> None:
    from warehouse import publication

    publication.preparer_en_fond = lambda version, **options: None
