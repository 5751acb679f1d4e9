// The front page's pins: drag and drop between and within the two lists (or the
// buttons), keeping the hidden "order" field in step. Plain DOM, no framework.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    const pinned = document.getElementById("desk-pinned");
    const candidates = document.getElementById("desk-candidates");
    const order = document.getElementById("desk-order");
    if (!pinned || !candidates || !order) return;
    let dragged = null;

    function sync() {
      const ids = Array.from(pinned.children).map(function (li) { return li.dataset.id; });
      order.value = ids.join(",");
      Array.from(pinned.children).forEach(function (li) { li.classList.add("pinned"); });
      Array.from(candidates.children).forEach(function (li) { li.classList.remove("pinned"); });
      document.querySelectorAll(".desk-pins li").forEach(function (li) {
        const isPinned = li.parentElement === pinned;
        li.querySelector(".desk-pin").hidden = isPinned;
        li.querySelector(".desk-up").hidden = !isPinned;
        li.querySelector(".desk-unpin").hidden = !isPinned;
      });
    }

    // The item the pointer is above the middle of, in ``list``: the drop goes before it.
    function itemAfter(list, y) {
      const items = Array.from(list.children).filter(function (li) { return li !== dragged; });
      return items.find(function (li) {
        const box = li.getBoundingClientRect();
        return y < box.top + box.height / 2;
      }) || null;
    }

    document.querySelectorAll(".desk-pins").forEach(function (list) {
      list.addEventListener("dragstart", function (event) {
        dragged = event.target.closest("li");
        if (!dragged) return;
        dragged.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", dragged.dataset.id);
      });
      list.addEventListener("dragend", function () {
        if (dragged) dragged.classList.remove("dragging");
        dragged = null;
        sync();
      });
      list.addEventListener("dragover", function (event) {
        if (!dragged) return;
        event.preventDefault();
        list.insertBefore(dragged, itemAfter(list, event.clientY));
      });
      list.addEventListener("drop", function (event) {
        event.preventDefault();
        sync();
      });
      list.addEventListener("click", function (event) {
        const button = event.target.closest("button");
        if (!button) return;
        const li = button.closest("li");
        if (button.classList.contains("desk-pin")) pinned.appendChild(li);
        else if (button.classList.contains("desk-unpin")) candidates.prepend(li);
        else if (button.classList.contains("desk-up") && li.previousElementSibling) {
          pinned.insertBefore(li, li.previousElementSibling);
        }
        sync();
      });
    });
    sync();
  });
})();
