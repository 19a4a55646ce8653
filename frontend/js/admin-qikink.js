// The console's "Qikink connection" panel: one plain sentence on whether orders reach Qikink and
// what to do, the facts behind it, and the buttons "Check connection", "Sync now", "Retry failed".
import { byId, facts, notify, problemIn, technical, when } from './admin-view.js';
import { explainQikinkError } from './admin-words.js';
import { el } from './dom.js';

const CONNECTION_NAMES = { connected: 'Connected', disconnected: 'Not connected', not_configured: 'Not set up' };
const RESULT_NAMES = {
  success: 'Everything went through', partial: 'Partly done: see below', error: 'Qikink is not answering',
};
const BUTTONS = ['check-connection', 'sync-now', 'retry-failed'];

const panel = { session: null, asked: 0, off: false };

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/** Qikink's last error in plain words, the server's own line one click away. */
function lastError(text) {
  if (!text) return 'None';
  return [explainQikinkError(text).say, technical([["Qikink's last answer, as the server logged it", text]])];
}

/** The panel's first lines: are orders reaching Qikink, and is there anything to do? [what, todo, tone] */
function summary(answer) {
  const waiting = answer.pending_orders || 0;
  const orders = waiting ? ` ${plural(waiting, 'order')} ${waiting === 1 ? 'is' : 'are'} waiting to be sent.` : '';
  if (answer.status === 'not_configured') {
    return ['Qikink is switched off (QIKINK_ENV=off): orders are kept here and not sent.',
      "Set QIKINK_ENV and your Qikink API keys in the server's .env and restart the server.", ''];
  }
  if (answer.status === 'connected') {
    const soon = waiting && answer.queue ? ` They go out in about ${duration(answer.queue.estimated_seconds_to_send_all)}.` : '';
    return [`Qikink is connected: orders go out as they come in.${orders}${soon}`, '', 'ok'];
  }
  if (!answer.last_error) return [`Not in touch with Qikink yet.${orders}`, 'Press “Check connection”.', ''];
  const { say, todo } = explainQikinkError(answer.last_error);
  return [`${say}${orders}`, todo, ''];
}

function showSummary(answer) {
  const [what, todo, tone] = summary(answer);
  const box = byId('qikink-summary');
  box.classList.toggle('ok', tone === 'ok');
  box.replaceChildren(el('p', { className: 'problem' }, what), ...(todo ? [el('p', { className: 'todo' }, `What to do: ${todo}`)] : []));
}

/** Qikink's 30 calls a minute: what was spent, what waits, how fresh the statuses are. */
function budgetFacts({ status, budget, queue, tracking }) {
  if (!budget) return [];
  const used = budget.last_minute;
  // No estimate while Qikink is not answering: "about 2 s" next to "Not connected" misleads.
  const toSend = !queue.pending ? '—' : status === 'connected' ? `about ${duration(queue.estimated_seconds_to_send_all)}`
    : 'as soon as Qikink answers again';
  return [
    ['Qikink calls in the last minute', budget.per_minute === null ? `${budget.last_minute_total} (no limit)`
      : `${budget.last_minute_total} of ${budget.per_minute}: ${used.create} new orders, ${used.tracking} tracking, `
        + `${used.lookup} look-ups, ${used.token} token`],
    ['Time to send the waiting orders', toSend],
    ['Orders on their way at Qikink', `${tracking.in_flight} (${tracking.due_now} due a status check)`],
    ['How fresh their statuses are', tracking.in_flight ? `half checked within ${duration(tracking.median_age_seconds)}, `
      + `all within ${duration(tracking.oldest_age_seconds)} (aim: ${duration(tracking.freshness_target_seconds)})` : '—'],
  ];
}

