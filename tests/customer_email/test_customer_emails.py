"""Customer emails (issue 15) through a real SMTP server on 127.0.0.1 (aiosmtpd): what each says,
one message per event, SMTP down then up, a crash between sending and recording (at most one
duplicate, with the same Message-ID), never blocking an order, the password never shown."""

from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace

import pytest

from backend import create_app
from backend.config import Config
from backend.customer_email import EmailSender, LogTransport, SmtpTransport
from backend.orders.service import OrderService
from backend.storage import MemoryOrderStore, load_catalogue
from tests.conftest import CATALOGUE, order_body
from tests.emulated_shop import fulfilment_of, place, qikink_client, set_status, stored
from tests.harness import free_port, wait_until
from tests.smtp_server import Inbox, SmtpServer
from tests.support import requests_post

MAIL_FROM = "Bharat Heritage Prints <orders@bharat.example>"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


class Clock:
    def __init__(self):
        self.offset = 0.0

    def __call__(self):
        return time.time() + self.offset

    def advance(self, seconds):
        self.offset += seconds


def config(**changes):
    return Config(app_env="test", qikink_env="off", ratelimit_enabled=False, mail_from=MAIL_FROM, **changes)


@pytest.fixture
def store():
    return MemoryOrderStore(load_catalogue(CATALOGUE))


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


# --- content -------------------------------------------------------------------------------------
def test_the_confirmation_goes_once_with_the_order_in_text_and_html(store, smtp):
    sender = EmailSender(config(), store, SmtpTransport(smtp.url, timeout=5))
    service = OrderService(store, emails=sender)
    body = order_body()
    body["shipping_address"]["name"] = "Asha <b>Verma</b>"
    outcome = service.place_order(body)
    order_id = outcome.order["order_id"]
    assert sender.run_pass() == {"sent": 1, "failed": 0}
    assert sender.run_pass() == {"sent": 0, "failed": 0}
    (message,) = smtp.inbox.messages
    assert message["Subject"] == f"Your order {order_id} is confirmed"
    assert message["To"] == "asha@example.com" and message["From"] == MAIL_FROM
    assert message["Message-ID"] == f"<{order_id}.confirmation@bharat.example>"
    text = text_of(message)
    assert "Hello Asha <b>Verma</b>," in text and "2 × Heritage Print T-Shirt (BHRT-001-M): ₹2,598" in text
    assert "Total: ₹2,598" in text and "Payment: Prepaid" in text and "Mumbai, Maharashtra 400001" in text
    html = html_of(message)
    assert "Asha &lt;b&gt;Verma&lt;/b&gt;" in html and "<b>Verma</b>" not in html
    emails = store.get_order(order_id)["emails"]
    assert [(e["kind"], e["status"], e["attempts"]) for e in emails] == [("confirmation", "sent", 1)]
    assert emails[0]["sent_at"] and "claimed_by" not in emails[0]


def test_shipped_email_once_with_courier_awb_and_link_and_cancelled_email(make_shop, emu, smtp):
    app = make_shop(
        emu.url,
        client=qikink_client(emu.url),
        smtp_url=smtp.url,
        mail_from=MAIL_FROM,
        qikink_tracking_freshness_seconds=1,
    )
    emails = app.extensions["shop"].emails
    order = place(app).json["data"]
    assert order["qikink_status"] == "synced"
    for status in ("Printed", "In-Transit", "out for delivery", "Delivered"):
        set_status(emu, order["qikink_shipment_id"], status)
        fulfilment_of(app).run_pass(force=True)
        emails.run_pass()
    assert stored(app, order["order_id"])["status"] == "delivered"
    assert len(smtp.inbox.of_kind("is confirmed")) == 1
    (shipped,) = smtp.inbox.of_kind("has shipped")
    current = stored(app, order["order_id"])
    text = text_of(shipped)
    assert f"Courier: {current['courier']}" in text and f"AWB number: {current['tracking_id']}" in text
    assert f"Track your parcel: {current['tracking_url']}" in text
    assert f'href="{current["tracking_url"]}"' in html_of(shipped)
    assert len(smtp.inbox.messages) == 2

    cancelled = place(app, customer_email="ravi@example.com").json["data"]
    app.test_client().post(f"/api/orders/{cancelled['order_id']}/cancel")  # admin: cancel_requested
    emails.run_pass()
    assert smtp.inbox.of_kind(f"{cancelled['order_id']} is cancelled") == []
    requests_post(f"{emu.url}/_emulator/orders/{cancelled['qikink_shipment_id']}/cancel")
    fulfilment_of(app).run_pass(force=True)
    emails.run_pass()
    (message,) = smtp.inbox.of_kind(f"{cancelled['order_id']} is cancelled")
    assert message["To"] == "ravi@example.com"


