"""Every request is checked against the schema limits before anything runs."""

import pytest

pytestmark = pytest.mark.django_db


def nested_following(depth: int) -> str:
    query = "username"
    for _ in range(depth):
        query = f"following(first: 1) {{ edges {{ node {{ {query} }} }} }}"
    return f'{{ user(username: "x") {{ {query} }} }}'


def test_deep_queries_are_refused(anon, settings):
    errors = anon.errors(nested_following(6))
    assert "exceeds maximum operation depth" in errors[0]["message"]


def test_queries_within_the_depth_limit_run(anon):
    assert anon.execute(nested_following(3)) == {"user": None}


def test_too_many_aliases_are_refused(anon, settings):
    query = "{ " + " ".join(f"a{i}: viewer {{ username }}" for i in range(settings.GRAPHQL_MAX_ALIASES + 1)) + " }"
    assert "aliases" in anon.errors(query)[0]["message"]


def test_huge_documents_are_refused(anon, settings):
    query = "{ " + " ".join("__typename" for _ in range(settings.GRAPHQL_MAX_TOKENS)) + " }"
    assert "token" in anon.errors(query)[0]["message"].lower()


def test_a_repeated_operation_is_parsed_and_validated_once(anon):
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    from platform.graphql.extensions import CACHED_DOCUMENTS

    query = "query Repeated { viewer { username } }"
    parse, validate = _get_parse_cache(CACHED_DOCUMENTS), _get_validate_cache(CACHED_DOCUMENTS)
    anon.execute(query)
    parsed, validated = parse.cache_info().hits, validate.cache_info().hits
    assert anon.execute(query) == {"viewer": None}
    assert parse.cache_info().hits == parsed + 1
    assert validate.cache_info().hits == validated + 1


def test_limits_still_apply_to_a_cached_operation(anon):
    query = nested_following(6)
    for _ in range(2):
        assert "exceeds maximum operation depth" in anon.errors(query)[0]["message"]


@pytest.mark.django_db
def test_a_cached_operations_variables_are_checked_on_every_request(anon, settings):
    """The arguments of a document are found once; the values sent with it, every time."""
    query = "query Find($q: String!) { search(query: $q) { hashtags { name } } }"
    assert anon.execute(query, {"q": "cats"}) == {"search": {"hashtags": []}}
    errors = anon.errors(query, {"q": "x" * 201})
    assert errors[0]["extensions"]["code"] == "TOO_LONG"
    assert anon.execute(query, {"q": "dogs"}) == {"search": {"hashtags": []}}
    by_id = "query One($id: ID!) { video(id: $id) { id } }"
    assert anon.execute(by_id, {"id": "VmlkZW86OTk5OTk5"}) == {"video": None}
    assert anon.errors(by_id, {"id": "not a global id"})[0]["extensions"]["code"] == "INVALID_ID"
