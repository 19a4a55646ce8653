// The admin console's page for one order: all that is known of it, and the address fix for an
// order Qikink has not accepted. Customer text only ever goes into the page as text.
import { EMAIL_NAMES, emailList } from './admin-emails.js';
import { byId, facts, notify, qikinkName, statusName, technical, when } from './admin-view.js';
import { initReplacement, renderReplacement, replacementFacts } from './admin-replacement.js';
import { explainQikinkError } from './admin-words.js';
import { el, safeHref, say } from './dom.js';
import { formatRupees } from './format.js';

const REFRESH_MS = 2000; // an order waiting to be sent is re-read this often…
const REFRESHES = 30; // …this many times at most
const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'state', 'pincode', 'phone'];
// What staff may do with an order (cancel, edit) and its GST documents are the server's rules:
// `order.actions` and `order.documents`.
const PAYMENT_NAMES = { prepaid: 'Prepaid', cod: 'Cash on delivery' };

const page = { session: null, orderId: null, refreshTimer: null, invoicing: null };

function addressLines(address) {
  if (typeof address === 'string') return [el('p', {}, address), el('p', { className: 'hint' }, 'One line, as the customer wrote it.')];
  return [el('address', {}, ...[address.name, address.line1, address.line2,
    `${address.city}, ${address.state} ${address.pincode}`, `Mobile ${address.phone}`]
    .filter(Boolean).flatMap((line, i) => (i ? [el('br'), line] : [line])))];
}

function block(title, ...content) {
  return el('section', { className: 'order-block' }, el('h3', {}, title), ...content);
}

function itemsTable(order) {
  return el('table', {},
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Product'), el('th', { scope: 'col' }, 'SKU'),
      ...['Quantity', 'Price', 'Line total'].map((h) => el('th', { scope: 'col', className: 'number' }, h)))),
    el('tbody', {}, ...order.items.map((item) => el('tr', {},
      el('td', {}, item.name), el('td', {}, item.sku), el('td', { className: 'number' }, String(item.quantity)),
      el('td', { className: 'number' }, formatRupees(item.price)),
      el('td', { className: 'number' }, formatRupees(item.line_total))))));
}

function trackingLink(order) {
  const href = order.tracking_url && safeHref(order.tracking_url);
  return href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'Track the parcel') : 'Not shipped yet';
}

function totalText(order) {
  if (order.replacement_of) return `${formatRupees(order.total)}: nothing to pay, the shop pays Qikink for it`;
  const parts = [`items ${formatRupees(order.subtotal)}`, `shipping ${formatRupees(order.shipping)}`];
  if (order.payment_method === 'cod') parts.push(`COD fee ${formatRupees(order.cod_fee)}`);
  return `${formatRupees(order.total)} (${parts.join(', ')})`;
}

/** The customer's own invoice link (their email, not the admin key, opens it in a new tab). */
function invoiceLink(order) {
  if (!order.documents.invoice) {
    if (page.invoicing === false) {
      return 'None: invoices are off (set SHOP_LEGAL_NAME, SHOP_GSTIN, SHOP_ADDRESS and SHOP_STATE, and GST rates in the catalogue)';
    }
    if (order.status === 'cancelled') return 'None (cancelled before it was supplied)';
    if (typeof order.shipping_address === 'string') return 'Needs a structured address first';
    return 'Not yet: issued when the order goes to Qikink (paid, or confirmed for cash on delivery)';
  }
  const href = safeHref(page.session.client().invoiceUrl(order.order_id, order.customer_email));
  const label = order.invoice_number ? `Invoice ${order.invoice_number}` : 'Invoice';
  return href ? el('a', { href, target: '_blank', rel: 'noopener' }, label) : '—';
}

/** The credit note reversing the invoice of a cancelled order (none for an order never invoiced). */
function creditNoteLink(order) {
  if (!order.documents.credit_note) return '—';
  const href = safeHref(page.session.client().creditNoteUrl(order.order_id, order.customer_email));
  const label = order.credit_note_number ? `Credit note ${order.credit_note_number}` : 'Credit note';
  return href ? el('a', { href, target: '_blank', rel: 'noopener' }, label) : '—';
}

const PAYMENT_STATUS_NAMES = {
  not_required: 'Not needed (cash on delivery)', awaiting_payment: 'Awaiting payment', paid: 'Paid',
  expired: 'Expired unpaid', refund_pending: 'Refund pending', refunded: 'Refunded',
  refund_failed: 'REFUND FAILED: refund it in the Razorpay dashboard',
};

