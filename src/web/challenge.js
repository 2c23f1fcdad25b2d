// Enhances the push challenge page: waits on a server-sent event stream and continues as soon as the
// authenticator has answered. Without JavaScript the Continue button does the same.
(function () {
  var form = document.getElementById('challenge-form');
  if (!form || !window.EventSource) return;
  var source = new EventSource('/login/challenge/events');
  source.addEventListener('decided', function () {
    source.close();
    form.submit();
  });
  source.onerror = function () {
    // The browser reconnects by itself; nothing else to do.
  };
})();