def test_an_order_cancelled_before_qikink_has_it_gets_one_cancelled_email(store, smtp):
    sender = EmailSender(config(), store, SmtpTransport(smtp.url, timeout=5))
    service = OrderService(store, emails=sender)
    order_id = service.place_order(order_body()).order["order_id"]
    service.cancel(order_id, admin=True)
    service.cancel(order_id, admin=True)
    sender.run_pass()
    sender.run_pass()
    assert [m["Subject"] for m in smtp.inbox.messages] == [
        f"Your order {order_id} is confirmed",
        f"Your order {order_id} is cancelled",
    ]


# --- SMTP down, a crash, concurrency ---------------------------------------------------------
def test_smtp_down_then_up_the_email_is_retried_with_backoff_and_sent_once(store):
    port = free_port()
    clock = Clock()
    sender = EmailSender(
        config(), store, SmtpTransport(f"smtp://127.0.0.1:{port}", timeout=2), clock=clock, retry_base=30
    )
    order_id = OrderService(store, emails=sender).place_order(order_body()).order["order_id"]
    before = clock()  # the delay is counted from when the attempt is recorded: between before and after
    assert sender.run_pass() == {"sent": 0, "failed": 1}
    after = clock()
    email_state = store.get_order(order_id)["emails"][0]
    assert email_state["status"] == "pending" and email_state["attempts"] == 1
    assert "cannot send through 127.0.0.1" in email_state["last_error"]
    assert before + 15 <= email_state["next_attempt_at"] <= after + 30
    assert sender.run_pass() == {"sent": 0, "failed": 0}, "not again before the backoff"
    clock.advance(31)
    before = clock()
    assert sender.run_pass() == {"sent": 0, "failed": 1}
    after = clock()
    assert before + 30 <= store.get_order(order_id)["emails"][0]["next_attempt_at"] <= after + 60, "the delay doubles"
    server = SmtpServer(port).start()
    try:
        clock.advance(61)
        assert sender.run_pass() == {"sent": 1, "failed": 0}
        assert sender.run_pass() == {"sent": 0, "failed": 0}
    finally:
        server.stop()
    assert len(server.inbox.messages) == 1
    final = store.get_order(order_id)["emails"][0]
    assert (final["status"], final["attempts"], final["last_error"]) == ("sent", 3, None)


