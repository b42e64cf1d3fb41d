"""``portfolio serve [PATH] [--port N]``: the TUI in a browser, for a line manager who will not use ssh -t.

It is textual-serve (Textualize's own server) with three changes, because other accounts on the
server can reach its loopback ports too:

* it binds to 127.0.0.1 only; the line manager reaches it through ``ssh -L 8000:127.0.0.1:8000``;
* every path lives under a random token (``http://127.0.0.1:8000/<token>/``): any request without
  it, page, static file, download or websocket, gets 403 before anything else runs;
* its page makes no outside request (textual-serve's asks Google Fonts for a stylesheet; ours
  serves the same font from textual-serve's own static folder).

Each browser session runs ``portfolio open PATH`` as a child of this process, so it runs as the
account that started the server and the roster's roles hold exactly as in a terminal.
"""

from __future__ import annotations

import argparse
import hmac
import secrets
import shlex
import sys
from pathlib import Path

from portfolio_tui.cli.errors import CliError

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TEMPLATES = Path(__file__).resolve().parents[1] / "serve_templates"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the TUI to a browser on 127.0.0.1, behind a random token in the URL")
    p.add_argument("path", type=Path, nargs="?", metavar="PATH",
                   help="a portfolio file or a cohort folder (default: your own portfolio)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N", help=f"the port (default {DEFAULT_PORT})")
    p.set_defaults(func=cmd_serve)


def app_command(path: Path | None) -> str:
    """The shell command each browser session runs: this same Python, this same account."""
    argv = [sys.executable, "-m", "portfolio_tui"]
    if path is not None:
        argv += ["open", str(path.resolve())]
    return shlex.join(argv)


def cmd_serve(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise CliError(f"--port: {args.port} is not a port number (1 to 65535)")
    path: Path | None = args.path
    if path is not None and not path.exists():
        raise CliError(f"{path}: no such file or folder")
    if path is not None:
        _require_view(path)
    _check_port(args.port)
    token = secrets.token_urlsafe(24)
    server = token_server(app_command(path), args.port, token)
    print(f"Open http://{HOST}:{args.port}/{token}/ in your browser (Ctrl+C stops the server).", flush=True)
    try:
        server.serve()
    except OSError as exc:
        raise CliError(f"--port: cannot listen on {HOST}:{args.port} ({exc.strerror or exc})") from None
    return 0


def _check_port(port: int) -> None:
    """Refuse a port already in use before printing an address that would not work."""
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise CliError(f"--port: cannot listen on {HOST}:{port} ({exc.strerror or exc})") from None


def _require_view(path: Path) -> None:
    """Refuse at once (exit 1, naming who may) a portfolio this account may not see, rather than in the browser."""
    from portfolio_tui.cli.refusals import refusals
    from portfolio_tui.services.caseload import readable_portfolios

    with refusals():
        readable_portfolios([path])


def token_server(command: str, port: int, token: str):
    """A textual-serve server for ``command`` whose every route is under ``/<token>/``."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    base = f"/{token}"
    expected = f"{base}/".encode()

    @web.middleware
    async def require_token(request: web.Request, handler):
        given = request.path.encode()[: len(expected)]
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="403: this address needs the token printed by portfolio serve\n")
        return await handler(request)

    class TokenServer(Server):
        async def _make_app(self) -> web.Application:
            """textual-serve's routes (``/``, ``/ws``, ``/download``, ``/static``), each under the token."""
            app = web.Application(middlewares=[require_token])
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes([
                web.get(f"{base}/", self.handle_index, name="index"),
                web.get(f"{base}/ws", self.handle_websocket, name="websocket"),
                web.get(f"{base}/download/{{key}}", self.handle_download, name="download"),
                web.static(f"{base}/static", self.statics_path, show_index=False, name="static"),
            ])
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            """The page, with the websocket on the host and port the browser used (``ssh -L 9000:...`` too)."""
            self.public_url = f"http://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app: web.Application) -> None:
            """Quiet: the command already printed the one line the user needs (with the token)."""

    return TokenServer(command, host=HOST, port=port, title="portfolio", templates_path=TEMPLATES)