/** The payment facts: status, Razorpay ids, amount, and the refund if any. */
function paymentFacts(order) {
  const { payment, refund } = order;
  const rupees = (paise) => formatRupees(paise / 100);
  const facts = [['Status', order.replacement_of ? 'Not needed (a replacement)'
    : PAYMENT_STATUS_NAMES[order.payment_status] || order.payment_status]];
  if (payment) {
    facts.push(['Amount', rupees(payment.amount)], ['Paid with', payment.provider === 'outside'
      ? 'Paid outside the shop' : `Razorpay${payment.method ? ` (${payment.method})` : ''}`]);
    if (payment.razorpay_order_id) facts.push(['Razorpay order', payment.razorpay_order_id]);
    if (payment.razorpay_payment_id) facts.push(['Razorpay payment', payment.razorpay_payment_id]);
    if (payment.paid_at) facts.push(['Paid', when(payment.paid_at)]);
    else if (payment.expires_at && order.payment_status === 'awaiting_payment') facts.push(['Expires', when(payment.expires_at)]);
  }
  if (refund) facts.push(['Refund', `${rupees(refund.amount)}, ${refund.status}${refund.id ? ` (${refund.id})` : ''}: ${refund.reason}`]);
  return facts;
}

const WAITING_FOR = {
  customer: 'the customer (the emailed link), or you after a phone call',
  shop: 'you: the customer confirmed; orders of this size are reviewed',
};

/** A cash-on-delivery order's confirmation: whom it waits for and until when, or who confirmed it. */
function confirmationFacts(order) {
  const confirmation = order.confirmation;
  if (!confirmation) return [];
  if (confirmation.confirmed_at) {
    return [['Confirmed', `${when(confirmation.confirmed_at)} by ${confirmation.confirmed_by === 'admin' ? 'the shop' : 'the customer'}`]];
  }
  if (confirmation.waiting_for) {
    return [['Waiting for', WAITING_FOR[confirmation.waiting_for]], ['Cancelled unless confirmed by', when(confirmation.expires_at)]];
  }
  return [['Confirmation', 'Not confirmed']];
}

/** As staff type a PIN code: India Post's state, and its district as the city while that is empty. */
async function fillFromPincode() {
  const input = byId('address-pincode');
  const pincode = input.value.trim();
  say('address-pincode-hint', '6 digits');
  if (!/^[1-9][0-9]{5}$/.test(pincode)) return;
  let place;
  try {
    place = (await page.session.client().getPincode(pincode)).data;
  } catch (error) {
    if (error.status === 404) say('address-pincode-hint', "Not in India Post's directory: check it with the customer.");
    return;
  }
  if (input.value.trim() !== pincode) return;
  if (place.state) byId('address-state').value = place.state;
  if (place.district && !byId('address-city').value.trim()) byId('address-city').value = place.district;
  say('address-pincode-hint', `${place.district ? `${place.district}, ` : ''}${place.states.join(' or ') || 'state unknown'}`);
}

async function confirmOrder() {
  const button = byId('confirm-order');
  button.disabled = true;
  try {
    const { data: order } = await page.session.client().confirmOrder(page.orderId);
    notify('order-message', 'Order confirmed: it goes to Qikink now.', 'ok');
    renderOrder(order);
  } catch (error) {
    page.session.refuse(error, page.session.problem('order-message', 'The order is not confirmed.'));
  } finally {
    button.disabled = false;
  }
}

/** A failed email back to the outbox (after correcting the address, say). */
async function resendEmail(kind) {
  try {
    const { data: order } = await page.session.client().resendEmail(page.orderId, kind);
    notify('order-message', `The ${EMAIL_NAMES[kind] || kind} email is being sent again.`, 'ok');
    renderOrder(order);
  } catch (error) {
    page.session.refuse(error, page.session.problem('order-message', 'The email is not sent again.'));
  }
}

/** Why the last attempt to send failed: a refusal as Qikink worded it (it names what to fix),
 * anything else in plain words with the server's line one click away. */
function syncError(text) {
  if (!text) return 'None';
  const words = explainQikinkError(text);
  if (words.kind === 'refused') return `Qikink refused it: “${text}”`;
  return [words.say, technical([["Qikink's last answer, as the server logged it", text]])];
}

