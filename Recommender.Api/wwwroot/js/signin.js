// The sign-in page: POST /api/v1/session with the key (the answer sets the session cookie), then
// back to where the browser came from (returnUrl: a path on this site only).
import { $ } from './dom.js';

const params = new URL(location.href).searchParams;
const back = localPath(params.get('returnUrl')) ?? '/';
const scope = params.get('scope');
const form = $('#signin-form');
const error = $('#signin-error');

$('#signin-return').value = back;
if (scope) {
  const why = $('#signin-scope');
  why.textContent = `${back} needs a key with the '${scope}' scope; the key signed in lacks it.`;
  why.hidden = false;
}

/** A path here (/dashboard/), never another site (//evil.example, /\evil, https://…). */
function localPath(url) {
  return url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : null;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const submit = $('#signin-submit');
  submit.disabled = true;
  try {
    const response = await fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ key: $('#signin-key').value.trim() }),
    });
    if (response.status === 204) {
      location.replace(back);
      return;
    }
    let problem = null;
    try { problem = await response.json(); } catch { /* not JSON */ }
    error.textContent = response.status === 401
      ? 'The key was not accepted.'
      : [problem?.title ?? `HTTP ${response.status}`, problem?.detail].filter(Boolean).join(' ');
    $('#signin-key').select();
  } catch (err) {
    error.textContent = `The server could not be reached: ${err?.message ?? err}`;
  } finally {
    submit.disabled = false;
  }
});
