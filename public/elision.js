/*
 * Elision's one script, loaded deferred on every page. Pages work without it; it adds:
 *  - linked highlighting: hovering or focusing a run with data-link highlights it and
 *    its counterpart on the other side, and scrolls the counterpart into view;
 *  - keyboard: n/j and p/k move focus to the next/previous difference ([data-diff],
 *    numbered per comparison), ? shows the shortcuts, Esc hides them;
 *  - connecting lines between each fragment's badge in the quotation and in the source.
 * No framework, no inline styles (the page's CSP forbids them): lines are SVG attributes.
 */
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');

  // ---------- linked highlighting ----------

  var linked = [];

  function clearLinked() {
    linked.forEach(function (el) { el.classList.remove('linked'); });
    linked = [];
    document.querySelectorAll('.connectors .active').forEach(function (line) { line.classList.remove('active'); });
  }

  function isInViewport(el) {
    var rect = el.getBoundingClientRect();
    return rect.bottom > 0 && rect.top < window.innerHeight && rect.right > 0 && rect.left < window.innerWidth;
  }

  function linkFrom(el, scroll) {
    var targetId = el.getAttribute('data-link');
    if (!targetId) return;
    var counterpart = document.getElementById(targetId);
    clearLinked();
    el.classList.add('linked');
    linked.push(el);
    if (counterpart) {
      counterpart.classList.add('linked');
      linked.push(counterpart);
      if (scroll && !isInViewport(counterpart)) counterpart.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
    var fragment = el.getAttribute('data-fragment') || (counterpart && counterpart.getAttribute('data-fragment'));
    var comparison = el.closest('[data-comparison]');
    if (fragment && comparison) {
      comparison.querySelectorAll('.connectors [data-fragment="' + fragment + '"]').forEach(function (line) { line.classList.add('active'); });
    }
  }

  document.addEventListener('mouseover', function (event) {
    var el = event.target instanceof Element ? event.target.closest('[data-link]') : null;
    if (el && el.getAttribute('data-link')) linkFrom(el, true);
  });
  document.addEventListener('mouseout', function (event) {
    var el = event.target instanceof Element ? event.target.closest('[data-link]') : null;
    if (el && linked.indexOf(el) >= 0 && document.activeElement !== el) clearLinked();
  });
  document.addEventListener('focusin', function (event) {
    var el = event.target instanceof Element ? event.target.closest('[data-link]') : null;
    if (el && el.getAttribute('data-link')) linkFrom(el, true);
  });
  document.addEventListener('focusout', function () { clearLinked(); });

  // ---------- keyboard navigation ----------

  /** Every difference on the page, in reading order: per comparison by number, comparisons in page order. */
  function differences() {
    var list = [];
    var containers = document.querySelectorAll('[data-comparison]');
    if (containers.length === 0) containers = [document.body];
    Array.prototype.forEach.call(containers, function (container) {
      var own = Array.prototype.slice.call(container.querySelectorAll('[data-diff]'));
      own.sort(function (a, b) { return Number(a.getAttribute('data-diff')) - Number(b.getAttribute('data-diff')); });
      list = list.concat(own);
    });
    return list;
  }

  function moveTo(step) {
    var list = differences();
    if (list.length === 0) return;
    var current = list.indexOf(document.activeElement);
    if (current < 0) current = list.indexOf(document.querySelector('[data-diff].current'));
    var next = current < 0 ? (step > 0 ? 0 : list.length - 1) : (current + step + list.length) % list.length;
    list.forEach(function (el) { el.classList.remove('current'); });
    var target = list[next];
    target.classList.add('current');
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }

  var shortcuts = document.getElementById('shortcuts');
  var returnFocus = null;

  function toggleShortcuts(open) {
    if (!shortcuts) return;
    var willOpen = open === undefined ? !shortcuts.classList.contains('open') : open;
    if (willOpen) {
      returnFocus = document.activeElement;
      shortcuts.classList.add('open');
      shortcuts.setAttribute('role', 'dialog');
      shortcuts.focus();
    } else {
      shortcuts.classList.remove('open');
      shortcuts.removeAttribute('role');
      if (returnFocus && returnFocus.focus) returnFocus.focus();
    }
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target instanceof Element && target.closest('input, textarea, select, [contenteditable="true"]')) return;
    switch (event.key) {
      case 'n': case 'j': moveTo(1); break;
      case 'p': case 'k': moveTo(-1); break;
      case '?': toggleShortcuts(); break;
      case 'Escape': toggleShortcuts(false); break;
      default: return;
    }
    event.preventDefault();
  });

  // ---------- connecting lines ----------

  var SVG = 'http://www.w3.org/2000/svg';

  function drawConnectors() {
    document.querySelectorAll('.columns').forEach(function (columns) {
      var svg = columns.querySelector(':scope > .connectors');
      var quoteColumn = columns.querySelector('.quote-column');
      var sourceColumn = columns.querySelector('.source-column');
      if (!svg || !quoteColumn || !sourceColumn) return;
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var box = columns.getBoundingClientRect();
      var quoteBox = quoteColumn.getBoundingClientRect();
      var sourceBox = sourceColumn.getBoundingClientRect();
      // Stacked on a phone: lines would cross the text; the numbered badges suffice.
      if (sourceBox.left < quoteBox.right) return;
      var badges = quoteColumn.querySelectorAll('a.badge');
      if (badges.length > 200) return;
      svg.setAttribute('viewBox', '0 0 ' + box.width + ' ' + box.height);
      badges.forEach(function (badge) {
        var other = document.getElementById(badge.getAttribute('data-link') || '');
        if (!other) return;
        var a = badge.getBoundingClientRect();
        var b = other.getBoundingClientRect();
        // From the quotation column's edge to the source column's: never across the text.
        var x1 = quoteBox.right - box.left + 2;
        var y1 = a.top + a.height / 2 - box.top;
        var x2 = sourceBox.left - box.left - 2;
        var y2 = b.top + b.height / 2 - box.top;
        var path = document.createElementNS(SVG, 'path');
        var mid = (x1 + x2) / 2;
        path.setAttribute('d', 'M' + x1 + ' ' + y1 + ' C' + mid + ' ' + y1 + ' ' + mid + ' ' + y2 + ' ' + x2 + ' ' + y2);
        path.setAttribute('data-fragment', badge.textContent.replace(/\D/g, ''));
        svg.appendChild(path);
      });
    });
  }

  var pending = 0;
  function scheduleDraw() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () { pending = 0; drawConnectors(); });
  }
  window.addEventListener('resize', scheduleDraw);
  // The quotation column is sticky, so its badges move against the source's on scroll.
  window.addEventListener('scroll', scheduleDraw, { passive: true });
  window.addEventListener('load', scheduleDraw);
  document.addEventListener('toggle', scheduleDraw, true);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(scheduleDraw);
  scheduleDraw();
})();
