// The Web Share API's button, shown only where the browser has it; the plain links
// beside it work everywhere.
document.querySelectorAll("[data-share-url]").forEach(function (button) {
  if (!navigator.share) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl }).catch(function () {});
  });
});