function renderOrder(order) {
  const { sync } = order;
  say('order-heading', `Order ${order.order_id}`);
  say('order-status', `${statusName(order.status)} · Qikink: ${qikinkName(order.qikink_status)}`);
  byId('order-details').replaceChildren(
    block('Summary', el('dl', { className: 'facts' }, ...facts([
      ['Placed', when(order.created_at)], ['Last change', when(order.updated_at)],
      ['Email', order.customer_email], ['Payment', PAYMENT_NAMES[order.payment_method] || order.payment_method],
      ['Total', totalText(order)], ['Invoice', invoiceLink(order)], ['Credit note', creditNoteLink(order)],
      ['Qikink says', (!CANCEL_NOTES[order.status] && order.qikink_message) || '—'],
      ...replacementFacts(order),
    ]))),
    block('Payment', el('dl', { className: 'facts' }, ...facts([...paymentFacts(order), ...confirmationFacts(order)]))),
    block('Shipping address', ...addressLines(order.shipping_address)),
    block('Shipment', el('dl', { className: 'facts' }, ...facts([
      ['Courier', order.courier || '—'], ['AWB number', order.tracking_id || '—'], ['Tracking', trackingLink(order)],
    ]))),
    el('section', { className: 'order-block wide' }, el('h3', {}, 'Items'),
      el('div', { className: 'table-wrap', tabIndex: 0, attrs: { role: 'region', 'aria-label': 'Items table' } },
        itemsTable(order))),
    block('Sending to Qikink', el('dl', { className: 'facts' }, ...facts([
      ['Attempts', String(sync.attempts)], ['Last attempt', when(sync.last_attempt_at)],
      ['Last error', syncError(sync.last_error)], ['Next attempt', when(sync.next_attempt_at)],
      ['Sent to Qikink', when(sync.synced_at)], ['Qikink order', order.qikink_shipment_id || '—'],
    ]))),
    block('Timeline', el('ol', { className: 'timeline' }, ...order.events.map((e) => el('li', {},
      el('time', { dateTime: e.timestamp }, when(e.timestamp)), e.description || e.event)))),
    block('Emails to the customer', emailList(order.emails || [], resendEmail)),
  );
  renderAddressForm(order);
  renderCancel(order);
  renderReplacement(order);
  byId('confirm-panel').hidden = !order.actions.includes('confirm');
  byId('payment-panel').hidden = !(order.payment && order.payment.provider === 'razorpay');
}

async function checkPayment() {
  const button = byId('check-payment');
  button.disabled = true;
  try {
    const { data: order } = await page.session.client().checkPayment(page.orderId);
    notify('order-message', `Razorpay asked: ${PAYMENT_STATUS_NAMES[order.payment_status] || order.payment_status}.`, 'ok');
    renderOrder(order);
  } catch (error) {
    page.session.refuse(error, page.session.problem('order-message', 'Razorpay could not be asked.'));
  } finally {
    button.disabled = false;
  }
}

// A cancel under way, said once on the order's page (the "Qikink says" fact leaves it to this note).
const CANCEL_NOTES = {
  cancel_requested: (order) => `Qikink already has this order and takes cancellations only in its dashboard: cancel `
    + `order ${order.qikink_order_number} in Qikink's dashboard. It turns Cancelled here by itself when Qikink reports it.`,
  cancel_pending: () => 'Cancel recorded. Qikink is not answering, so it is not yet known whether Qikink has this order; '
    + 'it is not sent meanwhile, and the cancel is completed by itself as soon as Qikink answers.',
};

function renderCancel(order) {
  const cancellable = order.actions.includes('cancel');
  byId('cancel-panel').hidden = !cancellable;
  if (!cancellable) showCancelConfirm(false);
  const instruction = byId('cancel-instruction');
  instruction.textContent = CANCEL_NOTES[order.status] ? CANCEL_NOTES[order.status](order) : '';
  instruction.hidden = !instruction.textContent;
}

function showCancelConfirm(confirming) {
  byId('cancel-order').hidden = confirming;
  byId('cancel-order-yes').hidden = !confirming;
  byId('cancel-order-no').hidden = !confirming;
}

async function cancelOrder() {
  const button = byId('cancel-order-yes');
  button.disabled = true;
  let order;
  try {
    order = (await page.session.client().cancelOrder(page.orderId)).data;
  } catch (error) {
    page.session.refuse(error, page.session.problem('order-message', 'The order is not cancelled.'));
    return;
  } finally {
    button.disabled = false;
    showCancelConfirm(false);
  }
  // A cancel still under way is said once, by the note under the buttons (renderCancel).
  notify('order-message', order.status === 'cancelled' ? 'Order cancelled; its stock is back.' : '', 'ok');
  await showOrder(page.orderId);
}

