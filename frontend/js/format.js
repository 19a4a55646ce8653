// How the shop writes money and time for Indian customers.

const WHOLE_RUPEES = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });
const RUPEES_AND_PAISE = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2 });
const DATE_TIME = new Intl.DateTimeFormat('en-IN', { dateStyle: 'medium', timeStyle: 'short' });
const TIME = new Intl.DateTimeFormat('en-IN', { timeStyle: 'medium' });

/** ₹1,299 or ₹899.50 (lakh grouping: ₹1,29,900). */
export function formatRupees(amount) {
  return (Number.isInteger(amount) ? WHOLE_RUPEES : RUPEES_AND_PAISE).format(amount);
}

/** Paise as integers, so that sums of prices like 899.5 stay exact. */
export function toPaise(amount) {
  return Math.round(amount * 100);
}

export function formatDateTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : DATE_TIME.format(date);
}

export function formatTime(date) {
  return TIME.format(date);
}

const DAY_MONTH = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const DAY = new Intl.DateTimeFormat('en-IN', { day: 'numeric', timeZone: 'UTC' });

/** "Delivered by 9–14 Dec" (or "29 Dec – 3 Jan") from GET /api/delivery-estimate's dates. */
export function formatDeliveryRange({ earliest, latest }) {
  const [from, to] = [new Date(`${earliest}T00:00:00Z`), new Date(`${latest}T00:00:00Z`)];
  if (earliest === latest) return `Delivered by ${DAY_MONTH.format(to)}`;
  const sameMonth = from.getUTCMonth() === to.getUTCMonth();
  return sameMonth ? `Delivered by ${DAY.format(from)}–${DAY_MONTH.format(to)}`
    : `Delivered by ${DAY_MONTH.format(from)} – ${DAY_MONTH.format(to)}`;
}
