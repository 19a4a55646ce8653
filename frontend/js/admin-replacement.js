// The console's "Exchange size" and "Reship" on an order's page: a replacement order at the shop's
// cost (nothing for the customer to pay), linked to this one and sent to Qikink like any other.
// Which of the two an order allows is the server's rule: `order.actions`.
import { byId, notify } from './admin-view.js';
import { el, say } from './dom.js';
import { newIdempotencyKey } from './shop-client.js';

const REASONS = {
  exchange_size: {
    heading: 'Exchange size',
    explainer: 'Qikink exchanges nothing: the new sizes go out as a new order that the shop pays for. '
      + 'Choose the size to send for each item (quantity 0 sends none of it).',
  },
  reship: {
    heading: 'Reship',
    explainer: 'The same items go out again as a new order that the shop pays for (Qikink keeps a '
      + 'returned parcel for 100 days). Correct the address first with the customer if that is why it came back.',
  },
};

const form = { session: null, order: null, reason: null, key: null, products: [], onPlaced: null };

function orderLink(orderId) {
  return el('a', { href: `#order/${encodeURIComponent(orderId)}` }, orderId);
}

/** The Summary's facts linking replacements both ways. */
export function replacementFacts(order) {
  const facts = [];
  if (order.replacement_of) {
    const why = order.replacement_reason === 'exchange_size' ? 'exchange of size' : 'reship';
    facts.push(['Replaces', [orderLink(order.replacement_of), ` (${why}, at the shop's cost)`]]);
  }
  if (order.replacements.length) {
    facts.push(['Replacements', order.replacements.flatMap((id, i) => (i ? [', ', orderLink(id)] : [orderLink(id)]))]);
  }
  if (order.replacement_note) facts.push(['Replacement note', order.replacement_note]);
  return facts;
}

/** The sizes an item may be exchanged for: products of the same name (the design's other sizes),
 * the first other size in stock chosen. */
function sizeChoices(item) {
  const same = form.products.filter((p) => p.name === item.name);
  const choices = same.length ? same : [{ sku: item.sku, size: '', stock_quantity: null }];
  const other = choices.find((p) => p.sku !== item.sku && p.stock_quantity !== 0);
  const chosen = other ? other.sku : item.sku;
  return choices.map((p) => el('option', { value: p.sku, selected: p.sku === chosen, disabled: p.stock_quantity === 0 },
    `${p.size || p.sku}${typeof p.stock_quantity === 'number' ? ` (${p.stock_quantity} in stock)` : ''}`));
}

function exchangeLines(order) {
  return order.items.map((item, index) => {
    const current = (form.products.find((p) => p.sku === item.sku) || {}).size || item.sku;
    return el('div', { className: 'field-row replacement-line' },
      el('div', { className: 'field' },
        el('label', { htmlFor: `replacement-sku-${index}` }, `New size for ${item.name} (was ${current})`),
        el('select', { id: `replacement-sku-${index}`, name: 'sku' }, ...sizeChoices(item))),
      el('div', { className: 'field' },
        el('label', { htmlFor: `replacement-quantity-${index}` }, 'Quantity'),
        el('input', { id: `replacement-quantity-${index}`, name: 'quantity', type: 'number', min: '0', max: '10',
          value: String(item.quantity) })));
  });
}

async function openForm(reason) {
  const { order } = form;
  Object.assign(form, { reason, key: newIdempotencyKey().replace('checkout-', 'replacement-') });
  if (reason === 'exchange_size' && !form.products.length) {
    form.products = await form.session.client().listProducts().then((a) => a.data, () => []);
  }
  say('replacement-heading', REASONS[reason].heading);
  say('replacement-explainer', REASONS[reason].explainer);
  byId('replacement-lines').replaceChildren(...(reason === 'exchange_size' ? exchangeLines(order) : []));
  byId('replacement-note').value = '';
  notify('replacement-message', '');
  byId('replacement-form').hidden = false;
  byId(reason === 'exchange_size' ? 'replacement-sku-0' : 'replacement-note').focus();
}

function closeForm() {
  byId('replacement-form').hidden = true;
  form.reason = null;
}

function chosenItems() {
  return form.order.items.map((_, index) => ({
    sku: byId(`replacement-sku-${index}`).value,
    quantity: Number(byId(`replacement-quantity-${index}`).value),
  })).filter((line) => line.quantity > 0);
}

async function placeReplacement(event) {
  event.preventDefault();
  const body = { reason: form.reason, note: byId('replacement-note').value.trim() };
  if (form.reason === 'exchange_size') {
    body.items = chosenItems();
    if (!body.items.length) {
      notify('replacement-message', 'Choose at least one item to send (a quantity above 0).');
      return;
    }
  }
  const button = byId('place-replacement');
  button.disabled = true;
  let answer;
  try {
    // The same key for every press while the form is open: a double click makes one replacement.
    answer = await form.session.client().replaceOrder(form.order.order_id, body, form.key);
  } catch (error) {
    form.session.refuse(error, form.session.problem('replacement-message', 'No replacement was sent.'));
    return;
  } finally {
    button.disabled = false;
  }
  closeForm();
  const created = answer.data;
  const where = created.qikink_status === 'synced' ? 'sent to Qikink' : 'queued for Qikink';
  notify('order-message', `Replacement ${created.order_id} placed at the shop's cost and ${where}.`, 'ok');
  await form.onPlaced();
}

/** Show the buttons this order allows (its `actions`); keep an open form while the order is the same. */
export function renderReplacement(order) {
  const sameOrder = form.order && form.order.order_id === order.order_id;
  form.order = order;
  const exchange = order.actions.includes('exchange_size');
  const reship = order.actions.includes('reship');
  byId('exchange-size').hidden = !exchange;
  byId('reship').hidden = !reship;
  byId('replacement-panel').hidden = !exchange && !reship;
  if (!sameOrder || (form.reason && !order.actions.includes(form.reason))) closeForm();
}

/** Wire the buttons and the form; `onPlaced()` shows the order again once a replacement is placed. */
export function initReplacement(session, onPlaced) {
  Object.assign(form, { session, onPlaced });
  byId('exchange-size').addEventListener('click', () => openForm('exchange_size'));
  byId('reship').addEventListener('click', () => openForm('reship'));
  byId('close-replacement').addEventListener('click', closeForm);
  byId('replacement-form').addEventListener('submit', placeReplacement);
}
