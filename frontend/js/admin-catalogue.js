// The console's Catalogue panel: every design with its variants, on sale or not. Add a design and
// its variants, edit them in place, publish or take them off sale (with the server's reason when
// it refuses), the margin of each variant with its warning, and a way to the design's photos.
// Each variant's card is admin-catalogue-variant.js; server text only goes in as text (el()).
import { field, variantCard } from './admin-catalogue-variant.js';
import { choosePhotoDesign } from './admin-photos.js';
import { byId, notify, showProblem } from './admin-view.js';
import { el, say } from './dom.js';

const CATEGORY_WORDS = { mens: "Men's", womens: "Women's", unisex: 'Unisex', kids: 'Kids' };
const DETAIL_FIELDS = [['name', 'Name', 100], ['category', 'Category', 40], ['fabric', 'Fabric', 200],
  ['fit', 'Fit', 200], ['care', 'Care', 500], ['print', 'Print', 100], ['size_chart', 'Size chart', 64]];

let deps = null; // { client, refuse, afterChange } from admin.js

/** Wire the panel; `client()` is the signed-in admin client, `refuse` the console's 401 funnel,
 * `afterChange()` reloads what shows the catalogue elsewhere (the Products table, the photo picker). */
export function initCataloguePanel(options) {
  deps = options;
  byId('design-form').addEventListener('submit', addDesign);
}

/** Show every design; then put focus back on the control that had it (the cards are drawn again). */
export async function loadCatalogue() {
  const focused = document.activeElement?.id;
  let answer;
  try {
    answer = await deps.client().getCatalogue();
  } catch (error) {
    deps.refuse(error, (e) => showProblem('catalogue-message', e));
    return;
  }
  const onSale = answer.data.filter((design) => design.on_sale).length;
  say('catalogue-summary', `${answer.count} design${answer.count === 1 ? '' : 's'}, ${onSale} on sale.`);
  byId('catalogue-list').replaceChildren(...answer.data.map(designCard));
  if (focused && byId(focused) && !byId(focused).closest('#design-form')) byId(focused).focus();
}

const noteId = (design) => `cat-${design}-note`;

/** A change, then the panel drawn again with what happened in the design's own notice. */
async function send(designId, work, words, button) {
  if (button) button.disabled = true;
  try {
    const answer = await work();
    await loadCatalogue();
    const warnings = answer?.warnings?.length ? ` Note: ${answer.warnings.join(' ')}` : '';
    notify(noteId(designId), `${words}${warnings}`, warnings ? '' : 'ok');
    deps.afterChange();
  } catch (error) {
    if (button) button.disabled = false;
    deps.refuse(error, (e) => showRefusal(noteId(designId), e));
  }
}

/** A refusal in plain words: the server's own reason first when it gives one (a 409, a 422's fields). */
function showRefusal(id, error) {
  if (error.status === 422 && error.details?.length) {
    notify(id, `Not saved: ${error.details.map((d) => `${d.field} ${d.message}`).join('; ')}.`);
  } else if (error.status === 409) {
    showProblem(id, error, { lead: `Not done: ${error.message}`, sentence: false });
  } else {
    showProblem(id, error, { lead: 'Not saved.' });
  }
}

function designCard(design) {
  const id = `cat-${design.id}`;
  const state = design.on_sale ? ['On sale', 'on-sale'] : design.published ? ['Published, no variant on sale', 'waiting']
    : ['Not published', 'draft'];
  const publish = el('button', { type: 'button' }, design.published ? 'Take design off sale' : 'Publish design',
    el('span', { className: 'visually-hidden' }, `: ${design.name}`));
  publish.addEventListener('click', () => send(design.id,
    () => deps.client().changeDesign(design.id, { published: !design.published }),
    design.published ? `${design.name} is off sale.` : `${design.name} is published.`, publish));
  const photos = el('button', { type: 'button' }, 'Photos', el('span', { className: 'visually-hidden' }, ` of ${design.name}`));
  photos.addEventListener('click', () => choosePhotoDesign(design.id, design.name));
  const links = [publish, photos, detailsToggle(design)];
  if (design.on_sale && design.page) {
    links.push(el('a', { href: design.page, target: '_blank', rel: 'noopener' }, 'View its page',
      el('span', { className: 'visually-hidden' }, ` (${design.name})`)));
  }
  return el('section', { className: 'catalogue-design', id, attrs: { 'aria-labelledby': `${id}-heading` } },
    el('h3', { id: `${id}-heading` }, `${design.name} `, el('span', { className: 'sku' }, design.id), ' ',
      el('span', { className: `badge ${state[1]}` }, state[0])),
    el('p', { className: 'hint' }, [CATEGORY_WORDS[design.category] || design.category, design.fabric, design.fit]
      .filter(Boolean).join(' · ')),
    design.problems.length ? el('ul', { className: 'variant-problems' }, ...design.problems.map((p) => el('li', {}, p))) : null,
    el('div', { className: 'actions' }, ...links),
    detailsForm(design),
    el('div', { className: 'notice', id: noteId(design.id), attrs: { role: 'status' } }),
    el('div', { className: 'variants' }, ...(design.variants.length
      ? design.variants.map((variant) => variantCard(variant, (sku, changes, words, button) => (changes
        ? send(design.id, () => deps.client().changeVariant(sku, changes), words, button)
        : notify(noteId(design.id), words))))
      : [el('p', { className: 'hint' }, 'No variants yet: add a colour and size below.')])),
    newVariantForm(design));
}

