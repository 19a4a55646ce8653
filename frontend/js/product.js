// The product page /p/<slug> (or product.html?slug=…): one design, its colour and size pickers
// (sold-out variants disabled), price and SKU of the chosen variant, details, size chart,
// delivery estimate, and "Add to cart" into the storefront's cart (cart-store.js).
import { addToStoredCart, CART_KEY, loadCart } from './cart-store.js';
import { categoryName } from './catalogue-filter.js';
import { apiBaseUrl } from './config.js';
import { el, safeHref, say } from './dom.js';
import { formatDeliveryRange, formatRupees, toPaise } from './format.js';
import { showAdded } from './product-card.js';
import { createShopClient } from './shop-client.js';
import { openSizeChart, setUpSizeChart } from './size-chart.js';

const client = createShopClient({ baseUrl: apiBaseUrl() });
const state = { design: null, colour: null, size: null, chart: null, prices: new Map() };

function slugFromAddress(location = window.location) {
  const match = location.pathname.match(/\/p\/([^/]+)\/?$/);
  return match ? decodeURIComponent(match[1]) : new URLSearchParams(location.search).get('slug');
}

const NO_COLOUR = '';
const colourOf = (v) => v.colour || NO_COLOUR;
const variantFor = (colour, size) => state.design.variants.find((v) => colourOf(v) === colour && v.size === size);

/** The first variant that can be ordered (else the first), so the page opens on a real choice. */
function firstChoice() {
  const { variants } = state.design;
  const pick = variants.find((v) => v.in_stock) || variants[0];
  state.colour = colourOf(pick);
  state.size = pick.size;
}

function radio(name, value, label, { checked, disabled, onChange }) {
  const input = el('input', { type: 'radio', name, value, checked, disabled });
  input.addEventListener('change', () => onChange(value));
  return el('label', { className: `option${disabled ? ' sold-out' : ''}` }, input,
    el('span', {}, label));
}

function renderColours() {
  const colours = [...new Set(state.design.variants.map(colourOf))];
  document.getElementById('colour-picker').hidden = colours.length < 2 && colours[0] === NO_COLOUR;
  document.getElementById('colour-options').replaceChildren(...colours.map((colour) => {
    const available = state.design.variants.some((v) => colourOf(v) === colour && v.in_stock);
    return radio('colour', colour, available ? colour || 'As shown' : `${colour || 'As shown'} (sold out)`, {
      checked: colour === state.colour,
      disabled: !available,
      onChange: (value) => {
        state.colour = value;
        if (!variantFor(value, state.size)?.in_stock) {
          state.size = state.design.variants.find((v) => colourOf(v) === value && v.in_stock)?.size ?? state.size;
        }
        renderChoice();
      },
    });
  }));
}

function renderSizes() {
  const sizes = state.design.variants.filter((v) => colourOf(v) === state.colour);
  document.getElementById('size-options').replaceChildren(...sizes.map((v) => radio('size', v.size,
    v.in_stock ? v.size || 'One size' : `${v.size || 'One size'} (sold out)`, {
      checked: v.size === state.size,
      disabled: !v.in_stock,
      onChange: (value) => {
        state.size = value;
        renderChoice();
      },
    })));
  const soldOut = sizes.filter((v) => !v.in_stock).map((v) => v.size);
  say('size-note', soldOut.length ? `Sold out: ${soldOut.join(', ')}.` : '');
}

/** Price, SKU and button of the chosen variant; the pickers drawn again for the colour. */
function renderChoice() {
  renderColours();
  renderSizes();
  const variant = variantFor(state.colour, state.size);
  const button = document.getElementById('add-to-cart');
  button.disabled = !variant?.in_stock;
  button.textContent = variant?.in_stock ? 'Add to cart' : 'Sold out';
  say('product-price', variant ? formatRupees(variant.price) : '');
  say('product-sku', variant ? `SKU ${variant.sku}` : '');
  renderGallery();
}

function photoUrl(photo) {
  const url = typeof photo === 'string' ? photo : photo && (photo.url || photo.src);
  return safeHref(url);
}

