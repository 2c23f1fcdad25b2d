// The security page and its enrolment pages (HTML only; no logic). Every device or credential shows its
// name, when it was added and when it was last used.
import type { FactorItem, FactorSummary } from '../../services/second-factors.js';
import { html, type Html } from './html.js';

export const SECURITY = '/secure/security';

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

function hidden(csrf: string, next: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">`;
}

function items(kind: 'authenticators' | 'totp' | 'passkeys', list: FactorItem[], csrf: string, next: string): Html {
  if (list.length === 0) return html`<p class="muted" data-empty="${kind}">None yet.</p>`;
  return html`<table class="factors" data-list="${kind}"><thead><tr><th>Name</th><th>Added</th><th>Last used</th><th></th></tr></thead><tbody>
${list.map((i) => html`<tr data-id="${i.id}"><td>${i.name}</td><td>${when(i.createdAt)}</td><td>${when(i.lastUsedAt)}</td>
<td><form method="post" action="${SECURITY}/${kind}/${i.id}/remove">${hidden(csrf, next)}<button type="submit" class="secondary small">Remove</button></form></td></tr>`)}
</tbody></table>`;
}

export function securityPage(opts: {
  user: { username: string; displayName: string }; summary: FactorSummary; csrf: string; next: string;
  enrolmentRequired: boolean; fresh: boolean; notice?: string; error?: string;
}): Html {
  const { summary, csrf, next } = opts;
  const hasFactor = summary.authenticators.length + summary.totp.length + summary.passkeys.length > 0;
  return html`<h1>Security</h1>
<p>Signed in as <strong>${opts.user.displayName}</strong> (${opts.user.username}).</p>
${opts.enrolmentRequired ? html`<p class="notice" role="status" data-enrolment-required>Your administrator requires a second factor for this account. Set one up below; then you can continue.</p>` : ''}
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
${opts.fresh ? '' : html`<p class="muted">Changes here need a fresh check that it is you: you will be asked first.</p>`}

<h2>Authenticator (push)</h2>
<p class="muted">Your phone (the Tessera web authenticator) or the command-line authenticator approves sign-ins: pick the symbol your browser shows.</p>
${items('authenticators', summary.authenticators, csrf, next)}
<form method="post" action="${SECURITY}/authenticators">${hidden(csrf, next)}<button type="submit" id="add-authenticator">Add an authenticator</button></form>

<h2>Authenticator app codes (TOTP)</h2>
<p class="muted">Any app that shows 6-digit codes (RFC 6238), such as Google Authenticator, FreeOTP or 1Password.</p>
${items('totp', summary.totp, csrf, next)}
<form method="post" action="${SECURITY}/totp">${hidden(csrf, next)}<button type="submit" id="add-totp">Set up an authenticator app</button></form>

<h2>Passkeys</h2>
<p class="muted">A security key, or your device's screen lock, through WebAuthn. Needs JavaScript.</p>
${items('passkeys', summary.passkeys, csrf, next)}
<form id="add-passkey-form" data-csrf="${csrf}">
<label for="passkey-name">Name</label><input type="text" id="passkey-name" name="name" maxlength="80" placeholder="My security key">
<button type="submit" id="add-passkey">Add a passkey</button>
<p class="error" role="alert" id="passkey-error" hidden></p>
</form>

<h2>Recovery codes</h2>
${hasFactor
    ? html`<p data-recovery-left="${summary.recoveryCodesLeft}">${summary.recoveryCodesLeft === 0 ? 'You have no recovery codes left' : `${summary.recoveryCodesLeft} of 10 codes left`}${summary.recoveryCodesCreatedAt ? `, made ${when(summary.recoveryCodesCreatedAt)}` : ''}.</p>
<p class="muted">Each code signs you in once when your phone is not at hand. Making new codes ends the old ones.</p>
<form method="post" action="${SECURITY}/recovery-codes">${hidden(csrf, next)}<button type="submit" id="generate-recovery-codes">${summary.recoveryCodesLeft === 0 ? 'Make recovery codes' : 'Make new recovery codes'}</button></form>`
    : html`<p class="muted">Set up a second factor first; recovery codes back it up.</p>`}
${opts.enrolmentRequired ? '' : html`<p><a href="/">Tessera home</a></p>`}`;
}

export function authenticatorEnrolmentPage(opts: { uri: string; qr: string; next: string }): Html {
  return html`<h1>Add an authenticator</h1>
<p>On your phone, scan this code with the camera: it opens the Tessera web authenticator, which makes a key that never leaves the phone.</p>
<img class="qr" id="enrolment-qr" src="${opts.qr}" alt="QR code of the enrolment link" width="280" height="280">
<p class="muted">Or open this link on the device (it works once, for 10 minutes), or give it to the command-line authenticator
(<code>tessera authenticator enroll 'LINK' --file device.json</code>):</p>
<p><code class="uri" data-enrollment-uri="${opts.uri}">${opts.uri}</code></p>
<p><a href="${SECURITY}?next=${encodeURIComponent(opts.next)}" id="enrolment-done">Done: back to security</a></p>`;
}

export function totpEnrolmentPage(opts: { id: string; secret: string; uri: string; qr: string; csrf: string; next: string; error?: string }): Html {
  const grouped = opts.secret.replace(/(.{4})/g, '$1 ').trim();
  return html`<h1>Set up an authenticator app</h1>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
<img class="qr" id="totp-qr" src="${opts.qr}" alt="QR code of the key URI" width="240" height="240">
<p class="muted">Cannot scan? Enter this key by hand (time-based, SHA-1, 6 digits, 30 seconds):</p>
<p><code class="secret" data-totp-secret="${opts.secret}">${grouped}</code></p>
<details><summary>Key URI</summary><p><code class="uri" data-totp-uri="${opts.uri}">${opts.uri}</code></p></details>
<form method="post" action="${SECURITY}/totp/${opts.id}/confirm">${hidden(opts.csrf, opts.next)}
<label for="totp-name">Name</label><input type="text" id="totp-name" name="name" maxlength="80" value="Authenticator app">
<label for="totp-code">Code</label><input type="text" id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="7">
<button type="submit">Confirm</button>
</form>
<p><a href="${SECURITY}?next=${encodeURIComponent(opts.next)}">Cancel</a></p>`;
}

export function recoveryCodesPage(opts: { codes: string[]; next: string }): Html {
  return html`<h1>Your recovery codes</h1>
<p class="notice" role="status">Save these now: they are shown only once. Each one signs you in once if your phone is not at hand.</p>
<ol class="recovery-codes" data-recovery-codes>${opts.codes.map((c) => html`<li><code>${c}</code></li>`)}</ol>
<p class="muted">The codes you had before no longer work.</p>
<p><a href="${SECURITY}?next=${encodeURIComponent(opts.next)}">Done: back to security</a></p>`;
}
