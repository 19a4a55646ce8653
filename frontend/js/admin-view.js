// What every part of the admin console shows things with: names, times, notices, lists of facts.
import { explain } from './admin-words.js';
import { el, say } from './dom.js';
import { formatDateTime } from './format.js';

export const byId = (id) => document.getElementById(id);
export const when = (iso) => (iso ? formatDateTime(iso) : '—');

/** The text of a select's option: status names live once, in admin.html's filters. */
function optionName(selectId, value) {
  const option = [...byId(selectId).options].find((o) => o.value === value);
  return option ? option.textContent : value;
}
export const statusName = (status) => optionName('filter-status', status);
export const qikinkName = (status) => optionName('filter-qikink-status', status);

/** A message in a notice box; `tone` 'ok' shows it as good news. */
export function notify(id, message, tone = '') {
  say(id, message);
  byId(id).classList.toggle('ok', tone === 'ok');
}

/** [term, value] rows as the groups of a <dl>. */
export function facts(rows) {
  return rows.map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', {}, value)));
}

/** A <details> "Technical detail" holding [label, value] rows: for whoever looks after the server. */
export function technical(rows) {
  return el('details', { className: 'technical' }, el('summary', {}, 'Technical detail'),
    el('dl', { className: 'facts' }, ...facts(rows)));
}

/** What went wrong in the notice `id`, in plain words with what to do. `lead` (e.g. "Not saved.")
 * says what did not happen, `hint` adds to what to do, `sentence: false` leaves out what happened
 * (said already). The code, status, call and request id are one click away. */
export function showProblem(id, error, { lead = '', hint = '', sentence = true } = {}) {
  const words = explain(error);
  const box = byId(id);
  box.classList.remove('ok');
  const what = [lead, sentence ? words.say : ''].filter(Boolean).join(' ');
  box.replaceChildren(...[
    what ? el('p', { className: 'problem' }, what) : null,
    el('p', { className: 'todo' }, `What to do: ${[words.todo, hint].filter(Boolean).join(' ')}`),
    technical(words.detail),
  ].filter(Boolean));
}

/** showProblem as a callback for the console's error funnel: `guarded(work, problemIn('x-message'))`. */
export const problemIn = (id, options) => (error) => showProblem(id, error, options);
