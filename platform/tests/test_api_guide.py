"""docs/API.md is the front-end guide: every operation in its graphql blocks must be valid
against the live schema, and together they must cover every root field, so the guide can
neither rot nor silently miss a feature."""

import re
from pathlib import Path

import pytest
from graphql import parse, validate
from graphql.language import OperationDefinitionNode

from platform.schema import schema

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "API.md"
BLOCKS = re.findall(r"```graphql\n(.*?)```", GUIDE.read_text(), flags=re.S)


def _operations():
    for block in BLOCKS:
        for definition in parse(block).definitions:
            if isinstance(definition, OperationDefinitionNode):
                yield definition


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_every_example_in_the_guide_is_valid_against_the_schema(block):
    assert validate(schema._schema, parse(block)) == []


def test_the_guide_shows_every_query_mutation_and_subscription():
    shown = {
        selection.name.value
        for operation in _operations()
        for selection in operation.selection_set.selections
        if hasattr(selection, "name")
    }
    roots = [schema._schema.query_type, schema._schema.mutation_type, schema._schema.subscription_type]
    missing = {name for root in roots for name in root.fields} - shown - {"node", "id"}
    assert not missing, f"docs/API.md has no example of {sorted(missing)}"
