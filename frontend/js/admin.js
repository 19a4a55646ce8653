// The admin console at /admin: sign-in, the orders (filters, pages, counts per Qikink status) and
// product price and stock; the Qikink panel is admin-qikink.js, one order's page admin-order.js,
// and what an error says to a shop owner admin-words.js.
// Customer text only ever goes into the page as text (el() and textContent).
import { loadAttention, loadSellerWarning } from './admin-attention.js';
import { initCataloguePanel, loadCatalogue } from './admin-catalogue.js';
import { initSizeChartsPanel, loadSizeCharts } from './admin-size-charts.js';
import { createAdminClient } from './admin-client.js';
import { closeOrder, initOrderPage, openOrder } from './admin-order.js';
import { initPhotosPanel, loadPhotoDesigns } from './admin-photos.js';
import { initQikinkPanel, loadConnection } from './admin-qikink.js';
import { initWebhooksPanel, loadWebhooks } from './admin-webhooks.js';
import { byId, notify, qikinkName, showProblem, statusName, when } from './admin-view.js';
import { apiBaseUrl } from './config.js';
import { el, say } from './dom.js';
import { formatRupees } from './format.js';

const KEY_STORAGE = 'shop.adminKey'; // sessionStorage: this tab only, gone when it closes
const PER_PAGE = 20;
const SECTIONS = ['attention-panel', 'qikink', 'orders', 'products', 'catalogue', 'photos', 'webhooks'];

const state = {
  key: sessionStorage.getItem(KEY_STORAGE) || '',
  client: null,
  filters: { status: '', qikink_status: '', payment_status: '', email: '' },
  page: 1,
};

function connect(key) {
  state.key = key;
  state.client = createAdminClient({ baseUrl: apiBaseUrl(), adminKey: key });
}

/** More to do when the server is not heard from a page served elsewhere: it may be CORS. */
function corsHint(error) {
  if (!error.isNetworkError) return '';
  const base = state.client.baseUrl;
  const elsewhere = base && new URL(base, window.location.href).origin !== window.location.origin;
  return elsewhere ? `If the server is running, its CORS_ORIGINS must include this page's address, ${window.location.origin}.` : '';
}

/** The console's way of showing a failed call in the notice `id` (plain words, detail a click away). */
const problem = (id, lead = '') => (error) => showProblem(id, error, { lead, hint: corsHint(error) });

// --- signing in --------------------------------------------------------------------------------
/** The sign-in form, with why it is back (`error`) or a plain `message`. */
function showSignIn({ error = null, message = '' } = {}) {
  closeOrder();
  byId('workspace').hidden = true;
  byId('sign-out').hidden = true;
  byId('sign-in').hidden = false;
  say('console-status', '');
  if (error) problem('sign-in-message')(error);
  else notify('sign-in-message', message);
  byId('admin-key').focus();
}

async function enterConsole() {
  byId('sign-in').hidden = true;
  byId('workspace').hidden = false;
  byId('sign-out').hidden = !state.key;
  say('console-status', state.key
    ? 'Signed in with the admin key. This tab forgets it when you close it.'
    : 'The shop has no admin key set, so the console works without signing in, from this computer only.');
  route();
  await Promise.all([
    loadAttention(state.client, guarded), loadSellerWarning(state.client), loadConnection(), loadOrders(),
    loadProducts(), loadCatalogue(), loadSizeCharts(), loadWebhooks(),
  ]);
}

/** An admin call refused: 401 brings back the sign-in form, anything else goes to `show(error)`. */
function refuse(error, show) {
  if (error.status === 401) {
    sessionStorage.removeItem(KEY_STORAGE);
    connect('');
    showSignIn({ error });
  } else {
    show(error);
  }
}

async function guarded(work, show) {
  try {
    return await work();
  } catch (error) {
    refuse(error, show);
    return undefined;
  }
}

