"""`AsyncClient`: the same client for asyncio code.

Each call runs the blocking client in a worker thread (``asyncio.to_thread``); the native
call releases the GIL while it waits, so the event loop and other threads keep running.
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy treats this name as True

from ._native import Client

if TYPE_CHECKING:
    from typing import Any, List, Optional

    from ._native import ApiResponse, Image, KeyStats

__all__ = ["AsyncClient"]


class _AsyncImages:
    def __init__(self, client: Client) -> None:
        self._client = client

    async def create(self, **options: Any) -> Image:
        """`POST /image` (see ``Client.images.create``)."""
        import asyncio

        return await asyncio.to_thread(lambda: self._client.images.create(**options))


class AsyncClient:
    """``Client`` for asyncio: same arguments, awaitable ``request`` and ``images.create``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.client = Client(*args, **kwargs)
        self.images = _AsyncImages(self.client)

    async def request(self, method: str, path: str, json: Optional[Any] = None) -> ApiResponse:
        import asyncio

        return await asyncio.to_thread(self.client.request, method, path, json)

    def stats(self) -> List[KeyStats]:
        return self.client.stats()

    def __repr__(self) -> str:
        return f"Async{self.client!r}"
