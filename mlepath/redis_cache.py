"""Django's Redis cache backend, with one redis.Redis client per connection pool.

Django's client builds a new redis.Redis object for every cache call, which cost
half a millisecond here, more than the round trip to Redis: a page read from
the cache paid it for the session and again for the page. redis.Redis is
thread-safe and holds no state of its own beyond its pool, so one per pool
serves every call of the process.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
