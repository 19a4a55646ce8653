// The shop's JavaScript client: one request() funnel (timeout, honest errors, safe retries) and
// the integration guide's calls. Plain ES module, no dependencies; works in any modern browser.
//
//   import { createShopClient, ShopApiError } from './shop-client.js';
//   const shop = createShopClient({ baseUrl: 'http://localhost:5000' });
//   const { data: order } = await shop.submitOrder(email, address, [{ sku: 'BHRT-001-M', quantity: 1 }]);

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);
const PENDING_KEY = 'shop.pendingCheckout';
const DONE_KEY = 'shop.lastCheckout';
// One checkout lasts this long. The same body again this soon after its order (a second tab, a
// late click) goes with the same key, so the server answers the order it already made; an
// unanswered checkout older than this is forgotten rather than sent (nobody wants last week's
// cart ordered by opening the shop again).
const SAME_CHECKOUT_MS = 15 * 60 * 1000;

/** Every failure of a call: `status` 0 means the server was never heard (`code` 'network_error'
 * or 'timeout'); otherwise the server's error envelope (code, message, details) and Retry-After. */
export class ShopApiError extends Error {
  constructor({ status = 0, code, message, details = [], retryAfter = null, method = '', url = '', requestId = null }) {
    super(message);
    this.name = 'ShopApiError';
    this.requestId = requestId; // the server's id for the request (its log lines carry it too)
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
    this.retryAfter = retryAfter;
    this.method = method;
    this.url = url;
  }

  /** True when no answer came back (offline, refused, dropped, timed out). */
  get isNetworkError() {
    return this.status === 0;
  }
}

