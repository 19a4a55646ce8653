// The storefront at /: catalogue, cart (SKU and quantity in localStorage), checkout, confirmation.
import {
  clearErrors, fillFromPincode, readForm, sentence, showAddressMismatch, showFieldErrors,
} from './checkout-form.js';
import { CART_KEY, addToStoredCart, loadCart, storeCart } from './cart-store.js';
import { apiBaseUrl } from './config.js';
import { wireResendButton } from './confirm-link.js';
import { el, say } from './dom.js';
import { formatDeliveryRange, formatRupees, toPaise } from './format.js';
import { payWithCheckout } from './payment.js';
import {
  ALL, countSentence, matches, renderCategoryOptions,
} from './catalogue-filter.js';
import { groupDesigns, renderCard } from './product-card.js';
import { createShopClient } from './shop-client.js';
import { openSizeChart, setUpSizeChart } from './size-chart.js';

const LAST_ORDER_KEY = 'shop.lastOrder';
const NEXT_STEP = {
  synced: 'We have sent your order to our printer. It will be printed and handed to a courier in a few days; '
    + 'the courier and tracking number appear on the tracking page as soon as it ships.',
  sync_pending: 'Your order is saved. Our printer cannot be reached just now, so your order is queued and will be '
    + 'sent to them automatically. You do not need to do anything.',
  action_required: 'Our team needs to check your delivery address before printing; we will email you if anything is missing.',
  sync_failed: 'Our team needs to look at your order before it can be printed; we will email you.',
};
const PAYMENT_NAMES = { prepaid: 'Prepaid', cod: 'Cash on delivery' };
const AWAITING_PAYMENT = 'We keep your order and its T-shirts for you while you pay; it goes to our printer as soon as '
  + 'the payment is received.';
const AWAITING_CONFIRMATION = 'We have emailed you a link: open it and press "Confirm order", and we print your order. '
  + 'We keep its T-shirts for you until then; if it is not confirmed in time, it is cancelled and nothing is charged.';

const client = createShopClient({ baseUrl: apiBaseUrl() });
const state = {
  products: new Map(), designs: [], cart: loadCart(), charges: null, sizeCharts: new Map(), delivery: null,
  submitting: false, paying: null, confirming: null, query: '', category: ALL,
};

function saveCart() {
  storeCart(state.cart);
}

/** "Warli Village Tee (M)", or "Heritage Print T-Shirt (Black, M)" when its design has more colours. */
function sizeLabel(product) {
  const design = state.designs.find((d) => d.sizes.includes(product));
  const colours = new Set((design ? design.sizes : [product]).map((p) => p.colour));
  const choice = [colours.size > 1 ? product.colour : null, product.size].filter(Boolean).join(', ');
  return choice ? `${product.name} (${choice})` : product.name;
}

/** The catalogue and what goes with it; charges, size charts and the delivery estimate are
 * extras: without them the shop still sells (the summary says "added by the shop", no chart). */
async function loadCatalogue() {
  const [answer, charges, charts, delivery, designs] = firstScreen() || await Promise.all([client.listProducts(),
    client.getCharges().catch(() => null), client.listSizeCharts().catch(() => null),
    client.getDeliveryEstimate().catch(() => null), client.listDesigns().catch(() => null)]);
  state.products = new Map(answer.data.map((p) => [p.sku, p]));
  state.designs = groupDesigns(answer.data, new Map((designs ? designs.data : []).map((d) => [d.id, d.slug])),
    productHref);
  state.charges = charges && charges.data;
  state.sizeCharts = new Map((charts ? charts.data : []).map((chart) => [chart.id, chart]));
  state.delivery = delivery && delivery.data;
}

/** The same answers, when this server put them in the page (backend/api/first_screen.py: a
 * round trip less on a phone); used once, so a later load asks the API for fresh stock. */
