// One variant in the console's Catalogue panel: its price, stock, colour, size and Qikink mapping
// edited in place, publish or take off sale, and its margin with the warning when a price loses
// money. Server text only ever goes in as text (el()).
import { el } from './dom.js';
import { formatRupees } from './format.js';

const rupees = (amount) => formatRupees(amount);

/** A labelled input whose id is stable across renders (the panel puts focus back after a save). */
export function field(id, label, input) {
  input.id = id;
  return el('div', { className: 'field' }, el('label', { htmlFor: id }, label), input);
}

/** The margin in one line, its parts a click away. */
function marginBlock(margin) {
  const line = `Margin ${rupees(margin.margin)} a sale (${margin.margin_percent} % of the price)`;
  const parts = [
    ['Price', rupees(margin.price)],
    [`GST in the price (${margin.gst_rate} %)`, `− ${rupees(margin.gst)}`],
    [margin.qikink_cost_from === 'variant' ? "Qikink's cost (this variant's)" : "Qikink's cost (the shop's setting)",
      `− ${rupees(margin.qikink_cost)}`],
    ['Shipping', `− ${rupees(margin.shipping)}`],
    ['Payment fee', `− ${rupees(margin.gateway_fee)}`],
    ['GST on the payment fee', `− ${rupees(margin.gst_on_gateway_fee)}`],
    ['Left for the shop', rupees(margin.margin)],
  ];
  return el('details', { className: `margin${margin.warning ? ' warn' : ''}` },
    el('summary', {}, line),
    el('dl', { className: 'facts' }, ...parts.map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', {}, value)))));
}

/** The mapping's editable part: a My Products SKU; a catalogue blank is shown, edited through the API. */
function mappingFields(variant, id) {
  const mapping = variant.qikink || {};
  const blank = mapping.search_from_my_products === 0;
  const sku = el('input', { type: 'text', maxLength: 64, autocomplete: 'off', value: blank ? '' : mapping.sku || '',
    disabled: blank, attrs: { 'aria-describedby': `${id}-qikink-hint` } });
  const cost = el('input', { type: 'number', min: 0, step: '0.01', inputMode: 'decimal',
    value: mapping.cost ?? '', placeholder: 'default' });
  const hint = el('p', { className: 'hint', id: `${id}-qikink-hint` }, blank
    ? `A Qikink catalogue blank (${mapping.sku}, print type ${mapping.print_type_id}): change it through the API.`
    : "The product's SKU in Qikink's My Products: without it Qikink cannot print this variant.");
  return { sku, cost, blank, mapping, nodes: [field(`${id}-qikink`, 'Qikink SKU', sku), field(`${id}-cost`, "Qikink's cost (₹)", cost), hint] };
}

/** The changes the inputs hold against what the variant is now. */
function changesOf(variant, inputs) {
  const changes = {};
  const price = Number(inputs.price.value);
  if (inputs.price.value.trim() !== '' && price !== variant.price) changes.price = price;
  const stock = Number(inputs.stock.value);
  if (inputs.stock.value.trim() !== '' && stock !== variant.stock_quantity) changes.stock_quantity = stock;
  for (const name of ['colour', 'size']) {
    const value = inputs[name].value.trim();
    if (value !== (variant[name] || '')) changes[name] = value || null;
  }
  const { mapping, blank } = inputs.qikink;
  const sku = inputs.qikink.sku.value.trim();
  const cost = inputs.qikink.cost.value.trim() === '' ? undefined : Number(inputs.qikink.cost.value);
  let next = blank ? { ...mapping } : (sku ? { search_from_my_products: 1, sku } : null);
  if (next && cost !== undefined) next.cost = cost;
  if (next && cost === undefined) delete next.cost;
  if (!blank && !sku && cost !== undefined) next = null;
  if (JSON.stringify(next) !== JSON.stringify(variant.qikink || null)) changes.qikink = next;
  return changes;
}

/** The card of one variant; `act(sku, changes, words)` sends a change and redraws the panel. */
export function variantCard(variant, act) {
  const id = `variant-${variant.sku}`;
  const label = [variant.colour, variant.size].filter(Boolean).join(', ') || variant.sku;
  const inputs = {
    price: el('input', { type: 'number', min: 1, step: '0.01', inputMode: 'decimal', value: variant.price }),
    stock: el('input', { type: 'number', min: 0, step: 1, inputMode: 'numeric', value: variant.stock_quantity }),
    colour: el('input', { type: 'text', maxLength: 40, autocomplete: 'off', value: variant.colour || '' }),
    size: el('input', { type: 'text', maxLength: 40, autocomplete: 'off', value: variant.size || '' }),
    qikink: mappingFields(variant, id),
  };
  const save = el('button', { type: 'button', className: 'primary' }, 'Save',
    el('span', { className: 'visually-hidden' }, ` ${variant.sku}`));
  save.addEventListener('click', () => {
    const changes = changesOf(variant, inputs);
    if (!Object.keys(changes).length) {
      act(variant.sku, null, `${variant.sku}: nothing changed.`);
      return;
    }
    act(variant.sku, changes, `Saved ${variant.sku}.`, save);
  });
  const publish = el('button', { type: 'button' }, variant.published ? 'Take off sale' : 'Publish',
    el('span', { className: 'visually-hidden' }, ` ${variant.sku}`));
  publish.addEventListener('click', () => act(variant.sku, { published: !variant.published },
    variant.published ? `${variant.sku} is off sale.` : `${variant.sku} is published.`, publish));
  const state = variant.on_sale ? ['On sale', 'on-sale'] : variant.published ? ['Published, design not on sale', 'waiting']
    : ['Not published', 'draft'];
  return el('article', { className: 'variant', attrs: { 'aria-labelledby': `${id}-name` } },
    el('h4', { id: `${id}-name` }, `${label} `, el('span', { className: 'sku' }, variant.sku), ' ',
      el('span', { className: `badge ${state[1]}` }, state[0])),
    variant.problems.length
      ? el('ul', { className: 'variant-problems' }, ...variant.problems.map((problem) => el('li', {}, problem))) : null,
    marginBlock(variant.margin),
    el('div', { className: 'variant-fields' },
      field(`${id}-price`, 'Price (₹)', inputs.price), field(`${id}-stock`, 'Stock', inputs.stock),
      field(`${id}-colour`, 'Colour', inputs.colour), field(`${id}-size`, 'Size', inputs.size),
      ...inputs.qikink.nodes),
    el('div', { className: 'actions' }, save, publish));
}
