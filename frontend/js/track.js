// Order tracking at /track: order id + email → status, courier, AWB, link and the timeline,
// refreshed every 15 seconds (or the server's Retry-After, if longer) until the order is done.
import { apiBaseUrl } from './config.js';
import { wireResendButton } from './confirm-link.js';
import { el, safeHref, say } from './dom.js';
import { formatDateTime, formatRupees, formatTime } from './format.js';
import { payWithCheckout } from './payment.js';
import { createShopClient, ShopApiError } from './shop-client.js';

const REFRESH_MS = 15000;
const LAST_ORDER_KEY = 'shop.lastOrder';
const FINAL_STATUSES = new Set(['delivered', 'returned', 'cancelled']);
const PAYMENT_NAMES = { prepaid: 'prepaid', cod: 'cash on delivery' };
const PAYMENT_STATUS_WORDS = {
  awaiting_payment: 'not paid yet', paid: 'paid', expired: 'not paid', refund_pending: 'being refunded',
  refunded: 'refunded', refund_failed: 'refund delayed: we are on it',
};
const STATUS_WORDS = {
  awaiting_payment: ['Waiting for your payment', 'Your order is saved; it goes to our printer once it is paid.'],
  awaiting_confirmation: ['Waiting for your confirmation', 'We have emailed you a link: open it and press "Confirm order". '
    + 'This cash-on-delivery order goes to our printer once it is confirmed.'],
  pending: ['Order received', 'We have your order and will send it to our printer shortly.'],
  confirmed: ['Sent to the printer', 'Our printer has your order and will start printing soon.'],
  processing: ['Being printed', 'Your T-shirt is being printed.'],
  ready_to_ship: ['Ready to ship', 'Packed and waiting for the courier to pick it up.'],
  in_transit: ['On its way', 'The courier has your parcel.'],
  out_for_delivery: ['Out for delivery', 'The courier will deliver it today.'],
  delivered: ['Delivered', 'Your order has been delivered. Enjoy wearing it!'],
  on_hold: ['On hold', 'Your order is held for a moment at the printer; we are on it.'],
  action_required: ['Needs our attention', 'Our team is checking your order and will contact you if needed.'],
  exception: ['Delivery problem', 'The courier had a problem delivering; they will try again or contact you.'],
  rto_initiated: ['Returning to us', 'The parcel could not be delivered and is coming back to us.'],
  returned: ['Returned', 'The parcel came back to us; we will contact you.'],
  cancel_pending: ['Cancellation recorded', 'Our printer cannot be reached just now; your order will not be printed, '
    + 'and the cancellation is completed as soon as they answer.'],
  cancel_requested: ['Cancellation requested', 'We have asked our printer to cancel this order; this page shows when it is done.'],
  cancelled: ['Cancelled', 'This order has been cancelled.'],
};

// The timeline in the customer's words; anything else shows the server's own description.
const EVENT_WORDS = {
  order_received: 'Order placed', order_synced: 'Sent to our printer', order_processing: 'Printing',
  ready_to_ship: 'Packed, waiting for the courier', in_transit: 'Shipped', out_for_delivery: 'Out for delivery',
  delivered: 'Delivered', order_on_hold: 'On hold at the printer', delivery_exception: 'Delivery problem',
  rto_initiated: 'Returning to us', returned: 'Returned to us', cancelled: 'Cancelled',
  cancel_requested: 'Cancellation requested', cancel_pending: 'Cancellation recorded', cod_confirmed: 'Order confirmed',
  customer_confirmed: 'Confirmed by you; the shop checks it', confirmation_expired: 'Not confirmed in time: cancelled',
};

const client = createShopClient({ baseUrl: apiBaseUrl() });
const state = { orderId: '', email: '', timer: null, lastSuccess: null, cancelSeen: false };

function statusWords(status) {
  return STATUS_WORDS[status] || [status.replaceAll('_', ' '), ''];
}

