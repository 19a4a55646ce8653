// The console's photo section: pick a design, upload a photo with its alt text, see the design's
// photos as thumbnails, delete one. Text from the server only ever goes in as text (el()).
import { byId, notify } from './admin-view.js';
import { el } from './dom.js';
import { renderPhoto } from './product-card.js';

let deps = null; // { client, guarded, refuse, problem } from admin.js

/** Wire the form; `client()` is the signed-in admin client of the moment. */
export function initPhotosPanel(options) {
  deps = options;
  byId('photo-design').addEventListener('change', () => loadPhotos());
  byId('photo-form').addEventListener('submit', upload);
}

/** Fill the design picker from the catalogue (one entry a design), then show the chosen one's photos. */
export async function loadPhotoDesigns(products) {
  const select = byId('photo-design');
  const chosen = select.value;
  const designs = new Map();
  for (const product of products) {
    const sized = product.size && product.sku.endsWith(`-${product.size}`);
    const id = product.design || (sized ? product.sku.slice(0, -product.size.length - 1) : product.sku);
    if (!designs.has(id)) designs.set(id, product.name);
  }
  select.replaceChildren(...[...designs].map(([id, name]) => el('option', { value: id, selected: id === chosen }, `${name} (${id})`)));
  await loadPhotos();
}

/** Show the photos of `design` (a new design is not in the picker until it is on sale) and go to the upload. */
export async function choosePhotoDesign(design, name) {
  const select = byId('photo-design');
  if (![...select.options].some((option) => option.value === design)) {
    select.append(el('option', { value: design }, `${name} (${design})`));
  }
  select.value = design;
  byId('photos').scrollIntoView();
  byId('photo-file').focus();
  await loadPhotos();
}

async function loadPhotos() {
  const design = byId('photo-design').value;
  if (!design) return;
  const answer = await deps.guarded(() => deps.client().listPhotos(design), deps.problem('photos-message'));
  if (!answer) return;
  const base = deps.client().baseUrl;
  byId('photo-list').replaceChildren(...answer.data.map((photo) => photoItem(photo, base)));
  if (!answer.data.length) byId('photo-list').append(el('li', { className: 'empty' }, el('p', {}, 'No photos yet: the storefront shows the pattern tile.')));
}

function photoItem(photo, base) {
  const remove = el('button', { type: 'button' }, 'Delete', el('span', { className: 'visually-hidden' }, ` photo: ${photo.alt}`));
  remove.addEventListener('click', () => deletePhoto(photo, remove));
  const text = photo.colour ? `${photo.alt} (${photo.colour})` : photo.alt;
  return el('li', {}, renderPhoto(photo, { baseUrl: base }), el('p', {}, text), remove);
}

async function upload(event) {
  event.preventDefault();
  const fileInput = byId('photo-file');
  const alt = byId('photo-alt');
  const file = fileInput.files[0];
  for (const input of [fileInput, alt]) input.removeAttribute('aria-invalid');
  if (!file || !alt.value.trim()) {
    const missing = !file ? fileInput : alt;
    missing.setAttribute('aria-invalid', 'true');
    notify('photos-message', !file ? 'Choose a photo to upload.' : 'Describe the photo for people who cannot see it.');
    missing.focus();
    return;
  }
  const button = byId('photo-upload');
  button.disabled = true;
  notify('photos-message', 'Uploading…');
  try {
    await deps.client().uploadPhoto({ file, design: byId('photo-design').value, alt: alt.value, colour: byId('photo-colour').value.trim() });
    notify('photos-message', `Uploaded the photo "${alt.value.trim()}".`, 'ok');
    const design = byId('photo-design').value;
    byId('photo-form').reset();
    byId('photo-design').value = design; // reset() would go back to the first design
    await loadPhotos();
  } catch (error) {
    if (error.status === 422 && error.details) {
      notify('photos-message', `Not uploaded: ${error.details.map((d) => `${d.field} ${d.message}`).join('; ')}.`);
    } else {
      deps.refuse(error, deps.problem('photos-message', 'Not uploaded.'));
    }
  } finally {
    button.disabled = false;
  }
}

async function deletePhoto(photo, button) {
  button.disabled = true;
  const done = await deps.guarded(() => deps.client().deletePhoto(photo.id), deps.problem('photos-message', 'Not deleted.'));
  if (done) {
    notify('photos-message', `Deleted the photo "${photo.alt}".`, 'ok');
    await loadPhotos();
  } else {
    button.disabled = false;
  }
}
