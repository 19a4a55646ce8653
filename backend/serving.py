"""waitress, made to survive one greedy client (with or without a proxy in front).

waitress alone let one client make the server unreachable: 210 idle sockets, or 205 sockets each
sending a header line every 10 s, held every connection slot (its `connection_limit`) for as long
as they liked, because its timeout counts only silence; and a 200 MiB body was read to the end
before the 413 (its `max_request_body_size` is 1 GiB). So:

- **a cap per client address** (`MAX_CONNECTIONS_PER_CLIENT`): a client's connection beyond it is
  closed at once, before it takes a slot; an IPv6 client counts by its /64 (one household or
  server is given a whole /64, so a cap per address would be no cap); the proxies in
  TRUSTED_PROXIES are not capped (every client behind them shares their address; the proxy caps
  them itself);
- **a header deadline** (`HEADER_TIMEOUT`): a request whose headers are not complete within that
  many seconds of its connection (or of its first byte, on a kept-alive connection) is closed,
  however often bytes trickle in; and **a body deadline** (`BODY_TIMEOUT`) the same way for the
  body, counted from the end of the headers;
- **the body limit at the socket**: waitress answers 413 from the Content-Length, before the body
  is read (for a chunked body, as soon as it passes the limit), as JSON like every other error;
- waitress's own `connection_limit`, `channel_timeout` and a `cleanup_interval` short enough for
  the deadline to bite.
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import json
import logging
import time

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from .photos.service import UPLOAD_LIMIT as PHOTO_UPLOAD_BYTES

log = logging.getLogger(__name__)

CONNECTION_LIMIT = 500  # slots for everyone (waitress' default is 100; each idle socket costs ~nothing)
MAX_CONNECTIONS_PER_CLIENT = 64  # a browser opens 6 per host; an office or a home behind one NAT, several
HEADER_TIMEOUT = 15.0  # seconds for a request's headers (a phone on 2G sends them in well under 1 s)
BODY_TIMEOUT = 60.0  # seconds for a body once its headers are in (64 KiB at 10 kbit/s: 52 s)
CHANNEL_TIMEOUT = 30  # seconds of silence before an idle (kept-alive) connection is closed
CLEANUP_INTERVAL = 2  # seconds between checks of the deadlines

ERROR_CODES = {400: "bad_request", 413: "payload_too_large", 431: "headers_too_large", 501: "not_implemented"}


class JsonErrorTask(ErrorTask):
    """waitress's own refusals (413 before the body, a malformed request line) in the API's JSON
    error envelope, like every answer the application gives."""

    def execute(self):
        error = self.request.error
        code = ERROR_CODES.get(error.code, "bad_request")
        # The limit of this request's path (RouteLimitedParser), not the server's largest.
        message = {
            413: f"Request body is too large (at most {self.request.adj.max_request_body_size - 1} bytes)",
        }.get(error.code, f"{error.reason}: {error.body}")
        if error.code == 413 and getattr(self.request, "path", None) in LARGE_BODY_PATHS:
            code, message = "photo_too_large", "A photo may be at most 8 MB"
        body = json.dumps({"status": "error", "error": {"code": code, "message": message}}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


# The only paths whose bodies may be larger than MAX_CONTENT_LENGTH (backend/api/photos.py).
LARGE_BODY_PATHS = frozenset({"/api/photos"})


class RouteLimitedParser(HTTPRequestParser):
    """waitress's request parser with a body limit by path: Adjustments' (a photo's upload) for
    LARGE_BODY_PATHS, `small_adj`'s (the app's own limit) for every other one, so that no other
    route reads, or buffers, more than before. Told once the headers are in, before any body."""

    def __init__(self, adj, small_adj):
        super().__init__(adj)
        self._small_adj = small_adj

    def parse_header(self, header_plus):
        super().parse_header(header_plus)
        if self.path not in LARGE_BODY_PATHS:
            self.adj = self._small_adj


class GuardedChannel(HTTPChannel):
    """A connection whose request headers and body have deadlines (see `waiting_since` and
    `body_since`), counted by the client it belongs to (`client`)."""

    error_task_class = JsonErrorTask

    def __init__(self, server, sock, addr, adj, map=None, client=None):
        super().__init__(server, sock, addr, adj, map)
        self.parser_class = server.parser_class
        self.client = client
        self.waiting_since: float | None = time.time()  # a new connection owes its first request
        self.body_since: float | None = None  # the headers of the request being read came in then

    def received(self, data):
        if data and self.request is None and self.waiting_since is None:
            self.waiting_since = time.time()  # a new request begins on a kept-alive connection
        result = super().received(data)
        if self.request is None:
            self.waiting_since = self.body_since = None  # the request is read: both deadlines met
        elif self.request.headers_finished and self.waiting_since is not None:
            self.waiting_since, self.body_since = None, time.time()  # headers in: the body's turn
        return result

    def overdue(self, now: float, header_timeout: float, body_timeout: float) -> bool:
        """Whether the request being read has missed its header or body deadline."""
        if self.requests:  # a request is being answered: the deadlines were met
            return False
        if self.waiting_since is not None:
            return now - self.waiting_since > header_timeout
        return self.body_since is not None and now - self.body_since > body_timeout


class GuardedServer(TcpWSGIServer):
    channel_class = GuardedChannel

    def __init__(
        self,
        *args,
        per_client: int,
        header_timeout: float,
        body_timeout: float = BODY_TIMEOUT,
        uncapped=(),
        small_body: int | None = None,
        **kwargs,
    ):
        self.per_client = per_client
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.uncapped = tuple(ipaddress.ip_network(n) for n in uncapped)
        self.refused = 0  # connections closed at accept: over the per-client cap
        self.cut_off = 0  # connections closed at the header or body deadline
        super().__init__(*args, **kwargs)
        small_adj = copy.copy(self.adj)
        small_adj.max_request_body_size = small_body or self.adj.max_request_body_size
        self.parser_class = functools.partial(RouteLimitedParser, small_adj=small_adj)

    def handle_accept(self):
        try:
            accepted = self.accept()
            if accepted is None:
                return
            conn, addr = accepted
            self.set_socket_options(conn)
        except OSError:
            return
        addr = self.fix_addr(addr)
        client = self._client_of(addr)
        if client is not None and self._open_from(client) >= self.per_client:
            self.refused += 1
            if self.refused % 100 == 1:
                log.warning(
                    "Refusing connections from %s: %d open already (the per-client cap)", client, self.per_client
                )
            conn.close()
            return
        self.channel_class(self, conn, addr, self.adj, map=self._map, client=client)

    def _client_of(self, addr) -> str | None:
        """Who the per-client cap counts this connection against (None: not capped): the IPv4
        address, or the /64 of an IPv6 one."""
        if not self.per_client or not isinstance(addr, tuple):
            return None
        try:
            address = ipaddress.ip_address(addr[0].split("%", 1)[0])
        except ValueError:
            return None
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self.uncapped):
            return None
        if address.version == 6:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        return str(address)

    def _open_from(self, client: str) -> int:
        return sum(1 for channel in list(self.active_channels.values()) if getattr(channel, "client", None) == client)

    def maintenance(self, now):
        super().maintenance(now)
        for channel in list(self.active_channels.values()):
            if channel.will_close or not isinstance(channel, GuardedChannel):
                continue
            if channel.overdue(now, self.header_timeout, self.body_timeout):
                channel.will_close = True
                self.cut_off += 1


def make_server(app, config):
    """The server for `python -m backend` (waitress with the guards above); `.run()` serves."""
    adj = Adjustments(
        host=config.host,
        port=config.port,
        threads=config.threads,
        ident="bhrt-backend",
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=CHANNEL_TIMEOUT,
        cleanup_interval=CLEANUP_INTERVAL,
        # The app's largest limit (a photo's upload: RouteLimitedParser keeps every other path to
        # MAX_CONTENT_LENGTH), enforced from Content-Length before any of the body is read.
        max_request_body_size=max(config.max_body_bytes, PHOTO_UPLOAD_BYTES) + 1,
        # A request line and headers beyond 16 KiB are no browser's or tool's (waitress: 256 KiB).
        max_request_header_size=16 * 1024,
        # X-Forwarded-* are judged by the app (backend/api/proxies.py: TRUSTED_PROXIES, networks
        # allowed), which drops them from anyone else; waitress would drop them from everyone.
        clear_untrusted_proxy_headers=False,
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    sockets: dict = {}
    servers = [
        GuardedServer(
            app,
            sockets,
            True,
            None,
            dispatcher=dispatcher,
            adj=adj,
            sockinfo=sockinfo,
            per_client=config.max_connections_per_client,
            header_timeout=config.header_timeout,
            body_timeout=config.body_timeout,
            uncapped=config.trusted_proxies,
            small_body=config.max_body_bytes + 1,
        )
        for sockinfo in adj.listen
    ]
    if len(servers) == 1:
        return servers[0]
    listening = [(s.effective_host, s.effective_port) for s in servers]
    return MultiSocketServer(sockets, adj, listening, dispatcher, servers[-1].log_info)