function firstScreen() {
  const block = document.getElementById('first-screen');
  if (!block) return null;
  block.remove();
  try {
    const data = JSON.parse(block.textContent);
    return [data.products, data.charges, data.size_charts, data.delivery, data.designs].map((d) => ({ data: d }));
  } catch {
    return null;
  }
}

/** A design's page: /p/<slug> from this server, product.html?slug= where frontend/ is served elsewhere. */
function productHref(slug) {
  return apiBaseUrl() ? `product.html?slug=${encodeURIComponent(slug)}` : `/p/${encodeURIComponent(slug)}`;
}

function renderCatalogue() {
  const list = document.getElementById('catalogue');
  const withChart = (design) => ({
    ...design, sizes: design.sizes.map((p) => (state.sizeCharts.has(p.size_chart) ? p : { ...p, size_chart: null })),
  });
  const shown = state.designs.filter((design) => matches(design, state.query, state.category));
  list.replaceChildren(...shown.map((design) => renderCard(withChart(design), state.designs.indexOf(design), {
    onAdd: addToCart,
    onSizeChart: (chartId, opened, opener) => openSizeChart(state.sizeCharts.get(chartId), opened, opener),
    delivery: state.delivery,
    photoBase: client.baseUrl,
  })));
  say('catalogue-status', state.designs.length ? '' : 'No T-shirts for sale just now.');
  document.getElementById('catalogue-status').hidden = state.designs.length > 0;
  document.getElementById('catalogue-tools').hidden = !state.designs.length;
  say('result-count', state.designs.length ? countSentence(shown.length, state.designs.length) : '');
}

function addToCart(sku) {
  addToStoredCart(state.cart, sku);
  renderCart();
  say('cart-notice', '');
  const count = cartCount();
  say('cart-announcement', `Added ${sizeLabel(state.products.get(sku))} to your cart. `
    + `${count} item${count === 1 ? '' : 's'} in your cart.`);
}

function cartCount(lines = pricedLines()) {
  return lines.reduce((n, l) => n + l.quantity, 0);
}

function setQuantity(sku, quantity) {
  state.cart = state.cart
    .map((l) => (l.sku === sku ? { sku, quantity: Math.max(0, Math.min(99, quantity)) } : l))
    .filter((l) => l.quantity > 0);
  saveCart();
  renderCart();
}

/** Cart lines priced from the current catalogue; lines for SKUs no longer sold are dropped. */
function pricedLines() {
  return state.cart.filter((l) => state.products.has(l.sku))
    .map((l) => ({ ...l, product: state.products.get(l.sku) }));
}

function renderCart() {
  const lines = pricedLines();
  const totalPaise = lines.reduce((sum, l) => sum + toPaise(l.product.price) * l.quantity, 0);
  document.getElementById('cart-lines').replaceChildren(...lines.map(renderCartLine));
  const count = cartCount(lines);
  say('cart-total', formatRupees(totalPaise / 100));
  say('cart-count', String(count));
  say('cart-bar-count', `${count} item${count === 1 ? '' : 's'} · ${formatRupees(totalPaise / 100)}`);
  document.getElementById('cart-bar').hidden = count === 0;
  say('cart-delivery', state.delivery && count ? `${formatDeliveryRange(state.delivery)} if you order today.` : '');
  document.getElementById('cart-empty').hidden = lines.length > 0;
  renderSummary(totalPaise);
}

