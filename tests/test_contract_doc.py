"""docs/CONTRACT.md and the contract package say the same thing: templates, columns in order,
types, required flags and code lists. The page is the reference; a change starts there.

The column order of the indicator views against the page: tests/test_indicateurs.py.
"""

from __future__ import annotations

import pytest

from contract import CODE_LISTS, MOTIF_CATEGORIES, TEMPLATES
from contract_doc import code_lists, template_columns, view_names
from warehouse.catalogue import ALL_MARTS

# In the page, not built yet. Building one makes the test below fail until it leaves this list.
NOT_BUILT_TEMPLATES = {"objectifs"}
NOT_BUILT_CODE_LISTS = {"SENS"}
NOT_BUILT_VIEWS = {"suivi_objectifs", "points_attention"}


def test_every_template_of_the_page_is_built_or_known_as_not_built():
    documented = set(template_columns())
    assert set(TEMPLATES) <= documented, "a template of contract/templates.py is missing from docs/CONTRACT.md"
    assert documented - set(TEMPLATES) == NOT_BUILT_TEMPLATES


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_columns_match_the_page(name):
    documented = template_columns()[name]
    columns = TEMPLATES[name].columns
    assert [c["name"] for c in documented] == [c.name for c in columns], "columns or their order differ"
    assert {c["name"]: c["required"] for c in documented} == {c.name: c.required for c in columns}
    for doc, col in zip(documented, columns):
        if doc["type"] is not None:  # `annee, siret` rows of the key give no type
            assert (doc["type"], doc["codes"]) == (col.type, col.codes), col.name


def test_code_lists_match_the_page():
    documented = {k: v for k, v in code_lists().items() if "." not in k}
    assert set(documented) - set(CODE_LISTS) == NOT_BUILT_CODE_LISTS
    assert set(CODE_LISTS) <= set(documented)
    for name, codes in CODE_LISTS.items():
        assert documented[name] == list(codes), name


def test_exit_categories_match_the_page():
    documented = {k.split(".")[1]: v for k, v in code_lists().items() if k.startswith("MOTIF_SORTIE.")}
    assert list(documented) == list(MOTIF_CATEGORIES), "categories or their order differ"
    assert documented == {k: list(v) for k, v in MOTIF_CATEGORIES.items()}


def test_every_view_of_the_page_is_built_or_known_as_not_built():
    assert set(view_names()) - set(ALL_MARTS) == NOT_BUILT_VIEWS
