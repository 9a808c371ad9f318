// Rechamadas dashboard: sorting, filtering and the period/operator selector. No framework, no network.
(function () {
  'use strict';

  // Period/operator selector: pages are pre-rendered at p/<period>/<operator>/<page>, relative to the root.
  function initSelector(form) {
    var period = form.querySelector('[data-select="period"]');
    var operator = form.querySelector('[data-select="operator"]');
    if (form.hasAttribute('data-local')) {
      var apply = function () { filterByPeriod(period.options[period.selectedIndex]); followPeriod(period.value); };
      var fromHash = function () {
        var linked = /[#&]periodo=([^&]+)/.exec(location.hash);
        if (linked) { period.value = decodeURIComponent(linked[1]); }
        apply();
      };
      period.addEventListener('change', function () { history.replaceState(null, '', '#periodo=' + encodeURIComponent(period.value)); apply(); });
      // A link to another period of the same page changes only the hash.
      window.addEventListener('hashchange', fromHash);
      fromHash();
      return;
    }
    var go = function () {
      var target = form.getAttribute('data-root') + 'p/' + encodeURIComponent(period.value) + '/' +
        encodeURIComponent(operator ? operator.value : 'todas') + '/' + form.getAttribute('data-page');
      location.href = target;
    };
    // A choice made with the mouse goes at once; the arrow keys only move through the options, and
    // "Mostrar" goes: a keyboard user is not taken to another page at each key (WCAG 3.2.2).
    [period, operator].forEach(function (select) {
      if (!select) { return; }
      var browsing = false;
      select.addEventListener('keydown', function (event) { if (event.key !== 'Tab') { browsing = true; } });
      select.addEventListener('mousedown', function () { browsing = false; });
      select.addEventListener('change', function () { if (!browsing) { go(); } });
    });
    form.addEventListener('submit', function (event) { event.preventDefault(); go(); });
  }

  // The page links lead to the period chosen here, so that going on to "Atendentes" keeps it.
  function followPeriod(id) {
    document.querySelectorAll('header nav a').forEach(function (link) {
      link.setAttribute('href', link.getAttribute('href').replace(/(^|\/)p\/[^/]+\//, '$1p/' + encodeURIComponent(id) + '/'));
    });
  }

  // Agent pages: one page lists every period; show only rows of the chosen one.
  function filterByPeriod(option) {
    var from = option.getAttribute('data-from');
    var to = option.getAttribute('data-to');
    document.querySelectorAll('tr[data-period]').forEach(function (row) {
      row.hidden = row.getAttribute('data-period') !== option.value;
    });
    document.querySelectorAll('tr[data-date]').forEach(function (row) {
      var date = row.getAttribute('data-date');
      row.hidden = date < from || date > to;
    });
    document.querySelectorAll('[data-period-label]').forEach(function (el) { el.textContent = option.textContent; });
    // A list that keeps only the latest rows may have none in an older period: say so.
    document.querySelectorAll('[data-period-empty]').forEach(function (note) {
      var table = document.getElementById(note.getAttribute('data-period-empty'));
      note.hidden = table.querySelector('tr[data-date]:not([hidden])') !== null;
    });
  }

  function compare(kind, a, b) {
    if (kind === 'text' || kind === 'date') { return a.localeCompare(b, 'pt-BR'); }
    var x = a === '' ? -Infinity : Number(a);
    var y = b === '' ? -Infinity : Number(b);
    return x - y;
  }

  // A cell carries data-v only when what it shows is not what it sorts by (numbers, dates, blanks).
  function sortKey(cell) {
    return cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent;
  }

  function initSortable(table) {
    var headers = table.querySelectorAll('thead th');
    headers.forEach(function (th, index) {
      var button = th.querySelector('button');
      if (!button) { return; }
      button.addEventListener('click', function () {
        var descending = th.getAttribute('aria-sort') === 'ascending';
        headers.forEach(function (other) { if (other.querySelector('button')) { other.setAttribute('aria-sort', 'none'); } });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var kind = button.getAttribute('data-kind');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var result = compare(kind, sortKey(r1.cells[index]), sortKey(r2.cells[index]));
          return descending ? -result : result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  // Searches ignore case and accents: people type "jessica" for Jéssica.
  function folded(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLocaleLowerCase('pt-BR');
  }

  // Text filter, facet selects and "flagged only" combine; rows hidden by the period switch stay hidden.
  function applyFilters(table) {
    var text = document.querySelector('[data-filter-for="' + table.id + '"]');
    var needle = text ? folded(text.value.trim()) : '';
    var facets = document.querySelectorAll('[data-facet-for="' + table.id + '"]');
    var flag = document.querySelector('[data-flag-for="' + table.id + '"]');
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      // Only the data cells: an episode timeline mentions other protocols and must not match.
      var text = Array.prototype.map.call(row.querySelectorAll('td:not(.episode)'), function (cell) { return cell.textContent; }).join(' ');
      var visible = !needle || folded(text).indexOf(needle) !== -1;
      facets.forEach(function (facet) {
        if (facet.value && row.getAttribute('data-' + facet.getAttribute('data-facet')) !== facet.value) { visible = false; }
      });
      if (flag && flag.checked && row.getAttribute('data-flagged') !== '1') { visible = false; }
      row.classList.toggle('filtered-out', !visible);
    });
  }

  function initFilters(table) {
    var controls = document.querySelectorAll('[data-filter-for="' + table.id + '"], [data-facet-for="' + table.id + '"], [data-flag-for="' + table.id + '"]');
    controls.forEach(function (control) {
      control.addEventListener(control.tagName === 'INPUT' && control.type === 'search' ? 'input' : 'change', function () { applyFilters(table); });
    });
  }

  // Back and Forward restore a page with its controls as they were left, the browser refilling
  // them: the period and operator selects go back to this page's own, and the filters are applied.
  function showRestored() {
    document.querySelectorAll('form[data-selector]:not([data-local]) select').forEach(function (select) {
      Array.prototype.forEach.call(select.options, function (option) { if (option.defaultSelected) { select.value = option.value; } });
    });
    document.querySelectorAll('table[data-sortable]').forEach(applyFilters);
  }

  document.querySelectorAll('form[data-selector]').forEach(initSelector);
  document.querySelectorAll('table[data-sortable]').forEach(function (table) { initSortable(table); initFilters(table); });
  window.addEventListener('pageshow', showRestored);
}());