function renderAddressForm(order) {
  const form = byId('address-form');
  const editable = order.actions.includes('edit');
  form.hidden = !editable;
  if (!editable || form.dataset.orderId === order.order_id) return; // keep what staff are typing
  form.dataset.orderId = order.order_id;
  const address = order.shipping_address;
  const structured = address && typeof address === 'object';
  say('address-heading', order.qikink_status === 'action_required' ? 'Complete the shipping address' : 'Correct the shipping address');
  say('address-as-written', structured ? '' : `The customer wrote: “${address}”. Qikink needs every field below.`);
  for (const field of ADDRESS_FIELDS) byId(`address-${field}`).value = structured ? address[field] || '' : '';
  clearAddressErrors();
}

function clearAddressErrors() {
  for (const field of ADDRESS_FIELDS) {
    say(`address-${field}-error`, '');
    byId(`address-${field}`).removeAttribute('aria-invalid');
  }
  notify('address-message', '');
}

/** The server's 422 details next to their fields, worded as at checkout. */
function showAddressErrors(details) {
  const others = [];
  let first = null;
  for (const { field, message } of details) {
    const name = field.replace(/^shipping_address\./, '');
    const input = ADDRESS_FIELDS.includes(name) ? byId(`address-${name}`) : null;
    if (!input) {
      others.push(`${field} ${message}`);
      continue;
    }
    say(`address-${name}-error`, `${input.labels[0].textContent} ${message}`);
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  notify('address-message', [...others, 'Please correct the highlighted details and press Save address again.'].join(' '));
  (first || byId('address-message')).focus();
}

async function saveAddress(event) {
  event.preventDefault();
  clearAddressErrors();
  const address = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, byId(`address-${f}`).value.trim()]));
  const button = byId('save-address');
  button.disabled = true;
  try {
    await page.session.client().updateOrder(page.orderId, { shipping_address: { ...address, country: 'IN' } });
  } catch (error) {
    if (error.status === 422 && error.details.length) showAddressErrors(error.details);
    else page.session.refuse(error, page.session.problem('address-message', 'The address is not saved.'));
    return;
  } finally {
    button.disabled = false;
  }
  byId('address-form').dataset.orderId = '';
  notify('order-message', 'Address saved. The order is queued and goes to Qikink in a moment.', 'ok');
  await showOrder(page.orderId);
}

function stopRefresh() {
  clearTimeout(page.refreshTimer);
  page.refreshTimer = null;
}

/** Show one order; one waiting to be sent is re-read every few seconds until it moves on. */
async function showOrder(orderId, refreshes = REFRESHES) {
  stopRefresh();
  const order = await page.session.guarded(async () => (await page.session.client().getOrder(orderId)).data, (error) => {
    say('order-heading', `Order ${orderId}`);
    say('order-status', 'This order could not be shown.');
    page.session.problem('order-message')(error);
    byId('order-details').replaceChildren();
    byId('address-form').hidden = true;
  });
  if (!order || page.orderId !== orderId) return;
  if (page.invoicing === null) {
    // Whether this shop issues invoices at all: the public charges say so (`invoices`).
    page.invoicing = await page.session.client().getCharges().then((a) => a.data.invoices, () => null);
  }
  renderOrder(order);
  if (order.qikink_status === 'sync_pending' && refreshes > 0) {
    page.refreshTimer = setTimeout(() => showOrder(orderId, refreshes - 1), REFRESH_MS);
  }
}

/** Open the page of `orderId` (the caller has made the section visible). */
export function openOrder(orderId) {
  page.orderId = orderId;
  byId('address-form').dataset.orderId = '';
  notify('order-message', '');
  showCancelConfirm(false);
  byId('order').focus();
  showOrder(orderId);
}

/** Stop following the order shown, if any. */
export function closeOrder() {
  stopRefresh();
  page.orderId = null;
}

/** Wire the page to the console's session: { client(), refuse(error, show), guarded(work, show),
 * problem(id, lead) (a `show` putting the error in plain words in the notice `id`) }. */
export function initOrderPage(session) {
  page.session = session;
  byId('address-form').addEventListener('submit', saveAddress);
  byId('cancel-order').addEventListener('click', () => {
    showCancelConfirm(true);
    byId('cancel-order-yes').focus();
  });
  byId('cancel-order-no').addEventListener('click', () => {
    showCancelConfirm(false);
    byId('cancel-order').focus();
  });
  byId('cancel-order-yes').addEventListener('click', cancelOrder);
  byId('check-payment').addEventListener('click', checkPayment);
  byId('confirm-order').addEventListener('click', confirmOrder);
  byId('address-pincode').addEventListener('input', fillFromPincode);
  initReplacement(session, () => showOrder(page.orderId));
}
