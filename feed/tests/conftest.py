import pytest

from feed.services import candidates, model_store


@pytest.fixture(autouse=True)
def model_folder(settings, tmp_path):
    settings.FEED_MODEL_DIR = tmp_path / "models"
    return settings.FEED_MODEL_DIR


@pytest.fixture(autouse=True)
def fresh_process_caches(model_folder):
    """Shared candidate lists and the loaded model live for a while in a server process;
    each test starts as a newly started process would."""
    candidates.forget()
    model_store.forget()
    yield
    candidates.forget()
    model_store.forget()
