"""TRUSTED_PROXIES: behind a reverse proxy (Caddy, see deploy/), every connection comes from the
proxy, so the client's address and scheme are the proxy's X-Forwarded-For and -Proto. Those
headers are believed only when the connection comes from a listed proxy: werkzeug's ProxyFix
alone believes whoever sends them, and anyone can send them. (waitress's own handling, which
clears them all and trusts one address, is off: backend/serving.py leaves it to this.)"""

from __future__ import annotations

import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix


class TrustedProxyFix:
    """WSGI middleware: ProxyFix (one proxy: the last X-Forwarded-For entry, X-Forwarded-Proto) for
    requests from a trusted proxy; every other request is passed on untouched."""

    def __init__(self, app, networks: tuple[str, ...]):
        self.app = app
        self.networks = tuple(ipaddress.ip_network(n) for n in networks)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=0, x_port=0, x_prefix=0)

    def trusted(self, address: str) -> bool:
        try:
            peer = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        return any(peer in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.networks and self.trusted(environ.get("REMOTE_ADDR", "")):
            return self.fixed(environ, start_response)
        for name in [k for k in environ if k.startswith("HTTP_X_FORWARDED_") or k == "HTTP_FORWARDED"]:
            del environ[name]  # from anyone else, nothing downstream may read them
        return self.app(environ, start_response)