export async function loadConnection() {
  const { session } = panel;
  const asked = ++panel.asked; // an older answer arriving late must not overwrite a newer one
  const answer = await session.guarded(() => session.client().getQikinkStatus(), problemIn('qikink-message'));
  if (!answer || asked !== panel.asked) return;
  showSummary(answer);
  // Qikink switched off: nothing to check or send (the summary says how to switch it on).
  panel.off = answer.status === 'not_configured';
  BUTTONS.forEach((id) => { byId(id).disabled = panel.off; });
  byId('qikink-facts').replaceChildren(...facts([
    ['Status', CONNECTION_NAMES[answer.status] || answer.status],
    ['Environment', answer.environment],
    ['Qikink API', answer.qikink_api || '—'],
    ['Client ID', answer.client_id || '—'],
    ['Token valid until', when(answer.token_valid_until)],
    ['Orders waiting to be sent', answer.pending_orders === null ? '—' : String(answer.pending_orders)],
    ['Last contact', when(answer.last_check)],
    ['Last error', lastError(answer.last_error)],
    ...budgetFacts(answer),
  ]));
}

/** Run one of the panel's buttons: the others wait, the outcome is announced. */
async function qikinkAction(work) {
  const buttons = BUTTONS.map(byId);
  buttons.forEach((b) => { b.disabled = true; });
  byId('qikink').setAttribute('aria-busy', 'true');
  notify('qikink-message', '');
  await panel.session.guarded(work, problemIn('qikink-message'));
  // The buttons wait for the panel's new state too: a second press must not race a stale answer.
  await Promise.all([loadConnection(), panel.session.loadAttention()]);
  buttons.forEach((b) => { b.disabled = panel.off; });
  byId('qikink').removeAttribute('aria-busy');
}

async function checkConnection() {
  const answer = await panel.session.client().authenticate();
  notify('qikink-message', `Connected to Qikink at ${answer.api_endpoint}. The access token is valid until `
    + `${when(answer.token_valid_until)}.`, 'ok');
}

/** What a sync did, in one sentence: sent, or why not and what happens next. */
function syncSentence(report) {
  const { orders } = report;
  const sent = `Sync finished: ${plural(orders.pushed, 'order')} sent to Qikink.`;
  if (report.qikink_integration.status === 'error') {
    return 'Sync done: Qikink is not answering, so nothing was sent this time (see above).';
  }
  const refused = orders.failed ? ` Qikink refused ${plural(orders.failed, 'order')}: open ${orders.failed === 1 ? 'it' : 'them'} `
    + '(Qikink status “Refused by Qikink”) to see why.' : '';
  return sent + (orders.refreshed ? ` ${orders.refreshed} on their way checked with Qikink.` : '') + refused;
}

async function syncNow(retryFailed) {
  const report = await panel.session.client().syncNow({ retryFailed });
  const { orders, products } = report;
  const invalid = products.invalid.map((p) => `${p.sku}: ${p.problem}`).join('; ');
  const error = report.qikink_integration.last_error;
  byId('sync-report-facts').replaceChildren(...facts([
    ['Sync', `${report.sync_id}, ${when(report.timestamp)}`],
    ['Result', RESULT_NAMES[report.qikink_integration.status] || report.qikink_integration.status],
    ['Products ready for Qikink', String(products.valid)],
    ['Products Qikink cannot make', invalid || 'None'],
    ['Orders sent to Qikink', String(orders.pushed)],
    ['Orders Qikink refused', String(orders.failed)],
    ['Orders still waiting', String(orders.still_pending)],
    ['Orders with a fresh status', String(orders.refreshed)],
    ...(orders.not_refreshed ? [['Orders left for later', String(orders.not_refreshed)]] : []),
    ...(orders.reasons && orders.reasons.length ? [['Why', orders.reasons.join(' ')]] : []),
    ...(error ? [['Last error', lastError(error)]] : []),
  ]));
  byId('sync-report').hidden = false;
  notify('qikink-message', syncSentence(report), report.qikink_integration.status === 'success' ? 'ok' : '');
  await panel.session.loadOrders();
}

/** Wire the panel to the console's session: { client(), guarded(work, show), loadOrders(), loadAttention() }. */
export function initQikinkPanel(session) {
  panel.session = session;
  byId('check-connection').addEventListener('click', () => qikinkAction(checkConnection));
  byId('sync-now').addEventListener('click', () => qikinkAction(() => syncNow(false)));
  byId('retry-failed').addEventListener('click', () => qikinkAction(() => syncNow(true)));
}
