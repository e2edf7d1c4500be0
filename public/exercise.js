/*
 * Teaching mode in the browser. The exercise works without this script (each step is a
 * plain link); with it:
 *  - answers are kept in localStorage as the student types (never sent anywhere), and
 *    can be downloaded as a text file or cleared;
 *  - the next step is fetched and revealed in place: → or Space for the next step, ←
 *    for the previous one (not while typing), the links do the same, Back/Forward work;
 *  - projector mode toggles in place; print buttons on the sheets.
 * Each step's HTML comes from the server, so a step never holds more than it reveals.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  // ---------- answers in localStorage ----------

  function storage() {
    try {
      var probe = '__elision_probe__';
      window.localStorage.setItem(probe, '1');
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage disabled: the boxes still work, they just forget
    }
  }

  function answerBoxes(root) {
    return Array.prototype.slice.call(root.querySelectorAll('textarea[data-answer]'));
  }

  function setUpAnswers(root) {
    var store = storage();
    var prefix = root.getAttribute('data-storage-prefix');
    if (!store || !prefix) return;
    answerBoxes(root).forEach(function (box) {
      var key = prefix + box.getAttribute('data-answer');
      var saved = store.getItem(key);
      if (saved !== null) box.value = saved;
      box.addEventListener('input', function () {
        if (box.value === '') store.removeItem(key);
        else store.setItem(key, box.value);
      });
    });
    var download = root.querySelector('[data-download-answers]');
    var clear = root.querySelector('[data-clear-answers]');
    if (download) {
      download.hidden = false;
      download.addEventListener('click', function () { downloadAnswers(root); });
    }
    if (clear) {
      clear.hidden = false;
      clear.addEventListener('click', function () {
        if (!window.confirm('Clear your answers for this quotation from this browser?')) return;
        answerBoxes(root).forEach(function (box) {
          store.removeItem(prefix + box.getAttribute('data-answer'));
          box.value = '';
        });
      });
    }
  }

  function downloadAnswers(root) {
    var title = root.querySelector('h1');
    var quote = root.querySelector('.x-quote-text');
    var lines = [title ? title.textContent.trim() : 'Exercise', ''];
    if (quote) lines.push('The quotation:', quote.textContent.trim(), '');
    answerBoxes(root).forEach(function (box) {
      var label = root.querySelector('label[for="' + box.id + '"]');
      lines.push(label ? label.textContent.trim() : box.getAttribute('data-answer'));
      lines.push(box.value.trim() || '(no answer)', '');
    });
    var blob = new Blob([lines.join('\n')], { type: 'text/plain;charset=utf-8' });
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'my-answers.txt';
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  // ---------- steps revealed in place ----------

  function current() {
    return document.getElementById('exercise');
  }

  function sameOrigin(href) {
    try {
      return new URL(href, window.location.href).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  var loading = false;

  function go(href, push) {
    if (loading || !href || !sameOrigin(href)) return;
    loading = true;
    fetch(href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var next = doc.getElementById('exercise');
        var old = current();
        if (!next || !old) throw new Error('no exercise in the answer');
        var main = document.querySelector('main');
        var nextMain = doc.querySelector('main');
        if (main && nextMain) main.className = nextMain.className;
        document.title = doc.title;
        var adopted = document.importNode(next, true);
        old.parentNode.replaceChild(adopted, old);
        if (push) window.history.pushState({ exercise: true }, '', href);
        setUp(adopted);
        var heading = adopted.querySelector('#x-step-heading');
        if (heading) {
          heading.setAttribute('tabindex', '-1');
          heading.focus({ preventScroll: true });
          heading.scrollIntoView({ block: 'start' });
        }
      })
      .catch(function () {
        window.location.href = href; // the plain link always works
      })
      .then(function () { loading = false; });
  }

  function setUp(root) {
    setUpAnswers(root);
    root.addEventListener('click', function (event) {
      var link = event.target.closest('a[data-step-link], .x-steps a, .x-quotations a, a[data-projector-toggle]');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      go(link.href, true);
    });
  }

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest('textarea, input, select, [contenteditable="true"]'));
  }

  document.addEventListener('keydown', function (event) {
    var root = current();
    if (!root || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    var key = event.key;
    if (key === 'ArrowRight' || key === ' ' || key === 'Spacebar') {
      // Space on a focused link or button keeps its own meaning.
      if ((key === ' ' || key === 'Spacebar') && event.target.closest && event.target.closest('a, button, summary')) return;
      var next = root.getAttribute('data-next');
      if (next) {
        event.preventDefault();
        go(next, true);
      }
    } else if (key === 'ArrowLeft') {
      var previous = root.getAttribute('data-previous');
      if (previous) {
        event.preventDefault();
        go(previous, true);
      }
    }
  });

  window.addEventListener('popstate', function () {
    if (current()) go(window.location.href, false);
  });

  // ---------- printable sheets ----------

  function setUpPrintButtons() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (button) {
      button.hidden = false;
      button.addEventListener('click', function () { window.print(); });
    });
  }

  function start() {
    var root = current();
    if (root) setUp(root);
    setUpPrintButtons();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
