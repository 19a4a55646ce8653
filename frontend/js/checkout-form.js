// The checkout form: reading it, and the server's refusals shown under their fields.
import { say } from './dom.js';

const FIELD_IDS = {
  customer_email: 'email', 'shipping_address.name': 'name', 'shipping_address.line1': 'line1',
  'shipping_address.line2': 'line2', 'shipping_address.city': 'city', 'shipping_address.state': 'state',
  'shipping_address.pincode': 'pincode', 'shipping_address.phone': 'phone', payment_method: 'payment',
};
const FIELD_NAMES = {
  email: 'Email', name: 'Full name', line1: 'Address line 1', line2: 'Address line 2', city: 'City',
  state: 'State', pincode: 'PIN code', phone: 'Mobile number', payment: 'Payment',
};

export function readForm() {
  const value = (id) => document.getElementById(id).value.trim();
  return {
    email: value('email'),
    address: {
      name: value('name'), line1: value('line1'), line2: value('line2'), city: value('city'),
      state: value('state'), pincode: value('pincode'), phone: value('phone'), country: 'IN',
    },
    paymentMethod: value('payment'),
  };
}

export function clearErrors() {
  for (const id of Object.values(FIELD_IDS)) {
    say(`${id}-error`, '');
    document.getElementById(id).removeAttribute('aria-invalid');
  }
  say('checkout-message', '');
  say('cart-notice', '');
}

export function sentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The server's 422 details next to their fields; item problems in the cart. */
export function showFieldErrors(details) {
  const cartProblems = [];
  let first = null;
  for (const { field, message } of details) {
    const id = FIELD_IDS[field];
    if (!id) {
      cartProblems.push(`${field}: ${message}`);
      continue;
    }
    say(`${id}-error`, `${FIELD_NAMES[id]} ${message}`);
    document.getElementById(id).setAttribute('aria-invalid', 'true');
    first = first || document.getElementById(id);
  }
  say('cart-notice', cartProblems.join(' '));
  say('checkout-message', 'Please correct the highlighted details and press Place order again.');
  (first || document.getElementById('checkout-message')).focus();
}

/** 400 address_mismatch: the PIN code does not exist, or lies in another state (India Post). */
export function showAddressMismatch(details) {
  for (const { field, message } of details) {
    const id = FIELD_IDS[field] || 'pincode';
    say(`${id}-error`, sentence(message));
    document.getElementById(id).setAttribute('aria-invalid', 'true');
  }
  say('checkout-message', 'Please check the PIN code and state, then press Place order again.');
  document.getElementById(FIELD_IDS[details[0]?.field] || 'pincode').focus();
}

/** As a PIN code is typed (`client` asks GET /api/pincodes): India Post's state, and its district as the city while that is empty
 * (or still the one filled in here); the customer may correct either. */
export async function fillFromPincode(client) {
  const input = document.getElementById('pincode');
  const pincode = input.value.trim();
  say('pincode-hint', '6 digits');
  if (!/^[1-9][0-9]{5}$/.test(pincode)) return;
  let place;
  try {
    place = (await client.getPincode(pincode)).data;
  } catch (error) {
    if (error.status === 404) say('pincode-hint', 'We cannot find this PIN code: please check it.');
    return;
  }
  if (input.value.trim() !== pincode) return; // typed on meanwhile
  if (place.state) document.getElementById('state').value = place.state;
  const city = document.getElementById('city');
  if (place.district && (!city.value.trim() || city.dataset.filled === 'yes')) {
    city.value = place.district;
    city.dataset.filled = 'yes';
  }
  say('pincode-hint', place.state ? `${place.district ? `${place.district}, ` : ''}${place.state}`
    : `This PIN code is in ${place.states.join(' or ')}: choose your state.`);
}