/** Items, shipping, COD fee and total as the server will charge them (it computes them again). */
function renderSummary(itemsPaise = pricedLines().reduce((sum, l) => sum + toPaise(l.product.price) * l.quantity, 0)) {
  const charges = state.charges;
  const cod = document.getElementById('payment').value === 'cod';
  say('summary-items', formatRupees(itemsPaise / 100));
  if (!charges) {
    say('summary-shipping', 'Added by the shop');
    say('summary-cod', cod ? 'Added by the shop' : 'None (prepaid)');
    say('summary-total', formatRupees(itemsPaise / 100));
    say('summary-note', 'Your confirmation shows the final total.');
    return;
  }
  const freeFrom = charges.free_shipping_above === null ? null : toPaise(charges.free_shipping_above);
  const shippingPaise = itemsPaise === 0 || (freeFrom !== null && itemsPaise >= freeFrom) ? 0 : toPaise(charges.shipping_fee);
  const codPaise = cod ? toPaise(charges.cod_fee) : 0;
  say('summary-shipping', shippingPaise ? formatRupees(shippingPaise / 100) : 'Free');
  say('summary-cod', cod ? (codPaise ? formatRupees(codPaise / 100) : 'Free') : 'None (prepaid)');
  say('summary-total', formatRupees((itemsPaise + shippingPaise + codPaise) / 100));
  const notes = [];
  if (freeFrom !== null && toPaise(charges.shipping_fee) > 0) notes.push(`Free shipping on items of ${formatRupees(charges.free_shipping_above)} or more.`);
  if (cod) notes.push('Pay the courier the total in cash on delivery.');
  notes.push('Prices include GST.');
  say('summary-note', notes.join(' '));
}

function renderCartLine({ sku, quantity, product }, index) {
  const inputId = `quantity-${index}`;
  const label = sizeLabel(product);
  const input = el('input', { id: inputId, type: 'number', min: 1, max: 99, value: quantity, inputMode: 'numeric' });
  input.addEventListener('change', () => {
    const value = Number.parseInt(input.value, 10);
    setQuantity(sku, Number.isNaN(value) ? quantity : value);
  });
  const remove = el('button', { type: 'button', className: 'link' }, 'Remove',
    el('span', { className: 'visually-hidden' }, ` ${label}`));
  remove.addEventListener('click', () => setQuantity(sku, 0));
  return el('li', { className: 'cart-line' },
    el('span', { className: 'cart-name' }, label),
    el('span', { className: 'cart-qty' },
      el('label', { htmlFor: inputId }, 'Quantity', el('span', { className: 'visually-hidden' }, ` of ${label}`)),
      input),
    el('span', { className: 'cart-price' }, formatRupees((toPaise(product.price) * quantity) / 100)),
    remove);
}

/** A 409 (a price changed, stock ran short): reload the catalogue, fit the cart to what is for
 * sale now, and say every change at once, so that one more press of Place order can succeed. */
async function explainCatalogueChange() {
  const before = new Map(pricedLines().map((l) => [l.sku, l.product.price]));
  await refresh();
  const changes = [];
  for (const { sku, quantity, product } of pricedLines()) {
    const label = sizeLabel(product);
    if (product.stock_quantity === 0) {
      setQuantity(sku, 0);
      changes.push(`${label} has just sold out, so we took it out of your cart.`);
      continue;
    }
    if (product.stock_quantity < quantity) {
      setQuantity(sku, product.stock_quantity);
      changes.push(`Only ${product.stock_quantity} of ${label} left: your cart now has ${product.stock_quantity}.`);
    }
    if (before.has(sku) && before.get(sku) !== product.price) {
      changes.push(`The price of ${label} has changed from ${formatRupees(before.get(sku))} to ${formatRupees(product.price)}.`);
    }
  }
  say('cart-notice', `${changes.join(' ') || 'Prices or stock changed while you were ordering.'} `
    + 'Check your cart and press Place order again.');
}

function waitMessage(error) {
  const seconds = error.retryAfter;
  const when = seconds ? `in ${seconds} second${seconds === 1 ? '' : 's'}` : 'in a minute';
  const why = error.status === 429 ? 'We are receiving a lot of orders from your connection.'
    : 'The shop cannot take orders for a moment.';
  return `${why} Please try again ${when}.`;
}

