// Runs the passkey ceremonies on the sign-in page (#passkey-login) and on the security page
// (#add-passkey-form): asks the server for options, lets SimpleWebAuthnBrowser (loaded just before this file)
// talk to the authenticator, sends the answer back, then goes where the server says. Every refusal's message
// is shown in the page; nothing is built from HTML strings.
(function () {
  'use strict';
  var lib = window.SimpleWebAuthnBrowser;

  function show(el, message) {
    el.textContent = message;
    el.hidden = false;
  }

  /** POST JSON with the session's CSRF token; resolves to { ok, data } whatever the status. */
  function postJson(url, csrf, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        return { ok: res.ok, data: data || {} };
      });
    });
  }

  /** What the browser or authenticator said when the ceremony did not finish. */
  function browserMessage(err) {
    var name = err && err.name;
    // Browsers say only NotAllowedError for a cancel, a timeout and a failed PIN or fingerprint (privacy).
    if (name === 'NotAllowedError') return 'The passkey request was cancelled, timed out, or your device could not confirm it is you. Try again.';
    if (name === 'InvalidStateError') return 'This passkey is already registered on your account.';
    if (name === 'SecurityError') return 'Passkeys work only on the address Tessera is set up for, over HTTPS (or on localhost).';
    return 'Your browser could not use a passkey' + (err && err.message ? ': ' + err.message : '.');
  }

  /** Server refusal: show its message; when it names somewhere to go (sign in again), offer the link. */
  function refused(errorEl, data) {
    show(errorEl, data.message || 'The passkey was refused.');
    if (data.redirect) {
      var link = document.createElement('a');
      link.href = data.redirect;
      link.textContent = ' Continue';
      link.id = 'passkey-continue';
      errorEl.appendChild(link);
    }
  }

  /**
   * One ceremony: options → authenticator → answer. `run` calls the authenticator with the options; `answer`
   * builds the body of the final POST from its result.
   */
  function ceremony(opts) {
    opts.errorEl.hidden = true;
    opts.button.disabled = true;
    var done = function () { opts.button.disabled = false; };
    return postJson(opts.optionsUrl, opts.csrf, { next: opts.next }).then(function (options) {
      if (!options.ok) {
        // A stale step-up or an ended session: go straight there, the page explains.
        if (options.data.redirect && options.data.error === 'step_up_required') return window.location.assign(options.data.redirect);
        return refused(opts.errorEl, options.data);
      }
      return opts.run(options.data).then(function (result) {
        return postJson(opts.answerUrl, opts.csrf, opts.answer(result)).then(function (answer) {
          if (answer.ok && answer.data.redirect) return window.location.assign(answer.data.redirect);
          return refused(opts.errorEl, answer.data);
        });
      }, function (err) {
        show(opts.errorEl, browserMessage(err));
      });
    }).catch(function () {
      show(opts.errorEl, 'Tessera could not be reached. Check your connection and try again.');
    }).then(done);
  }

  function unsupported(errorEl) {
    if (lib && lib.browserSupportsWebAuthn()) return false;
    show(errorEl, 'This browser does not support passkeys (WebAuthn), or the page is not on HTTPS.');
    return true;
  }

  var login = document.getElementById('passkey-login');
  if (login) {
    var loginError = document.getElementById('passkey-error');
    var useButton = document.getElementById('use-passkey');
    useButton.addEventListener('click', function () {
      if (unsupported(loginError)) return;
      var next = login.getAttribute('data-next') || '/';
      ceremony({
        button: useButton, errorEl: loginError, csrf: login.getAttribute('data-csrf'), next: next,
        optionsUrl: '/login/passkey/options', answerUrl: '/login/passkey',
        run: function (options) { return lib.startAuthentication({ optionsJSON: options }); },
        answer: function (response) { return { response: response, next: next }; },
      });
    });
  }

  var form = document.getElementById('add-passkey-form');
  if (form) {
    var addError = document.getElementById('passkey-error');
    var addButton = document.getElementById('add-passkey');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (unsupported(addError)) return;
      var next = new URLSearchParams(window.location.search).get('next') || '/';
      var name = document.getElementById('passkey-name').value;
      ceremony({
        button: addButton, errorEl: addError, csrf: form.getAttribute('data-csrf'), next: next,
        optionsUrl: '/secure/security/passkeys/options', answerUrl: '/secure/security/passkeys',
        run: function (options) { return lib.startRegistration({ optionsJSON: options }); },
        answer: function (response) { return { response: response, name: name, next: next }; },
      });
    });
  }
})();
