// The storefront's search box and category filter, client-side over the designs it has loaded:
// which designs match, the category radio group, and the result count said in a live region.
import { el } from './dom.js';

const CATEGORY_NAMES = { mens: "Men's", womens: "Women's", unisex: 'Unisex' };
export const ALL = '';

export const categoryName = (category) => CATEGORY_NAMES[category] || category;

/** Does `design` (a card's design: name and sizes) match the words of `query` and `category`? */
export function matches(design, query, category) {
  const first = design.sizes[0];
  if (category !== ALL && first.category.toLowerCase() !== category) return false;
  const text = [design.name, first.print, first.description, first.category, categoryName(first.category),
    ...design.sizes.map((p) => p.colour)].filter(Boolean).join(' ').toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

/** The radio group: "All" and each category of `designs`, in catalogue order; `onChange(category)`. */
export function renderCategoryOptions(designs, chosen, onChange) {
  const categories = [...new Set(designs.map((d) => d.sizes[0].category.toLowerCase()))];
  return [ALL, ...categories].map((category) => {
    const input = el('input', { type: 'radio', name: 'category', value: category, checked: category === chosen });
    input.addEventListener('change', () => onChange(category));
    return el('label', { className: 'option' }, input, el('span', {}, category === ALL ? 'All' : categoryName(category)));
  });
}

export function countSentence(shown, total) {
  if (shown === total) return `Showing all ${total} T-shirt${total === 1 ? '' : 's'}.`;
  if (!shown) return 'No T-shirts match. Try other words or another category.';
  return `Showing ${shown} of ${total} T-shirts.`;
}
