// Photo fields of an admin form (an article's lead photo): a chooser that shows each
// photo's thumbnail, and "Upload a new photo" beside it, which opens the same upload
// dialog as the body editor and chooses the new photo.
//
// Loaded as <script type="module" data-photo-fields="lead_photo" data-upload-url="…"
// data-autocomplete-url="…" data-picker-url="…">; the fields are Django's autocomplete
// selects, whose results come from the library's own autocomplete view (the admin's,
// with a thumbnail in each result).
import { element, uploadPhoto } from "./photo-upload.js"

const config = document.querySelector("script[data-photo-fields]")?.dataset
const $ = window.django?.jQuery

// A select2 result or selection: the thumbnail (when known) and the label.
function withThumbnail(item, size) {
  const thumbnail = item.thumbnail || item.element?.dataset.thumbnail
  if (!item.id || !thumbnail) return item.text
  const label = element("span", { class: "photo-choice__label", text: item.text })
  // In the list, the credit too: two photos of one scene differ by who took them.
  if (size === "result" && item.credit) {
    label.append(element("small", { class: "photo-choice__credit", text: item.credit }))
  }
  return $(element("span", { class: `photo-choice photo-choice--${size}` }, [
    element("img", { src: thumbnail, alt: "", class: "photo-choice__image" }),
    label,
  ]))
}

function choose(select, photo) {
  let option = Array.from(select.options).find((o) => o.value === String(photo.id))
  if (!option) {
    option = new Option(photo.label, String(photo.id), true, true)
    select.append(option)
  }
  option.dataset.thumbnail = photo.thumbnail
  option.selected = true
  $(select).trigger("change")
}

function enhance(select) {
  const $select = $(select)
  // Django's autocomplete.js has started select2 with the options it reads from the
  // element; start it again with the thumbnails (the data attributes still apply).
  if ($select.hasClass("select2-hidden-accessible")) $select.select2("destroy")
  $select.select2({
    ajax: {
      data: (params) => ({
        term: params.term,
        page: params.page,
        app_label: select.dataset.appLabel,
        model_name: select.dataset.modelName,
        field_name: select.dataset.fieldName,
      }),
    },
    templateResult: (item) => withThumbnail(item, "result"),
    templateSelection: (item) => withThumbnail(item, "selection"),
  })
  // The photo chosen when the page was drawn: its thumbnail too.
  if (select.value && config.pickerUrl) {
    fetch(`${config.pickerUrl}?id=${encodeURIComponent(select.value)}`, {
      credentials: "same-origin", headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then(({ results }) => {
        const option = select.selectedOptions[0]
        if (results[0] && option) {
          option.dataset.thumbnail = results[0].thumbnail
          $select.trigger("change.select2")
        }
      })
  }
  const button = element("button", { type: "button", class: "button photo-field-upload", text: "Upload a new photo" })
  button.addEventListener("click", () => {
    uploadPhoto({ uploadUrl: config.uploadUrl }).then((photo) => photo && choose(select, photo))
  })
  // In the row of the field's own links (change, add, view), where the eye looks for it.
  select.closest(".form-row")?.classList.add("photo-field")
  const wrapper = select.closest(".related-widget-wrapper")
  if (wrapper) wrapper.append(button)
  else select.after(button)
}

if (config && $) {
  const selects = config.photoFields.split(/\s+/)
    .map((name) => document.querySelector(`select.admin-autocomplete[name="${name}"]`))
    .filter(Boolean)
  // Our results come from the photo autocomplete; set before Django's autocomplete.js
  // reads it when the page is ready.
  selects.forEach((select) => select.setAttribute("data-ajax--url", config.autocompleteUrl))
  // Ready handlers run in order: Django's (registered by its classic script) first.
  $(() => selects.forEach(enhance))
}
