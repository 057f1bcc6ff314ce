/* Zuofeng's own script. ES5 only: it must run in IE11 and old 360/QQ browsers. Pages work without it. */
(function () {
  'use strict';

  /* htmx from a CDN (HTMX_CDN_URL; base.html puts the addresses on this script's tag; without a
     CDN it loads the local copy itself, before this script). The CDN's copy is asked for only
     once the page has loaded, so a CDN that is slow or out of reach (an intranet proxy that never
     answers) holds up no page: links and forms work as plain ones meanwhile. If it has not come
     within CDN_PATIENCE_MS, or fails (unreachable, or refused by the integrity check), the local
     copy is loaded. Should both arrive, the second is a no-op (htmx keeps an existing window.htmx).
     Loaded after the page, htmx starts at once (document.readyState is "complete"). */
  var CDN_PATIENCE_MS = 1000;
  var scripts = document.getElementsByTagName('script');
  var self = scripts[scripts.length - 1];
  var cdn = self && self.getAttribute('data-htmx-cdn');

  function addScript(src, integrity) {
    var script = document.createElement('script');
    script.src = src;
    if (integrity) {
      script.setAttribute('integrity', integrity);
      script.setAttribute('crossorigin', 'anonymous');
    }
    document.getElementsByTagName('head')[0].appendChild(script);
    return script;
  }

  function loadHtmx() {
    var local = self.getAttribute('data-htmx-local');
    var settled = false;
    function useLocal() {
      if (settled || window.htmx) { return; }
      settled = true;
      addScript(local);
    }
    addScript(cdn, self.getAttribute('data-htmx-integrity')).onerror = useLocal;
    window.setTimeout(useLocal, CDN_PATIENCE_MS);
  }

  if (cdn && !window.htmx) {
    if (document.readyState === 'complete') { loadHtmx(); } else { window.addEventListener('load', loadHtmx); }
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

  /* 自查表 (checklists/fill.html). The details of an item (具体表现, 整改措施, 计划完成日期) show only
     while 是 is chosen; without JavaScript they are always there. While there are changes, the
     draft is saved in the background every few minutes, which also keeps the login alive; when
     the login has ended, the answer brings a fresh CSRF token, so after logging in again in
     another window the page saves and submits as before. */
  function hasClass(el, name) {
    return (' ' + el.className + ' ').indexOf(' ' + name + ' ') >= 0;
  }

  function showDetails(answer) {
    var yes = answer.querySelector('input[type=radio][value=yes]');
    var details = answer.querySelector('.answer-details');
    if (!yes || !details) { return; }
    if (yes.checked) { details.classList.remove('collapsed'); } else { details.classList.add('collapsed'); }
  }

  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el.type !== 'radio' || !/^answer-/.test(el.name)) { return; }
    while (el && el.nodeType === 1 && !(el.tagName === 'LI' && hasClass(el, 'answer'))) { el = el.parentNode; }
    if (el && el.nodeType === 1) { showDetails(el); }
  });

  function renewToken(token) {
    var inputs = document.querySelectorAll('input[name=csrf_token]');
    for (var i = 0; i < inputs.length; i++) { inputs[i].value = token; }
    var page = document.getElementById('page');
    if (page) { page.setAttribute('hx-headers', JSON.stringify({'X-CSRFToken': token})); }
  }

  function autosave(form) {
    var url = form.getAttribute('data-autosave-url');
    if (!url || !window.FormData) { return; }
    var seconds = parseInt(form.getAttribute('data-autosave-seconds'), 10) || 120;
    var status = form.querySelector('.autosave-status');
    var dirty = false, busy = false, stopped = false;
    function changed() { dirty = true; }
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', function () { stopped = true; });

    function save() {
      var xhr = new XMLHttpRequest();
      var token = form.querySelector('input[name=csrf_token]');
      dirty = false;
      busy = true;
      xhr.open('POST', url, true);
      xhr.setRequestHeader('X-CSRFToken', token ? token.value : '');
      xhr.onreadystatechange = function () {
        if (xhr.readyState !== 4) { return; }
        busy = false;
        var version = xhr.getResponseHeader('X-Inspection-Version');
        var fresh = xhr.getResponseHeader('X-CSRF-Token');
        if (version && form.elements.version) { form.elements.version.value = version; }
        if (fresh) { renewToken(fresh); }
        if (xhr.status === 409) {
          stopped = true;
        } else if (xhr.status !== 200) {
          dirty = true; /* try again next time: after logging in again, say */
        }
        if (status) {
          status.innerHTML = xhr.status ? xhr.responseText :
            '<span class="autosave-error">网络错误，暂未自动保存，稍后将再次尝试。</span>';
        }
      };
      xhr.send(new FormData(form));
    }

    var timer = window.setInterval(function () {
      if (!document.body.contains(form)) { window.clearInterval(timer); return; }
      if (dirty && !busy && !stopped) { save(); }
    }, seconds * 1000);
  }

  function initChecklists(root) {
    if (!root || !root.querySelectorAll) { return; }
    var forms = root.querySelectorAll('form.checklist-form');
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (form.zfReady) { continue; }
      form.zfReady = true;
      var answers = form.querySelectorAll('li.answer');
      for (var j = 0; j < answers.length; j++) { showDetails(answers[j]); }
      autosave(form);
    }
  }

  /* Live count of a limited text field (data-maxlength, set by the form-field macro; the label states
     the limit for those without JavaScript). The server refuses longer text with the field named;
     nothing is cut. The count is of characters as the server counts them: a character outside the
     Basic Multilingual Plane (a surrogate pair) counts once. */
  function textLength(text) {
    return text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
  }

  function showCount(field) {
    var counter = field.zfCounter;
    if (!counter) { return; }
    var limit = parseInt(field.getAttribute('data-maxlength'), 10);
    var length = textLength(field.value || '');
    if (length > limit) {
      counter.className = 'char-count over';
      counter.innerHTML = '已输入 ' + length + ' 字，超出 ' + (length - limit) + ' 字（限' + limit + '字）';
    } else {
      counter.className = 'char-count';
      counter.innerHTML = '已输入 ' + length + ' / ' + limit + ' 字';
    }
  }

  function initCounts(root) {
    if (!root || !root.querySelectorAll) { return; }
    var fields = root.querySelectorAll('[data-maxlength]');
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.zfCounter) { continue; }
      var counter = document.createElement('div');
      counter.setAttribute('aria-live', 'polite');
      field.parentNode.insertBefore(counter, field.nextSibling);
      field.zfCounter = counter;
      showCount(field);
    }
  }

  function countEvent(event) {
    if (event.target && event.target.zfCounter) { showCount(event.target); }
  }
  document.addEventListener('input', countEvent);
  document.addEventListener('keyup', countEvent);  /* IE11 misses input on some edits (delete, cut) */
  document.addEventListener('change', countEvent);

  document.addEventListener('DOMContentLoaded', function () { initChecklists(document); initCounts(document); });
  document.addEventListener('htmx:load', function (event) { initChecklists(event.target); initCounts(event.target); });

  /* 责任人 / 责任领导 (ledger/_item_fields.html): a box above a long select[data-filter] narrows it by
     name or unit (an option's text, its optgroup's label, its data-search). IE11 cannot hide an
     <option>, so the matching ones are put back into their groups instead; the select is still
     what posts, and without JavaScript it is simply the whole list. Choosing a 责任单位 whose
     option names a data-leader proposes that 分管 leader as 责任领导. */
  function trim(text) { return text.replace(/^\s+|\s+$/g, ''); }

  function filterable(select) {
    var entries = [], blank = null, children = select.children;
    for (var i = 0; i < children.length; i++) {
      var child = children[i];
      if (child.tagName === 'OPTGROUP') {
        var options = [];
        for (var j = 0; j < child.children.length; j++) { options.push(child.children[j]); }
        entries.push({group: child, options: options});
      } else if (child.value === '0' || child.value === '') {
        blank = child;
      } else {
        entries.push({group: null, options: [child]});
      }
    }
    var box = document.createElement('input');
    box.type = 'text';
    box.className = 'select-filter';
    box.setAttribute('placeholder', select.getAttribute('data-filter'));
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    box.setAttribute('aria-label', '筛选' + (label ? trim(label.innerText || label.textContent) : ''));
    select.parentNode.insertBefore(box, select);

    function matches(option, group, words) {
      var text = option.text + ' ' + (group ? group.label : '') + ' ' + (option.getAttribute('data-search') || '');
      return text.indexOf(words) >= 0;
    }

    function apply() {
      var words = trim(box.value), chosen = select.value, first = null;
      while (select.firstChild) { select.removeChild(select.firstChild); }
      if (blank) { select.appendChild(blank); }
      for (var i = 0; i < entries.length; i++) {
        var entry = entries[i], parent = entry.group || select, shown = 0;
        if (entry.group) { while (entry.group.firstChild) { entry.group.removeChild(entry.group.firstChild); } }
        for (var j = 0; j < entry.options.length; j++) {
          if (!words || matches(entry.options[j], entry.group, words)) {
            parent.appendChild(entry.options[j]);
            first = first || entry.options[j];
            shown++;
          }
        }
        if (entry.group && shown) { select.appendChild(entry.group); }
      }
      select.value = chosen;
      /* the chosen one filtered away, or nobody chosen yet: the first that matches */
      var none = blank && chosen === blank.value;
      if (select.value !== chosen || (words && first && none)) {
        select.value = first ? first.value : (blank ? blank.value : '');
      }
    }
    box.addEventListener('input', apply);
    box.addEventListener('keyup', apply); /* IE11 misses some input events (IME, delete) */
    select.zfFilter = function () { if (box.value) { box.value = ''; apply(); } };
  }

  function proposeLeader(unitSelect) {
    var form = unitSelect.form;
    var leader = form && form.elements.leader_id;
    var option = unitSelect.options[unitSelect.selectedIndex];
    var id = option && option.getAttribute('data-leader');
    if (!leader || !id) { return; }
    if (leader.zfFilter) { leader.zfFilter(); }
    leader.value = id;
  }

  function initChoosers(root) {
    if (!root || !root.querySelectorAll) { return; }
    var selects = root.querySelectorAll('select[data-filter]');
    for (var i = 0; i < selects.length; i++) {
      if (selects[i].zfReady) { continue; }
      selects[i].zfReady = true;
      filterable(selects[i]);
    }
  }

  document.addEventListener('change', function (event) {
    if (event.target.name === 'unit_id' && event.target.tagName === 'SELECT') { proposeLeader(event.target); }
  });
  document.addEventListener('DOMContentLoaded', function () { initChoosers(document); });
  document.addEventListener('htmx:load', function (event) { initChoosers(event.target); });
})();
