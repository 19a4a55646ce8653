// What the console says when something goes wrong, for a shop owner rather than an engineer: one
// plain sentence and what to do, per error code of the API (backend/errors.py) and of the client
// (shop-client.js: network_error, timeout, not_shop_api). The server's own words, the code, the
// HTTP status, the call and the request id stay one click away ("Technical detail").
// No DOM here: tests import this module with Node to check every backend code has its words.

const QIKINK_DOWN = {
  kind: 'down',
  say: 'Qikink is not answering right now.',
  todo: 'Orders are kept and sent automatically when it is back; nothing to do unless this lasts over an hour. '
    + 'Then check status.qikink.com or contact Qikink.',
};
const QIKINK_CREDENTIALS = {
  kind: 'credentials',
  say: "Qikink does not accept the shop's API credentials.",
  todo: "Compare QIKINK_CLIENT_ID and QIKINK_CLIENT_SECRET in the server's .env with the API keys in Qikink's "
    + 'dashboard, correct them and restart the server. Orders wait meanwhile; none is lost.',
};
const QIKINK_REFUSED = {
  kind: 'refused',
  say: 'Qikink refused the request.',
  todo: "Qikink's reason is under Technical detail. Correct the order (often its address or a product code) and "
    + 'try again; contact Qikink if the reason is unclear.',
};
const RELOAD = 'Reload the page and try again.';

/** code → { say: what happened, todo: what to do }. */
export const ERROR_WORDS = {
  // Reaching the shop's own server.
  network_error: { say: "The console cannot reach the shop's server.", todo: 'Check that the server is running (start-backend) and that this computer is online, then try again.' },
  timeout: { say: "The shop's server did not answer in time.", todo: 'It may be busy: wait a minute and try again. If it keeps happening, restart the server.' },
  not_shop_api: { say: "The address the console calls is not the shop's server.", todo: "Check API_BASE_URL in js/config.js (null means this page's own server)." },
  untrusted_host: { say: 'The server does not answer to the address this page was opened with.', todo: "Open the console with the shop's usual address, or add this one to ALLOWED_HOSTS in the server's .env." },
  http_error: { say: 'The server could not do this.', todo: RELOAD },
  internal_error: { say: "Something went wrong inside the shop's server.", todo: "Try again. If it happens again, send the Technical detail below to whoever looks after the server: the request id finds it in the server's log." },
  storage_unavailable: { say: 'The shop cannot save right now: its data folder is busy, full or not writable.', todo: 'Wait a few seconds and try again. If it lasts, check the disk space of the server.' },
  // Signing in.
  unauthorized: { say: 'The admin key was not accepted.', todo: "Sign in with the key set as ADMIN_API_KEY in the server's .env, exactly as written there." },
  cross_site_request: { say: "Without an admin key the console only works from the shop's own computer.", todo: "Sign in with the admin key (ADMIN_API_KEY in the server's .env) to use the console from here." },
  forbidden: { say: "Only the shop's staff may do this.", todo: 'Sign in with the admin key and try again.' },
  rate_limited: { say: 'Too many requests in a short time.', todo: 'Wait a little and try again.' },
  // Qikink.
  qikink_unavailable: QIKINK_DOWN, // also QIKINK_ENV=off, which the panel says before any button is pressed
  qikink_auth_failed: QIKINK_CREDENTIALS,
  qikink_error: QIKINK_REFUSED,
  // Orders.
  not_found: { say: 'There is no such order or product (any more).', todo: 'Go back to the list of orders and open it from there.' },
  order_not_editable: { say: 'Qikink has accepted this order, so it can no longer be changed here.', todo: "Make the change in Qikink's dashboard, or cancel the order and place a new one." },
  not_replaceable: { say: 'No replacement was sent: this order does not allow one now.', todo: 'Read the reason below; if another replacement is already on its way, wait for it or ask for another through the API with force.' },
  not_cancellable: { say: 'This order can no longer be cancelled: it is packed or on its way.', todo: 'Let it be delivered, or refuse it at the door and it comes back to you (return to origin).' },
  order_busy: { say: 'This order is being sent to Qikink at this very moment.', todo: 'Wait a few seconds and try again.' },
  not_awaiting_confirmation: { say: 'This order does not need confirming (any more).', todo: 'Reload the order to see where it is.' },
  email_not_failed: { say: 'This email has not failed, so there is nothing to send again.', todo: "Reload the order to see the email's state." },
  invoice_unavailable: { say: 'No invoice can be issued for this order yet.', todo: "Invoices are issued once the order goes to Qikink, when the shop's GST details are set." },
  out_of_stock: { say: 'There is not enough stock for this.', todo: 'Raise the stock under Products, then try again.' },
  price_mismatch: { say: 'The price sent differs from the catalogue price.', todo: "Reload the page to get today's prices." },
  idempotency_conflict: { say: 'This request was already sent with different contents.', todo: RELOAD },
  cod_not_allowed: { say: 'Cash on delivery is not available for this order.', todo: "Keep it prepaid, or check the cash-on-delivery settings (COD_*) in the server's .env." },
  too_many_open_orders: { say: 'This customer has too many orders waiting for payment or confirmation.', todo: 'Confirm or cancel their open orders first.' },
  address_mismatch: { say: 'The PIN code and the state do not match.', todo: 'Check the PIN code with the customer; the state is filled in from it.' },
  validation_error: { say: 'Some details are not valid.', todo: 'Correct the highlighted details and save again.' },
  // Payments.
  payment_unavailable: { say: 'Razorpay is not answering right now.', todo: 'The order is kept; try again in a minute. Check status.razorpay.com if it lasts.' },
  payment_not_required: { say: 'This order is not waiting for a payment.', todo: 'Reload the order to see its payment.' },
  payment_signature_invalid: { say: "Razorpay's confirmation of this payment does not check out.", todo: "Check the payment in Razorpay's dashboard before shipping." },
  webhook_signature_invalid: { say: "A Razorpay notification failed its signature check.", todo: "Check RAZORPAY_WEBHOOK_SECRET in the server's .env against the one in Razorpay's dashboard." },
  // Requests the console itself got wrong: nothing the shop owner did.
  invalid_json: { say: 'The console sent something the server could not read.', todo: RELOAD },
  method_not_allowed: { say: 'The console asked for something the server does not offer.', todo: 'The page may be older than the server: reload it.' },
  payload_too_large: { say: 'What was sent is too large.', todo: 'Send less at once.' },
  photo_too_large: { say: 'The photo is larger than 8 MB.', todo: 'Save it smaller (e.g. 2000 pixels wide) and upload it again.' },
  not_publishable: { say: 'This variant cannot be put on sale yet: Qikink would not know what to print.', todo: "Add its Qikink mapping (the SKU of the product in Qikink's My Products) and publish it again." },
  catalogue_conflict: { say: 'That SKU, design id or page address is taken by another one.', todo: 'Choose another, or edit the one that exists.' },
  too_many_photos: { say: 'This design has as many photos as it may have (24).', todo: 'Delete a photo of it first, then upload again.' },
  unsupported_photo_type: { say: 'The file is not a JPEG, PNG or WebP photo.', todo: 'Choose a JPEG, PNG or WebP photo.' },
  unsupported_media_type: { say: 'The console sent something the server could not read.', todo: RELOAD },
};

