// The admin calls of the shop API, on top of shop-client.js: the same request() funnel (timeout,
// honest ShopApiError, safe retries), with the admin key in the Authorization header.
//
//   import { createAdminClient } from './admin-client.js';
//   const admin = createAdminClient({ baseUrl: 'http://localhost:5000', adminKey });
//   const { data: orders, pagination } = await admin.listOrders({ qikink_status: 'action_required' });

import { createShopClient } from './shop-client.js';

export { ShopApiError } from './shop-client.js';

/**
 * A client for every shop call plus the admin ones. `adminKey` ('' when the server has none:
 * then admin rights come from this machine) is sent with every call, never in a URL.
 * Other options are createShopClient's.
 */
export function createAdminClient({ adminKey = '', headers = {}, ...options } = {}) {
  const auth = adminKey ? { Authorization: `Bearer ${adminKey}` } : {};
  const shop = createShopClient({ ...options, headers: { ...headers, ...auth } });
  const call = async (path, request) => (await shop.request(path, request)).body;
  const encode = encodeURIComponent;

  return {
    ...shop,
    /** GET /api/orders with the API's own filter names: status, qikink_status, email, page,
     * per_page, counts ('qikink_status' adds the number of orders per Qikink status). */
    listOrders: (filters = {}) => call('/api/orders', { query: filters }),
    /** The order with its events and sync attempts (admin view). */
    getOrder: (orderId) => call(`/api/orders/${encode(orderId)}`),
    /** PATCH shipping_address, customer_email and/or payment_method of an order Qikink has not accepted. */
    updateOrder: (orderId, changes) => call(`/api/orders/${encode(orderId)}`, { method: 'PATCH', body: changes }),
    /** Cancel an order: cancelled at once before Qikink has it, else cancel_requested (cancel it in
     * Qikink's dashboard); 409 not_cancellable once packed, 409 order_busy while it is being sent. */
    cancelOrder: (orderId) => call(`/api/orders/${encode(orderId)}/cancel`, { method: 'POST', retry: true }),
    /** A replacement at the shop's cost: { reason: 'exchange_size' | 'reship', items?, note? }. One
     * Idempotency-Key per form makes a retry (or a double click) safe. */
    replaceOrder: (orderId, body, key) => call(`/api/orders/${encode(orderId)}/replacement`,
      { method: 'POST', body, headers: { 'Idempotency-Key': key }, retry: true }),
    /** Ask Razorpay about this order now: settles a payment it has, sends any refund due. */
    /** Confirm a cash-on-delivery order awaiting confirmation (a phone call, a review). */
    confirmOrder: (orderId) => call(`/api/orders/${encode(orderId)}/confirm`, { method: 'POST', retry: true }),
    checkPayment: (orderId) => call(`/api/orders/${encode(orderId)}/payment/check`, { method: 'POST', retry: true }),
    /** Send an email the outbox gave up on again (409 email_not_failed when it did not fail). */
    resendEmail: (orderId, kind) => call(`/api/orders/${encode(orderId)}/emails/${encode(kind)}/resend`,
      { method: 'POST' }),
    /** What needs a person now: [{kind, order_id, since, severity, message, action, link, order_link}]. */
    getAttention: () => call('/api/attention'),
    /** Send pending orders now (and sync_failed ones with retryFailed), refresh orders in flight. */
    syncNow: ({ retryFailed = false } = {}) => call('/api/qikink/sync', {
      method: 'POST', query: { retry_failed: retryFailed ? 'true' : undefined },
    }),
    /** Check the Qikink credentials (mints a token only when none is valid). */
    authenticate: () => call('/api/qikink/authenticate', { method: 'POST' }),
    /** Webhook endpoints for order events: [{id, url, events, enabled, disabled_reason, deliveries}]. */
    listWebhooks: () => call('/api/webhooks'),
    /** Add an endpoint ({url, events, description}); the answer holds its `secret`, shown this once. */
    addWebhook: (endpoint) => call('/api/webhooks', { method: 'POST', body: endpoint }),
    /** PATCH url, events, description and/or enabled (turning one on sends the events it missed). */
    changeWebhook: (id, changes) => call(`/api/webhooks/${encode(id)}`, { method: 'PATCH', body: changes }),
    deleteWebhook: (id) => call(`/api/webhooks/${encode(id)}`, { method: 'DELETE' }),
    /** A new signing secret (in the answer, this once); the old one stops working at once. */
    rotateWebhookSecret: (id) => call(`/api/webhooks/${encode(id)}/secret`, { method: 'POST' }),
    /** An endpoint's deliveries, newest first. */
    listWebhookDeliveries: (id, limit = 20) => call(`/api/webhooks/${encode(id)}/deliveries`, { query: { limit } }),
    /** Send a delivery again, from the first attempt of the schedule. */
    resendWebhookDelivery: (deliveryId) => call(`/api/webhooks/deliveries/${encode(deliveryId)}/resend`,
      { method: 'POST' }),
    /** PATCH price and/or stock_quantity of a product. */
    updateProduct: (sku, changes) => call(`/api/products/${encode(sku)}`, { method: 'PATCH', body: changes }),
    /** Every design with every variant, on sale or not, each variant with publishable, problems and margin. */
    getCatalogue: () => call('/api/catalogue'),
    /** A new design ({name, category, story, hsn, …}), unpublished. */
    createDesign: (design) => call('/api/catalogue/designs', { method: 'POST', body: design }),
    /** PATCH a design's fields or `published`. */
    changeDesign: (id, changes) => call(`/api/catalogue/designs/${encode(id)}`, { method: 'PATCH', body: changes }),
    /** A new variant of a design ({size, colour, price, stock_quantity, qikink, published}). */
    addVariant: (id, variant) => call(`/api/catalogue/designs/${encode(id)}/variants`, { method: 'POST', body: variant }),
    /** PATCH a variant's price, stock, colour, size, qikink mapping or `published` (409 not_publishable says why not). */
    changeVariant: (sku, changes) => call(`/api/catalogue/variants/${encode(sku)}`, { method: 'PATCH', body: changes }),
    /** Every size chart (the shoppers' view: sizes in inches and centimetres). */
    listSizeCharts: () => call('/api/size-charts'),
    /** A new size chart ({name, fit, fabric, sizes: [{size, inches: {chest, length, shoulder, sleeve}}]}). */
    createSizeChart: (chart) => call('/api/size-charts', { method: 'POST', body: chart }),
    /** PATCH a chart's name, fit, fabric or its whole list of sizes (409 when a variant's size would go). */
    changeSizeChart: (id, changes) => call(`/api/size-charts/${encode(id)}`, { method: 'PATCH', body: changes }),
    /** The photos of a design (every design's without one). */
    listPhotos: (design) => call('/api/photos', { query: { design } }),
    /** Upload a photo: `file` (a File or Blob: JPEG, PNG or WebP, at most 8 MB), design, alt text, optional colour. */
    uploadPhoto: ({ file, design, alt, colour = '' }) => {
      const form = new FormData();
      form.append('file', file);
      form.append('design', design);
      form.append('alt', alt);
      if (colour) form.append('colour', colour);
      return call('/api/photos', { method: 'POST', body: form, retry: false });
    },
    deletePhoto: (photoId) => call(`/api/photos/${encode(photoId)}`, { method: 'DELETE' }),
  };
}