function renderOrder(order) {
  say('tracking-order-id', order.order_id);
  say('tracking-items', order.items.map((i) => `${i.quantity} × ${i.name} (${i.sku})`).join(', '));
  const address = order.shipping_address;
  say('tracking-address', typeof address === 'string' ? address
    : [address.name, address.line1, address.line2, address.city, address.state, address.pincode].filter(Boolean).join(', '));
  const extras = [order.shipping ? `shipping ${formatRupees(order.shipping)}` : '',
    order.cod_fee ? `cash on delivery fee ${formatRupees(order.cod_fee)}` : ''].filter(Boolean);
  renderReplacements(order);
  const payment = `${PAYMENT_NAMES[order.payment_method] || order.payment_method}`
    + `${order.payment_method === 'prepaid' && PAYMENT_STATUS_WORDS[order.payment_status] ? ` (${PAYMENT_STATUS_WORDS[order.payment_status]})` : ''}`;
  say('tracking-total', order.replacement_of ? `${formatRupees(order.total)}: a replacement, nothing to pay`
    : `${formatRupees(order.total)}${extras.length ? ` (items ${formatRupees(order.subtotal)}, ${extras.join(', ')})` : ''}, ${payment}`);
  // The server says which GST documents the order has (`documents`): an invoice while the shop
  // can issue one, and the credit note of an invoiced order that was cancelled.
  const email = state.email || order.customer_email;
  const documents = order.documents || {};
  document.getElementById('invoice-row').hidden = !documents.invoice;
  if (documents.invoice) document.getElementById('invoice-link').href = client.invoiceUrl(order.order_id, email);
  document.getElementById('credit-note-row').hidden = !documents.credit_note;
  if (documents.credit_note) document.getElementById('credit-note-link').href = client.creditNoteUrl(order.order_id, email);
}

/** A link that shows another order of this customer here (the same email). */
function orderLink(orderId) {
  const link = el('a', { href: `track.html?order=${encodeURIComponent(orderId)}` }, orderId);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('order-id').value = orderId;
    document.getElementById('track-email').value = state.email;
    window.history.pushState(null, '', link.href);
    document.getElementById('track-form').requestSubmit();
  });
  return link;
}

/** "Replacement for order X" on a replacement; "A replacement was sent: Y" on the order it replaces. */
function renderReplacements(order) {
  const row = document.getElementById('replacement-row');
  const replacements = order.replacements || [];
  const parts = [];
  if (order.replacement_of) {
    parts.push(order.replacement_reason === 'exchange_size' ? 'Exchange for order ' : 'Replacement for order ',
      orderLink(order.replacement_of), '. ');
  }
  if (replacements.length) {
    parts.push(replacements.length > 1 ? 'Replacements were sent: ' : 'A replacement was sent: ',
      ...replacements.flatMap((id, i) => (i ? [', ', orderLink(id)] : [orderLink(id)])), '.');
  }
  row.replaceChildren(...parts);
  row.hidden = !parts.length;
}