async function signIn(event) {
  event.preventDefault();
  const input = byId('admin-key');
  const key = input.value.trim();
  say('admin-key-error', '');
  notify('sign-in-message', '');
  input.removeAttribute('aria-invalid');
  if (!key) {
    say('admin-key-error', 'Enter the admin key.');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  connect(key);
  try {
    await state.client.listOrders({ per_page: 1 });
  } catch (error) {
    connect('');
    if (error.status === 401) {
      say('admin-key-error', 'That admin key is not right.');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
    // A wrong key is said at the field: the notice adds only what to do and the detail.
    showProblem('sign-in-message', error, { sentence: error.status !== 401, hint: corsHint(error) });
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  input.value = '';
  await enterConsole();
}

function signOut() {
  sessionStorage.removeItem(KEY_STORAGE);
  connect('');
  window.location.hash = '';
  showSignIn({ message: 'Signed out.' });
}

// --- orders ------------------------------------------------------------------------------------
function customerName(order) {
  const address = order.shipping_address;
  return address && typeof address === 'object' ? address.name : '—';
}

// Short words for the list; the order page says more (and what to do about a failed refund).
const PAYMENT_WORDS = {
  not_required: 'COD', awaiting_payment: 'Awaiting', paid: 'Paid', expired: 'Expired', refund_pending: 'Refunding',
  refunded: 'Refunded', refund_failed: 'Refund failed',
};

function badge(text, kind) {
  return el('span', { className: `badge ${kind}` }, text);
}

function orderRow(order) {
  return el('tr', {},
    el('td', {}, el('a', { href: `#order/${encodeURIComponent(order.order_id)}` }, order.order_id)),
    el('td', {}, when(order.created_at)),
    el('td', {}, customerName(order)),
    el('td', { className: 'email' }, order.customer_email),
    el('td', { className: 'number' }, formatRupees(order.total)),
    el('td', {}, statusName(order.status)),
    el('td', {}, badge(PAYMENT_WORDS[order.payment_status] || order.payment_status || '—', `payment-${order.payment_status}`)),
    el('td', {}, badge(qikinkName(order.qikink_status), order.qikink_status)));
}

function renderCounts(counts) {
  byId('qikink-counts').replaceChildren(...Object.entries(counts).map(([status, count]) => {
    const button = el('button', { type: 'button', className: `count ${status}` },
      `${qikinkName(status)}: `, el('strong', {}, String(count)));
    button.setAttribute('aria-pressed', String(state.filters.qikink_status === status));
    button.addEventListener('click', () => {
      state.filters.qikink_status = state.filters.qikink_status === status ? '' : status;
      byId('filter-qikink-status').value = state.filters.qikink_status;
      state.page = 1;
      loadOrders();
    });
    return el('li', {}, button);
  }));
}

async function loadOrders() {
  say('orders-status', 'Loading orders…');
  const answer = await guarded(() => state.client.listOrders({
    ...state.filters, page: state.page, per_page: PER_PAGE, counts: 'qikink_status',
  }), (error) => {
    say('orders-status', 'The orders could not be loaded.');
    problem('orders-message')(error);
  });
  if (!answer) return;
  notify('orders-message', '');
  const { total } = answer.pagination;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  renderCounts(answer.counts.qikink_status);
  byId('orders-body').replaceChildren(...(answer.data.length ? answer.data.map(orderRow)
    : [el('tr', {}, el('td', { colSpan: 7 }, 'No orders match these filters.'))]));
  const first = (state.page - 1) * PER_PAGE + 1;
  say('orders-status', total ? `Orders ${first}–${first + answer.data.length - 1} of ${total}, newest first.` : 'No orders.');
  say('page-info', `Page ${state.page} of ${pages}`);
  byId('previous-page').disabled = state.page <= 1;
  byId('next-page').disabled = state.page >= pages;
}

function filterOrders(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  state.filters = {
    status: form.get('status'), qikink_status: form.get('qikink_status'),
    payment_status: form.get('payment_status'), email: form.get('email').trim(),
  };
  state.page = 1;
  loadOrders();
}

function turnPage(step) {
  state.page += step;
  loadOrders();
}

/** `#order/<id>` shows that order; any other address shows the lists. */
function route() {
  const match = /^#order\/(.+)$/.exec(window.location.hash);
  const orderId = match ? decodeURIComponent(match[1]) : null;
  const leaving = !byId('order').hidden && !orderId;
  for (const id of SECTIONS) byId(id).hidden = Boolean(orderId);
  byId('order').hidden = !orderId;
  if (orderId) {
    openOrder(orderId);
    return;
  }
  closeOrder();
  if (leaving) {
    loadOrders();
    loadAttention(state.client, guarded);
    (byId(window.location.hash.slice(1)) || byId('orders')).scrollIntoView();
  }
}

// --- products ----------------------------------------------------------------------------------
function productRow(product) {
  const label = product.size ? `${product.name} (${product.size})` : product.name;
  const price = el('input', { type: 'number', min: 1, step: '0.01', value: product.price, inputMode: 'decimal',
    attrs: { 'aria-label': `Price of ${label}` } });
  const stock = el('input', { type: 'number', min: 0, step: 1, value: product.stock_quantity, inputMode: 'numeric',
    attrs: { 'aria-label': `Stock of ${label}` } });
  const save = el('button', { type: 'button' }, 'Save', el('span', { className: 'visually-hidden' }, ` ${label}`));
  save.addEventListener('click', () => saveProduct(product.sku, label, { price, stock_quantity: stock }, save));
  return el('tr', {}, el('td', {}, product.sku), el('th', { scope: 'row' }, label),
    el('td', {}, price), el('td', {}, stock), el('td', {}, save));
}

async function saveProduct(sku, label, inputs, button) {
  const changes = {};
  for (const [field, input] of Object.entries(inputs)) {
    input.removeAttribute('aria-invalid');
    if (input.value.trim() !== '') changes[field] = Number(input.value);
  }
  button.disabled = true;
  try {
    const { data } = await state.client.updateProduct(sku, changes);
    inputs.price.value = data.price;
    inputs.stock_quantity.value = data.stock_quantity;
    notify('products-message', `Saved ${label}: ${formatRupees(data.price)}, ${data.stock_quantity} in stock.`, 'ok');
  } catch (error) {
    if (error.status === 422) {
      for (const { field } of error.details) inputs[field]?.setAttribute('aria-invalid', 'true');
      const named = error.details.map((d) => `${d.field === 'stock_quantity' ? 'Stock' : 'Price'} ${d.message}`);
      notify('products-message', `${label} not saved: ${named.join('; ')}.`);
    } else {
      refuse(error, problem('products-message', `${label} not saved.`));
    }
  } finally {
    button.disabled = false;
  }
}

async function loadProducts() {
  const answer = await guarded(() => state.client.listProducts(), problem('products-message'));
  if (answer) {
    byId('products-body').replaceChildren(...answer.data.map(productRow));
    await loadPhotoDesigns(answer.data);
  }
}

// --- start -------------------------------------------------------------------------------------
async function start() {
  byId('sign-in-form').addEventListener('submit', signIn);
  byId('sign-out').addEventListener('click', signOut);
  initQikinkPanel({
    client: () => state.client, guarded, loadOrders, loadAttention: () => loadAttention(state.client, guarded),
  });
  byId('order-filters').addEventListener('submit', filterOrders);
  byId('previous-page').addEventListener('click', () => turnPage(-1));
  byId('next-page').addEventListener('click', () => turnPage(1));
  initOrderPage({ client: () => state.client, refuse, guarded, problem });
  initPhotosPanel({ client: () => state.client, refuse, guarded, problem });
  initCataloguePanel({ client: () => state.client, refuse, afterChange: loadProducts });
  initSizeChartsPanel({ client: () => state.client, refuse });
  initWebhooksPanel({ client: () => state.client, guarded });
  window.addEventListener('hashchange', route);
  connect(state.key);
  try {
    await state.client.listOrders({ per_page: 1 });
  } catch (error) {
    if (error.status === 401) sessionStorage.removeItem(KEY_STORAGE);
    connect('');
    showSignIn(error.status === 401 ? {} : { error });
    return;
  }
  await enterConsole();
}

start();
