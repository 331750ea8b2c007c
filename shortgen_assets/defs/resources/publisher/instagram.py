"""Instagram Reels through the Graph API: a media container from a public URL, then publish.

Instagram fetches the video itself, from `public_base_url` + the video's path under the output
folder, so that folder must be served publicly. Before anything is created the account's
publishing limit (`content_publishing_limit`, 25 posts in 24 hours unless Meta says otherwise)
is read and a spent quota fails at once. A failed `media_publish` call is never repeated
blindly: the container's status tells whether the Reel went out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import Field

from shortgen_assets.defs.resources.http import ProviderError, send
from shortgen_assets.defs.resources.publisher import (
    Deadline,
    PublisherResource,
    Sent,
    UnconfirmedPost,
    error_json,
)
from shortgen_assets.domain.publish.manifest import FileFacts
from shortgen_assets.domain.publish.post import Post
from shortgen_assets.domain.publish.requests import instagram_container, public_video_url

if TYPE_CHECKING:
    import httpx

GRAPH_URL = "https://graph.facebook.com/v21.0"
DEFAULT_QUOTA = 25
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
RATE_LIMIT_CODES = {4, 17, 32, 613}
TOKEN_FIX = (
    "get a new long-lived user token with instagram_content_publish (they last 60 days) "
    "and set INSTAGRAM_ACCESS_TOKEN"
)


def describe(post: Post, base_url: str | None, graph_url: str = GRAPH_URL) -> dict[str, Any]:
    """The container request (without the token)."""
    video_url = public_video_url(base_url or "<public base URL>", post.video_relpath or "")
    return {
        "method": "POST",
        "url": f"{graph_url}/{{ig-user-id}}/media",
        "form": instagram_container(post, video_url),
    }


class InstagramPublisher(PublisherResource):
    """Posts Reels for the professional account INSTAGRAM_USER_ID."""

    vendor = "instagram"
    access_token: str = Field(description="user access token (INSTAGRAM_ACCESS_TOKEN)")
    user_id: str = Field(description="Instagram professional account id (INSTAGRAM_USER_ID)")
    public_base_url: str = Field("", description="public URL of the output folder")
    graph_url: str = GRAPH_URL
    poll_interval_seconds: float = Field(5.0, ge=0)
    processing_timeout_seconds: float = Field(600.0, gt=0)

    def first_request(self, post: Post, facts: FileFacts) -> dict[str, Any]:
        request = describe(post, self.public_base_url, self.graph_url)
        request["url"] = f"{self.graph_url}/{self.user_id}/media"
        return request

    def send(self, post: Post, facts: FileFacts, deadline: Deadline) -> Sent:
        import httpx

        if not self.public_base_url:
            raise ProviderError(
                "instagram: Instagram fetches the video from a public URL; serve the output "
                "folder publicly and set SHORTGEN_PUBLIC_BASE_URL to its address"
            )
        if not post.video_relpath:
            raise ProviderError(
                f"instagram: {post.video_path} is outside the output folder, so it has no public "
                "URL; publish videos from the output folder"
            )
        request = self.first_request(post, facts)
        with httpx.Client() as client:
            quota = self._check_quota(client, deadline)
            container = self._call(client, "POST", request["url"], deadline, data=request["form"])
            container_id = str(container.get("id") or "")
            if not container_id:
                raise ProviderError(f"instagram: the container was not created: {container}")
            self._await_container(client, container_id, deadline)
            media_id = self._publish(client, container_id, deadline)
            url = self._permalink(client, media_id, deadline)
        return Sent(
            remote_id=media_id,
            url=url,
            published_at=datetime.now(UTC),
            details={"container_id": container_id, "quota_before": quota},
        )

    def _call(
        self, client: httpx.Client, method: str, url: str, deadline: Deadline, **kwargs: Any
    ) -> dict[str, Any]:
        def attempt() -> httpx.Response:
            response = client.request(
                method,
                url,
                headers={"Authorization": f"Bearer {self.access_token}"},
                timeout=deadline.timeout(),
                **kwargs,
            )
            if response.status_code not in RETRY_STATUS or _is_rate_limit(response):
                _refuse_errors(response)
            return response

        response = send(
            "instagram",
            attempt,
            attempts=self.retry_attempts,
            base_wait=self.retry_base_wait,
            retry_status=RETRY_STATUS,
            budget=deadline.call(),
        )
        return error_json(response)

    def _check_quota(self, client: httpx.Client, deadline: Deadline) -> str:
        """'used/total' in the last 24 hours; a spent quota fails before anything is created."""
        body = self._call(
            client,
            "GET",
            f"{self.graph_url}/{self.user_id}/content_publishing_limit",
            deadline,
            params={"fields": "quota_usage,config"},
        )
        usage = (body.get("data") or [{}])[0]
        used = int(usage.get("quota_usage") or 0)
        total = int((usage.get("config") or {}).get("quota_total") or DEFAULT_QUOTA)
        if used >= total:
            raise ProviderError(
                f"instagram: the account has published {used} of its {total} posts allowed in "
                "24 hours through the API; publish again once the oldest is a day old"
            )
        return f"{used}/{total}"

    def _await_container(self, client: httpx.Client, container_id: str, deadline: Deadline) -> str:
        """Poll until Instagram has fetched and processed the video."""
        waited = 0.0
        while True:
            body = self._container(client, container_id, deadline)
            code = body.get("status_code")
            if code in {"FINISHED", "PUBLISHED"}:
                return code
            if code in {"ERROR", "EXPIRED"}:
                raise ProviderError(
                    f"instagram: Instagram could not process the video ({code}: "
                    f"{body.get('status') or 'no reason given'}); check that {self.public_base_url}"
                    " serves the file and that it meets the Reels specs, then publish again"
                )
            if waited >= self.processing_timeout_seconds:
                raise ProviderError(
                    f"instagram: the container {container_id} was still {code} after "
                    f"{waited:.0f} s; publish again later"
                )
            deadline.pause(self.poll_interval_seconds)
            waited += self.poll_interval_seconds

    def _container(self, client: httpx.Client, container_id: str, deadline: Deadline) -> dict:
        return self._call(
            client,
            "GET",
            f"{self.graph_url}/{container_id}",
            deadline,
            params={"fields": "status_code,status"},
        )

    def _publish(self, client: httpx.Client, container_id: str, deadline: Deadline) -> str:
        """media_publish, once; after a failed call the container says whether it went out."""
        import httpx

        url = f"{self.graph_url}/{self.user_id}/media_publish"
        for _ in range(self.retry_attempts):
            try:
                response = client.post(
                    url,
                    data={"creation_id": container_id},
                    headers={"Authorization": f"Bearer {self.access_token}"},
                    timeout=deadline.timeout(),
                )
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code not in RETRY_STATUS:
                _refuse_errors(response)
                media_id = error_json(response).get("id")
                if not media_id:
                    raise ProviderError(f"instagram: media_publish gave no id: {response.text}")
                return str(media_id)
            if self._container(client, container_id, deadline).get("status_code") == "PUBLISHED":
                raise UnconfirmedPost(
                    f"instagram: the Reel of container {container_id} was published but its "
                    "media id was lost to a server error; recorded, it will not be sent again",
                    remote_id=f"container:{container_id}",
                )
            deadline.pause(self.retry_base_wait)
        raise ProviderError(
            f"instagram: media_publish kept failing for container {container_id}; "
            "nothing was published; publish again later"
        )

    def _permalink(self, client: httpx.Client, media_id: str, deadline: Deadline) -> str | None:
        try:
            url = f"{self.graph_url}/{media_id}"
            body = self._call(client, "GET", url, deadline, params={"fields": "permalink"})
        except ProviderError:
            return None
        return body.get("permalink")


def _graph_error(response: httpx.Response) -> dict[str, Any]:
    error = error_json(response).get("error")
    return error if isinstance(error, dict) else {}


def _is_rate_limit(response: httpx.Response) -> bool:
    return _graph_error(response).get("code") in RATE_LIMIT_CODES


def _refuse_errors(response: httpx.Response) -> None:
    """A Graph API error fails at once with what to do; success passes."""
    if response.is_success:
        return
    error = _graph_error(response)
    code, subcode = error.get("code"), error.get("error_subcode")
    message = error.get("message") or response.text[:300]
    trace = error.get("fbtrace_id", "")
    where = f"HTTP {response.status_code} code {code}"
    if code == 190 or response.status_code == 401:
        raise ProviderError(
            f"instagram: {where}, the access token was rejected or has expired; {TOKEN_FIX}: "
            f"{message} (fbtrace_id {trace})"
        )
    if code in RATE_LIMIT_CODES or response.status_code == 429:
        raise ProviderError(
            f"instagram: {where}, rate limited by Meta; wait an hour and publish again: "
            f"{message} (fbtrace_id {trace})"
        )
    if code == 9 and subcode == 2207042:
        raise ProviderError(
            f"instagram: {where}, the daily publishing limit is reached; publish again "
            f"tomorrow: {message}"
        )
    raise ProviderError(f"instagram: {where}: {message} (fbtrace_id {trace})")