class RefusesRecipients(Inbox):
    """A server that knows no such mailbox (550) for addresses at nowhere.example, and is
    greylisting (451: try again later) those at later.example."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@nowhere.example"):
            return "550 5.1.1 No such user here"
        if address.endswith("@later.example"):
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing():
    server = SmtpServer()
    server.inbox = RefusesRecipients()
    server.start()
    yield server
    server.stop()


def order_emailed_to(store, server, address):
    """(clock, sender, order id) of an order placed by `address`, its emails sent through `server`."""
    clock = Clock()
    sender = EmailSender(config(), store, SmtpTransport(server.url, timeout=5), clock=clock)
    order = OrderService(store, emails=sender).place_order(order_body(customer_email=address)).order
    return clock, sender, order["order_id"]


def test_a_recipient_refused_for_good_is_given_up_at_once_and_shown_to_staff(store, refusing):
    clock, sender, order_id = order_emailed_to(store, refusing, "asha@nowhere.example")
    assert sender.run_pass() == {"sent": 0, "failed": 1}
    state = store.get_order(order_id)["emails"][0]
    assert (state["status"], state["attempts"]) == ("failed", 1)
    assert state["last_error"].startswith("refused for good: ") and "550" in state["last_error"]
    assert state["failed_at"] and "next_attempt_at" not in state
    clock.advance(10 * 24 * 3600)
    sender.catch_up()
    assert sender.run_pass() == {"sent": 0, "failed": 0}, "never tried again"
    assert refusing.inbox.messages == []


def test_a_refusal_that_may_pass_later_is_retried_then_given_up_after_two_days(store, refusing):
    clock, sender, order_id = order_emailed_to(store, refusing, "asha@later.example")
    attempts = 0
    while store.get_order(order_id)["emails"][0]["status"] == "pending":
        assert sender.run_pass() == {"sent": 0, "failed": 1}
        attempts += 1
        clock.advance(3601)  # past the longest backoff
        assert attempts < 100
    state = store.get_order(order_id)["emails"][0]
    assert state["status"] == "failed" and state["last_error"].startswith(f"given up after {attempts} attempts: ")
    assert "451" in state["last_error"]
    assert 2 * 24 <= attempts <= 2 * 24 + 10, "hourly for two days, after the first quicker tries"


class DiesAfterSending:
    """The SMTP server accepts the message, then the process dies before it records `sent`."""

    def __init__(self, transport):
        self.transport = transport

    def send(self, message):
        self.transport.send(message)
        raise SystemExit("power cut after the SMTP server accepted the message")


def test_a_crash_between_sending_and_recording_sends_at_most_one_duplicate(store, smtp):
    clock = Clock()
    transport = SmtpTransport(smtp.url, timeout=5)
    dying = EmailSender(config(), store, DiesAfterSending(transport), clock=clock)
    order_id = OrderService(store, emails=dying).place_order(order_body()).order["order_id"]
    with pytest.raises(SystemExit):
        dying.run_pass()
    assert len(smtp.inbox.messages) == 1
    left = store.get_order(order_id)["emails"][0]
    assert left["status"] == "pending" and left["claimed_by"]
    restarted = EmailSender(config(), store, transport, clock=clock)
    restarted.catch_up()
    assert restarted.run_pass() == {"sent": 0, "failed": 0}, "a live claim is left alone"
    clock.advance(121)  # the dead sender's claim expires
    assert restarted.run_pass() == {"sent": 1, "failed": 0}
    clock.advance(1000)
    assert restarted.run_pass() == {"sent": 0, "failed": 0}
    first, again = smtp.inbox.messages
    assert first["Message-ID"] == again["Message-ID"], "the duplicate is recognisably the same message"
    final = store.get_order(order_id)["emails"][0]
    assert final["status"] == "sent" and final["resends"] == 1


def test_two_senders_at_once_send_each_email_once(store, smtp):
    senders = [EmailSender(config(), store, SmtpTransport(smtp.url, timeout=5)) for _ in range(3)]
    service = OrderService(store)
    ids = [
        service.place_order(order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}])).order["order_id"]
        for _ in range(5)
    ]
    for sender in senders:
        sender.catch_up()
    barrier = threading.Barrier(3)

    def work(sender):
        barrier.wait(30)
        sender.run_pass()

    threads = [threading.Thread(target=work, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(m["Subject"] for m in smtp.inbox.messages) == sorted(f"Your order {i} is confirmed" for i in ids)


class Blocked:
    """A transport stuck like an SMTP server that does not answer: each send waits until released
    (a minute at most)."""

    def __init__(self):
        self.release = threading.Event()
        self.entered = threading.Event()
        self.sent = []

    def send(self, message):
        self.entered.set()
        self.release.wait(60)
        self.sent.append(message)


def test_an_order_request_never_waits_for_the_smtp_server(data_dir):
    app = create_app(Config(data_dir=data_dir, app_env="test", qikink_env="off", ratelimit_enabled=False))
    emails = app.extensions["shop"].emails
    emails.transport = blocked = Blocked()
    emails.start()
    http = app.test_client()
    try:
        first = http.post("/api/orders", json=order_body())
        assert first.status_code == 201 and blocked.sent == []
        assert blocked.entered.wait(30), "the confirmation never went to the SMTP server"
        # The send is stuck now: orders placed meanwhile are answered while it still is.
        answers = [http.post("/api/orders", json=order_body()) for _ in range(3)]
        assert all(a.status_code == 201 for a in answers)
        assert blocked.sent == [], "an order's answer waited for the stuck SMTP send"
        blocked.release.set()
        wait_until(lambda: len(blocked.sent) == 4, 30, what="the four confirmations sent")
    finally:
        blocked.release.set()
        emails.stop()


def sent_count(store, ids):
    return sum(store.get_order(i)["emails"][0]["status"] == "sent" for i in ids)


class Monotonic:
    """The sender's time.monotonic: moves only when the test moves it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_emails_wait_while_orders_keep_arriving_but_never_past_the_limit(store, monkeypatch):
    """Orders come first: while they keep arriving the sender waits (at most max_defer_seconds),
    then sends everything due; once they stop it sends at once. The sender's thread runs for real,
    but its clock is the test's: each order comes GAP later on it, and the next one only once the
    sender has looked again, so nothing here depends on how fast the machine is."""
    from backend.customer_email import outbox

    monotonic = Monotonic()
    monkeypatch.setattr(outbox, "time", SimpleNamespace(monotonic=monotonic, time=time.time))
    quiet, limit, gap = 0.02, 0.2, 0.004
    sender = EmailSender(config(), store, LogTransport(), quiet_seconds=quiet, max_defer_seconds=limit)
    looks = []  # (the clock, the pause decided) at each of the sender's looks
    decide = sender.yield_to_orders

    def look():
        pause = decide()
        looks.append((monotonic.now, pause))
        return pause

    sender.yield_to_orders = look
    service = OrderService(store, emails=sender)
    item = [{"sku": "BHRT-002-M", "quantity": 1}]
    store.update_product("BHRT-002-M", {"stock_quantity": 10_000})

    def place():
        return service.place_order(order_body(items=item)).order["order_id"]

    def next_order():
        """An order GAP after the last one, then wait until the sender has looked again."""
        monotonic.now += gap
        order_id = place()
        seen = len(looks)
        wait_until(lambda: len(looks) > seen, 30, interval=0.001, what="the sender's next look")
        return order_id

    ids = [place()]  # before the thread starts: its first look already sees an order arriving
    sender.start()
    try:
        ids += [next_order() for _ in range(int(limit / gap / 2))]  # a burst shorter than the limit
        assert looks and all(pause > 0 for _, pause in looks), "the sender waited at every look"
        assert sent_count(store, ids) == 0, "nothing sent while orders keep arriving"

        monotonic.now += 2 * quiet  # the orders stop
        wait_until(lambda: sent_count(store, ids) == len(ids), 30, what="all sent once the burst is over")

        began, seen = monotonic.now, len(looks)
        more = []
        while not (more and sent_count(store, more)) and len(more) < 3 * limit / gap:  # a longer burst
            more.append(next_order())
        went = [at for at, pause in looks[seen:] if pause == 0]
        assert went and sent_count(store, more) > 0, "sent between the orders once the limit passed"
        assert limit <= went[0] - began <= limit + 3 * gap, "not before the limit, nor past it"
    finally:
        sender.stop()