const DEFAULT_WORDS = { say: 'Something went wrong.', todo: RELOAD };

/** "12 seconds", "2 minutes" */
export function seconds(value) {
  const [n, unit] = value < 90 ? [Math.round(value), 'second'] : [Math.round(value / 60), 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The path and query of a call's URL, without the shop's address (the detail names the call). */
function callOf(error) {
  if (!error.url) return null;
  try {
    const url = new URL(error.url, 'http://shop.invalid');
    return `${error.method || 'GET'} ${url.pathname}${url.search}`;
  } catch {
    return `${error.method || 'GET'} ${error.url}`;
  }
}

function originOf(url) {
  try {
    return new URL(url, globalThis.location && globalThis.location.href).origin;
  } catch {
    return null; // a relative URL outside a browser
  }
}

/** A ShopApiError (or anything thrown) as { say, todo, detail: [[label, value]] } for a shop owner. */
export function explain(error) {
  const code = error && error.code;
  const words = ERROR_WORDS[code] || DEFAULT_WORDS;
  let { todo } = words;
  if (error && error.retryAfter && ['rate_limited', 'order_busy', 'storage_unavailable', 'payment_unavailable'].includes(code)) {
    todo = `Wait ${seconds(error.retryAfter)} and try again.`;
  }
  const detail = [
    ['Code', code || String(error && error.name)],
    ['HTTP status', error && error.status ? String(error.status) : 'no answer from the server'],
    ['Call', callOf(error || {})],
    ['Request id', error && error.requestId],
    ['Retry-After', error && error.retryAfter != null ? `${error.retryAfter} s` : null],
    ['Message', error && error.message],
  ].filter(([, value]) => value);
  // Which server was not heard: a console served elsewhere may be calling the wrong address.
  const origin = ['network_error', 'timeout'].includes(code) && error.url && originOf(error.url);
  return { say: origin ? words.say.replace(/\.$/, ` at ${origin}.`) : words.say, todo, detail };
}

/** Qikink's last error as the server keeps it (a line of text such as "Qikink non-JSON answer
 * (call=GET /api/order, http_status=503)"), in plain words: { kind: 'down' | 'credentials' |
 * 'refused', say, todo }. */
export function explainQikinkError(text) {
  if (/credential|token|http_status=40[13]\b/i.test(text)) return QIKINK_CREDENTIALS;
  if (/non-JSON|server error|unavailable|no answer|not answer|timed? ?out|slow|reach|connect|http_status=5\d\d/i.test(text)) {
    return QIKINK_DOWN;
  }
  return QIKINK_REFUSED;
}
