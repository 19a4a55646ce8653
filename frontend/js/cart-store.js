// The cart as every page keeps it: SKU and quantity lines in localStorage, so that the product
// page and the storefront share one cart (and other tabs follow through the storage event).
export const CART_KEY = 'shop.cart';
export const MAX_QUANTITY = 99;

/** The stored lines, malformed ones dropped. */
export function loadCart() {
  try {
    const lines = JSON.parse(localStorage.getItem(CART_KEY)) || [];
    return lines.filter((l) => typeof l.sku === 'string' && Number.isInteger(l.quantity) && l.quantity > 0)
      .map(({ sku, quantity }) => ({ sku, quantity }));
  } catch {
    return [];
  }
}

export function storeCart(lines) {
  localStorage.setItem(CART_KEY, JSON.stringify(lines.map(({ sku, quantity }) => ({ sku, quantity }))));
}

/** One more of `sku` in `lines` (changed in place, at most MAX_QUANTITY), stored; the lines back. */
export function addToStoredCart(lines, sku) {
  const line = lines.find((l) => l.sku === sku);
  if (line) line.quantity = Math.min(MAX_QUANTITY, line.quantity + 1);
  else lines.push({ sku, quantity: 1 });
  storeCart(lines);
  return lines;
}