# --- configuration and secrets ------------------------------------------------------------------
def test_no_smtp_url_writes_the_email_to_the_log(store, caplog):
    sender = EmailSender(config(), store, LogTransport())
    order_id = OrderService(store, emails=sender).place_order(order_body()).order["order_id"]
    with caplog.at_level(logging.INFO, logger="backend.customer_email"):
        assert sender.run_pass() == {"sent": 1, "failed": 0}
    assert f"Your order {order_id} is confirmed" in caplog.text and "Heritage Print T-Shirt" in caplog.text


@pytest.mark.parametrize("smtp_on", [False, True], ids=["log", "smtp"])
def test_order_writes_per_email_two_for_smtp_one_for_the_log(store, smtp, smtp_on, monkeypatch):
    """SMTP: a claim before the send and `sent` after it (a message the server accepted cannot be
    taken back). The log: only `sent`, as writing an email to the log twice harms nobody."""
    transport = SmtpTransport(smtp.url, timeout=5) if smtp_on else LogTransport()
    sender = EmailSender(config(), store, transport)
    order_id = OrderService(store, emails=sender).place_order(order_body()).order["order_id"]
    writes, real = [], store.transact_order
    monkeypatch.setattr(store, "transact_order", lambda oid, mutate: writes.append(oid) or real(oid, mutate))
    assert sender.run_pass() == {"sent": 1, "failed": 0}
    assert writes == [order_id] * (2 if smtp_on else 1)
    sent = store.get_order(order_id)["emails"][0]
    assert (sent["status"], sent["attempts"], "claimed_by" in sent) == ("sent", 1, False)
    assert sender.run_pass() == {"sent": 0, "failed": 0} and len(writes) == (2 if smtp_on else 1)
    assert len(smtp.inbox.messages) == (1 if smtp_on else 0)


