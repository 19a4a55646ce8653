// The Catalogue panel's "Size charts" part: every chart the shop's designs use, each edited in a
// form that holds a table of sizes × measurements in inches (the server works out the
// centimetres), with a row added or removed; and a new chart. A size a variant sells cannot be
// removed: the server says which (409). Server text only goes in as text (el()).
import { byId, notify, showProblem } from './admin-view.js';
import { el, say } from './dom.js';

const MEASUREMENTS = [['chest', 'Chest'], ['length', 'Length'], ['shoulder', 'Shoulder'], ['sleeve', 'Sleeve']];
const TEXT_FIELDS = [['name', 'Garment name', 100], ['fit', 'Fit', 200], ['fabric', 'Fabric', 200]];
const NEW_ROW = { size: '', inches: {} };

let deps = null; // { client, refuse } from admin.js
let rowCount = 0; // ids for rows made in this page's life: inputs keep labels of their own

/** Wire the part; `client()` is the signed-in admin client, `refuse` the console's 401 funnel. */
export function initSizeChartsPanel(options) {
  deps = options;
  const form = chartForm('new-chart', null);
  byId('new-size-chart').append(form);
}

/** Show every chart, with its edit form closed. */
export async function loadSizeCharts() {
  let answer;
  try {
    answer = await deps.client().listSizeCharts();
  } catch (error) {
    deps.refuse(error, (e) => showProblem('size-charts-message', e));
    return;
  }
  say('size-charts-summary', `${answer.count} size chart${answer.count === 1 ? '' : 's'}.`);
  byId('size-chart-list').replaceChildren(...answer.data.map(chartCard));
}

function chartCard(chart) {
  const id = `chart-${chart.id}`;
  const form = chartForm(id, chart);
  form.hidden = true;
  const toggle = el('button', { type: 'button', attrs: { 'aria-expanded': 'false', 'aria-controls': `${id}-form` } },
    'Edit chart', el('span', { className: 'visually-hidden' }, `: ${chart.name}`));
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.querySelector('input').focus();
  });
  const sizes = chart.sizes.map((row) => row.size);
  return el('section', { className: 'catalogue-design size-chart-card', id, attrs: { 'aria-labelledby': `${id}-heading` } },
    el('h3', { id: `${id}-heading` }, `${chart.name} `, el('span', { className: 'sku' }, chart.id)),
    el('p', { className: 'hint' }, `${sizes.length} size${sizes.length === 1 ? '' : 's'}: ${sizes.join(', ')} · ${chart.fit} · ${chart.fabric}`),
    el('div', { className: 'actions' }, toggle),
    el('div', { className: 'notice', id: `${id}-note`, attrs: { role: 'status' } }),
    form);
}

/** The form of one chart (`chart` null: a new one): its words and its table of sizes. */
function chartForm(id, chart) {
  const inputs = {};
  const fields = TEXT_FIELDS.map(([name, label, longest]) => {
    inputs[name] = el('input', { type: 'text', id: `${id}-${name}`, maxLength: longest, autocomplete: 'off', value: chart?.[name] ?? '' });
    return el('div', { className: 'field' }, el('label', { htmlFor: `${id}-${name}` }, label), inputs[name]);
  });
  const body = el('tbody', {}, ...(chart ? chart.sizes : [NEW_ROW]).map(sizeRow));
  const table = el('table', { className: 'size-chart-table' },
    el('caption', { className: 'visually-hidden' }, `Sizes of ${chart ? chart.name : 'the new chart'}, in inches`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Size'),
      ...MEASUREMENTS.map(([, word]) => el('th', { scope: 'col' }, `${word} (in)`)),
      el('th', { scope: 'col' }, el('span', { className: 'visually-hidden' }, 'Remove')))),
    body);
  const add = el('button', { type: 'button' }, 'Add a size');
  add.addEventListener('click', () => {
    const row = sizeRow(NEW_ROW);
    body.append(row);
    row.querySelector('input').focus();
  });
  const save = el('button', { type: 'submit', className: 'primary' }, chart ? 'Save chart' : 'Add chart',
    el('span', { className: 'visually-hidden' }, chart ? `: ${chart.name}` : ''));
  const form = el('form', { className: 'size-chart-form', id: `${id}-form`, noValidate: true },
    el('div', { className: 'catalogue-form' }, ...fields),
    el('p', { className: 'hint' }, 'Garment measurements taken flat, in inches; the centimetres are worked out for you.'),
    el('div', { className: 'size-chart-scroll' }, table),
    el('div', { className: 'actions' }, add, save));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const note = chart ? `${id}-note` : 'size-charts-message';
    const sent = { sizes: [...body.rows].map(readRow) };
    for (const [name] of TEXT_FIELDS) sent[name] = inputs[name].value.trim();
    const blank = sent.sizes.some((row) => !row.size || MEASUREMENTS.some(([key]) => !(row.inches[key] > 0)));
    if (!sent.name || !sent.sizes.length || blank) {
      notify(note, 'Not saved: give the chart a name, and each size a name and four measurements above 0.');
      return;
    }
    saveChart(chart, sent, note, save);
  });
  return form;
}

