// The login, challenge and result pages (HTML only; no logic).
import { symbolByName } from '../../protocol/push/symbols.js';
import { html, type Html } from '../web/html.js';

export function loginForm(opts: { csrf: string; next: string; username?: string; error?: string; notice?: string }): Html {
  return html`<h1>Sign in to Tessera</h1>
${opts.notice ? html`<p class="notice">${opts.notice}</p>` : ''}
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="${opts.csrf}"><input type="hidden" name="next" value="${opts.next}">
<label for="username">Username</label><input type="text" id="username" name="username" autocomplete="username" autofocus required value="${opts.username ?? ''}">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`;
}

export function challengePage(opts: { csrf: string; next: string; symbol: string; application: string | null; message?: string }): Html {
  const glyph = symbolByName(opts.symbol)?.glyph ?? '?';
  return html`<h1>Approve on your phone</h1>
<p>We sent a sign-in request to your authenticator${opts.application ? html` for <strong>${opts.application}</strong>` : ''}.
Open it and pick this symbol:</p>
<div class="access-pass" data-access-pass="${opts.symbol}" aria-label="${opts.symbol}">${glyph}</div>
<div class="access-pass-name">${opts.symbol}</div>
${opts.message ? html`<p class="notice" role="status">${opts.message}</p>` : ''}
<form method="post" action="/login/challenge" id="challenge-form">
<input type="hidden" name="csrf" value="${opts.csrf}"><input type="hidden" name="next" value="${opts.next}">
<button type="submit">Continue</button>
</form>
<p class="muted">Approved on your phone? This page moves on by itself; without JavaScript, press Continue.
Did not start this sign-in? Deny it on your phone.</p>`;
}

export function failedChallengePage(reason: string): Html {
  return html`<h1>Sign-in not approved</h1><p class="error" role="alert">${reason}</p>
<p><a href="/login">Start again</a></p>`;
}

export function homePage(opts: { displayName: string; username: string; csrf: string }): Html {
  return html`<h1>Tessera</h1><p>Signed in as <strong>${opts.displayName}</strong> (${opts.username}).</p>
<p class="muted">The REST API is at <code>/rest/api/2</code>. Applications reach it through OAuth application links.</p>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${opts.csrf}"><button class="secondary" type="submit">Sign out</button></form>`;
}

export function errorPage(title: string, message: string): Html {
  return html`<h1>${title}</h1><p class="error" role="alert">${message}</p><p><a href="/">Tessera home</a></p>`;
}
