// The shop API's address: the one setting of the front end.
//
// null: pages served by the backend (http://localhost:5000/) call their own server, and a page
// opened straight from disk (file://) calls http://localhost:5000 (browsers that run module
// scripts from disk at all: Chromium-based ones do not, so open the pages through a server).
// Serving frontend/ from anywhere else (python -m http.server 5500, an editor's live server,
// your web host)? Put the backend's address here, e.g. 'http://localhost:5000', and make sure
// the backend's CORS_ORIGINS allows that page's origin (http://localhost:<any port> is allowed).
export const API_BASE_URL = null;

/** The address the pages use: API_BASE_URL, else as described above. */
export function apiBaseUrl(location = window.location) {
  if (API_BASE_URL !== null) return API_BASE_URL;
  return location.protocol === 'file:' ? 'http://localhost:5000' : '';
}