/** Seconds from a Retry-After header (a number of seconds or an HTTP date), or null. */
export function parseRetryAfter(value, now = Date.now()) {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** A key nobody else will make: 128 random bits (works outside secure contexts too). */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'checkout-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** localStorage, or a stand-in when the browser refuses it (private modes, some file:// setups). */
function defaultStorage() {
  try {
    const probe = '__shop_probe__';
    globalThis.localStorage.setItem(probe, probe);
    globalThis.localStorage.removeItem(probe);
    return globalThis.localStorage;
  } catch {
    const memory = new Map();
    return {
      getItem: (k) => (memory.has(k) ? memory.get(k) : null),
      setItem: (k, v) => memory.set(k, String(v)),
      removeItem: (k) => memory.delete(k),
    };
  }
}

/**
 * A client for the shop API at `baseUrl` ('' = the page's own origin).
 * Options for other front ends and tests: `headers` added to every call (e.g. an admin key),
 * `retries` (3), `maxRetryWaitMs` (longest Retry-After worth waiting for; longer ones are
 * thrown to the caller, who can say "try again in N seconds"), `storage`, `fetch`, `sleep`, `random`.
 */
export function createShopClient({
  baseUrl = '',
  timeoutMs = 10000,
  headers: defaultHeaders = {},
  retries = 3,
  maxRetryWaitMs = 10000,
  storage = defaultStorage(),
  fetch: fetchImpl = globalThis.fetch.bind(globalThis),
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random = Math.random,
} = {}) {
  const base = baseUrl.replace(/\/+$/, '');
  let inFlight = null; // { body, promise }: the checkout being sent right now

  /** Wait before retry number `attempt` (0-based): Retry-After when given, else capped
   * exponential backoff with jitter. */
  function retryDelayMs(attempt, retryAfter) {
    if (retryAfter != null) return retryAfter * 1000;
    return Math.min(4000, 300 * 2 ** attempt) * (0.5 + random() / 2);
  }

  /** One attempt. The timeout covers the body too; a body cut off on the way is a network
   * error (retryable), a body that is not JSON is a wrong address or a proxy's page. */
  async function once(method, url, headers, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    let payload;
    try {
      response = await fetchImpl(url, { method, headers, body, signal: controller.signal, credentials: 'omit' });
      payload = await response.json().catch((error) => {
        if (error instanceof SyntaxError) return null;
        throw error;
      });
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw new ShopApiError({
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut
          ? `The shop did not answer within ${Math.round(timeoutMs / 1000)} seconds`
          : `Cannot reach the shop at ${base || 'this site'} (${error.message})`,
        method, url,
      });
    } finally {
      clearTimeout(timer);
    }
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    if (payload === null || typeof payload !== 'object') {
      throw new ShopApiError({
        status: response.status, code: 'not_shop_api', retryAfter, method, url,
        message: `${url} did not answer like the shop API (HTTP ${response.status}); check the API address`,
      });
    }
    if (!response.ok) {
      const error = payload.error || {};
      throw new ShopApiError({
        status: response.status, code: error.code || 'http_error', retryAfter, method, url,
        message: error.message || `HTTP ${response.status}`, details: error.details,
        requestId: error.request_id || response.headers.get('X-Request-ID'),
      });
    }
    return { status: response.status, headers: response.headers, body: payload };
  }

  /**
   * The one funnel every call goes through. Answers `{ status, headers, body }` or throws
   * ShopApiError. `retry` (default: GET only) allows retries of network errors, timeouts and
   * 408/429/502/503/504; a POST is only safe to retry with an Idempotency-Key.
   */
  async function request(path, { method = 'GET', query, body, headers = {}, retry = method === 'GET' } = {}) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== '') params.set(name, value);
    }
    const url = base + path + (params.toString() ? `?${params}` : '');
    const allHeaders = { Accept: 'application/json', ...defaultHeaders, ...headers };
    let text;
    if (typeof FormData !== 'undefined' && body instanceof FormData) {
      text = body; // multipart: fetch writes the Content-Type with its boundary
    } else if (body !== undefined) {
      allHeaders['Content-Type'] = 'application/json';
      text = JSON.stringify(body);
    }
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await once(method, url, allHeaders, text);
      } catch (error) {
        const retryable = error.isNetworkError || RETRY_STATUSES.has(error.status);
        const wait = retryDelayMs(attempt, error.retryAfter);
        if (!retry || !retryable || attempt >= retries || wait > maxRetryWaitMs) throw error;
        await sleep(wait);
      }
    }
  }

  const get = async (path, query) => (await request(path, { query })).body;
  const encode = encodeURIComponent;

  function readPending() {
    let pending = null;
    try {
      pending = JSON.parse(storage.getItem(PENDING_KEY));
    } catch {
      pending = null;
    }
    if (pending && typeof pending.key === 'string' && pending.payload && Date.now() - pending.at < SAME_CHECKOUT_MS) {
      return pending;
    }
    storage.removeItem(PENDING_KEY);
    return null;
  }

  /** The key of the checkout that already made an order with this very body, lately; else a new one. */
  function keyFor(body) {
    try {
      const done = JSON.parse(storage.getItem(DONE_KEY));
      if (done && done.body === body && Date.now() - done.at < SAME_CHECKOUT_MS) return done.key;
    } catch {
      // Nothing usable stored: a new checkout.
    }
    return newIdempotencyKey();
  }

  /** Send one checkout with its key; forget it on any final answer (success or refusal). */
  async function send(pending) {
    try {
      const response = await request('/api/orders', {
        method: 'POST', body: pending.payload, headers: { 'Idempotency-Key': pending.key }, retry: true,
      });
      storage.removeItem(PENDING_KEY);
      storage.setItem(DONE_KEY, JSON.stringify({ key: pending.key, body: JSON.stringify(pending.payload), at: Date.now() }));
      return { ...response.body, replayed: response.headers.get('Idempotent-Replayed') === 'true' };
    } catch (error) {
      if (!(error.isNetworkError || RETRY_STATUSES.has(error.status))) storage.removeItem(PENDING_KEY);
      throw error;
    }
  }

  function sendOnce(pending) {
    const body = JSON.stringify(pending.payload);
    if (inFlight && inFlight.body === body) return inFlight.promise;
    const promise = send(pending).finally(() => {
      if (inFlight && inFlight.promise === promise) inFlight = null;
    });
    inFlight = { body, promise };
    return promise;
  }

  /** The checkout that was sent but never got a final answer (a reload, a crash, another tab), or null. */
  function pendingCheckout() {
    return readPending();
  }

  /** Send the unfinished checkout again with its own key: the server answers the order it made
   * (or makes it now), never a second one. Null when nothing is unfinished. */
  async function resumeCheckout() {
    const pending = readPending();
    return pending ? sendOnce(pending) : null;
  }

  /**
   * Place an order: the guide's name and arguments. `items` are `{sku, quantity, price?}`;
   * `options.paymentMethod` is 'prepaid' (default) or 'cod'. The same checkout (same body)
   * always goes with the same Idempotency-Key, kept in storage until a final answer (at most
   * SAME_CHECKOUT_MS, and as long after an order), so double clicks, retries, reloads and second
   * tabs make one order. An unfinished checkout with a
   * different body is settled first; if it made an order, that order is answered with
   * `resumed: true` (the caller shows it rather than ordering again).
   */
  async function submitOrder(email, address, items, options = {}) {
    const payload = {
      customer_email: email,
      shipping_address: address,
      payment_method: options.paymentMethod || 'prepaid',
      items: items.map(({ sku, quantity, price }) => (price === undefined ? { sku, quantity } : { sku, quantity, price })),
    };
    const body = JSON.stringify(payload);
    let pending = readPending();
    if (pending && JSON.stringify(pending.payload) !== body) {
      let earlier = null;
      try {
        earlier = await sendOnce(pending);
      } catch (error) {
        if (error.isNetworkError || RETRY_STATUSES.has(error.status)) throw error;
      }
      if (earlier) return { ...earlier, resumed: true };
      pending = null;
    }
    if (!pending) {
      pending = { key: keyFor(body), payload, at: Date.now() };
      storage.setItem(PENDING_KEY, JSON.stringify(pending));
    }
    return sendOnce(pending);
  }

  return {
    baseUrl: base,
    request,
    listProducts: (category) => get('/api/products', { category }),
    getProduct: (sku) => get(`/api/products/${encode(sku)}`),
    /** The catalogue by design: details, variants (colour × size, price, stock), price range. */
    listDesigns: (category) => get('/api/designs', { category }),
    getDesign: (slug) => get(`/api/designs/${encode(slug)}`),
    submitOrder,
    pendingCheckout,
    resumeCheckout,
    getOrder: (orderId, email) => get(`/api/orders/${encode(orderId)}`, { email }),
    // Cancelling is idempotent (again answers the same order), so it may be retried like a GET.
    cancelOrder: async (orderId, email) => (await request(`/api/orders/${encode(orderId)}/cancel`,
      { method: 'POST', query: { email }, retry: true })).body,
    /** A COD order's confirmation email again (429 `rate_limited` with retryAfter when asked too often). */
    resendConfirmation: async (orderId, email) => (await request(
      `/api/orders/${encode(orderId)}/confirmation-email`, { method: 'POST', query: { email } })).body,
    /** The checkout of an order awaiting payment (the same Razorpay order every time). */
    getPayment: (orderId, email) => get(`/api/orders/${encode(orderId)}/payment`, { email }),
    /** The checkout's signed answer; settling it twice changes nothing, so it may be retried. */
    confirmPayment: async (orderId, response) => (await request(`/api/orders/${encode(orderId)}/payment`, {
      method: 'POST',
      body: {
        razorpay_order_id: response.razorpay_order_id,
        razorpay_payment_id: response.razorpay_payment_id,
        razorpay_signature: response.razorpay_signature,
      },
      retry: true,
    })).body,
    getQikinkFulfillmentStatus: (orderId, email) => get(`/api/qikink/fulfillment/${encode(orderId)}`, { email }),
    getQikinkStatus: () => get('/api/qikink/status'),
    getCharges: () => get('/api/charges'),
    /** Every size chart (a product's `size_chart` is one's id), inches and centimetres. */
    listSizeCharts: () => get('/api/size-charts'),
    /** The earliest and latest delivery dates of an order placed today. */
    getDeliveryEstimate: () => get('/api/delivery-estimate'),
    /** The seller's public details (legal name, address, GSTIN, contacts, grievance officer); null
     * where a setting is not set, listed in missing_settings. */
    getSeller: () => get('/api/seller'),
    /** India Post's state(s) and district of a PIN code (404 when it has none). */
    getPincode: (pincode) => get(`/api/pincodes/${encode(pincode)}`),
    /** The printable invoice's address (a page to open, not JSON to fetch). */
    invoiceUrl: (orderId, email) => `${base}/api/orders/${encode(orderId)}/invoice?${new URLSearchParams({ email })}`,
    /** The printable credit note of a cancelled order that was invoiced. */
    creditNoteUrl: (orderId, email) => `${base}/api/orders/${encode(orderId)}/credit-note?${new URLSearchParams({ email })}`,
  };
}