async function explainRefusal(error) {
  if (error.status === 422 && error.details.length) return showFieldErrors(error.details);
  if (error.code === 'price_mismatch' || error.code === 'out_of_stock') return explainCatalogueChange();
  if (error.code === 'address_mismatch') return showAddressMismatch(error.details);
  if (error.code === 'cod_not_allowed') {
    document.getElementById('payment').value = 'prepaid'; // offer paying online instead
    renderSummary();
    say('checkout-message', `${sentence(error.message)} We have switched the payment to online: press Place order to pay.`);
    return undefined;
  }
  let message;
  if (error.status === 429 || error.status === 503) message = waitMessage(error);
  else if (error.isNetworkError) {
    message = 'We could not reach the shop, so we do not know yet whether your order went through. '
      + 'Check your connection and press Place order again: you will not be charged or sent the order twice.';
  } else message = sentence(error.message);
  say('checkout-message', message);
  return undefined;
}

function setSubmitting(submitting) {
  state.submitting = submitting;
  const button = document.getElementById('place-order');
  button.disabled = submitting;
  button.textContent = submitting ? 'Placing your order…' : 'Place order';
  document.getElementById('checkout-form').setAttribute('aria-busy', String(submitting));
}

function showConfirmation(result) {
  const order = result.data;
  localStorage.setItem(LAST_ORDER_KEY, JSON.stringify({ orderId: order.order_id, email: order.customer_email }));
  if (!result.resumed) {
    state.cart = [];
    saveCart();
    renderCart();
  }
  document.getElementById('checkout').hidden = true;
  const section = document.getElementById('confirmation');
  const awaiting = order.status === 'awaiting_payment';
  const unconfirmed = order.status === 'awaiting_confirmation';
  say('confirmation-heading', awaiting ? 'Your order is saved: now pay for it'
    : unconfirmed ? 'Check your email to confirm your order'
      : result.resumed ? 'Your earlier order went through' : 'Thank you! Your order is placed');
  say('confirmation-order-id', order.order_id);
  const count = order.items.reduce((n, i) => n + i.quantity, 0);
  const extras = [order.shipping ? `shipping ${formatRupees(order.shipping)}` : '',
    order.cod_fee ? `cash on delivery fee ${formatRupees(order.cod_fee)}` : ''].filter(Boolean);
  say('confirmation-summary', `${count} T-shirt${count === 1 ? '' : 's'}, total `
    + `${formatRupees(order.total)}${extras.length ? ` (items ${formatRupees(order.subtotal)}, ${extras.join(', ')})` : ''}, `
    + `${PAYMENT_NAMES[order.payment_method] || order.payment_method}. `
    + `Delivering to ${order.shipping_address.name || ''}, ${order.shipping_address.city || ''}.`);
  say('confirmation-next', awaiting ? AWAITING_PAYMENT : unconfirmed ? AWAITING_CONFIRMATION
    : NEXT_STEP[order.qikink_status] || 'We will email you about your order.');
  document.getElementById('confirmation-track').href = `track.html?order=${encodeURIComponent(order.order_id)}`;
  section.hidden = false;
  section.focus();
  state.paying = awaiting ? { orderId: order.order_id, email: order.customer_email } : null;
  document.getElementById('payment-row').hidden = !awaiting;
  state.confirming = unconfirmed ? { orderId: order.order_id, email: order.customer_email } : null;
  document.getElementById('resend-row').hidden = !unconfirmed;
  say('resend-message', '');
  if (awaiting) pay(result.payment);
}

