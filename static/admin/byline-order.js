'use strict';
// Bylines are ordered by their rows: drag a row by its handle, or use its ↑ ↓ buttons.
// Each row's hidden position is set from its place whenever the order changes and just
// before the form is sent, so a position is never typed (the server numbers rows that
// come without one).
(function () {
  const GROUP = '#bylines-group';

  function rows(group) {
    return Array.from(group.querySelectorAll('tbody tr.form-row')).filter(
      (row) => !row.classList.contains('empty-form') && row.querySelector('[data-byline-position]')
    );
  }

  function renumber(group) {
    rows(group).forEach((row, index) => {
      row.querySelector('[data-byline-position]').value = index;
    });
  }

  function move(group, row, step) {
    const all = rows(group);
    const index = all.indexOf(row);
    const other = all[index + step];
    if (!other) return;
    if (step < 0) other.before(row);
    else other.after(row);
    renumber(group);
  }

  let dragged = null;

  function addControls(group, row) {
    if (row.classList.contains('empty-form') || row.querySelector('.byline-move')) return;
    const cell = row.querySelector('td.original') || row.cells[0];
    if (!cell) return;
    const controls = document.createElement('span');
    controls.className = 'byline-move';
    const handle = document.createElement('span');
    handle.className = 'byline-handle';
    handle.textContent = '⠿';
    handle.title = 'Drag to reorder';
    handle.draggable = true;
    handle.addEventListener('dragstart', (event) => {
      dragged = row;
      row.classList.add('byline-dragging');
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', '');
    });
    handle.addEventListener('dragend', () => {
      row.classList.remove('byline-dragging');
      dragged = null;
      renumber(group);
    });
    controls.append(handle);
    [['↑', -1, 'Move up'], ['↓', 1, 'Move down']].forEach(([text, step, label]) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = text;
      button.title = label;
      button.setAttribute('aria-label', label);
      button.className = step < 0 ? 'byline-up' : 'byline-down';
      button.addEventListener('click', () => move(group, row, step));
      controls.append(button);
    });
    cell.prepend(controls);
    row.addEventListener('dragover', (event) => {
      if (!dragged || dragged === row) return;
      event.preventDefault();
      const box = row.getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) row.before(dragged);
      else row.after(dragged);
    });
    row.addEventListener('drop', (event) => {
      event.preventDefault();
      renumber(group);
    });
  }

  function setUp() {
    const group = document.querySelector(GROUP);
    if (!group) return;
    rows(group).forEach((row) => addControls(group, row));
    const heading = group.querySelector('h2');
    if (heading && rows(group).length) {
      const hint = document.createElement('p');
      hint.className = 'help byline-hint';
      hint.textContent = 'Drag a row by ⠿, or use ↑ ↓, to set the order readers see.';
      heading.after(hint);
    }
    renumber(group);
    document.addEventListener('formset:added', (event) => {
      if (event.detail && event.detail.formsetName !== 'bylines') return;
      addControls(group, event.target);
      renumber(group);
    });
    document.addEventListener('formset:removed', () => renumber(group));
    const form = group.closest('form');
    if (form) form.addEventListener('submit', () => renumber(group));
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();
})();
