"""Every list the API returns has a declared bound that the cost model counts (issue #21, H1):
a video's hashtags are no longer "one object" that can hold 733."""

import pytest
from graphql import GraphQLInterfaceType, GraphQLList, GraphQLObjectType, get_named_type, get_nullable_type, parse

from conftest import global_id, make_user
from platform.graphql.cost import declared_list_size, is_page_edges, operation_cost
from platform.schema import schema
from videos.models import Hashtag, Video

BOMB = "{ video(id: $ID) { hashtags { videos(first: 1) { edges { node { hashtags { name } } } } } } }"
ALIASED = "{ %s }" % " ".join(
    f'a{i}: hashtag(name: "t0") {{ videos(first: 9) {{ edges {{ node {{ hashtags {{ videos(first: 9) '
    f"{{ edges {{ node {{ hashtags {{ name }} }} }} }} }} }} }} }} }}"
    for i in range(30)
)
UPDATE = "mutation($i: UpdateVideoInput!) { updateVideo(input: $i) { video { caption } errors { field code } } }"
COMMENT = "mutation($i: AddCommentInput!) { addComment(input: $i) { comment { id } errors { field code } } }"


def _list_fields():
    for type_ in schema._schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for name, field in type_.fields.items():
            if isinstance(get_nullable_type(field.type), GraphQLList):
                yield type_, name, field


def test_every_list_field_declares_its_bound():
    unbounded = [
        f"{type_.name}.{name}"
        for type_, name, field in _list_fields()
        if declared_list_size(field) is None and not is_page_edges(type_, name)
    ]
    assert unbounded == [], "list fields without @listSize (the cost model cannot count them)"


def test_every_page_of_edges_is_sliced_by_first():
    """Edges are counted by the `first` of the field that returned their page: every field
    returning a connection must take one."""
    pages = {type_.name for type_, name, _ in _list_fields() if is_page_edges(type_, name)}
    assert pages
    for type_ in schema._schema.type_map.values():
        for name, field in getattr(type_, "fields", {}).items() if not type_.name.startswith("__") else ():
            if get_named_type(field.type).name in pages:
                assert "first" in field.args, f"{type_.name}.{name} returns a page without `first`"


def _cost(query: str) -> int:
    document = parse(query)
    return operation_cost(schema._schema, document, document.definitions[0], {}, 100)


def test_a_list_costs_its_declared_bound_not_one_object():
    one = _cost('{ hashtag(name: "a") { videos(first: 1) { edges { node { id } } } } }')
    tagged = _cost('{ hashtag(name: "a") { videos(first: 1) { edges { node { hashtags { name } } } } } }')
    assert tagged - one >= 10  # CAPTION_MAX_HASHTAGS objects, not 1


@pytest.fixture
def tagged_shelf(creator, make_published):
    """Ten videos each carrying the most hashtags a caption may hold, all shared."""
    tags = " ".join(f"#t{i}" for i in range(10))
    videos = [make_published(creator, f"clip {n} {tags}") for n in range(10)]
    hashtags = Hashtag.objects.bulk_create([Hashtag(name=f"t{i}") for i in range(10)])
    for video in videos:
        video.hashtags.set(hashtags)
    return videos


def test_the_hashtag_bomb_is_bounded(anon, tagged_shelf, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        data = anon.execute(BOMB.replace("$ID", f'"{global_id(tagged_shelf[0])}"'))
    tags = data["video"]["hashtags"]
    assert len(tags) == 10 and all(len(t["videos"]["edges"][0]["node"]["hashtags"]) == 10 for t in tags)


def test_thirty_aliases_of_nested_tag_pages_are_refused_before_any_sql(
    anon, tagged_shelf, no_errors_logged, django_assert_num_queries
):
    with django_assert_num_queries(0):
        [error] = anon.errors(ALIASED)
    assert error["extensions"]["code"] == "TOO_COMPLEX"


@pytest.mark.parametrize("field", ["trendingHashtags", "trendingSounds", "suggestedAccounts"])
def test_a_page_past_a_lists_bound_is_out_of_range(anon, field, no_errors_logged):
    [error] = anon.errors("{ %s(first: 1400) { __typename } }" % field)
    assert error["extensions"]["code"] == "OUT_OF_RANGE" and error["extensions"]["field"] == "first"


def test_search_past_its_bound_is_out_of_range(anon, no_errors_logged):
    [error] = anon.errors('{ search(query: "a", first: 1400) { users { id } } }')
    assert error["extensions"]["code"] == "OUT_OF_RANGE"


def test_a_caption_with_too_many_hashtags_is_refused_and_changes_nothing(api, user, make_published):
    video = make_published(user, "before #one")
    bomb = " ".join(f"#tag{i}" for i in range(733))[:2200]
    answer = api.execute(UPDATE, {"i": {"videoId": global_id(video), "caption": bomb}})["updateVideo"]
    assert answer["errors"] == [{"field": "caption", "code": "OUT_OF_RANGE"}]
    video.refresh_from_db()
    assert video.caption == "before #one"
    ten = " ".join(f"#tag{i}" for i in range(10))
    assert api.execute(UPDATE, {"i": {"videoId": global_id(video), "caption": ten}})["updateVideo"]["errors"] == []


def test_a_comment_mentioning_too_many_accounts_is_refused(api, creator, make_published):
    video = make_published(creator, "hi")
    for i in range(11):
        make_user(f"person{i}")
    text = " ".join(f"@person{i}" for i in range(11))
    answer = api.execute(COMMENT, {"i": {"videoId": global_id(video), "text": text}})["addComment"]
    assert answer["errors"] == [{"field": "text", "code": "OUT_OF_RANGE"}]
    assert not Video.objects.get(pk=video.pk).comments.exists()