def test_the_log_transport_records_a_pass_of_emails_in_one_journal_append(data_dir, monkeypatch):
    import os

    from backend.storage import JournalOrderStore

    store = JournalOrderStore(data_dir, load_catalogue(data_dir / "products.json"))
    sender = EmailSender(config(), store, LogTransport())
    service = OrderService(store, emails=sender)
    ids = [
        service.place_order(order_body(items=[{"sku": "BHRT-002-M", "quantity": 1}])).order["order_id"]
        for _ in range(5)
    ]
    fsyncs, real = [], os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: fsyncs.append(fd) or real(fd))
    assert sender.run_pass() == {"sent": 5, "failed": 0}
    assert len(fsyncs) == 1
    assert all(store.get_order(i)["emails"][0]["status"] == "sent" for i in ids)
    assert sender.run_pass() == {"sent": 0, "failed": 0} and len(fsyncs) == 1


def test_the_password_is_never_sent_in_clear_nor_shown(store, smtp, caplog):
    url = f"smtp://shop%40bharat.example:S3cret-pass@127.0.0.1:{smtp.port}"
    transport = SmtpTransport(url, timeout=5)
    sender = EmailSender(config(smtp_url=url), store, transport)
    order_id = OrderService(store, emails=sender).place_order(order_body()).order["order_id"]
    with caplog.at_level(logging.DEBUG):
        assert sender.run_pass() == {"sent": 0, "failed": 1}
    error = store.get_order(order_id)["emails"][0]["last_error"]
    assert "offers no STARTTLS" in error
    assert smtp.inbox.messages == []
    shown = caplog.text + error + repr(transport) + transport.description + repr(config(smtp_url=url))
    assert "S3cret-pass" not in shown
    assert transport.description == f"SMTP smtp://shop%40bharat.example:***@127.0.0.1:{smtp.port}"
    assert transport.username == "shop@bharat.example"


def test_settings_are_read_and_checked():
    read = Config.from_env(
        {"SMTP_URL": "smtps://u:p@mail.example.in", "MAIL_FROM": "Shop <orders@example.in>"}, load_dotenv_file=False
    )
    assert (read.smtp_url, read.mail_from) == ("smtps://u:p@mail.example.in", "Shop <orders@example.in>")
    assert SmtpTransport(read.smtp_url).port == 465 and SmtpTransport("smtp://h").port == 587
    from backend.config import ConfigError

    for bad in (
        {"SMTP_URL": "http://mail.example.in"},
        {"SMTP_URL": "smtp://u:secret@"},
        {"MAIL_FROM": "not an address"},
        {"SMTP_URL": "smtp://h", "APP_ENV": "production", "ADMIN_API_KEY": "k" * 32},
    ):
        with pytest.raises(ConfigError) as refused:
            Config.from_env(bad, load_dotenv_file=False)
        assert "secret" not in str(refused.value)
