// What every part of the admin console shows things with: names, times, notices, lists of facts.
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
