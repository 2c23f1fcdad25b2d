// The Tessera web authenticator: accounts (one per server and user) with their device keys in IndexedDB,
// a live stream of sign-in requests per account, and the answer: the symbol the browser shows, Deny, or
// "This wasn't me". Every text from a server goes into the page with textContent, never as HTML.
import { answer, enrol, parseEnrolmentLink, watchChallenges } from './device-api.js';
import { deleteAccount, listAccounts, saveAccount } from './store.js';
import { SYMBOLS } from './symbols.js';

const $ = (id) => document.getElementById(id);
const accounts = new Map(); // id → { record, status, challenges, watch }
const results = []; // the last few answers, newest first
let pendingEnrolment; // { server, code } while the enrol card is shown
let rendered = ''; // what the challenge list shows now, so a timer tick does not rebuild it for nothing

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function showError(message) {
  $('app-error').textContent = message;
  $('app-error').hidden = !message;
}

const hostOf = (server) => new URL(server).host;
const accountLabel = (record) => `${record.username} @ ${hostOf(record.server)}`;

function defaultDeviceName() {
  const platform = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || 'browser';
  return `Web authenticator (${platform})`;
}

// ---- rendering -----------------------------------------------------------------------------------------

function renderAccounts() {
  const list = $('accounts');
  list.replaceChildren(...[...accounts.values()].map(({ record, status }) => el('li', { 'data-account': accountLabel(record) },
    el('span', {}, el('strong', {}, record.username), ` @ ${hostOf(record.server)}`),
    el('span', { class: 'status', 'data-status': status }, status),
    el('button', { type: 'button', class: 'secondary', 'data-remove': record.id, onclick: () => removeAccount(record.id) }, 'Remove'))));
  $('no-accounts').hidden = accounts.size > 0;
  $('challenges-section').hidden = accounts.size === 0;
}

function challengeCard(entry, c) {
  const { record } = entry;
  const buttons = el('div', { class: 'symbols' }, ...c.candidates.map((name) => el('button', {
    type: 'button', 'data-symbol': name, 'aria-label': name, onclick: () => decide(entry, c, 'approve', name),
  }, el('span', { class: 'glyph' }, SYMBOLS[name] || '?'), el('span', { class: 'name' }, name))));
  return el('div', { class: 'challenge', 'data-challenge-id': c.id, 'data-account': accountLabel(record) },
    el('strong', {}, `Sign in to ${c.application || c.service}?`),
    el('dl', {},
      el('dt', {}, 'Service'), el('dd', { 'data-field': 'service' }, c.service),
      el('dt', {}, 'Application'), el('dd', { 'data-field': 'application' }, c.application || '(none: a browser sign-in)'),
      el('dt', {}, 'Account'), el('dd', { 'data-field': 'account' }, accountLabel(record)),
      el('dt', {}, 'From IP'), el('dd', { 'data-field': 'ip' }, c.ip),
      el('dt', {}, 'Time'), el('dd', { 'data-field': 'time' }, new Date(c.time).toLocaleString())),
    el('p', {}, 'Tap the symbol your browser shows:'),
    buttons,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', 'data-action': 'deny', onclick: () => decide(entry, c, 'deny') }, 'Deny'),
      el('button', { type: 'button', class: 'danger', 'data-action': 'report', onclick: () => decide(entry, c, 'report') }, "This wasn't me")));
}

function renderChallenges() {
  const now = Date.now();
  const all = [...accounts.values()].flatMap((entry) => entry.challenges
    .filter((c) => Date.parse(c.expiresAt) > now && !entry.answered.has(c.id))
    .map((c) => ({ entry, c })));
  all.sort((a, b) => Date.parse(b.c.time) - Date.parse(a.c.time));
  const shown = JSON.stringify([all.map(({ c }) => c.id), results.map((r) => r.id)]);
  if (shown === rendered) return;
  rendered = shown;
  $('challenges').replaceChildren(...all.map(({ entry, c }) => challengeCard(entry, c)));
  $('no-challenges').hidden = all.length > 0;
  $('results').replaceChildren(...results.map((r) => el('p', { class: 'result', 'data-result': r.outcome, 'data-challenge-id': r.id }, r.text)));
}

