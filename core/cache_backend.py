"""Django's Redis cache, failing open: with Redis unreachable every read is a miss and every write is dropped.

The cache only ever saves work (computed sections, ``core.caching``) and counts API requests (the rate
limits): with Redis down pages compute and answer as without a cache, and the limits let requests
through. After a failure the cache is left alone for ``RETRY_SECONDS`` (option ``retry_seconds``), so a
dead server costs one short connection timeout per process and period, not one per read.
``clear()`` removes this site's keys only (its ``KEY_PREFIX``): the same Redis may be the broker.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_FAILURES = (RedisError, OSError)


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._retry_seconds = float(options.pop("retry_seconds", RETRY_SECONDS))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    def _guarded(self, default: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except _FAILURES as error:
            self._down_until = time.monotonic() + self._retry_seconds
            logger.warning("Cache unreachable (%s); computing without it for %.0f s", error, self._retry_seconds)
            return default

    def get(self, key, default=None, version=None):
        return self._guarded(default, "get", key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, "has_key", key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, "set", key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, "add", key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), "set_many", data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, "delete", key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, "delete_many", keys, version)

    def incr(self, key, delta=1, version=None):
        # A missing key is a ValueError, as Django's caches say; an unreachable cache counts nothing.
        return self._guarded(delta, "incr", key, delta, version)

    def clear(self):
        def remove_own_keys() -> bool:
            client = self._cache.get_client(write=True)
            pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
            batch = []
            for key in client.scan_iter(match=pattern, count=500):
                batch.append(key)
                if len(batch) == 500:
                    client.delete(*batch)
                    batch.clear()
            if batch:
                client.delete(*batch)
            return True

        if time.monotonic() < self._down_until:
            return False
        try:
            return remove_own_keys()
        except _FAILURES as error:
            self._down_until = time.monotonic() + self._retry_seconds
            logger.warning("Cache unreachable (%s); nothing cleared", error)
            return False
