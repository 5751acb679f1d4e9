// A photo from the library, placed in the article body.
//
// Stored as <figure data-photo="ID"> with an optional <figcaption> for this use only;
// the picture, the library caption and the credit are added when the page is shown.
// In the editor it is one block (an atom): a preview with the caption below it.
// A new photo can be uploaded from the dialog, or dropped or pasted into the editor: both
// open the upload dialog (photo-upload.js), and the photo is placed once it is in the library.
import { Node, Plugin } from "django-prose-editor/editor"
import { element, filesOf, isPictureOnly, uploadPhoto } from "./photo-upload.js"

const previews = new Map()

function fetchJSON(url) {
  return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : { results: [] }))
}

function preview(pickerUrl, id) {
  if (!previews.has(id)) {
    previews.set(id, fetchJSON(`${pickerUrl}?id=${encodeURIComponent(id)}`)
      .then((data) => data.results[0] || null))
  }
  return previews.get(id)
}

// A small dialog: search the library (or upload a new photo), pick a photo, optionally
// write a caption for here.
function choosePhoto(pickerUrl, uploadUrl, current = {}) {
  return new Promise((resolve) => {
    let chosen = current.photo || null
    const search = element("input", { type: "search", name: "q", placeholder: "Search caption, credit, title or id", "aria-label": "Search the photo library" })
    const upload = element("button", { type: "button", class: "button photo-embed-picker__upload", text: "Upload a new photo…" })
    const grid = element("div", { class: "photo-embed-picker__grid", role: "listbox", "aria-label": "Library photos" })
    const caption = element("input", { type: "text", name: "caption", "aria-label": "Caption for this use" })
    caption.value = current.caption || ""
    const insert = element("button", { type: "submit", class: "default", text: current.photo ? "Update" : "Insert photo" })
    const cancel = element("button", { type: "button", text: "Cancel" })
    const form = element("form", { method: "dialog" }, [
      element("h2", { text: "Photo from the library" }),
      element("div", { class: "photo-embed-picker__find" }, [search, upload]),
      element("p", { class: "help", text: "Or drop or paste an image file here to upload it." }),
      grid,
      element("label", { text: "Caption for this use (leave empty to use the library caption)" }, [caption]),
      element("div", { class: "photo-embed-picker__actions" }, [insert, cancel]),
    ])
    const dialog = element("dialog", { class: "photo-embed-picker" }, [form])

    function show(results) {
      grid.replaceChildren(...results.map((photo) => {
        const option = element("button", {
          type: "button", class: "photo-embed-picker__option", role: "option",
          "data-photo": String(photo.id), title: photo.credit || "",
          "aria-selected": String(String(photo.id) === String(chosen)),
        }, [
          element("img", { src: photo.thumbnail, alt: "" }),
          element("span", { text: photo.label }),
        ])
        option.addEventListener("click", () => {
          chosen = String(photo.id)
          grid.querySelectorAll("[aria-selected]").forEach((o) => o.setAttribute("aria-selected", "false"))
          option.setAttribute("aria-selected", "true")
        })
        return option
      }))
      if (!results.length) grid.append(element("p", { text: "No photos found." }))
    }

    let timer
    search.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(() => fetchJSON(`${pickerUrl}?q=${encodeURIComponent(search.value)}`).then((d) => show(d.results)), 250)
    })
    cancel.addEventListener("click", () => dialog.close(""))
    // A new photo is chosen as soon as it is in the library.
    const uploadAndChoose = (files = []) => {
      uploadPhoto({ uploadUrl, file: files[0] || null, others: Math.max(files.length - 1, 0) }).then((photo) => {
        if (!photo) return
        previews.set(String(photo.id), Promise.resolve(photo))
        chosen = String(photo.id)
        dialog.close("insert")
      })
    }
    upload.addEventListener("click", () => uploadAndChoose())
    dialog.addEventListener("dragover", (event) => {
      if (event.dataTransfer?.types.includes("Files")) event.preventDefault()
    })
    dialog.addEventListener("drop", (event) => {
      const files = filesOf(event.dataTransfer)
      if (files.length) {
        event.preventDefault()
        uploadAndChoose(files)
      }
    })
    dialog.addEventListener("paste", (event) => {
      if (isPictureOnly(event.clipboardData)) {
        event.preventDefault()
        uploadAndChoose(filesOf(event.clipboardData))
      }
    })
    form.addEventListener("submit", (event) => {
      event.preventDefault()
      dialog.close(chosen ? "insert" : "")
    })
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(dialog.returnValue === "insert" ? { photo: chosen, caption: caption.value.trim() } : null)
    })
    document.body.append(dialog)
    fetchJSON(pickerUrl).then((d) => show(d.results))
    dialog.showModal()
    search.focus()
  })
}