const OUTCOME_TEXT = {
  approved: 'Approved.', denied: 'Denied.', wrong_symbol: 'Wrong symbol: the sign-in was denied.',
  reported: 'Reported: the sign-in was blocked and recorded.', not_pending: 'Too late: that request was already answered, replaced or expired.',
};

async function decide(entry, c, decision, symbol) {
  entry.answered.add(c.id);
  renderChallenges();
  let outcome;
  try {
    outcome = await answer(entry.record, c.id, decision, symbol);
  } catch (err) {
    entry.answered.delete(c.id);
    showError(`Could not send the answer: ${err.message}`);
    renderChallenges();
    return;
  }
  showError('');
  results.unshift({ id: c.id, outcome, text: `${accountLabel(entry.record)}: ${OUTCOME_TEXT[outcome] || outcome}` });
  results.length = Math.min(results.length, 5);
  renderChallenges();
}

// ---- accounts ------------------------------------------------------------------------------------------

function startAccount(record) {
  const entry = { record, status: 'connecting', challenges: [], answered: new Set(), watch: undefined };
  accounts.set(record.id, entry);
  entry.watch = watchChallenges(record, {
    onChallenges: (list) => {
      entry.challenges = list;
      renderChallenges();
    },
    onStatus: (status) => {
      entry.status = status;
      renderAccounts();
    },
  });
}

async function removeAccount(id) {
  const entry = accounts.get(id);
  if (!entry || !confirm(`Remove ${accountLabel(entry.record)} from this authenticator? Also remove it on your security page.`)) return;
  entry.watch.stop();
  accounts.delete(id);
  await deleteAccount(id);
  renderAccounts();
  renderChallenges();
}

function showEnrolment(link) {
  pendingEnrolment = link;
  $('enrol-server').textContent = hostOf(link.server);
  $('device-name').value = defaultDeviceName();
  $('enrol').hidden = false;
  $('enrol-button').disabled = false;
}

async function completeEnrolment() {
  const link = pendingEnrolment;
  if (!link) return;
  $('enrol-button').disabled = true;
  try {
    const record = await enrol(link.server, link.code, $('device-name').value.trim() || defaultDeviceName());
    await saveAccount(record);
    pendingEnrolment = undefined;
    $('enrol').hidden = true;
    showError('');
    startAccount(record);
    renderAccounts();
    renderChallenges();
  } catch (err) {
    $('enrol-button').disabled = false;
    showError(err instanceof TypeError
      ? `Could not reach ${hostOf(link.server)}. A web authenticator reaches only https:// servers (or localhost).`
      : `Enrolment refused: ${err.message}`);
  }
}

// ---- start ---------------------------------------------------------------------------------------------

async function main() {
  if (!window.isSecureContext || !window.crypto || !crypto.subtle || !window.indexedDB) return; // #unsupported stays
  $('unsupported').hidden = true;
  $('accounts-section').hidden = false;
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js').catch(() => {});

  // An enrolment link opened this page: the code is in the fragment, which no server ever sees. Take it out
  // of the address bar and the history at once; it is kept in memory until the user confirms.
  if (location.pathname.endsWith('/authenticator/enroll')) {
    const link = parseEnrolmentLink(location.href);
    history.replaceState(null, '', './');
    if (link) showEnrolment(link);
    else if (location.hash) showError('That enrolment link is incomplete. Scan the QR code again or paste the whole link below.');
  }
  $('enrol-button').addEventListener('click', completeEnrolment);
  $('enrol-cancel').addEventListener('click', () => { pendingEnrolment = undefined; $('enrol').hidden = true; });
  $('paste-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const link = parseEnrolmentLink($('enrolment-link').value);
    if (!link) return showError('That is not an enrolment link (it looks like https://HOST/authenticator/enroll#code=…).');
    $('enrolment-link').value = '';
    showError('');
    showEnrolment(link);
  });

  for (const record of await listAccounts()) startAccount(record);
  renderAccounts();
  renderChallenges();
  // Requests expire: take them off the screen when they do.
  setInterval(renderChallenges, 5000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') for (const entry of accounts.values()) entry.watch.reconnectNow();
  });
}

main().catch((err) => showError(`The authenticator could not start: ${err.message}`));
