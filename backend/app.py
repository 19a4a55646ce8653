"""create_app(config): wires config, storage, services, routes and errors into one Flask app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, request

if TYPE_CHECKING:  # the types only: create_app imports the modules themselves when it runs
    from flask_limiter import Limiter

    from .api.throttle import Throttle
    from .attention.digest import AttentionDigest
    from .attention.items import Attention
    from .billing.charges import ChargeSettings
    from .billing.invoice import InvoiceService
    from .catalogue.answers import CatalogueAnswers
    from .catalogue.editing import CatalogueEditor
    from .catalogue.shelf import Shelf
    from .catalogue.size_charts import SizeChartEditor, StoredSizeCharts
    from .config import Config
    from .customer_email import EmailSender
    from .delivery_estimate import DeliveryEstimate
    from .fulfilment import Fulfilment
    from .fulfilment.off import QikinkOff
    from .orders.confirmation import CodConfirmations
    from .orders.service import OrderService
    from .orders.upkeep import OrderUpkeep
    from .payments.service import PaymentService
    from .payments.worker import PaymentWorker
    from .photos.service import PhotoService
    from .storage.interface import OrderStore
    from .webhooks.dispatcher import WebhookDispatcher


@dataclass
class Shop:
    """The services one app uses, built once by create_app and found in app.extensions["shop"]."""

    config: Config
    store: OrderStore  # the journal, PostgreSQL, or the in-memory twin under test
    orders: OrderService
    fulfilment: Fulfilment | QikinkOff  # QikinkOff when QIKINK_ENV=off
    charges: ChargeSettings
    invoices: InvoiceService
    emails: EmailSender  # its thread is started by `python -m backend`
    upkeep: OrderUpkeep  # pending cancels decided, unconfirmed COD orders cancelled
    attention: Attention  # what needs a person now (GET /api/attention, the console)
    digest: AttentionDigest  # mailed to ALERT_EMAIL (started by `python -m backend`)
    throttle: Throttle  # customer look-ups and wrong admin keys, per client
    webhooks: WebhookDispatcher  # order events to the shop's endpoints (started by `python -m backend`)
    size_charts: StoredSizeCharts  # garment measurements, kept with the catalogue (seeded from SIZE_CHARTS_FILE)
    size_chart_editor: SizeChartEditor  # the console's new charts and chart edits
    delivery: DeliveryEstimate  # "Delivered by 9–14 Dec" (DELIVERY_PRINT_DAYS, _TRANSIT_DAYS)
    shelf: Shelf  # the stored catalogue's designs, on sale or all (GET /api/designs, the console)
    catalogue: CatalogueEditor  # the console's changes to the catalogue
    catalogue_view: CatalogueAnswers  # the console's view of it, with problems and margins
    payments: PaymentService | None = None  # None when PAYMENTS_ENV=off
    payment_worker: PaymentWorker | None = None  # look-ups, expiries, refunds (started by `python -m backend`)
    confirmations: CodConfirmations | None = None  # None when COD_CONFIRMATION=off
    photos: PhotoService | None = None  # the designs' photos, kept beside the orders
    limiter: Limiter | None = None  # set once the app exists (flask-limiter needs it)
    cors_origins: tuple[str | re.Pattern[str], ...] = ()  # CORS_ORIGINS as flask-cors matches them


def _origin_pattern(origin: str) -> str | re.Pattern[str]:
    """`http://localhost:*` → a regex that matches that host on any port; a bare `*` (any origin,
    refused in production) is left for flask-cors, which reads it as allow-all."""
    if "*" not in origin or origin == "*":
        return origin
    return re.compile("^" + re.escape(origin).replace(r":\*", r"(:\d+)?").replace(r"\*", r"[^/]*") + "$")


def create_app(config=None, *, store=None, qikink_client=None, payment_client=None) -> Flask:
    """Build the Flask app. Tests pass a Config (and may pass an in-memory store or clients)."""
    from flask_cors import CORS
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from prometheus_client import CollectorRegistry

    from .api import (
        access_log,
        attention,
        catalogue,
        confirm,
        delivery,
        designs,
        docs,
        health,
        invoices,
        is_admin,
        metrics,
        orders,
        pages,
        payments,
        photos,
        pincodes,
        policies,
        products,
        qikink,
        size_charts,
    )
    from .api import webhooks as webhook_routes
    from .api.cors import ALLOW_HEADERS, EXPOSE_HEADERS, cors_resources
    from .api.json_provider import OrjsonProvider
    from .api.proxies import TrustedProxyFix
    from .api.throttle import CUSTOMER_LOOKUPS, Throttle
    from .attention.digest import AttentionDigest
    from .attention.items import Attention
    from .attention.thresholds import Thresholds
    from .billing import load_gst_rules
    from .billing.charges import ChargeSettings
    from .billing.invoice import InvoiceService, Seller
    from .catalogue.answers import CatalogueAnswers
    from .catalogue.editing import CatalogueEditor
    from .catalogue.margin import MarginSettings
    from .catalogue.shelf import Shelf
    from .catalogue.size_charts import SizeChartEditor, StoredSizeCharts
    from .config import Config
    from .customer_email import EmailSender, transport_from_config
    from .delivery_estimate import DeliveryEstimate
    from .errors import NotFound, StartupError, register_error_handlers
    from .fulfilment import Fulfilment
    from .fulfilment.off import QikinkOff
    from .hosts import HostCheckedRequest, trusted_hosts
    from .metrics.collector import ShopCollector
    from .metrics.requests import measure_requests
    from .models import is_order_id
    from .orders.answers import admin_order
    from .orders.service import MAX_OPEN_ORDERS_PER_CLIENT, OrderService
    from .orders.upkeep import OrderUpkeep
    from .photos.service import PhotoService, design_of
    from .photos.store import open_photo_store
    from .qikink import QikinkClient
    from .qikink.mapping import catalogue_problem
    from .storage import open_store
    from .storage.designs import load_design_entries
    from .storage.size_charts import load_size_charts
    from .webhooks import build_dispatcher

    config = config or Config.from_env()
    app = Flask(__name__)
    access_log.install(app, enabled=config.access_log)  # first: every later hook and error has the id
    app.json = OrjsonProvider(app)
    app.request_class = HostCheckedRequest
    app.config["TRUSTED_HOSTS"] = trusted_hosts(config)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    store = store or open_store(config)
    store.seed_catalogue({}, load_design_entries(config.catalogue_file))  # its SKUs were seeded by open_store
    problem = catalogue_problem(store.catalogue_snapshot().on_sale())
    if problem:
        raise StartupError(f"Catalogue file {config.catalogue_file}, {problem}")
    charts = StoredSizeCharts(store, load_size_charts(config.size_charts_file))
    charts.seed()
    problem = charts.current().catalogue_problem(store.catalogue)
    if problem:
        raise StartupError(f"Catalogue file {config.catalogue_file}, {problem} ({config.size_charts_file})")
    shelf = Shelf(store)
    shelf.designs()  # a stored catalogue that no longer groups into designs fails here, not on a shopper
    client = qikink_client or (QikinkClient.from_config(config, store) if config.qikink_env != "off" else None)
    emails = EmailSender(config, store, transport_from_config(config))
    fulfilment = Fulfilment(config, store, client, emails=emails) if client is not None else QikinkOff(config, store)
    cors_origins = tuple(_origin_pattern(o) for o in config.cors_origins)
    charges = ChargeSettings.from_config(config)
    gst_rules, seller = load_gst_rules(config.catalogue_file), Seller.from_config(config)
    payment_service = payment_worker = None
    if config.payments_env != "off":
        from .payments.service import PaymentService
        from .payments.worker import PaymentWorker

        payment_service = PaymentService.from_config(
            config, store, dispatcher=fulfilment, emails=emails, client=payment_client
        )
        payment_worker = PaymentWorker(payment_service)
    confirmations = None
    if config.cod_confirmation == "email":
        from .orders.confirmation import CodConfirmations

        confirmations = CodConfirmations(
            store,
            dispatcher=fulfilment,
            emails=emails,
            hours=config.cod_confirm_hours,
            review_above=config.cod_review_above,
        )
    order_service = OrderService(
        store,
        dispatcher=fulfilment,
        emails=emails,
        charges=charges,
        invoicing=InvoiceService.can_issue(gst_rules, seller),
        payments=payment_service,
        confirmations=confirmations,
        cod_max_order_value=config.cod_max_order_value,
        open_orders_per_client=MAX_OPEN_ORDERS_PER_CLIENT if config.ratelimit_enabled else None,
    )
    invoice_service = InvoiceService(order_service, gst_rules, seller)
    if isinstance(fulfilment, Fulfilment) and invoice_service.issuing:  # Qikink is on
        # The tax invoice is issued at the supply: in the write that records Qikink's acceptance.
        fulfilment.sender.on_accepted = invoice_service.issue_at_supply
    upkeep = OrderUpkeep(order_service.cancellation, confirmations)
    webhooks = build_dispatcher(
        config, store, order_body=lambda order: admin_order(order, invoicing=order_service.invoicing)
    )
    attention_list = Attention(store, thresholds=Thresholds.parse(config.attention_hours), webhooks=webhooks.webhooks)
    digest = AttentionDigest(
        attention_list, emails.transport, to=config.alert_email, mail_from=config.mail_from, shop_url=config.shop_url
    )
    shop = Shop(
        config=config,
        store=store,
        orders=order_service,
        fulfilment=fulfilment,
        emails=emails,
        charges=charges,
        invoices=invoice_service,
        payments=payment_service,
        payment_worker=payment_worker,
        confirmations=confirmations,
        upkeep=upkeep,
        attention=attention_list,
        digest=digest,
        webhooks=webhooks,
        throttle=Throttle(enabled=config.ratelimit_enabled),
        cors_origins=cors_origins,
        size_charts=charts,
        size_chart_editor=SizeChartEditor(store, charts),
        shelf=shelf,
        catalogue=CatalogueEditor(store, charts),
        catalogue_view=CatalogueAnswers(store, shelf, charts, MarginSettings.from_config(config), gst_rules),
        delivery=DeliveryEstimate.from_config(config),
        photos=PhotoService(
            open_photo_store(store, config.data_dir),
            lambda: shelf.design_ids() | {design_of(product) for product in store.catalogue.values()},
        ),
    )
    app.extensions["shop"] = shop
    registry = CollectorRegistry(auto_describe=False)  # per app: tests build many
    registry.register(ShopCollector(shop))
    measure_requests(app, registry)
    app.extensions["metrics_registry"] = registry

    for blueprint in (
        health.bp,
        attention.bp,
        metrics.bp,
        products.bp,
        catalogue.bp,
        photos.bp,
        size_charts.bp,
        designs.bp,
        delivery.bp,
        pincodes.bp,
        orders.bp,
        payments.bp,
        confirm.bp,
        invoices.bp,
        qikink.bp,
        webhook_routes.bp,
        pages.bp,
        policies.bp,
        docs.bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)

    @app.before_request
    def one_order_id_pattern():
        """Every route that takes an order id refuses anything that is not exactly one (a trailing
        `%0A`, a NUL, 11 digits) with the same 404 as an unknown order, before any view runs."""
        order_id = (request.view_args or {}).get("order_id")
        if order_id is not None and not is_order_id(order_id):
            raise NotFound("No such order")
        if request.endpoint in CUSTOMER_LOOKUPS and not is_admin():
            token = (request.view_args or {}).get("token") or ""
            shop.throttle.customer_lookup(order_id or token.rpartition(".")[0][:64] or None)

    @app.after_request
    def count_failed_lookup(response):
        shop.throttle.lookup_answered(response.status_code)
        return response

    app.wsgi_app = TrustedProxyFix(  # type: ignore[method-assign]  # Flask's documented way to add middleware
        pages.SecurityHeaders(app.wsgi_app), config.trusted_proxies
    )

    CORS(
        app,
        resources=cors_resources(list(cors_origins), allow_null_origin=config.app_env == "development"),
        allow_headers=ALLOW_HEADERS,
        expose_headers=EXPOSE_HEADERS,
        max_age=600,
        # Only browsers need CORS headers, and they always send Origin on a cross-origin request;
        # flask-cors would otherwise add them to every answer (0.03 ms a request).
        always_send=False,
    )

    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri="memory://",
        enabled=config.ratelimit_enabled,
        headers_enabled=True,
        default_limits=[],
    )
    shop.limiter = limiter  # flask-limiter holds only a weak reference to itself
    if config.ratelimit_enabled:  # off, the limiter's wrapper would still cost ~0.08 ms an order
        app.view_functions["orders.create_order"] = limiter.limit(config.order_rate_limit)(  # type: ignore[assignment]
            app.view_functions["orders.create_order"]
        )
    return app
