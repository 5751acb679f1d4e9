// The article list's author filter: choosing a name in the autocomplete box lists that
// author's articles (from the first page); clearing the box lists everyone's again.
"use strict";
{
  const $ = django.jQuery;
  $(function () {
    // Select2 announces a choice with a jQuery "change" event on the <select>.
    $("select[data-author-filter]").on("change", function () {
      const url = new URL(window.location.href);
      const parameter = this.dataset.authorFilter;
      url.searchParams.delete("p");
      if (this.value) {
        url.searchParams.set(parameter, this.value);
      } else {
        url.searchParams.delete(parameter);
      }
      window.location.assign(url.toString());
    });
  });
}
