// The console's Webhooks panel: endpoints that receive the shop's order events (a spreadsheet,
// Zapier, a WhatsApp notifier), their delivery log with "Send again", turning them on and off.
import { byId, notify, problemIn, when } from './admin-view.js';
import { el, say } from './dom.js';

const EVENT_WORDS = {
  'order.created': 'Order placed',
  'order.paid': 'Paid',
  'order.sent_to_qikink': 'Sent to Qikink',
  'order.shipped': 'Shipped',
  'order.delivered': 'Delivered',
  'order.cancelled': 'Cancelled',
  'order.refunded': 'Refunded',
  'order.needs_attention': 'Needs attention',
};
const STATUS_WORDS = { pending: 'Waiting to be sent', delivered: 'Delivered', failed: 'Gave up' };

let deps = null; // { client, guarded }

/** Wire the panel; `client()` is the console's admin client, `guarded` its error funnel. */
export function initWebhooksPanel({ client, guarded }) {
  deps = { client, guarded };
  byId('webhook-events').replaceChildren(...Object.entries(EVENT_WORDS).map(([type, words]) =>
    el('label', { className: 'check' }, el('input', { type: 'checkbox', name: 'events', value: type, defaultChecked: true }),
      ` ${words}`)));
  byId('webhook-form').addEventListener('submit', addEndpoint);
}

/** Show every endpoint with its counts and buttons. */
export async function loadWebhooks() {
  const answer = await deps.guarded(() => deps.client().listWebhooks(), problemIn('webhooks-message'));
  if (!answer) return;
  say('webhooks-summary', answer.data.length === 0
    ? 'No endpoints yet. Add one below to send order events to your own tools.'
    : `${answer.data.length} endpoint${answer.data.length === 1 ? '' : 's'}.`);
  byId('webhook-list').replaceChildren(...answer.data.map(endpointItem));
}

function endpointItem(endpoint) {
  const { pending, delivered, failed } = endpoint.deliveries;
  const state = endpoint.enabled ? 'On' : endpoint.disabled_reason
    ? `Turned off by the shop's server on ${when(endpoint.disabled_at)}: ${endpoint.disabled_reason}`
    : 'Turned off';
  const events = endpoint.events.length === Object.keys(EVENT_WORDS).length
    ? 'every order event' : endpoint.events.map((type) => EVENT_WORDS[type] || type).join(', ');
  const log = el('div', { className: 'webhook-log' });
  const toggle = button(endpoint.enabled ? 'Turn off' : 'Turn on', endpoint.url,
    () => change(endpoint, { enabled: !endpoint.enabled }));
  const showLog = button('Delivery log', endpoint.url, () => loadLog(endpoint, log, showLog));
  showLog.setAttribute('aria-expanded', 'false');
  const secret = button('New secret', endpoint.url, () => rotate(endpoint));
  const remove = button('Delete', endpoint.url, () => confirmDelete(endpoint, remove));
  return el('li', { className: `webhook ${endpoint.enabled ? '' : 'off'}` },
    el('p', { className: 'webhook-url' }, el('strong', {}, endpoint.url),
      endpoint.description ? ` · ${endpoint.description}` : ''),
    el('p', {}, `${state}. Sends ${events}.`),
    el('p', { className: 'hint' }, `${delivered} delivered, ${pending} waiting, ${failed} given up. `
      + `Secret ${endpoint.secret_hint}.`),
    el('div', { className: 'actions' }, toggle, showLog, secret, remove),
    log);
}

/** A button whose accessible name also says which endpoint it acts on. */
function button(words, url, onClick) {
  const made = el('button', { type: 'button' }, words, el('span', { className: 'visually-hidden' }, ` (${url})`));
  made.addEventListener('click', onClick);
  return made;
}

async function addEndpoint(event) {
  event.preventDefault();
  const form = byId('webhook-form');
  const url = byId('webhook-url');
  url.removeAttribute('aria-invalid');
  const events = [...form.querySelectorAll('input[name=events]:checked')].map((box) => box.value);
  try {
    const { data } = await deps.client().addWebhook({
      url: url.value.trim(), events, description: byId('webhook-description').value.trim(),
    });
    form.reset();
    showSecret(data, 'Endpoint added.');
    await loadWebhooks();
  } catch (error) {
    if (error.status === 422) {
      const words = error.details.map((d) => `${d.field === 'url' ? 'The address' : d.field} ${d.message}`);
      if (error.details.some((d) => d.field === 'url')) url.setAttribute('aria-invalid', 'true');
      notify('webhooks-message', `Not added: ${words.join('; ')}.`);
    } else {
      deps.guarded(() => Promise.reject(error), problemIn('webhooks-message', { lead: 'Not added.' }));
    }
  }
}

