import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def shared_file(relative):
    """A file from ../shared, or a skip saying what is missing."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared/{relative} is not beside the checkout")
    return path


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its files to a fresh folder on disk, never to media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def on_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
