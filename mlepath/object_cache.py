"""A per-process cache that keeps values as they are, without pickling.

Django's LocMemCache pickles a value on every set and unpickles it on every get,
so that no caller can change what another one reads. The roadmap outline holds
every topic row pre-rendered, and unpickling it cost 0.5 ms of each status
change. Its values are immutable (frozen dataclasses, tuples, strings, and dicts
nobody writes to), so the copy buys nothing here: only such values belong in it.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class ObjectCache(LocMemCache):
    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def incr(self, key, delta=1, version=None):
        raise NotImplementedError("ObjectCache holds immutable values, not counters")