/** The design's photos (the chosen colour's first, when photos name a colour), else its pattern tile. */
function renderGallery() {
  const { design } = state;
  const photos = (design.photos || []).filter(photoUrl);
  const ofColour = photos.filter((p) => !p.colour || p.colour === state.colour);
  const shown = ofColour.length ? ofColour : photos;
  const gallery = document.getElementById('gallery');
  if (!shown.length) {
    gallery.replaceChildren(el('div', {
      className: 'art', dataset: { print: (design.print || '').toLowerCase() }, attrs: { 'aria-hidden': 'true' },
    }, el('span', {}, design.print || '')));
    return;
  }
  gallery.replaceChildren(...shown.map((photo, index) => el('img', {
    src: photoUrl(photo),
    alt: photo.alt || `${design.name}${state.colour ? `, ${state.colour}` : ''}, photo ${index + 1}`,
    loading: index ? 'lazy' : 'eager',
    width: photo.width || 800,
    height: photo.height || 800,
  })));
}

function renderDetails(delivery) {
  const { design } = state;
  document.title = `${design.name} · Bharat Heritage Prints`;
  say('product-name', design.name);
  say('product-print', [design.print && `${design.print} print`, categoryName(design.category)].filter(Boolean).join(' · '));
  say('product-story', design.story);
  say('product-delivery', delivery ? `${formatDeliveryRange(delivery)} if you order today.` : '');
  const rows = [['Fabric', design.fabric], ['Weight', design.gsm ? `${design.gsm} GSM` : null],
    ['Fit', design.fit], ['Care', design.care], ['Printed by', 'Qikink, in India']];
  document.getElementById('product-details').replaceChildren(...rows.filter(([, value]) => value)
    .flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  const chartButton = document.getElementById('open-size-chart');
  chartButton.hidden = !state.chart;
  chartButton.append(el('span', { className: 'visually-hidden' }, ` for ${design.name}`));
}

/** The cart count and the phone's cart bar, priced from the catalogue (lines of SKUs no longer sold left out). */
function renderCartCount() {
  const lines = loadCart().filter((l) => state.prices.has(l.sku));
  const count = lines.reduce((n, l) => n + l.quantity, 0);
  const totalPaise = lines.reduce((sum, l) => sum + toPaise(state.prices.get(l.sku)) * l.quantity, 0);
  say('cart-count', String(count));
  say('cart-bar-count', `${count} item${count === 1 ? '' : 's'} · ${formatRupees(totalPaise / 100)}`);
  document.getElementById('cart-bar').hidden = count === 0;
  return count;
}

function addToCart() {
  const variant = variantFor(state.colour, state.size);
  if (!variant?.in_stock) return;
  addToStoredCart(loadCart(), variant.sku);
  const count = renderCartCount();
  const label = [state.colour, variant.size].filter(Boolean).join(', ');
  say('cart-announcement', `Added ${state.design.name} (${label}) to your cart. `
    + `${count} item${count === 1 ? '' : 's'} in your cart.`);
  showAdded(document.getElementById('add-to-cart'));
}

async function start() {
  setUpSizeChart();
  const slug = slugFromAddress();
  let answer;
  try {
    if (!slug) throw Object.assign(new Error('no T-shirt named in the address'), { status: 404 });
    answer = await client.getDesign(slug);
  } catch (error) {
    say('product-status', error.status === 404 ? 'We do not have this T-shirt (any more). See all our T-shirts.'
      : 'We cannot reach the shop just now. Please check your connection and reload the page.');
    return;
  }
  const [products, charts, delivery] = await Promise.all([client.listProducts().catch(() => null),
    client.listSizeCharts().catch(() => null), client.getDeliveryEstimate().catch(() => null)]);
  state.design = answer.data;
  state.prices = new Map((products ? products.data : answer.data.variants).map((p) => [p.sku, p.price]));
  state.chart = (charts ? charts.data : []).find((c) => c.id === state.design.size_chart) || null;
  firstChoice();
  renderDetails(delivery && delivery.data);
  renderChoice();
  renderCartCount();
  document.getElementById('product-status').hidden = true;
  document.getElementById('product').hidden = false;
  document.getElementById('add-to-cart').addEventListener('click', addToCart);
  const chartButton = document.getElementById('open-size-chart');
  chartButton.addEventListener('click', () => openSizeChart(state.chart, {
    name: state.design.name, sizes: state.design.variants.filter((v) => colourOf(v) === state.colour),
  }, chartButton));
  window.addEventListener('storage', (event) => { if (event.key === CART_KEY) renderCartCount(); });
}

start();
