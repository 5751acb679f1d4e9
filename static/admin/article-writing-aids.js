'use strict';
// Writing aids on the article form: a character count against the limit search engines
// and social cards show (fields marked data-counter-limit), and the body's word count
// with its reading time.
(function () {
  const WORDS_PER_MINUTE = 230; // an adult's average silent reading speed for prose

  function counter(input) {
    const limit = Number(input.dataset.counterLimit);
    const out = document.createElement('span');
    out.className = 'char-counter';
    out.setAttribute('aria-live', 'polite');
    const update = () => {
      const used = input.value.length;
      out.textContent = `${used} / ${limit}`;
      out.classList.toggle('char-counter--over', used > limit);
      out.title = used > limit ? `Over ${limit}: search results and cards cut it off` : '';
    };
    input.addEventListener('input', update);
    input.after(out);
    update();
  }

  function bodyText(textarea) {
    const row = textarea.closest('.form-row') || textarea.parentElement;
    const editor = row.querySelector('[contenteditable="true"]');
    if (editor) return editor.textContent;
    const scratch = document.createElement('div');
    scratch.innerHTML = textarea.value;
    return scratch.textContent;
  }

  function wordCount(textarea) {
    const out = document.createElement('p');
    out.className = 'help body-stats';
    out.setAttribute('aria-live', 'polite');
    const update = () => {
      const words = (bodyText(textarea).match(/\S+/g) || []).length;
      const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE));
      out.textContent = `${words} word${words === 1 ? '' : 's'} · ${minutes} min read`;
    };
    const row = textarea.closest('.form-row') || textarea.parentElement;
    row.append(out);
    document.addEventListener('input', update);
    document.addEventListener('keyup', update);
    textarea.addEventListener('prose-editor:ready', update);
    setTimeout(update, 500); // after the editor has drawn the body
    update();
  }

  function setUp() {
    document.querySelectorAll('[data-counter-limit]').forEach(counter);
    const body = document.querySelector('textarea[name="body"]');
    if (body) wordCount(body);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();
})();