/** The signing secret, shown once: the tool that receives the events needs it. */
function showSecret(endpoint, lead) {
  const box = byId('webhooks-message');
  box.classList.add('ok');
  box.replaceChildren(
    el('p', {}, `${lead} Copy this signing secret into the tool that receives the events now: `
      + 'it is not shown again.'),
    el('p', {}, el('code', { className: 'secret' }, endpoint.secret)));
}

async function change(endpoint, changes) {
  const answer = await deps.guarded(() => deps.client().changeWebhook(endpoint.id, changes),
    problemIn('webhooks-message', { lead: 'Not changed.' }));
  if (!answer) return;
  notify('webhooks-message', changes.enabled
    ? `${endpoint.url} is on again; events it missed are sent now, oldest first.`
    : `${endpoint.url} is off; its events wait until it is turned on again.`, 'ok');
  await loadWebhooks();
}

async function rotate(endpoint) {
  const answer = await deps.guarded(() => deps.client().rotateWebhookSecret(endpoint.id),
    problemIn('webhooks-message', { lead: 'No new secret.' }));
  if (answer) showSecret(answer.data, `New secret for ${endpoint.url}; the old one no longer signs events.`);
}

function confirmDelete(endpoint, remove) {
  if (remove.dataset.armed !== 'yes') {
    remove.dataset.armed = 'yes';
    remove.firstChild.textContent = 'Yes, delete it and its log';
    return;
  }
  deps.guarded(() => deps.client().deleteWebhook(endpoint.id), problemIn('webhooks-message', { lead: 'Not deleted.' }))
    .then((answer) => {
      if (!answer) return;
      notify('webhooks-message', `Deleted ${endpoint.url}.`, 'ok');
      loadWebhooks();
    });
}

async function loadLog(endpoint, box, opener) {
  if (opener.getAttribute('aria-expanded') === 'true') {
    box.replaceChildren();
    opener.setAttribute('aria-expanded', 'false');
    return;
  }
  const answer = await deps.guarded(() => deps.client().listWebhookDeliveries(endpoint.id),
    problemIn('webhooks-message'));
  if (!answer) return;
  opener.setAttribute('aria-expanded', 'true');
  if (answer.data.length === 0) {
    box.replaceChildren(el('p', { className: 'hint' }, 'Nothing sent to this endpoint yet.'));
    return;
  }
  const wrap = { className: 'table-wrap', tabIndex: 0, attrs: { role: 'region', 'aria-label': 'Delivery log' } };
  box.replaceChildren(el('div', wrap, el('table', {},
    el('caption', {}, `Latest deliveries to ${endpoint.url}`),
    el('thead', {}, el('tr', {}, ...['Event', 'Order', 'Status', 'Tries', 'Last answer', ''].map((h) =>
      el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...answer.data.map((d) => deliveryRow(endpoint, d, box, opener))))));
}

function deliveryRow(endpoint, delivery, box, opener) {
  const status = delivery.status === 'pending' && delivery.next_attempt_at
    ? `${STATUS_WORDS.pending} (next try ${when(delivery.next_attempt_at)})` : STATUS_WORDS[delivery.status];
  const answer = delivery.last_error || (delivery.last_status ? `HTTP ${delivery.last_status}` : '—');
  let again = '';
  if (delivery.status !== 'pending') {
    again = el('button', { type: 'button', className: 'inline' }, 'Send again',
      el('span', { className: 'visually-hidden' }, ` (${EVENT_WORDS[delivery.type]} of ${delivery.order_id})`));
    again.addEventListener('click', async () => {
      const done = await deps.guarded(() => deps.client().resendWebhookDelivery(delivery.id),
        problemIn('webhooks-message', { lead: 'Not sent again.' }));
      if (!done) return;
      notify('webhooks-message', `${EVENT_WORDS[delivery.type]} of ${delivery.order_id} will be sent again shortly.`, 'ok');
      opener.setAttribute('aria-expanded', 'false');
      await loadLog(endpoint, box, opener);
    });
  }
  return el('tr', {},
    el('td', {}, EVENT_WORDS[delivery.type] || delivery.type),
    el('td', {}, el('a', { href: `#order/${encodeURIComponent(delivery.order_id)}` }, delivery.order_id)),
    el('td', {}, status), el('td', {}, String(delivery.attempts)), el('td', {}, answer), el('td', {}, again));
}
