/* Zuofeng's own script. ES5 only: it must run in IE11 and old 360/QQ browsers. Pages work without it. */
(function () {
  'use strict';

  /* htmx comes from the CDN when reachable; on an intranet without internet, load the local copy.
     document.write keeps the order: htmx is ready before the page body is parsed. */
  if (!window.htmx) {
    var scripts = document.getElementsByTagName('script');
    var self = scripts[scripts.length - 1];
    var local = self && self.getAttribute('data-htmx-local');
    if (local) {
      document.write('<script src="' + local + '"><\/script>');
    }
  }

  /* htmx 1.9 does not swap error responses. Our 409 (someone else acted first) and 422 (invalid
     input) answers are fragments meant to replace the control, so let them in. Other errors
     show their message above the page content. */
  document.addEventListener('htmx:beforeSwap', function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status >= 400) {
      showError(errorMessage(event.detail.xhr));
    }
  });

  document.addEventListener('htmx:sendError', function () {
    showError('<div class="error-message" role="alert"><strong>网络错误</strong>：无法连接服务器，请检查网络后重试。</div>');
  });

  /* An htmx request gets the error as a small fragment, but a boosted one (is_htmx() is false) gets
     the whole error page: show only its message, never a page inside the page. The response is
     parsed in an inert document, so nothing in it loads or runs. */
  function errorMessage(xhr) {
    var doc = document.implementation.createHTMLDocument('');
    doc.body.innerHTML = xhr.responseText || '';
    var message = doc.querySelector('.error-message');
    if (message) { return message.outerHTML; }
    return '<div class="error-message" role="alert"><strong>请求失败</strong>（' + xhr.status +
      '）：请刷新页面后重试；如仍有问题，请联系专项办。</div>';
  }

  function showError(html) {
    var main = document.getElementById('main');
    if (!main) { return; }
    var box = document.getElementById('htmx-error');
    if (!box) {
      box = document.createElement('div');
      box.id = 'htmx-error';
      box.className = 'flash flash-error';
      main.insertBefore(box, main.firstChild);
    }
    box.innerHTML = html;
  }
})();
