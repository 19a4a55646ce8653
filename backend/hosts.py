"""Which `Host` names the server answers to: Flask's TRUSTED_HOSTS, so that a web page whose
domain is rebound to 127.0.0.1 (DNS rebinding) reaches nothing but a JSON 400."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Request

IPV6_LOOPBACK = "[::1]"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", IPV6_LOOPBACK)
EVERY_ADDRESS = ("0.0.0.0", "::", "")
# werkzeug cuts every trusted name at its first ':' before comparing, so no IPv6 literal can
# ever match TRUSTED_HOSTS; the loopback one is admitted by HostCheckedRequest instead.
_IPV6_LOOPBACK_HOST = re.compile(r"\[::1\](?::([1-9][0-9]{0,4}))?")


def answered_hosts(config) -> list[str]:
    """Every name the server answers to: the loopback names, ALLOWED_HOSTS, PUBLIC_URL's host (the
    one setting a shop going live sets: its emails' links, its webhook URL and its name agree), and
    the address in HOST when it is one IPv4 address or name (clients reach the server by it)."""
    names = [*LOOPBACK_NAMES, *config.allowed_hosts]
    public = urlsplit(config.public_url).hostname if config.public_url else None
    if public and public not in names:
        names.append(public)
    if config.host not in EVERY_ADDRESS and ":" not in config.host and config.host not in names:
        names.append(config.host)
    return names


def trusted_hosts(config) -> list[str]:
    """The names for Flask's TRUSTED_HOSTS: all answered names but [::1] (see HostCheckedRequest)."""
    return [name for name in answered_hosts(config) if name != IPV6_LOOPBACK]


class HostCheckedRequest(Request):
    """Flask's request, with `[::1]` (optionally with a port) trusted as well."""

    @property
    def trusted_hosts(self):
        loopback = _IPV6_LOOPBACK_HOST.fullmatch(self.environ.get("HTTP_HOST", ""))
        if loopback and int(loopback[1] or 80) <= 65535:
            return None  # no list to match: the name is trusted
        return self.__dict__.get("_trusted_hosts")

    @trusted_hosts.setter
    def trusted_hosts(self, names):
        self.__dict__["_trusted_hosts"] = names
