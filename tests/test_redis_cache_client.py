"""The production cache (pontis.core.cache.RedisCache) builds one Redis client per connection pool, not one per
call, and still reaches the server through the pool (a client is made without connecting)."""

from pontis.core.cache import RedisCache


def test_the_redis_client_is_built_once_per_pool():
    cache = RedisCache("redis://127.0.0.1:6379/14", {})
    first = cache._cache.get_client("a")
    second = cache._cache.get_client("b", write=True)

    assert first is second  # one server: reads and writes share the pool, so the client
    assert first.connection_pool is cache._cache._get_connection_pool(False)


def test_two_servers_get_a_client_each():
    cache = RedisCache("redis://127.0.0.1:6379/14,redis://127.0.0.1:6379/15", {})
    writer = cache._cache.get_client(write=True)
    readers = {id(cache._cache.get_client()) for _ in range(20)}

    # Django writes to the first server and reads from the others: one client for each pool, kept.
    assert writer.connection_pool is cache._cache._get_connection_pool(True)
    assert len(readers) == 1 and id(writer) not in readers
