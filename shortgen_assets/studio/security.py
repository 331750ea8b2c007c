"""What keeps the studio safe to run: the bind rule, the token, CSRF, body caps and media paths.

On 127.0.0.1 the studio trusts the machine's users, as the Dagster UI does. Bound anywhere else
it needs SHORTGEN_API_TOKEN: API calls send it as a bearer token, a browser trades it once for a
signed session cookie. Form posts carry a signed double-submit CSRF token either way, so another
site cannot make a reviewer's browser approve or re-render anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_BODY_BYTES = 1024 * 1024
SESSION_COOKIE = "shortgen_session"
CSRF_COOKIE = "shortgen_csrf"
CSRF_FIELD = "csrf"
# Keys of a theme document whose string values name brand media files.
MEDIA_KEYS = frozenset({"music", "path", "file", "logo", "image", "clip", "screen", "font"})


class ServeError(ValueError):
    """The studio cannot start with these options; one line saying how to fix it."""


class UnsafePath(ValueError):
    """A media path in a theme sent over HTTP that points outside the themes folder."""


def check_bind(host: str, token: str | None) -> None:
    if host not in LOOPBACK_HOSTS and not token:
        raise ServeError(
            f"binding {host} exposes the studio beyond this machine; "
            "set SHORTGEN_API_TOKEN to a long random secret first (or bind 127.0.0.1)"
        )


class Guard:
    """Token, session cookie and CSRF checks, all in constant time."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self._key = secrets.token_bytes(32)  # signs cookies for this server's lifetime

    @property
    def required(self) -> bool:
        return self.token is not None

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def token_matches(self, presented: str | None) -> bool:
        if self.token is None or presented is None:
            return False
        return hmac.compare_digest(presented.encode(), self.token.encode())

    def session_value(self) -> str:
        return self._sign(f"session:{self.token}")

    def authorized(self, request: Request) -> bool:
        if not self.required:
            return True
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.token_matches(credentials.strip()):
            return True
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return hmac.compare_digest(cookie.encode(), self.session_value().encode())

    def new_csrf(self) -> str:
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._sign(f'csrf:{nonce}')}"

    def csrf_valid(self, cookie: str | None, submitted: str | None) -> bool:
        """The form's token equals the cookie's, and this server signed it."""
        if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
            return False
        nonce, _, signature = cookie.partition(".")
        return hmac.compare_digest(signature, self._sign(f"csrf:{nonce}"))


def confined_media_path(reference: str, themes_dir: Path) -> Path:
    """The absolute path of a media file a theme names, which must lie inside `themes_dir`.

    Relative paths only, no `..`, and the resolved path (symlinks followed) must stay inside.
    """
    if not reference.strip():
        raise UnsafePath("an empty media path; name a file inside the themes folder")
    for flavour in (PurePosixPath(reference), PureWindowsPath(reference)):
        if flavour.is_absolute() or flavour.drive or ".." in flavour.parts:
            raise UnsafePath(
                f"media path {reference!r} must be relative to the themes folder, without '..'"
            )
    root = themes_dir.resolve()
    target = (root / reference).resolve()
    if not target.is_relative_to(root):
        raise UnsafePath(f"media path {reference!r} leads outside the themes folder")
    return target


def confine_theme_media(document: Any, themes_dir: Path) -> Any:
    """A copy of a theme document with every media path checked and made absolute."""
    if isinstance(document, dict):
        return {
            key: confined_media_path(value, themes_dir).as_posix()
            if key in MEDIA_KEYS and isinstance(value, str)
            else confine_theme_media(value, themes_dir)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [confine_theme_media(item, themes_dir) for item in document]
    return document


class BodyLimit:
    """ASGI middleware: a request body over `limit` bytes gets 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body over {self.limit} bytes; send a smaller one"
        await JSONResponse({"error": message}, status_code=413)(scope, receive, send)


class BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes the limit."""