function renderFulfilment(view) {
  const [headline, explainer] = statusWords(view.status);
  say('tracking-status', headline);
  say('tracking-explainer', explainer);
  say('tracking-courier', view.courier || 'Not assigned yet');
  say('tracking-awb', view.tracking_number || 'Not assigned yet');
  if (view.status === 'cancelled' && !state.cancelSeen) {
    // Cancelled since the order was shown: read it again for its invoice and credit note links.
    state.cancelSeen = true;
    client.getOrder(state.orderId, state.email).then(({ data }) => renderOrder(data), () => {});
  }
  const href = safeHref(view.tracking_url);
  const link = document.getElementById('tracking-link');
  document.getElementById('tracking-link-row').hidden = !href;
  if (href) {
    link.href = href;
    link.textContent = `Track with ${view.courier || 'the courier'}`;
  }
  document.getElementById('timeline').replaceChildren(...(view.events || []).map((event) => el('li', {},
    el('strong', {}, EVENT_WORDS[event.event] || event.description || event.event.replaceAll('_', ' ')),
    event.location ? ` · ${event.location}` : null,
    el('time', { dateTime: event.timestamp }, formatDateTime(event.timestamp)))));
  say('tracking-stale', view.stale
    ? 'Our printer cannot be reached just now, so this may be out of date: it shows the last status we heard.' : '');
  // What the customer may do now is the server's rule (`actions`), not this page's.
  const cancellable = (view.actions || []).includes('cancel');
  const payRow = document.getElementById('payment-row');
  const payable = (view.actions || []).includes('pay');
  if (payRow.hidden && payable) say('payment-message', 'This order is waiting for its payment.');
  payRow.hidden = !payable && !payRow.dataset.keep;
  const resendRow = document.getElementById('resend-row');
  const resendable = (view.actions || []).includes('resend_confirmation');
  if (resendRow.hidden && resendable) say('resend-message', '');
  resendRow.hidden = !resendable;
  document.getElementById('cancel-row').hidden = !cancellable && !document.getElementById('cancel-message').textContent;
  const confirming = !document.getElementById('cancel-confirm').hidden;
  document.getElementById('cancel-button').hidden = !cancellable || confirming;
  if (!cancellable) document.getElementById('cancel-confirm').hidden = true;
}

