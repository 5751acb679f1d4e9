// A new photo for the library from where a writer writes: the body editor's photo
// dialog, a file dropped or pasted into the editor, the lead photo field.
//
// One dialog: the file (a button, dropped or pasted), its caption, credit and alt text,
// posted to the library's upload view (photos/admin.py, upload_view). The server runs
// the library's own checks and answers the new photo, or the errors shown here, so
// nothing is judged twice and nothing is dropped without a word.

const ACCEPT = "image/jpeg,image/png,image/webp,image/avif,image/gif"
// A preview is read into memory as a data: URL (the admin's CSP allows no blob: images);
// past this size the dialog names the file instead of drawing it.
const PREVIEW_LIMIT = 15 * 1024 * 1024

// A DOM element with attributes (text as its text) and children: no HTML is ever parsed.
export function element(tag, attrs = {}, children = []) {
  const el = document.createElement(tag)
  Object.entries(attrs).forEach(([key, value]) => {
    if (key === "text") el.textContent = value
    else el.setAttribute(key, value)
  })
  children.forEach((child) => el.append(child))
  return el
}

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]")
  if (field) return field.value
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : ""
}

function size(bytes) {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

// The files a drop or a paste carries ([] for text and for moves inside the editor).
export function filesOf(transfer) {
  return transfer ? Array.from(transfer.files || []) : []
}

// Whether a paste is a picture rather than text: a browser copying an image also puts
// an <img> in text/html, while a copy from a word processor is text first.
export function isPictureOnly(transfer) {
  if (!filesOf(transfer).length) return false
  const html = transfer.getData("text/html")
  const text = html
    ? new DOMParser().parseFromString(html, "text/html").body.textContent
    : transfer.getData("text/plain")
  return !text.trim()
}

// Open the dialog (with ``file`` already chosen, if given). Resolves with the new photo
// ({id, label, caption, credit, alt, thumbnail}) or null when the writer cancels.
export function uploadPhoto({ uploadUrl, file = null, others = 0 }) {
  return new Promise((resolve) => {
    let chosen = null
    let result = null
    const input = element("input", { type: "file", name: "image", accept: ACCEPT, class: "photo-upload__file" })
    const preview = element("img", { alt: "", class: "photo-upload__preview", hidden: "" })
    const named = element("p", { class: "photo-upload__name", "aria-live": "polite" })
    const drop = element("div", { class: "photo-upload__drop" }, [
      preview,
      named,
      element("label", { text: "Image file (JPEG, PNG, WebP, AVIF or GIF): " }, [input]),
      element("p", { class: "help", text: "Or drop an image here, or paste one." }),
    ])
    const fields = {}
    const errorsOf = {}
    const field = (name, label, tag, help) => {
      const control = element(tag, { name, id: `photo-upload-${name}`, "aria-describedby": `photo-upload-${name}-help` })
      if (tag === "textarea") control.setAttribute("rows", "2")
      fields[name] = control
      errorsOf[name] = element("ul", { class: "errorlist", id: `photo-upload-${name}-errors`, hidden: "" })
      return element("div", { class: `photo-upload__field photo-upload__field--${name}` }, [
        element("label", { for: control.id, text: label }),
        errorsOf[name],
        control,
        element("p", { class: "help", id: `photo-upload-${name}-help`, text: help }),
      ])
    }
    const general = element("div", { class: "photo-upload__errors", role: "alert" })
    const useDuplicate = element("button", { type: "button", class: "button photo-upload__duplicate", hidden: "" })
    const submit = element("button", { type: "submit", class: "button default", text: "Upload and use" })
    const cancel = element("button", { type: "button", class: "button", text: "Cancel" })
    const form = element("form", { method: "dialog", class: "photo-upload__form", novalidate: "" }, [
      element("h2", { text: "Upload a new photo" }),
      general,
      useDuplicate,
      drop,
      field("caption", "Caption", "textarea", "What the photo shows, as readers will read it."),
      field("credit_line", "Credit (required)", "input", "Who made it, as readers see it: “Name / Agency”. A credit in the file counts."),
      field("alt_text", "Alt text (required)", "input", "The photo described for readers who cannot see it."),
      element("div", { class: "photo-upload__actions" }, [submit, cancel]),
    ])
    const dialog = element("dialog", { class: "photo-upload", "aria-label": "Upload a new photo" }, [form])

    function showErrors(errors = {}) {
      general.replaceChildren()
      Object.values(errorsOf).forEach((list) => { list.replaceChildren(); list.hidden = true })
      Object.values(fields).forEach((control) => control.removeAttribute("aria-invalid"))
      Object.entries(errors).forEach(([name, messages]) => {
        const list = errorsOf[name]
        if (list) {
          list.replaceChildren(...messages.map((m) => element("li", { text: m })))
          list.hidden = false
          fields[name].setAttribute("aria-invalid", "true")
        } else {
          general.append(...messages.map((m) => element("p", { class: "errornote", text: m })))
        }
      })
    }

    function choose(files) {
      if (!files.length) return
      chosen = files[0]
      if (!input.files.length || input.files[0] !== chosen) {
        // The file input names a dropped or pasted file too, where browsers allow it.
        try {
          const transfer = new DataTransfer()
          transfer.items.add(chosen)
          input.files = transfer.files
        } catch {}
      }
      const left = files.length - 1 + others
      const name = chosen.name || "pasted image"
      named.textContent = `${name} (${size(chosen.size)})` +
        (left ? `. Only this file is uploaded: ${left} other file${left > 1 ? "s were" : " was"} left out.` : "")
      showErrors()
      useDuplicate.hidden = true
      preview.hidden = true
      if (chosen.type.startsWith("image/") && chosen.size <= PREVIEW_LIMIT) {
        const reader = new FileReader()
        reader.addEventListener("load", () => { preview.src = reader.result; preview.hidden = false })
        reader.readAsDataURL(chosen)
      }
      fields.caption.focus()
    }

    input.addEventListener("change", () => choose(Array.from(input.files)))
    dialog.addEventListener("dragover", (event) => {
      if (event.dataTransfer?.types.includes("Files")) {
        event.preventDefault()
        drop.classList.add("photo-upload__drop--over")
      }
    })
    dialog.addEventListener("dragleave", () => drop.classList.remove("photo-upload__drop--over"))
    dialog.addEventListener("drop", (event) => {
      const files = filesOf(event.dataTransfer)
      drop.classList.remove("photo-upload__drop--over")
      if (files.length) {
        event.preventDefault()
        choose(files)
      }
    })
    dialog.addEventListener("paste", (event) => {
      // Text pasted into a field stays text; only a picture replaces the file.
      if (isPictureOnly(event.clipboardData)) {
        event.preventDefault()
        choose(filesOf(event.clipboardData))
      }
    })

    let duplicate = null
    useDuplicate.addEventListener("click", () => {
      result = duplicate
      dialog.close("done")
    })
    cancel.addEventListener("click", () => dialog.close(""))

    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      if (!chosen) {
        showErrors({ image: ["Choose an image file to upload."] })
        input.focus()
        return
      }
      const data = new FormData()
      data.append("image", chosen, chosen.name || "pasted-image")
      Object.entries(fields).forEach(([name, control]) => data.append(name, control.value.trim()))
      data.append("csrfmiddlewaretoken", csrfToken())
      submit.disabled = true
      submit.textContent = "Uploading…"
      try {
        const response = await fetch(uploadUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        })
        const json = (response.headers.get("Content-Type") || "").includes("application/json")
          ? await response.json()
          : null
        if (response.ok && json) {
          result = json
          dialog.close("done")
          return
        }
        if (json?.errors) {
          showErrors(json.errors)
          duplicate = json.duplicate || null
          if (duplicate) {
            useDuplicate.textContent = `Use “${duplicate.label}”, already in the library`
            useDuplicate.hidden = false
          }
        } else {
          showErrors({ __all__: [
            response.status === 403 || response.redirected
              ? "The upload was refused: your session may have ended. Log in again in another tab, then retry."
              : `The upload failed (HTTP ${response.status}). Try again, or upload the photo in the library.`,
          ] })
        }
      } catch {
        showErrors({ __all__: ["The upload did not reach the server. Check the connection and try again."] })
      } finally {
        submit.disabled = false
        submit.textContent = "Upload and use"
      }
    })

    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(dialog.returnValue === "done" ? result : null)
    })
    document.body.append(dialog)
    dialog.showModal()
    if (file) choose([file])
    else input.focus()
  })
}
