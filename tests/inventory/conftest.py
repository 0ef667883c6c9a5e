import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def greek_by_default():
    """Messages are checked in Greek, whatever language an earlier request left active in this thread."""
    with translation.override("el"):
        yield