function detailsToggle(design) {
  const toggle = el('button', { type: 'button', attrs: { 'aria-expanded': 'false', 'aria-controls': `cat-${design.id}-details` } },
    'Edit details', el('span', { className: 'visually-hidden' }, ` of ${design.name}`));
  toggle.addEventListener('click', () => {
    const form = byId(`cat-${design.id}-details`);
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.querySelector('input').focus();
  });
  return toggle;
}

/** The design's words and details, edited in a form that opens under it. */
function detailsForm(design) {
  const id = `cat-${design.id}-details`;
  const inputs = {};
  const fields = DETAIL_FIELDS.map(([name, label, longest]) => {
    inputs[name] = el('input', { type: 'text', maxLength: longest, autocomplete: 'off', value: design[name] ?? '' });
    return field(`${id}-${name}`, label, inputs[name]);
  });
  inputs.story = el('textarea', { rows: 3, maxLength: 2000, value: design.story ?? '' });
  const form = el('form', { className: 'catalogue-form', id, hidden: true, noValidate: true },
    ...fields, el('div', { className: 'field wide' }, el('label', { htmlFor: `${id}-story` }, 'Story'), inputs.story),
    el('button', { type: 'submit', className: 'primary' }, 'Save details',
      el('span', { className: 'visually-hidden' }, ` of ${design.name}`)));
  inputs.story.id = `${id}-story`;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const changes = {};
    for (const [name, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      if (value !== (design[name] ?? '')) changes[name] = value || (name === 'size_chart' ? null : value);
    }
    if (!Object.keys(changes).length) {
      notify(noteId(design.id), 'Nothing changed.');
      return;
    }
    send(design.id, () => deps.client().changeDesign(design.id, changes), `Saved the details of ${design.name}.`,
      form.querySelector('button[type=submit]'));
  });
  return form;
}

/** Add a colour and size to the design: unpublished until it has its Qikink mapping. */
function newVariantForm(design) {
  const id = `cat-${design.id}-new`;
  const inputs = {
    size: el('input', { type: 'text', maxLength: 40, autocomplete: 'off', required: true }),
    colour: el('input', { type: 'text', maxLength: 40, autocomplete: 'off' }),
    price: el('input', { type: 'number', min: 1, step: '0.01', inputMode: 'decimal', required: true }),
    stock_quantity: el('input', { type: 'number', min: 0, step: 1, inputMode: 'numeric', value: 0 }),
  };
  const form = el('form', { className: 'catalogue-form new-variant', noValidate: true },
    el('h4', {}, 'Add a variant'),
    field(`${id}-size`, 'Size', inputs.size), field(`${id}-colour`, 'Colour', inputs.colour),
    field(`${id}-price`, 'Price (₹)', inputs.price), field(`${id}-stock`, 'Stock', inputs.stock_quantity),
    el('button', { type: 'submit' }, 'Add variant', el('span', { className: 'visually-hidden' }, ` to ${design.name}`)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { size: inputs.size.value.trim(), price: Number(inputs.price.value) };
    if (inputs.colour.value.trim()) body.colour = inputs.colour.value.trim();
    if (inputs.stock_quantity.value.trim()) body.stock_quantity = Number(inputs.stock_quantity.value);
    if (!body.size || !inputs.price.value.trim()) {
      notify(noteId(design.id), 'Not added: a variant needs a size and a price.');
      return;
    }
    send(design.id, () => deps.client().addVariant(design.id, body),
      `Added ${body.colour ? `${body.colour}, ` : ''}${body.size}. Give it its Qikink SKU, then publish it.`,
      form.querySelector('button[type=submit]'));
  });
  return form;
}

async function addDesign(event) {
  event.preventDefault();
  const name = byId('design-name');
  name.removeAttribute('aria-invalid');
  const body = { name: name.value.trim(), category: byId('design-category').value };
  for (const key of ['story', 'hsn']) {
    const value = byId(`design-${key}`).value.trim();
    if (value) body[key] = value;
  }
  if (!body.name) {
    name.setAttribute('aria-invalid', 'true');
    notify('catalogue-message', 'Not added: a design needs a name.');
    name.focus();
    return;
  }
  try {
    const { data } = await deps.client().createDesign(body);
    byId('design-form').reset();
    byId('new-design').open = false;
    await loadCatalogue();
    notify(noteId(data.id), `Added ${data.name} (${data.id}), not published. Add its variants below.`, 'ok');
    byId(`cat-${data.id}-new-size`).focus();
  } catch (error) {
    deps.refuse(error, (e) => showRefusal('catalogue-message', e));
  }
}
