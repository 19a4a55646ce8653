// One card per design on the storefront: art, name, price with its taxes and delivery, size
// picker, "Size chart" and "Add to cart" with visible feedback.
import { el } from './dom.js';
import { formatDeliveryRange, formatRupees } from './format.js';

const ADDED_FOR_MS = 2000;
// How wide a card's photo shows: one column on a phone, two or three beside the cart on a computer.
const PHOTO_SIZES = '(min-width: 960px) 19rem, (min-width: 640px) 45vw, 92vw';

/** Products grouped into designs (one card each, by their `design`), sizes in catalogue order;
 * `slugs` (design id → slug, from GET /api/designs) gives each its product page's address `pageOf(slug)`. */
export function groupDesigns(products, slugs = new Map(), pageOf = (slug) => `/p/${encodeURIComponent(slug)}`) {
  const designs = new Map();
  for (const product of products) {
    const id = product.design || product.name;
    const href = slugs.has(id) ? pageOf(slugs.get(id)) : null;
    if (!designs.has(id)) designs.set(id, { id, name: product.name, href, sizes: [] });
    designs.get(id).sizes.push(product);
  }
  return [...designs.values()];
}

/** "M", or "Black, M" when the design comes in more than one colour. */
function optionLabel(p, design) {
  const colours = new Set(design.sizes.map((v) => v.colour));
  return [colours.size > 1 ? p.colour : null, p.size].filter(Boolean).join(', ') || 'One size';
}

/** A photo as <picture>: WebP for browsers that take it, JPEG for the rest, each at 400, 800 and
 * 1600 px; `eager` for the first card (the page's largest paint), lazy for the others. */
export function renderPhoto(photo, { eager = false, baseUrl = '' } = {}) {
  const absolute = (srcset) => srcset.split(', ').map((entry) => baseUrl + entry).join(', ');
  const img = el('img', {
    src: baseUrl + photo.src, alt: photo.alt, width: photo.width, height: photo.height,
    loading: eager ? 'eager' : 'lazy', decoding: 'async',
    attrs: { srcset: absolute(photo.srcset['image/jpeg']), sizes: PHOTO_SIZES },
  });
  if (eager) {
    img.setAttribute('fetchpriority', 'high');
    img.setAttribute('elementtiming', 'first-photo'); // bench/pages.py times its paint
  }
  return el('picture', { className: 'photo' },
    el('source', { type: 'image/webp', attrs: { srcset: absolute(photo.srcset['image/webp']), sizes: PHOTO_SIZES } }),
    img);
}

/** The card of `design`; `onAdd(sku)` adds to the cart, `onSizeChart(chartId, design, opener)`
 * opens its chart (offered only when it has one), `delivery` is the estimate (or null); a design
 * with photos shows its first (`photoBase`: the API's address), else its pattern tile. */
export function renderCard(design, index, { onAdd, onSizeChart, delivery, photoBase = '' }) {
  const headingId = `design-${index}`;
  const selectId = `size-${index}`;
  const available = design.sizes.filter((p) => p.in_stock);
  const first = available[0] || design.sizes[0];
  const bySku = new Map(design.sizes.map((p) => [p.sku, p]));
  const price = el('span', {}, formatRupees(first.price));
  const select = el('select', { id: selectId, name: 'size', disabled: !available.length },
    ...design.sizes.map((p) => el('option', { value: p.sku, disabled: !p.in_stock, selected: p === first },
      p.in_stock ? optionLabel(p, design) : `${optionLabel(p, design)} (sold out)`)));
  const button = el('button', { type: 'button', className: 'primary add', disabled: !available.length },
    available.length ? 'Add to cart' : 'Sold out');
  select.addEventListener('change', () => {
    price.textContent = formatRupees(bySku.get(select.value).price);
  });
  button.addEventListener('click', () => {
    onAdd(select.value);
    showAdded(button);
  });
  const chart = first.size_chart ? el('button', { type: 'button', className: 'text-button' }, 'Size chart',
    el('span', { className: 'visually-hidden' }, ` for ${design.name}`)) : null;
  chart?.addEventListener('click', () => onSizeChart(first.size_chart, design, chart));
  const photo = (first.photos || [])[0];
  return el('article', { className: 'card', attrs: { 'aria-labelledby': headingId } },
    photo ? renderPhoto(photo, { eager: index === 0, baseUrl: photoBase })
      : el('div', { className: 'art', dataset: { print: (first.print || '').toLowerCase() }, attrs: { 'aria-hidden': 'true' } },
        el('span', {}, first.print || '')),
    el('h3', { id: headingId }, design.href ? el('a', { href: design.href }, design.name) : design.name),
    first.print ? el('p', { className: 'print' }, `${first.print} print · ${first.category}`) : null,
    el('p', { className: 'description' }, first.description || ''),
    el('p', { className: 'price' }, price, el('span', { className: 'taxes' }, 'Inclusive of all taxes')),
    delivery ? el('p', { className: 'delivery' }, formatDeliveryRange(delivery)) : null,
    el('div', { className: 'buy' },
      el('div', { className: 'field' },
        el('span', { className: 'size-label' }, el('label', { htmlFor: selectId }, 'Size'), chart),
        select),
      button));
}

/** "Added ✓" on the button for a moment (the cart's live region says it to screen readers). */
export function showAdded(button) {
  clearTimeout(Number(button.dataset.timer));
  button.replaceChildren('Added ', el('span', { attrs: { 'aria-hidden': 'true' } }, '✓'));
  button.classList.add('added');
  button.dataset.timer = String(setTimeout(() => {
    button.textContent = 'Add to cart';
    button.classList.remove('added');
  }, ADDED_FOR_MS));
}
