// "Needs attention", the console's first panel: every order a person must act on now, with why,
// since when and what to do (GET /api/attention; the server decides what is listed and its words).
import { byId, notify, problemIn, when } from './admin-view.js';
import { el, safeHref, say } from './dom.js';

/** Show the list; `guarded` is the console's error funnel (401 → sign-in). */
export async function loadAttention(client, guarded) {
  const answer = await guarded(() => client.getAttention(), problemIn('attention-message'));
  if (!answer) return;
  notify('attention-message', '');
  const items = [...answer.data].sort((a, b) => (a.severity === 'critical' ? 0 : 1) - (b.severity === 'critical' ? 0 : 1));
  const { total, critical } = answer.summary;
  say('attention-summary', total === 0
    ? 'Nothing needs you right now. Orders that get stuck show up here (and by email with ALERT_EMAIL).'
    : `${total} ${items.every((item) => item.order_id) ? 'order' : 'thing'}${total === 1 ? ' needs' : 's need'} you`
      + `${critical ? `, ${critical} urgent` : ''}.`);
  byId('attention-panel').classList.toggle('calm', total === 0);
  byId('attention-list').replaceChildren(...items.map((item) => {
    const outside = item.link && safeHref(item.link);
    return el('li', { className: `attention-item ${item.severity}` },
      el('p', { className: 'attention-head' },
        el('strong', {}, item.severity === 'critical' ? 'Urgent · ' : ''),
        `${item.order_id || item.subject} · since ${when(item.since)}`),
      el('p', {}, item.message),
      el('p', { className: 'attention-action' }, `What to do: ${item.action}`),
      // The links do not repeat the order id: the orders list below has the link named by it.
      el('p', { className: 'attention-links' },
        item.order_id
          ? el('a', { href: `#order/${encodeURIComponent(item.order_id)}` }, 'Open the order')
          : el('a', { href: item.order_link.replace(/^\/admin/, '') }, 'Open the panel'),
        outside ? el('a', { href: outside, target: '_blank', rel: 'noopener noreferrer' },
          outside.includes('qikink') ? "Qikink's dashboard" : outside.includes('razorpay')
            ? "Razorpay's dashboard" : "The courier's tracking") : null));
  }));
}

/** Warn when the policy pages lack seller details the e-commerce rules require (GET /api/seller). */
export async function loadSellerWarning(client) {
  let missing = [];
  try {
    missing = (await client.getSeller()).data.missing_settings;
  } catch {
    return; // the other panels already say when the shop cannot be reached
  }
  say('settings-warning', missing.length
    ? `Shop settings: the policy pages (shipping, returns, cancellation, privacy, terms, contact) lack seller details `
      + `India's e-commerce rules require and show a placeholder instead. Set ${missing.join(', ')} in the server's .env `
      + 'and restart it.'
    : '');
}
