"""`shortgen serve`: the review studio and the JSON API, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from typing import Annotated

import typer

from shortgen_assets.console.common import UserError, app, friendly


@app.command()
@friendly
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; beyond 127.0.0.1 needs a token")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port")] = 8000,
) -> None:
    """Start the review studio (queue, review pages) and the JSON API under /api."""
    from shortgen_assets.settings import get_settings
    from shortgen_assets.studio.security import ServeError, check_bind

    settings = get_settings()
    token = settings.api_token.get_secret_value() if settings.api_token else None
    try:
        check_bind(host, token)
    except ServeError as exc:
        raise UserError(str(exc)) from None
    import uvicorn

    from shortgen_assets.studio.app import create_app

    where = f"http://{host}:{port}"
    typer.echo(f"shortgen studio on {where} (API {where}/api/docs)", err=True)
    uvicorn.run(create_app(settings, token), host=host, port=port, log_level="warning")
