// The emails to the customer on an order's page: where each is, plainly (written to the log is not
// sent; a failed one can be sent again), the mail server's own answer one click away.
import { technical, when } from './admin-view.js';
import { el } from './dom.js';

export const EMAIL_NAMES = {
  confirm_cod: 'Please confirm (COD link)', confirmation: 'Order confirmation', replacement: 'Replacement on its way', shipped: 'Shipped', cancelled: 'Cancelled', refunded: 'Refunded',
};

/** Where an email is, in plain words: the log is not the customer's inbox. */
function emailState(e) {
  if (e.status === 'sent') {
    return e.via === 'log'
      ? `written to the server's log ${when(e.sent_at)}, not sent: no SMTP_URL is set, so no email leaves this shop`
      : `sent ${when(e.sent_at)}`;
  }
  if (e.status === 'failed') {
    return `not sent: the mail server refused it or could not be reached (gave up ${when(e.failed_at)}). `
      + 'Check the address, then send it again.';
  }
  const tries = `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`;
  return e.last_error ? `waiting to be sent (${tries} so far; the mail server has not taken it yet, it is tried again by itself)`
    : `waiting to be sent (${tries})`;
}

/** The emails to the customer; a failed one gets "Send again" (`onResend(kind)`). */
export function emailList(emails, onResend) {
  if (!emails.length) return el('p', {}, 'None');
  return el('ul', { className: 'emails' }, ...emails.map((e) => el('li', {},
    `${EMAIL_NAMES[e.kind] || e.kind}: ${emailState(e)}`,
    e.status === 'failed' ? el('button', { type: 'button', className: 'inline', onclick: () => onResend(e.kind) },
      'Send again') : null,
    e.last_error && e.status !== 'sent' ? technical([["The mail server's answer", e.last_error]]) : null)));
}
