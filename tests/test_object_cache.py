"""mlepath.object_cache.ObjectCache: the per-process cache of immutable, versioned
values (the roadmap outline). It keeps values as they are, without pickling."""

import time

import pytest

from mlepath.object_cache import ObjectCache


def test_values_come_back_as_the_same_objects_until_they_expire():
    cache = ObjectCache("object-cache-test", {})
    value = ("outline", ("section", "topic"))
    cache.set("key", value, timeout=0.05)
    assert cache.get("key") is value
    assert cache.add("key", "other") is False and cache.get("key") is value
    time.sleep(0.1)
    assert cache.get("key", "gone") == "gone"
    assert cache.add("key", "other") is True and cache.get("key") == "other"
    cache.delete("key")
    assert cache.get("key") is None


def test_it_refuses_to_count():
    cache = ObjectCache("object-cache-test", {})
    cache.set("n", 1)
    with pytest.raises(NotImplementedError):
        cache.incr("n")


def test_the_roadmap_outline_is_served_from_it(settings):
    from django.core.cache import caches

    assert isinstance(caches["versioned"], ObjectCache)
