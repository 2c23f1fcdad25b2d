// The login, second-factor and result pages (HTML only; no logic).
import { symbolByName } from '../../protocol/push/symbols.js';
import type { FactorKind } from '../../services/second-factors.js';
import { html, type Html } from '../web/html.js';
import { METHOD_LABELS, methodPath } from './second-factor-flow.js';

type Purpose = 'login' | 'step-up';

const heading = (purpose: Purpose, text: string) => (purpose === 'login' ? text : `Confirm it's you: ${text.toLowerCase()}`);

/** "Use another method": the user's other factors. Push is a form (it sends something); the rest are links. */
export function otherMethods(opts: { kinds: FactorKind[]; current: FactorKind | null; next: string; csrf: string }): Html {
  const others = opts.kinds.filter((k) => k !== opts.current);
  if (others.length === 0) return html``;
  return html`<details class="other-methods"${opts.current === null ? ' open' : ''}><summary>Use another method</summary><ul>
${others.map((k) => k === 'push'
    ? html`<li><form method="post" action="/login/push"><input type="hidden" name="csrf" value="${opts.csrf}"><input type="hidden" name="next" value="${opts.next}"><button type="submit" class="link" data-method="push">${METHOD_LABELS.push}</button></form></li>`
    : html`<li><a href="${methodPath(k, opts.next)}" data-method="${k}">${METHOD_LABELS[k]}</a></li>`)}
</ul></details>`;
}

export function methodsPage(opts: { purpose: Purpose; kinds: FactorKind[]; next: string; csrf: string; error?: string }): Html {
  return html`<h1>${opts.purpose === 'login' ? 'Choose how to sign in' : "Confirm it's you"}</h1>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
${opts.purpose === 'step-up' ? html`<p>Changing your security settings needs a fresh check of your second factor.</p>` : ''}
${otherMethods({ kinds: opts.kinds, current: null, next: opts.next, csrf: opts.csrf })}`;
}

export function codeForm(opts: { purpose: Purpose; kind: 'totp' | 'recovery'; kinds: FactorKind[]; next: string; csrf: string; error?: string }): Html {
  const totp = opts.kind === 'totp';
  return html`<h1>${heading(opts.purpose, totp ? 'Enter your code' : 'Use a recovery code')}</h1>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<p>${totp ? 'Open your authenticator app and enter the 6-digit code it shows for Tessera.' : 'Enter one of the recovery codes you saved. Each works once.'}</p>
<form method="post" action="${totp ? '/login/totp' : '/login/recovery'}">
<input type="hidden" name="csrf" value="${opts.csrf}"><input type="hidden" name="next" value="${opts.next}">
<label for="code">${totp ? 'Code' : 'Recovery code'}</label>
<input type="text" id="code" name="code" required autofocus autocomplete="one-time-code" ${totp ? html`inputmode="numeric" pattern="[0-9 ]{6,7}" maxlength="7"` : html`maxlength="40"`}>
<button type="submit">Continue</button>
</form>
${otherMethods({ kinds: opts.kinds, current: opts.kind, next: opts.next, csrf: opts.csrf })}`;
}

/** The passkey step: the ceremony runs in /static/passkeys.js (WebAuthn has no form-only way). */
export function passkeyPage(opts: { purpose: Purpose; kinds: FactorKind[]; next: string; csrf: string }): Html {
  return html`<h1>${heading(opts.purpose, 'Use your passkey')}</h1>
<p>Use the passkey you set up for Tessera: your security key, or your device's screen lock.</p>
<div id="passkey-login" data-csrf="${opts.csrf}" data-next="${opts.next}">
<button type="button" id="use-passkey">Use your passkey</button>
<p class="error" role="alert" id="passkey-error" hidden></p>
</div>
<noscript><p class="muted">Passkeys need JavaScript. Use another method below.</p></noscript>
${otherMethods({ kinds: opts.kinds, current: 'passkey', next: opts.next, csrf: opts.csrf })}`;
}

export function verifyPasswordForm(opts: { next: string; csrf: string; error?: string }): Html {
  return html`<h1>Confirm it's you</h1>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<p>Changing your security settings needs your password again.</p>
<form method="post" action="/login/verify">
<input type="hidden" name="csrf" value="${opts.csrf}"><input type="hidden" name="next" value="${opts.next}">
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
<button type="submit">Continue</button>
</form>`;
}

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

export function challengePage(opts: {
  csrf: string; next: string; symbol: string; application: string | null; message?: string; kinds: FactorKind[]; purpose: Purpose;
}): Html {
  const glyph = symbolByName(opts.symbol)?.glyph ?? '?';
  return html`<h1>${heading(opts.purpose, 'Approve on your phone')}</h1>
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
Did not start this sign-in? Deny it on your phone.</p>
${otherMethods({ kinds: opts.kinds, current: 'push', next: opts.next, csrf: opts.csrf })}`;
}

export function failedChallengePage(reason: string, again = '/login'): Html {
  return html`<h1>Sign-in not approved</h1><p class="error" role="alert">${reason}</p>
<p><a href="${again}">Start again</a></p>`;
}

export function homePage(opts: { displayName: string; username: string; csrf: string }): Html {
  return html`<h1>Tessera</h1><p>Signed in as <strong>${opts.displayName}</strong> (${opts.username}).</p>
<p class="muted">The REST API is at <code>/rest/api/2</code>. Applications reach it through OAuth application links.</p>
<p><a href="/secure/security">Security: authenticators, codes, passkeys</a></p>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${opts.csrf}"><button class="secondary" type="submit">Sign out</button></form>`;
}

export function errorPage(title: string, message: string): Html {
  return html`<h1>${title}</h1><p class="error" role="alert">${message}</p><p><a href="/">Tessera home</a></p>`;
}
