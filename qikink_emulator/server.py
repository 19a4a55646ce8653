"""Serving the emulator over real HTTP with waitress, from a background thread."""

import logging
import os
import socket
import threading

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher, WSGITask

from .app import SOCKET_KEYS, create_emulator_app

log = logging.getLogger(__name__)

# Enough for a few "hang" faults to hold their threads while other calls are still answered.
THREADS = 32


class _SocketTask(WSGITask):
    """Puts the connection's socket in the environ, so that a "drop" fault can cut it."""

    def get_environment(self):
        environ = super().get_environment()
        environ[SOCKET_KEYS[0]] = self.channel.socket
        return environ


class _SocketChannel(HTTPChannel):
    task_class = _SocketTask


class _WaitressServer(TcpWSGIServer):
    channel_class = _SocketChannel

    def set_reuse_addr(self):
        """On Windows SO_REUSEADDR would let a second emulator share a port that is in use (the
        backend reuses an emulator already answering only when binding fails): claim it alone."""
        if os.name == "nt":
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            super().set_reuse_addr()


def _access_log(app):
    """One log line a request (the emulator as a program; tests keep quiet)."""

    def logged(environ, start_response):
        def start(status, headers, exc_info=None):
            log.info("%s %s %s", environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""), status.split()[0])
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return logged


class EmulatorServer:
    """Serves the emulator over real HTTP from a background thread (port 0 = any free port)."""

    def __init__(self, app=None, *, host="127.0.0.1", port=0, quiet=True, **app_options):
        self.app = app or create_emulator_app(**app_options)
        self.store = self.app.extensions["qikink_emulator"]
        self.host = host
        self._port = port
        self._quiet = quiet
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        return f"http://{self.host}:{self._server.effective_port if self._server else self._port}"

    def start(self):
        """Start serving (OSError if the port is taken); returns self."""
        app = self.app if self._quiet else _access_log(self.app)
        sockets, dispatcher = {}, ThreadedTaskDispatcher()
        try:
            # HTTP/1.1 keep-alive is waitress's default, so a client's connection is reused.
            self._server = _WaitressServer(
                app,
                map=sockets,
                dispatcher=dispatcher,
                host=self.host,
                port=self._port,
                ident="qikink-emulator",
                channel_timeout=30,
            )
        except OSError:
            wasyncore.close_all(sockets)  # the half-made listening socket and the wake-up pipe
            raise
        # Worker threads only once the port is ours: a taken port leaves nothing behind.
        dispatcher.set_thread_count(THREADS)
        self._thread = threading.Thread(target=self._server.run, name="qikink-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and free the port: the sockets are closed in the server's own thread."""
        server, self._server = self._server, None
        if server is None:
            return
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:
            # The wake-up pipe is already closed (its loop ended on an error): close the rest here.
            wasyncore.close_all(server._map, ignore_all=True)
        self._thread.join(timeout=5)
        # A call still sleeping in a "hang" fault holds a (daemon) worker thread: do not wait it out.
        server.task_dispatcher.shutdown(timeout=1)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
