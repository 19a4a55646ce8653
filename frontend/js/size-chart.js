// The size chart dialog: one <dialog> in index.html, filled with a design's chart (GET
// /api/size-charts), in inches or centimetres; Escape or Close shuts it and focus goes back to
// the button that opened it.
import { el, say } from './dom.js';

const NAMES = { chest: 'Chest', length: 'Length', shoulder: 'Shoulder', sleeve: 'Sleeve' };
const UNIT_NAMES = { inches: 'inches', cm: 'centimetres' };
const UNIT_KEY = 'shop.sizeUnit';

const view = { chart: null, design: null, opener: null, unit: storedUnit() };

function storedUnit() {
  try {
    return localStorage.getItem(UNIT_KEY) === 'cm' ? 'cm' : 'inches';
  } catch {
    return 'inches';
  }
}

function dialog() {
  return document.getElementById('size-chart');
}

/** Wire the dialog's controls once. */
export function setUpSizeChart() {
  const box = dialog();
  document.getElementById('size-chart-close').addEventListener('click', () => box.close());
  for (const radio of box.querySelectorAll('input[name="size-unit"]')) {
    radio.addEventListener('change', () => {
      view.unit = radio.value;
      try {
        localStorage.setItem(UNIT_KEY, view.unit);
      } catch { /* a private window: the choice lasts this page only */ }
      renderRows();
    });
  }
  box.addEventListener('close', () => {
    view.opener?.focus();
    view.opener = null;
  });
}

/** Show `chart` for `design` (its name and sizes); `opener` gets focus back on closing. */
export function openSizeChart(chart, design, opener) {
  Object.assign(view, { chart, design, opener });
  say('size-chart-heading', `Size chart: ${design.name}`);
  say('size-chart-garment', `${chart.name} · ${chart.fit} · ${chart.fabric}`);
  const inches = chart.tolerance.inches === 0.5 ? 'half an inch' : `${chart.tolerance.inches} inch`;
  say('size-chart-tolerance', `Qikink's garments vary by up to ${inches} (${chart.tolerance.cm} cm) `
    + 'from these figures: between two sizes, pick the larger.');
  say('size-chart-advice', chart.how_to_measure.advice);
  document.getElementById('size-chart-how').replaceChildren(...chart.measurements.flatMap((m) => [
    el('dt', {}, NAMES[m] || m), el('dd', {}, chart.how_to_measure[m])]));
  for (const radio of dialog().querySelectorAll('input[name="size-unit"]')) radio.checked = radio.value === view.unit;
  renderRows();
  dialog().showModal();
}

function renderRows() {
  const { chart, design, unit } = view;
  if (!chart) return;
  const sold = design.sizes.map((p) => p.size).filter(Boolean);
  say('size-chart-caption', `Garment measurements in ${UNIT_NAMES[unit]}, laid flat`
    + `${sold.length ? `. ${design.name} comes in ${sold.join(', ')}` : ''}.`);
  document.getElementById('size-chart-columns').replaceChildren(
    el('th', { scope: 'col' }, 'Size'),
    ...chart.measurements.map((m) => el('th', { scope: 'col' }, NAMES[m] || m)));
  document.getElementById('size-chart-rows').replaceChildren(...chart.sizes.map((row) => el('tr',
    { className: sold.includes(row.size) ? 'offered' : '' },
    el('th', { scope: 'row' }, row.size),
    ...chart.measurements.map((m) => el('td', {}, String(row[unit][m]))))));
}
