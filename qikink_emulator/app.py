"""The emulator's HTTP face: Qikink's routes (with fault injection and the rate limit) and the test
controls under /_emulator/, as a Flask app."""

import math
import socket
import time

from flask import Flask, g, jsonify, request

from .state import EmulatorStore
from .validation import Refused

# Where the serving layer puts the connection's socket in the WSGI environ, so that a fault can cut
# it: server.py for waitress, Werkzeug's own key for its development server.
SOCKET_KEYS = ("qikink_emulator.socket", "werkzeug.socket")

DEFAULT_STEP_SECONDS = 5.0
_HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>{title}</title></head>"
    "<body><h1>{title}</h1><p>Please try again later.</p></body></html>"
)


def _html(title, status):
    return _HTML_PAGE.format(title=title), status, {"Content-Type": "text/html; charset=UTF-8"}


def _drop_connection():
    """Cut the TCP connection so the client gets no answer at all."""
    sock = next((request.environ[key] for key in SOCKET_KEYS if key in request.environ), None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _refused(exc):
    return jsonify(exc.body), exc.status


def _register_api(app, store):
    @app.before_request
    def faults_and_rate_limit():
        if not request.path.startswith("/api/"):
            return None
        store.count_call(signed="X-Signature" in request.headers)
        fault = g.fault = store.next_fault(request.path)
        kind = fault["kind"] if fault else None
        if kind in ("latency", "hang"):
            time.sleep(fault["seconds"])
        if kind == "hang":
            return _html("504 Gateway Time-out", 504)
        if kind == "500":
            return jsonify({"message": "Server Error"}), 500
        if kind == "503":
            return _html("503 Service Temporarily Unavailable", 503)
        if kind == "html":
            return _html("Just a moment...", 200)
        if kind == "error_body":
            return jsonify(
                {"error": True, "status_code": "500", "message": "Something went wrong, please try again later"}
            )
        if kind == "drop":
            _drop_connection()
            return "", 500
        client_id = request.headers.get("ClientId") or request.form.get("ClientId")
        wait = store.take_rate(client_id)
        if wait:
            return (
                jsonify({"error": True, "message": "Too many requests"}),
                429,
                {"Retry-After": str(math.ceil(wait))},
            )
        return None

    @app.after_request
    def lose_answer(response):
        fault = g.get("fault")
        if fault and fault["kind"] == "lose_answer":
            # The work is done; only the answer is lost, as with a real timeout after commit.
            _drop_connection()
        return response

    def authorised():
        return store.token_ok(request.headers.get("ClientId"), request.headers.get("Accesstoken"))

    def token_refused():
        return jsonify({"error": True, "message": "Invalid or expired Accesstoken"}), 401

    @app.post("/api/token")
    def token():
        # Form fields only: a JSON body leaves them missing, as with the real API.
        try:
            return jsonify(store.mint(request.form.get("ClientId", ""), request.form.get("client_secret", "")))
        except Refused as exc:
            return _refused(exc)

    @app.post("/api/order/create")
    def create_order():
        if not authorised():
            return token_refused()
        try:
            return jsonify(store.create(request.get_json(silent=True)))
        except Refused as exc:
            return _refused(exc)

    @app.get("/api/order")
    def read_orders():
        if not authorised():
            return token_refused()
        unknown = [name for name in request.args if name not in ("id", "page_no")]
        if unknown:
            return jsonify({"error": True, "message": f"Invalid parameter: {unknown[0]}"})
        if "id" in request.args:
            order_id = request.args["id"]
            order = store.get(int(order_id)) if order_id.isdigit() else None
            return jsonify([order] if order else [])
        page_no = request.args.get("page_no", "1")
        if not page_no.isdigit() or int(page_no) < 1:
            return jsonify({"error": True, "message": "Invalid parameter: page_no"})
        return jsonify(store.page(int(page_no)))


def _register_controls(app, store):
    @app.post("/_emulator/orders/<int:order_id>/status")
    def set_status(order_id):
        body = request.get_json(silent=True) or {}
        if not isinstance(body.get("status"), str) or not body["status"]:
            return jsonify({"error": "status is required"}), 400
        order = store.set_status(order_id, body["status"], body.get("number"))
        if order is None:
            return jsonify({"error": "no such order"}), 404
        return jsonify(order)

    @app.post("/_emulator/orders/<int:order_id>/cancel")
    def cancel(order_id):
        order = store.cancel(order_id)
        if order is None:
            return jsonify({"error": "no such order"}), 404
        if order == "shipped":
            return jsonify({"error": "manifested or shipped: Qikink's dashboard can no longer cancel it"}), 409
        return jsonify(order)

    @app.post("/_emulator/faults")
    def add_fault():
        try:
            return jsonify({"faults": store.add_fault(request.get_json(silent=True) or {})}), 201
        except Refused as exc:
            return jsonify({"error": str(exc)}), exc.status

    @app.delete("/_emulator/faults")
    def clear_faults():
        store.clear_faults()
        return jsonify({"faults": []})

    @app.get("/_emulator/counters")
    def counters():
        return jsonify(store.counters())

    @app.get("/_emulator/calls")
    def calls():
        return jsonify({"accepted": store.accepted_call_times()})

    @app.post("/_emulator/reset")
    def reset():
        store.reset()
        return jsonify({"status": "reset"})


def create_emulator_app(
    *,
    client_id=None,
    client_secret=None,
    step_seconds=DEFAULT_STEP_SECONDS,
    rate_limit_per_minute=30,
    clock=time.time,
    my_products=None,
    seed=None,
    state_file=None,
) -> Flask:
    """The emulator as a Flask app; its state is `app.extensions["qikink_emulator"]`.
    With `state_file`, the orders it accepted survive a restart."""
    store = EmulatorStore(
        client_id=client_id,
        client_secret=client_secret,
        step_seconds=step_seconds,
        rate_limit_per_minute=rate_limit_per_minute,
        clock=clock,
        my_products=my_products,
        seed=seed,
        state_file=state_file,
    )
    app = Flask(__name__)
    app.extensions["qikink_emulator"] = store
    _register_api(app, store)
    _register_controls(app, store)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_found(error):
        return jsonify({"error": True, "message": error.description}), error.code

    return app
