"""The Redis clients of the stores: one pool per user, that waits for a connection under a burst.

redis-py's default pool raises ``MaxConnectionsError`` once its hundred connections are in use,
which a gateway with a few hundred requests in flight reaches at once; a store would then take
a healthy Redis for down. A blocking pool makes the burst wait (up to ``timeout``) instead.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

__all__ = ["redis_client"]


def redis_client(url: str, *, timeout: float, connections: int = 64, decode: bool = False) -> Redis:
    """A client for ``url`` on a pool of its own; ``timeout`` bounds connects, commands and the wait for a connection.

    Close it with ``aclose(close_connection_pool=True)``.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=connections,
        timeout=timeout,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 1),
        decode_responses=decode,
    )
    return Redis(connection_pool=pool)
