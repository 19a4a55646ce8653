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
