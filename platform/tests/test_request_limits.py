"""Every request is bounded before it runs: its cost, the size and shape of every value in it,
and the operation it names. What the client got wrong is a typed error, never a masked one,
and never a line in the error log."""

import base64
import json

import pytest
from django.test import Client
from strawberry.relay import to_base64

from accounts.services.social_graph import follow
from conftest import global_id, make_user
from videos.models import Comment

pytestmark = pytest.mark.django_db

CHAIN = """
query($n: Int, $m: Int, $k: Int) { user(username: "star") { followers(first: $n) { edges { node { username
  followers(first: $m) { totalCount edges { node { username videoCount
    followers(first: $k) { totalCount edges { node { username viewerFollows } } } } } } } } } } }
"""


@pytest.fixture
def web(db) -> Client:
    return Client()


def post(client, query: str, variables: dict | None = None, **extra):
    body = {"query": query, "variables": variables or {}, **extra}
    return client.post(
        "/graphql",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept": "application/graphql-response+json"},
    )


def request_error(response) -> dict:
    """The one error of a request that was refused before it ran (HTTP 400, no data)."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert "data" not in body, body
    [error] = body["errors"]
    return error


def network(size: int) -> None:
    """`star` and `size` accounts who all follow each other."""
    people = [make_user("star"), *(make_user(f"p{i}") for i in range(size))]
    for a in people:
        for b in people:
            if a != b:
                follow(a, b)


def test_the_three_level_follower_query_is_refused_before_any_sql(web, no_errors_logged, django_assert_num_queries):
    with django_assert_num_queries(0):
        error = request_error(post(web, CHAIN, {"n": 100, "m": 100, "k": 10}))
    assert error["extensions"]["code"] == "TOO_COMPLEX"
    assert error["extensions"]["cost"] > error["extensions"]["limit"]


def test_a_page_size_left_out_counts_as_the_largest_page(web):
    nested = '{ user(username: "star") { followers { edges { node { followers { edges { node { username } } } } } } } }'
    error = request_error(post(web, nested))
    assert error["extensions"]["code"] == "TOO_COMPLEX"


def test_aliases_add_up(web, settings):
    one = 'a%d: user(username: "star") { followers(first: 100) { edges { node { username } } } }'
    assert post(web, "{ %s }" % (one % 0)).status_code == 200
    copies = settings.GRAPHQL_MAX_COST // 200 + 1
    error = request_error(post(web, "{ %s }" % " ".join(one % i for i in range(copies))))
    assert error["extensions"]["code"] == "TOO_COMPLEX"


@pytest.mark.parametrize("size", [3, 8])
def test_nested_follower_lists_cost_a_fixed_number_of_queries_per_level(anon, size, django_assert_max_num_queries):
    network(size)
    # user, then each level's page and totals in one query
    with django_assert_max_num_queries(4):
        data = anon.execute(CHAIN, {"n": 10, "m": 10, "k": 5})
    level_one = data["user"]["followers"]["edges"]
    assert len(level_one) == size
    assert all(edge["node"]["followers"]["totalCount"] == size for edge in level_one)
    third = level_one[0]["node"]["followers"]["edges"][0]["node"]["followers"]["edges"]
    assert len(third) == min(5, size)


def test_a_screen_of_the_app_fits_the_budget(anon):
    screen = """{ forYou(first: 50) { edges { node { reason explanation video { id caption heartCount
      author { username displayName avatarUrl viewerFollows } hashtags { name } sound { title }
      comments(first: 3) { totalCount edges { node { text author { username } } } } } } } } }"""
    assert "forYou" in anon.execute(screen)


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        ("query($q: String!) { search(query: $q) { users { username } } }", {"q": "ab " * 330_000}, "query"),
        ("query($u: String!) { user(username: $u) { username } }", {"u": "x" * 101}, "username"),
        ('{ user(username: "%s") { username } }' % ("x" * 101), {}, "username"),
        ('{ hashtag(name: "%s") { name } }' % ("x" * 101), {}, "name"),
        (
            'query($a: String) { user(username: "x") { followers(after: $a) { totalCount } } }',
            {"a": "c" * 600},
            "after",
        ),
        ("query($id: ID!) { video(id: $id) { id } }", {"id": "V" * 200}, "id"),
    ],
)
def test_over_long_values_are_refused_before_any_sql(web, query, variables, field, django_assert_num_queries):
    with django_assert_num_queries(0):
        error = request_error(post(web, query, variables))
    assert error["extensions"] == {"code": "TOO_LONG", "field": field, "classification": "BAD_USER_INPUT"}


def test_over_long_mutation_input_is_refused_and_changes_nothing(api, user, creator, make_published):
    video = make_published(creator)
    query = "mutation($t: String!, $v: ID!) { addComment(input: {videoId: $v, text: $t}) { errors { code } } }"
    response = api.post(query, {"t": "x" * 5001, "v": global_id(video)})
    assert response.json()["errors"][0]["extensions"] == {
        "code": "TOO_LONG",
        "field": "input.text",
        "classification": "BAD_USER_INPUT",
    }
    assert not Comment.objects.exists()


LITERAL_NUL = [
    '{ user(username: "a\\u0000b") { username } }',
    '{ hashtag(name: "a\\u0000b") { name } }',
    '{ search(query: "a\\u0000b") { users { username } } }',
    'mutation { login(input: {username: "a\\u0000b", password: "x"}) { errors { code } } }',
    'mutation { register(input: {username: "a\\u0000b", email: "e@x.io", password: "x"}) { errors { code } } }',
    'mutation { updateProfile(input: {bio: "a\\u0000b"}) { errors { code } } }',
    'mutation { addComment(input: {videoId: "VmlkZW86MQ==", text: "a\\u0000b"}) { errors { code } } }',
    'mutation { report(input: {subjectId: "VXNlcjox", reason: SPAM, details: "a\\u0000b"}) { errors { code } } }',
]


@pytest.mark.parametrize("query", LITERAL_NUL, ids=range(len(LITERAL_NUL)))
def test_a_nul_spelled_inside_a_graphql_string_is_a_typed_client_error(api, query, no_errors_logged):
    response = api.post(query)
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID"
    assert "NUL" in error["message"]


def test_nul_in_a_get_query_is_a_client_error(web, no_errors_logged):
    response = web.get("/graphql", {"query": '{ user(username: "a\\u0000b") { username } }'})
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID"


def encoded(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ('{ user(username: "star") { followers(after: "garbage") { totalCount } } }', {}, "INVALID_CURSOR"),
        (
            '{ user(username: "star") { followers(after: "%s") { totalCount } } }' % encoded("orderedcursor:[1]"),
            {},
            "INVALID_CURSOR",
        ),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": encoded("Video:abc")}, "INVALID_ID"),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": encoded("Video:" + "9" * 40)}, "INVALID_ID"),
        ("query($id: ID!) { video(id: $id) { id } }", {"id": "garbage"}, "INVALID_ID"),
        ("query($id: ID!) { videoPerformance(videoId: $id) { pool } }", {"id": "%%%"}, "INVALID_ID"),
        # a negative page size reached Django's slicing as an unexpected error (found by schemathesis)
        ("{ notifications(first: -1) { edges { cursor } } }", {}, "OUT_OF_RANGE"),
        ('query($n: Int) { user(username: "star") { followers(last: $n) { totalCount } } }', {"n": -2}, "OUT_OF_RANGE"),
    ],
)
def test_malformed_cursors_and_ids_are_typed_client_errors(web, query, variables, code, no_errors_logged):
    make_user("star")
    error = request_error(post(web, query, variables))
    assert error["extensions"]["code"] == code


def test_a_well_formed_cursor_with_impossible_values_is_a_typed_error(anon, no_errors_logged):
    make_user("star")
    cursor = encoded('orderedcursor:["not a date","1"]')
    [error] = anon.errors(
        'query($a: String) { user(username: "star") { followers(after: $a) { totalCount } } }', {"a": cursor}
    )
    assert error["extensions"]["code"] == "INVALID_CURSOR"


def following_after(client, stamp: str):
    cursor = base64.urlsafe_b64encode(f"{stamp}|5".encode()).decode()
    return client.post("query($a: String) { following(after: $a) { edges { cursor } } }", {"a": cursor}).json()


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+23:59", "2026-01-01T00:00:00", "2026-13-01T00:00:00+00:00"])
def test_following_feed_cursors_with_impossible_times_are_typed_errors(api, stamp, no_errors_logged):
    [error] = following_after(api, stamp)["errors"]
    assert error["extensions"] == {"code": "INVALID_CURSOR", "field": "after", "classification": "BAD_USER_INPUT"}


def test_a_following_cursor_in_an_odd_time_zone_is_read_as_utc(api, no_errors_logged):
    # PostgreSQL refuses offsets beyond 15:59; the cursor's time reaches it converted to UTC
    assert following_after(api, "2026-01-01T00:00:00-23:59") == {"data": {"following": {"edges": []}}}


def test_a_forty_digit_video_id_in_a_watch_event_is_rejected_with_a_reason(api, no_errors_logged):
    batch = {"events": [{"videoId": to_base64("Video", "9" * 40), "watchedMs": 1000}]}
    result = api.execute(
        "mutation($b: WatchEventsInput!) { recordWatchEvents(input: $b) { accepted rejected { index reason } } }",
        {"b": batch},
    )["recordWatchEvents"]
    assert result == {"accepted": 0, "rejected": [{"index": 0, "reason": "No such video."}]}


def test_mutation_payloads_still_report_bad_ids_by_field(api, no_errors_logged):
    data = api.execute(
        'mutation { follow(input: {userId: "%s"}) { errors { field code } } }' % to_base64("User", "9" * 40)
    )
    assert data["follow"]["errors"] == [{"field": "userId", "code": "INVALID"}]


@pytest.mark.parametrize("depth", [33, 5000])
def test_deeply_nested_json_is_a_400(web, depth, no_errors_logged):
    body = '{"query": "{ __typename }", "variables": {"a": %s%s}}' % ("[" * depth, "]" * depth)
    response = web.post("/graphql", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["errors"][0]["message"]


def test_several_operations_need_an_operation_name(web):
    document = "query A { __typename } query B { viewer { username } }"
    error = request_error(post(web, document))
    assert error["extensions"]["code"] == "INVALID" and "operationName" in error["message"]
    named = post(web, document, operationName="B")
    assert named.status_code == 200 and named.json() == {"data": {"viewer": None}}


def test_introspection_is_off_unless_enabled(settings):
    import strawberry

    from platform.graphql.extensions import schema_extensions

    @strawberry.type
    class Query:
        ping: str = "pong"

    query = "{ __schema { queryType { name } } }"
    settings.GRAPHQL_INTROSPECTION = False
    refused = strawberry.Schema(query=Query, extensions=schema_extensions()).execute_sync(query)
    assert refused.errors and "introspection" in refused.errors[0].message.lower()
    settings.GRAPHQL_INTROSPECTION = True
    allowed = strawberry.Schema(query=Query, extensions=schema_extensions()).execute_sync(query)
    assert allowed.data == {"__schema": {"queryType": {"name": "Query"}}}


def test_the_cost_of_a_query_grows_with_each_page_size(anon):
    from graphql import parse

    from platform.graphql.cost import operation_cost
    from platform.schema import schema

    def cost(n, m):
        document = parse(CHAIN)
        return operation_cost(schema._schema, document, document.definitions[0], {"n": n, "m": m, "k": 1}, 100)

    assert cost(1, 1) < cost(10, 1) < cost(10, 10)
    assert cost(10, 10) > 10 * 10


@pytest.mark.parametrize("first", [0, 51, -1])
def test_feed_page_sizes_out_of_range_are_typed_client_errors(api, first, no_errors_logged):
    [error] = api.errors("query($n: Int!) { forYou(first: $n) { edges { cursor } } }", {"n": first})
    assert error["extensions"]["code"] == "OUT_OF_RANGE" and error["extensions"]["field"] == "first"


def test_a_number_where_an_id_goes_is_an_invalid_id(web, no_errors_logged):
    error = request_error(post(web, "{ node(id: -2147483648) { id } }"))
    assert error["extensions"]["code"] == "INVALID_ID"