export const PhotoEmbed = Node.create({
  name: "photoEmbed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { pickerUrl: "", uploadUrl: "" }
  },

  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (el) => el.getAttribute("data-photo"),
        renderHTML: (attrs) => ({ "data-photo": attrs.photo }),
      },
      caption: {
        default: "",
        parseHTML: (el) => el.querySelector("figcaption")?.textContent.trim() || "",
        renderHTML: () => ({}),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo]" }]
  },

  renderHTML({ node }) {
    const attrs = { "data-photo": node.attrs.photo }
    return node.attrs.caption ? ["figure", attrs, ["figcaption", {}, node.attrs.caption]] : ["figure", attrs]
  },

  addNodeView() {
    return ({ node, editor, getPos }) => {
      const img = element("img", { alt: "" })
      const label = element("figcaption")
      const dom = element("figure", { class: "photo-embed", "data-photo": String(node.attrs.photo) }, [img, label])
      const paint = (current) => {
        label.textContent = current.attrs.caption || "(library caption)"
        preview(this.options.pickerUrl, current.attrs.photo).then((photo) => {
          if (photo) {
            img.src = photo.thumbnail
            if (!current.attrs.caption) label.textContent = photo.caption || photo.label
          } else {
            label.textContent = `Photo ${current.attrs.photo} is not in the library`
          }
        })
      }
      paint(node)
      dom.addEventListener("dblclick", () => {
        choosePhoto(this.options.pickerUrl, this.options.uploadUrl, node.attrs).then((attrs) => {
          if (attrs) editor.chain().setNodeSelection(getPos()).updateAttributes(this.name, attrs).run()
        })
      })
      return {
        dom,
        update: (updated) => {
          if (updated.type.name !== this.name) return false
          node = updated
          dom.setAttribute("data-photo", String(updated.attrs.photo))
          paint(updated)
          return true
        },
      }
    }
  },

  // A file dropped or pasted into the body goes to the upload dialog, never silently
  // nowhere: the photo is placed where it was dropped (or at the cursor) once uploaded.
  addProseMirrorPlugins() {
    const { editor, name, options } = this
    const place = (files, at) => {
      uploadPhoto({ uploadUrl: options.uploadUrl, file: files[0], others: files.length - 1 }).then((photo) => {
        if (!photo) return
        previews.set(String(photo.id), Promise.resolve(photo))
        const content = { type: name, attrs: { photo: String(photo.id), caption: "" } }
        const chain = editor.chain().focus()
        ;(at == null ? chain.insertContent(content) : chain.insertContentAt(at, content)).run()
      })
    }
    return [
      new Plugin({
        props: {
          handleDrop(view, event, _slice, moved) {
            const files = filesOf(event.dataTransfer)
            if (moved || !files.length) return false
            event.preventDefault()
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY })
            place(files, at ? at.pos : null)
            return true
          },
          handlePaste(_view, event) {
            if (!isPictureOnly(event.clipboardData)) return false
            event.preventDefault()
            place(filesOf(event.clipboardData), null)
            return true
          },
        },
      }),
    ]
  },

  addCommands() {
    return {
      insertPhotoEmbed: (attrs) => ({ commands }) => commands.insertContent({ type: this.name, attrs }),
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "photoEmbed",
      groups: "nodes",
      command: (editor) => {
        choosePhoto(this.options.pickerUrl, this.options.uploadUrl).then((attrs) => {
          if (attrs) editor.chain().focus().insertPhotoEmbed(attrs).run()
        })
      },
      button: buttons.material("add_photo_alternate", "Insert a photo from the library"),
      active: (editor) => editor.isActive(this.name),
    })
  },
})
