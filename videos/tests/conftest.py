import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services.tokens import issue_token
from conftest import make_user
from videos.media.synthetic import make_declared_giant, make_declared_marathon, make_video


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def video_library(tmp_path_factory):
    """Real video files, written once per test session: name -> path."""
    folder = tmp_path_factory.mktemp("videos")
    specs = {
        "good": {"seed": 1},
        "good_reencoded": {"seed": 1, "crf": 36, "size": (360, 640)},
        "other": {"seed": 2},
        "same_sound": {"seed": 10, "audio_seed": 1},  # another picture, the soundtrack of "good"
        "silent": {"seed": 3, "audio": "silent"},
        "no_audio": {"seed": 3, "audio": None},
        "clipping": {"seed": 4, "audio": "clipping"},
        "tiny": {"seed": 6, "size": (160, 96)},
        "short": {"seed": 7, "seconds": 1.0},
    }
    library = {name: make_video(folder / f"{name}.mp4", **spec) for name, spec in specs.items()}
    corrupt = folder / "corrupt.mp4"
    corrupt.write_bytes(library["good"].read_bytes()[:2000][::-1] * 20)
    library["corrupt"] = corrupt
    library["giant"] = make_declared_giant(folder / "giant.mov")
    library["marathon"] = make_declared_marathon(folder / "marathon.mp4")
    return library


@pytest.fixture
def video_upload(video_library):
    def build(name: str, filename: str | None = None) -> SimpleUploadedFile:
        path = video_library[name]
        return SimpleUploadedFile(filename or path.name, path.read_bytes(), content_type="video/mp4")

    return build


FIELDS = """
  id status rejectionReasons reviewNotes isOriginal durationMs width height videoUrl originalUrl thumbnailUrl
  hashtags { name } sound { title }
"""
UPLOAD = (
    """
mutation Upload($input: UploadVideoInput!) {
  uploadVideo(input: $input) { video { %s } errors { field code message } }
}"""
    % FIELDS
)
STATUS = "query($id: ID!) { video(id: $id) { %s } }" % FIELDS


@pytest.fixture
def upload(api, video_upload, django_capture_on_commit_callbacks):
    def send(name, caption="", visibility="PUBLIC", client=None, filename=None, **more_input):
        client = client or api
        with django_capture_on_commit_callbacks(execute=True):
            response = client.upload(
                UPLOAD,
                {"input": {"file": None, "caption": caption, "visibility": visibility, **more_input}},
                {"input.file": video_upload(name, filename)},
            )
        assert response.status_code == 200, response.content
        payload = response.json()["data"]["uploadVideo"]
        if payload["video"]:
            # the pipeline ran after the upload committed; read the outcome back
            payload["video"].update(client.execute(STATUS, {"id": payload["video"]["id"]})["video"])
        return payload

    return send


@pytest.fixture
def scene(make_published):
    """An author's published video, a fan, and a bearer token for each: the live tests' cast."""
    author = make_user("author")
    fan = make_user("fan")
    video = make_published(author, "live!")
    return {
        "author": author,
        "fan": fan,
        "video": video,
        "fan_token": issue_token(fan)[0],
        "author_token": issue_token(author)[0],
    }