/** "Pay now": the same Razorpay order as at checkout, opened again. */
async function payNow() {
  const button = document.getElementById('pay-now');
  button.disabled = true;
  say('payment-message', 'Opening the payment window…');
  try {
    const { data: checkout } = await client.getPayment(state.orderId, state.email);
    const result = await payWithCheckout(client, state.orderId, checkout);
    document.getElementById('payment-row').dataset.keep = result.outcome === 'paid' ? 'yes' : '';
    say('payment-message', result.outcome === 'paid' ? 'Payment received, thank you. Your order goes to our printer now.'
      : result.outcome === 'confirming' ? 'We are confirming your payment with the bank; this page shows when it is done.'
        : `Payment is not complete${result.failure ? ` (${result.failure})` : ''}. Press "Pay now" to try again.`);
    button.hidden = result.outcome !== 'closed';
    if (result.outcome !== 'closed') {
      clearTimeout(state.timer);
      await refresh();
    }
  } catch (error) {
    say('payment-message', error.code === 'payment_not_required'
      ? 'This order does not need paying any more.'
      : error.code === 'payment_unavailable' || error.isNetworkError
        ? 'Payment is not available right now. Your order is saved: try again in a few minutes.'
        : `We could not open the payment window: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

function askToCancel() {
  say('cancel-message', '');
  document.getElementById('cancel-button').hidden = true;
  document.getElementById('cancel-confirm').hidden = false;
  document.getElementById('cancel-yes').focus();
}

function keepOrder() {
  document.getElementById('cancel-confirm').hidden = true;
  document.getElementById('cancel-button').hidden = false;
  document.getElementById('cancel-button').focus();
}

async function cancelOrder() {
  const yes = document.getElementById('cancel-yes');
  yes.disabled = true;
  try {
    const { data: order } = await client.cancelOrder(state.orderId, state.email);
    document.getElementById('cancel-confirm').hidden = true;
    renderOrder(order); // its invoice stays, and a credit note reverses it
    state.cancelSeen = order.status === 'cancelled';
    say('cancel-message', order.status === 'cancelled' ? 'Your order is cancelled.'
      : order.status === 'cancel_pending'
        ? 'Your cancellation is recorded. Our printer cannot be reached just now, so it is completed as soon as '
          + 'they answer; your order will not be printed meanwhile.'
        : 'Our printer already has your order: we have asked for it to be cancelled.');
    clearTimeout(state.timer);
    await refresh();
  } catch (error) {
    say('cancel-message', error.code === 'order_busy'
      ? 'Your order is being sent to our printer right now. Try again in a few seconds.'
      : error.code === 'not_cancellable'
        ? `This order can no longer be cancelled here: ${error.message}.`
        : `We could not cancel your order: ${error.message}.`);
  } finally {
    yes.disabled = false;
  }
}

function showUpdated() {
  say('tracking-updated', state.lastSuccess ? `Last checked at ${formatTime(state.lastSuccess)}.` : '');
}

function scheduleRefresh(delayMs) {
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, Math.max(REFRESH_MS, delayMs || 0));
}

/** One look at the shipment; schedules the next one unless the order is finished. */
async function refresh() {
  try {
    const view = await client.getQikinkFulfillmentStatus(state.orderId, state.email);
    state.lastSuccess = new Date();
    renderFulfilment(view);
    showUpdated();
    if (!FINAL_STATUSES.has(view.status)) scheduleRefresh();
  } catch (error) {
    const why = error.isNetworkError ? 'We cannot reach the shop just now' : 'The shop could not answer just now';
    say('tracking-stale', state.lastSuccess
      ? `${why}, so this may be out of date (last checked at ${formatTime(state.lastSuccess)}). We will keep trying.`
      : `${why} (${error.message}). We will keep trying.`);
    scheduleRefresh((error.retryAfter || 0) * 1000);
  }
}

function showFormError(id, message) {
  say(`${id}-error`, message);
  document.getElementById(id).setAttribute('aria-invalid', 'true');
}

async function track(event) {
  event.preventDefault();
  clearTimeout(state.timer);
  for (const id of ['order-id', 'track-email']) {
    say(`${id}-error`, '');
    document.getElementById(id).removeAttribute('aria-invalid');
  }
  say('track-message', '');
  say('cancel-message', '');
  const orderId = document.getElementById('order-id').value.trim().toUpperCase();
  const email = document.getElementById('track-email').value.trim();
  if (!orderId) showFormError('order-id', 'Order ID is required: it starts with BHRT-');
  if (!email) showFormError('track-email', 'Email is required: the one you ordered with');
  if (!orderId || !email) return;
  const button = document.getElementById('track-button');
  button.disabled = true;
  try {
    const { data: order } = await client.getOrder(orderId, email);
    // On the shop's own machine the API treats this page as admin (loopback) and answers any
    // order; a customer still sees an order only with its email.
    if (order.customer_email.toLowerCase() !== email.toLowerCase()) throw new ShopApiError({ status: 404, code: 'not_found', message: 'Not found' });
    Object.assign(state, { orderId: order.order_id, email, lastSuccess: null, cancelSeen: order.status === 'cancelled' });
    renderOrder(order);
    const section = document.getElementById('tracking');
    section.hidden = false;
    await refresh();
    section.focus();
  } catch (error) {
    say('track-message', error.status === 404
      ? 'We found no order with that order ID and email. Check both against your confirmation.'
      : `We could not look up your order: ${error.message}.`);
    document.getElementById('tracking').hidden = true;
  } finally {
    button.disabled = false;
  }
}

function prefill() {
  const params = new URLSearchParams(window.location.search);
  let last = null;
  try {
    last = JSON.parse(localStorage.getItem(LAST_ORDER_KEY));
  } catch {
    last = null;
  }
  const orderId = params.get('order') || (last && last.orderId) || '';
  document.getElementById('order-id').value = orderId;
  if (last && last.orderId === orderId) document.getElementById('track-email').value = last.email;
  return Boolean(orderId && document.getElementById('track-email').value);
}

document.getElementById('track-form').addEventListener('submit', track);
document.getElementById('cancel-button').addEventListener('click', askToCancel);
document.getElementById('cancel-no').addEventListener('click', keepOrder);
document.getElementById('cancel-yes').addEventListener('click', cancelOrder);
document.getElementById('pay-now').addEventListener('click', payNow);
wireResendButton(document.getElementById('resend-link'), 'resend-message', say,
  () => ({ client, orderId: state.orderId, email: state.email }));
if (prefill()) document.getElementById('track-form').requestSubmit();