/** One size: its name, four measurements and a button that removes the row. */
function sizeRow(row) {
  rowCount += 1;
  const id = `size-row-${rowCount}`;
  const size = el('input', { type: 'text', id: `${id}-size`, maxLength: 10, autocomplete: 'off', value: row.size,
    attrs: { 'aria-label': 'Size', size: 4 } });
  const cells = MEASUREMENTS.map(([key, word]) => {
    const input = el('input', { type: 'number', min: 0, step: 0.25, inputMode: 'decimal', value: row.inches[key] ?? '',
      dataset: { measurement: key } });
    return el('td', { dataset: { label: word } }, input); // the column's name above the box on a phone
  });
  const remove = el('button', { type: 'button' }, 'Remove');
  const name = () => {
    const words = size.value.trim() || 'new size';
    remove.setAttribute('aria-label', `Remove size ${words}`);
    cells.forEach((cell, index) => cell.firstChild.setAttribute('aria-label', `${MEASUREMENTS[index][1]} of ${words}, inches`));
  };
  name();
  size.addEventListener('input', name);
  const tr = el('tr', {}, el('td', { className: 'size-cell' }, size), ...cells, el('td', { className: 'remove-cell' }, remove));
  remove.addEventListener('click', () => tr.remove());
  return tr;
}

function readRow(tr) {
  const inches = {};
  for (const input of tr.querySelectorAll('input[data-measurement]')) inches[input.dataset.measurement] = Number(input.value);
  return { size: tr.querySelector('.size-cell input').value.trim(), inches };
}

async function saveChart(chart, sent, note, button) {
  button.disabled = true;
  try {
    const { data } = chart ? await deps.client().changeSizeChart(chart.id, sent) : await deps.client().createSizeChart(sent);
    await loadSizeCharts();
    if (!chart) {
      byId('new-chart-form').replaceWith(chartForm('new-chart', null));
      byId('new-size-chart').open = false;
    }
    notify(chart ? `chart-${data.id}-note` : 'size-charts-message',
      chart ? `Saved ${data.name}. Shoppers see it now.` : `Added ${data.name} (${data.id}). A design uses it once its size chart is ${data.id}.`, 'ok');
  } catch (error) {
    button.disabled = false;
    deps.refuse(error, (e) => showRefusal(note, e));
  }
}

function showRefusal(id, error) {
  if (error.status === 422 && error.details?.length) {
    notify(id, `Not saved: ${error.details.map((d) => `${d.field} ${d.message}`).join('; ')}.`);
  } else if (error.status === 409) {
    showProblem(id, error, { lead: `Not saved: ${error.message}`, sentence: false });
  } else {
    showProblem(id, error, { lead: 'Not saved.' });
  }
}
