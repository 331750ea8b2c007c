"""respx for clients built on `httpx2` (the anthropic SDK): `respx.mock(using="httpx2")`.

respx patches httpx and httpcore; the SDK sends through `httpx2.HTTPTransport`, so this mocker
patches that transport's `handle_request`, hands respx an equivalent httpx request and turns the
routed httpx response (or a raised httpx timeout/transport error) back into httpx2's.
"""

from __future__ import annotations

from typing import Any

import httpx
import httpx2
from respx.mocks import AbstractRequestMocker


class HTTPX2Mocker(AbstractRequestMocker):
    name = "httpx2"
    targets = ["httpx2._transports.default.HTTPTransport"]  # noqa: RUF012 (respx's API)
    target_methods = ["handle_request"]  # noqa: RUF012

    @classmethod
    def to_httpx_request(cls, **kwargs: Any) -> httpx.Request:
        request: httpx2.Request = kwargs["request"]
        return httpx.Request(
            request.method, str(request.url), headers=request.headers.raw, content=request.read()
        )

    @classmethod
    def _send_sync_request(cls, httpx_request: httpx.Request, **kwargs: Any) -> httpx2.Response:
        try:
            return super()._send_sync_request(httpx_request, **kwargs)
        except httpx.TransportError as exc:  # timeouts included: re-raise as httpx2's own
            raise getattr(httpx2, type(exc).__name__)(str(exc), request=kwargs["request"]) from exc

    @classmethod
    def from_sync_httpx_response(
        cls, httpx_response: httpx.Response, target: Any, **kwargs: Any
    ) -> httpx2.Response:
        return httpx2.Response(
            httpx_response.status_code,
            headers=httpx_response.headers.raw,
            content=httpx_response.read(),
            request=kwargs["request"],
        )