/** Open the checkout (`checkout` from the answer, or asked again for "Pay now") and say how it went. */
async function pay(checkout) {
  const { orderId, email } = state.paying;
  const button = document.getElementById('pay-now');
  button.disabled = true;
  say('payment-message', 'Opening the payment window…');
  try {
    const details = checkout || (await client.getPayment(orderId, email)).data;
    const result = await payWithCheckout(client, orderId, details);
    if (result.outcome === 'paid') {
      say('confirmation-heading', 'Thank you! Your order is paid');
      say('confirmation-next', NEXT_STEP[result.order.qikink_status] || 'We will email you about your order.');
      say('payment-message', 'Payment received. A confirmation is on its way to your email.');
      button.hidden = true;
      state.paying = null;
      return;
    }
    say('payment-message', result.outcome === 'confirming'
      ? 'We are confirming your payment with the bank; the tracking page shows when it is done.'
      : `Payment is not complete${result.failure ? ` (${result.failure})` : ''}. Your order is saved: `
        + 'press "Pay now" to pay for it.');
    button.hidden = result.outcome === 'confirming';
  } catch (error) {
    say('payment-message', error.code === 'payment_not_required'
      ? 'This order does not need paying any more; the tracking page shows where it is.'
      : error.code === 'payment_unavailable' || error.isNetworkError
        ? 'Payment is not available right now. Your order is saved: press "Pay now" again in a few minutes.'
        : sentence(error.message));
    button.hidden = error.code === 'payment_not_required';
  } finally {
    button.disabled = false;
  }
}

async function placeOrder(event) {
  event.preventDefault();
  if (state.submitting) return;
  clearErrors();
  const lines = pricedLines();
  if (!lines.length) {
    say('checkout-message', 'Your cart is empty: add a T-shirt first.');
    return;
  }
  const { email, address, paymentMethod } = readForm();
  const items = lines.map(({ sku, quantity, product }) => ({ sku, quantity, price: product.price }));
  await whileSubmitting(() => client.submitOrder(email, address, items, { paymentMethod }));
}

/** Send a checkout with the button disabled; confirm it, or explain the refusal where it belongs. */
async function whileSubmitting(send) {
  setSubmitting(true);
  try {
    showConfirmation(await send());
  } catch (error) {
    // Explaining a price or stock change reloads the catalogue, which can fail in turn.
    await explainRefusal(error).catch(() => say('checkout-message', sentence(error.message)));
  } finally {
    setSubmitting(false);
  }
}

/** A checkout sent before a reload (or in another tab) and never answered: finish it first. */
async function finishUnansweredCheckout() {
  if (!client.pendingCheckout()) return;
  say('checkout-message', 'Finishing the order you placed earlier…');
  await whileSubmitting(() => client.resumeCheckout());
}

/** The category radios, once a load (drawn again at each choice, they would lose the keyboard's focus). */
function renderFilters() {
  document.getElementById('category-options').replaceChildren(...renderCategoryOptions(state.designs, state.category,
    (category) => {
      state.category = category;
      renderCatalogue();
    }));
}

async function refresh() {
  await loadCatalogue();
  renderFilters();
  renderCatalogue();
  renderCart();
}

/** Another tab changed the cart (added to it, or ordered it): show the same cart here. */
function followOtherTabs(event) {
  if (event.key !== CART_KEY) return;
  state.cart = loadCart();
  renderCart();
}

async function start() {
  setUpSizeChart();
  document.getElementById('checkout-form').addEventListener('submit', placeOrder);
  document.getElementById('pay-now').addEventListener('click', () => pay());
  document.getElementById('payment').addEventListener('change', () => renderSummary());
  document.getElementById('pincode').addEventListener('input', () => fillFromPincode(client));
  document.getElementById('city').addEventListener('input', (event) => { event.target.dataset.filled = 'no'; });
  window.addEventListener('storage', followOtherTabs);
  document.getElementById('search').addEventListener('input', (event) => {
    state.query = event.target.value;
    renderCatalogue();
  });
  renderCart();
  try {
    await refresh();
  } catch (error) {
    say('catalogue-status', error.isNetworkError
      ? 'We cannot reach the shop just now. Please check your connection and reload the page.'
      : `The T-shirts could not be loaded: ${error.message}.`);
    return;
  }
  await finishUnansweredCheckout();
}

start();
wireResendButton(document.getElementById('resend-link'), 'resend-message', say,
  () => ({ client, ...state.confirming }));
