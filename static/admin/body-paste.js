// Pasting into the article body: from Word and Google Docs, and any other HTML (Gmail,
// Outlook on the web, Notes, web pages).
//
// The editor's schema silently drops or flattens whatever it does not know: Word's list
// paragraphs (<p> with an mso-list style and a typed "1." or "·", not <li>), <h1> and
// <h4>-<h6>, bold and italic written as styles, and every image. This module rewrites the clipboard's HTML before
// the editor parses it (ProseMirror's transformPastedHTML), into what the body keeps:
// h2/h3 subheads, real lists, <strong>/<em>, http(s)/mailto links, tables when the
// editor has them (else their text, a line per row). Images cannot be kept (the body
// holds only library photos), so the writer is told how many were left out, in a
// notice above the editor, instead of losing them without a word. Whatever the source,
// paragraphs and lines stay apart: a <div> per line (mail, Notes) is a paragraph, a
// <br> in one is a line break, and the words either side of a block's edge never join.
//
// The server's sanitiser (articles/richtext.py) stays the authority on what is stored;
// this only decides what the writer sees arrive in the editor.
import { Plugin } from "django-prose-editor/editor"

const LINK_PROTOCOLS = ["http:", "https:", "mailto:"]
const KEPT_ATTRIBUTES = { a: ["href"], td: ["colspan", "rowspan"], th: ["colspan", "rowspan"], ol: ["start"] }
// Inline wrappers with no meaning of their own: their content stays, the tag goes.
const UNWRAPPED = ["span", "font", "u", "small", "big", "ins", "del", "label"]
// Block wrappers (Gmail, Outlook and Notes write each line as a <div>, web pages lay out
// in them): one that holds only text is a paragraph, one that holds blocks goes and
// leaves them, so a block boundary is never lost and the words either side never join.
const BLOCK_WRAPPERS = [
  "div", "section", "article", "center", "header", "footer", "main", "aside", "nav", "address", "figure", "figcaption",
  "hgroup", "details", "summary", "dl", "dt", "dd",
]
// What ends a run of inline content: nothing beside one of these goes into its paragraph.
const BLOCKS = [
  ...BLOCK_WRAPPERS, "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr",
  "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "form", "fieldset",
].join(",")
const TEXTBLOCKS = "p, h1, h2, h3, h4, h5, h6, pre"
const REMOVED = ["style", "script", "meta", "link", "title", "head", "xml", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "video", "audio", "colgroup", "col", "button", "input", "select", "textarea"]
// Word's list markers: "1." "a)" "iv." are numbered; "·", "o", "§" and Symbol-font glyphs are bullets.
const NUMBERED_MARKER = /^(\(?[0-9]+|\(?[a-z]|\(?[ivxlcdm]+)[.)]$/i

function styles(el) {
  const out = {}
  for (const part of (el.getAttribute("style") || "").split(";")) {
    const at = part.indexOf(":")
    if (at > 0) out[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim().toLowerCase()
  }
  return out
}

function isBold(weight) {
  if (!weight) return null
  if (weight === "bold" || weight === "bolder") return true
  if (weight === "normal" || weight === "lighter") return false
  const number = parseInt(weight, 10)
  return Number.isNaN(number) ? null : number >= 600
}

function unwrap(el) {
  el.replaceWith(...el.childNodes)
}

function rename(el, tag) {
  const renamed = el.ownerDocument.createElement(tag)
  renamed.append(...el.childNodes)
  for (const { name, value } of [...el.attributes]) renamed.setAttribute(name, value)
  el.replaceWith(renamed)
  return renamed
}

function wrapChildren(el, tag) {
  const wrapper = el.ownerDocument.createElement(tag)
  wrapper.append(...el.childNodes)
  el.append(wrapper)
}

function removeComments(root) {
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_COMMENT)
  const comments = []
  while (walker.nextNode()) comments.push(walker.currentNode)
  comments.forEach((c) => c.remove())
}

function hasText(node) {
  return Boolean(node.textContent.replace(/[\s\u00a0\u200b]/g, ""))
}

function isBlank(el) {
  return !hasText(el) && !el.querySelector("br, img, table, figure")
}

function isBreak(node) {
  return node.nodeName === "BR"
}

// An element that is a block or holds one (a link or a bold run around paragraphs).
function isBlockish(node) {
  return node.nodeType === Node.ELEMENT_NODE && (node.matches(BLOCKS) || Boolean(node.querySelector(BLOCKS)))
}

// Each run of inline content among el's children goes into a <p> of its own. With
// breaksParagraphs a <br> between runs ends a paragraph (a line break outside any
// block, as Docs puts it between the runs of a partial copy); otherwise it stays a line
// break inside the paragraph. A run with no text is spacing, and goes.
function paragraphs(el, { breaksParagraphs }) {
  let run = []
  const close = () => {
    if (run.some(hasText)) {
      const p = el.ownerDocument.createElement("p")
      run[0].before(p)
      p.append(...run)
    } else {
      run.forEach((node) => node.remove())
    }
    run = []
  }
  for (const node of [...el.childNodes]) {
    if (isBlockish(node)) close()
    else if (breaksParagraphs && isBreak(node)) {
      close()
      node.remove()
    } else run.push(node)
  }
  close()
}

// Innermost first, so a wrapper knows whether it still holds blocks once the wrappers
// inside it have become paragraphs.
function blockWrappers(root) {
  for (const el of [...root.querySelectorAll(BLOCK_WRAPPERS.join(","))].reverse()) {
    if (el.parentElement.closest(TEXTBLOCKS)) {
      // A paragraph or subhead cannot hold a paragraph: its lines stay lines.
      if (el.previousSibling && hasText(el.previousSibling)) el.before(el.ownerDocument.createElement("br"))
      if (el.nextSibling && hasText(el.nextSibling)) el.after(el.ownerDocument.createElement("br"))
      unwrap(el)
    } else if (el.querySelector(BLOCKS)) {
      paragraphs(el, { breaksParagraphs: false })
      unwrap(el)
    } else {
      rename(el, "p")
    }
  }
}

// A <br> first or last in a block draws no line between words: Gmail's and Notes' blank
// line (<div><br></div>) and the <br> they end lines with are spacing, not content.
// Also at the ends of a bold or italic run that starts or ends the block.
function trimBreaks(block, ends = ["firstChild", "lastChild"]) {
  for (const end of ends) {
    for (let node = block[end]; node; node = block[end]) {
      if (isBreak(node)) node.remove()
      else if (node.nodeType === Node.TEXT_NODE && !node.textContent.trim()) {
        // White space beside a trimmed <br> is nothing either; beside text it stays.
        const next = end === "firstChild" ? node.nextSibling : node.previousSibling
        if (next && isBreak(next)) node.remove()
        else break
      } else if (node.nodeType === Node.ELEMENT_NODE && !isBlockish(node)) {
        trimBreaks(node, [end])
        if (node.hasChildNodes()) break
        node.remove()
      } else break
    }
  }
}

// Word writes each list item as a paragraph: style="mso-list:l0 level2 lfo1", the marker
// ("1." or "·") in a span styled mso-list:Ignore. Consecutive items become one list,
// nested by level; the marker decides numbered or bulleted.
function wordLists(root) {
  const markerOf = (el) => [...el.querySelectorAll("span")].find((s) => /mso-list:\s*ignore/i.test(s.getAttribute("style") || ""))
  // The list is named in the paragraph's style, or (Word's List Bullet and List Number
  // styles) only in the stylesheet, with the marker span still in the paragraph.
  const isItem = (el) =>
    el && el.tagName === "P" &&
    (/mso-list:\s*l\d+/i.test(el.getAttribute("style") || "") || (/^MsoList/i.test(el.className) && Boolean(markerOf(el))))
  const nextElement = (el) => {
    let node = el.nextSibling
    while (node && node.nodeType !== Node.ELEMENT_NODE) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) return null
      node = node.nextSibling
    }
    return node
  }
  for (const first of [...root.querySelectorAll("p")]) {
    if (!first.isConnected || !isItem(first)) continue
    const run = [first]
    for (let next = nextElement(first); isItem(next); next = nextElement(next)) run.push(next)

    const doc = root.ownerDocument
    const top = doc.createDocumentFragment()
    const stack = [] // {level, list}
    let listId = null
    for (const item of run) {
      const style = item.getAttribute("style") || ""
      const level = parseInt(/level(\d+)/i.exec(style)?.[1] || "1", 10)
      const id = /mso-list:\s*(l\d+)/i.exec(style)?.[1] || listId
      // Two of Word's lists one after the other are two lists, not one.
      if (id !== listId && level === 1) stack.length = 0
      listId = id
      const marker = markerOf(item)
      const markerText = (marker?.firstChild?.textContent || marker?.textContent || "").trim()
      const numbered = NUMBERED_MARKER.test(markerText)
      marker?.remove()
      while (stack.length && stack[stack.length - 1].level > level) stack.pop()
      if (!stack.length || stack[stack.length - 1].level < level) {
        const list = doc.createElement(numbered ? "ol" : "ul")
        const start = parseInt(markerText, 10)
        if (numbered && start > 1) list.setAttribute("start", String(start))
        const parentItem = stack.length ? stack[stack.length - 1].list.lastElementChild : null
        ;(parentItem || top).append(list)
        stack.push({ level, list })
      }
      const li = doc.createElement("li")
      li.append(...item.childNodes)
      stack[stack.length - 1].list.append(li)
    }
    first.before(top)
    run.forEach((item) => item.remove())
  }
}

// Google Docs nests a sub-list as a sibling of the items (<ul><li/><ul/></ul>); a list
// belongs inside the item before it.
function nestStrayLists(root) {
  for (const list of [...root.querySelectorAll("ul > ul, ul > ol, ol > ul, ol > ol")]) {
    const item = list.previousElementSibling
    if (item && item.tagName === "LI") item.append(list)
  }
}

// Bold and italic written as styles (Docs' spans, Word's spans) become <strong>/<em>;
// <b>/<i> become <strong>/<em> unless styled back to normal (Docs wraps the whole
// clipboard in <b style="font-weight:normal">).
function emphasis(root) {
  for (const el of [...root.querySelectorAll("b, strong, i, em, span, a, font")]) {
    const css = styles(el)
    const tag = el.tagName
    const bold = isBold(css["font-weight"])
    const italic = css["font-style"] ? /italic|oblique/.test(css["font-style"]) : null
    let target = el
    if (tag === "B" || tag === "STRONG") {
      if (bold === false) { unwrap(el); continue }
      target = rename(el, "strong")
    } else if (tag === "I" || tag === "EM") {
      if (italic === false) { unwrap(el); continue }
      target = rename(el, "em")
    }
    if (bold && target.tagName !== "STRONG") wrapChildren(target, "strong")
    if (italic && target.tagName !== "EM") wrapChildren(target, "em")
  }
}

// Our subheads are h2 and h3: h1/h2 → h2, h3-h6 → h3; Word's Title and Subtitle styles too.
function headings(root) {
  for (const el of [...root.querySelectorAll("h1, h2, h3, h4, h5, h6, p.MsoTitle, p.MsoSubtitle")]) {
    const level = el.tagName === "P" ? (el.classList.contains("MsoTitle") ? 1 : 3) : parseInt(el.tagName[1], 10)
    const heading = rename(el, level <= 2 ? "h2" : "h3")
    // A subhead is bold by its style already; a bold run inside it is noise.
    heading.querySelectorAll("strong").forEach(unwrap)
  }
}

function links(root) {
  for (const a of [...root.querySelectorAll("a")]) {
    let keep = false
    try {
      keep = LINK_PROTOCOLS.includes(new URL(a.getAttribute("href") || "", "invalid:/").protocol)
    } catch {
      keep = false
    }
    if (!keep) unwrap(a)
  }
}

// Without table support in the editor a table would dissolve into loose cell text:
// each row becomes a paragraph, its cells' text joined by " | ".
function tablesAsText(root) {
  const tables = [...root.querySelectorAll("table")].filter((t) => !t.parentElement.closest("table"))
  for (const table of tables) {
    const doc = root.ownerDocument
    // A cell's lines and paragraphs are parted by a space, not joined.
    for (const el of table.querySelectorAll(`br, ${BLOCKS}`)) {
      el.before(" ")
      el.after(" ")
    }
    const rows = [...table.querySelectorAll("tr")].map((tr) =>
      [...tr.children].map((cell) => cell.textContent.replace(/\s+/g, " ").trim()).filter(Boolean).join(" | "))
    const paragraphs = rows.filter(Boolean).map((text) => {
      const p = doc.createElement("p")
      p.textContent = text
      return p
    })
    table.replaceWith(...paragraphs)
  }
  return tables.length
}

function stripAttributes(root) {
  for (const el of root.querySelectorAll("*")) {
    const kept = KEPT_ATTRIBUTES[el.tagName.toLowerCase()] || []
    for (const { name } of [...el.attributes]) if (!kept.includes(name)) el.removeAttribute(name)
  }
}

/**
 * Rewrite clipboard HTML (Word, Google Docs, mail, web pages) into what the body editor keeps.
 *
 * Returns { html, hasText, images, tablesAsText }: whether any text is left, and the
 * counts of images left out and of tables turned into text, for the notice to the writer. ``tables`` says whether the editor
 * has tables.
 */
export function cleanPastedHTML(html, { tables = true } = {}) {
  // DOMParser's document is inert: no script runs and no image loads.
  const doc = new DOMParser().parseFromString(html, "text/html")
  const root = doc.body
  removeComments(root)
  root.querySelectorAll(REMOVED.join(",")).forEach((el) => el.remove())
  // Word's namespaced tags: <o:p> holds a paragraph's trailing space, <v:shape> a VML
  // copy of an image that Word also gives as <img>.
  for (const el of [...root.querySelectorAll("*")].filter((e) => e.tagName.includes(":"))) {
    if (el.isConnected) (el.tagName.toLowerCase().startsWith("v:") ? el.remove() : unwrap(el))
  }
  wordLists(root)
  nestStrayLists(root)
  emphasis(root)
  headings(root)
  links(root)
  const images = root.querySelectorAll("img").length
  root.querySelectorAll("img, picture").forEach((el) => el.remove())
  const asText = tables ? 0 : tablesAsText(root)
  root.querySelectorAll(UNWRAPPED.join(",")).forEach((el) => el.isConnected && unwrap(el))
  // A table's caption is not kept in a table by the editor: it goes above the table.
  for (const caption of [...root.querySelectorAll("caption")]) {
    const table = caption.closest("table")
    caption.remove()
    if (table && caption.textContent.trim()) table.before(rename(caption, "p"))
  }
  blockWrappers(root)
  paragraphs(root, { breaksParagraphs: true })
  stripAttributes(root)
  // Docs puts <br> between blocks and Word empty paragraphs for spacing: not content.
  // (A <br> between inline runs at the top has already become a paragraph break.)
  for (const br of [...root.querySelectorAll("br")]) {
    if (!br.parentElement.closest("p, li, h2, h3, td, th, blockquote")) br.remove()
  }
  root.querySelectorAll("p, li, h2, h3, td, th, blockquote").forEach((el) => trimBreaks(el))
  for (const el of [...root.querySelectorAll("p, strong, em, a, li, ul, ol, h2, h3")].reverse()) {
    if (el.isConnected && isBlank(el)) el.remove()
  }
  root.normalize()
  return { html: root.innerHTML.trim(), hasText: Boolean(root.textContent.trim()), images, tablesAsText: asText }
}

function plural(count, one, many) {
  return count === 1 ? one : many
}

export function pasteNotices({ images, tablesAsText }) {
  const notices = []
  if (images) {
    notices.push(
      `${images} ${plural(images, "image", "images")} in the pasted text ${plural(images, "was", "were")} not kept: ` +
        `upload ${plural(images, "it", "them")} to the photo library and place ${plural(images, "it", "them")} with the photo button.`,
    )
  }
  if (tablesAsText) {
    notices.push(
      `${tablesAsText} ${plural(tablesAsText, "table", "tables")} in the pasted text ${plural(tablesAsText, "was", "were")} ` +
        "turned into text, one paragraph per row with the cells separated by “|”: check them.",
    )
  }
  return notices
}

// The notice sits above the editor in a live region that exists from the start, so a
// screen reader announces it when a paste fills it.
function noticeArea(editor) {
  // Above the field's label-and-editor row, at its full width: beside the editor, in
  // the row's flex box, it would be a narrow column.
  const editorBox = editor.view.dom.closest(".prose-editor") || editor.view.dom
  const row = editorBox.closest(".flex-container") || editorBox
  const area = document.createElement("div")
  area.className = "body-paste-notice"
  area.setAttribute("role", "status")
  area.setAttribute("aria-live", "polite")
  row.before(area)
  return (notices) => {
    if (!notices.length) return
    const list = document.createElement("ul")
    list.className = "messagelist"
    for (const text of notices) {
      const item = document.createElement("li")
      item.className = "warning"
      item.textContent = text
      list.append(item)
    }
    const dismiss = document.createElement("button")
    dismiss.type = "button"
    dismiss.className = "button"
    dismiss.textContent = "Dismiss"
    dismiss.addEventListener("click", () => area.replaceChildren())
    list.lastElementChild.append(" ", dismiss)
    area.replaceChildren(list)
  }
}

// Whether the editor sends a pasted or dropped picture file to the library's upload
// dialog (photos/static/photos/photo-embed.js, when it has an upload address).
function uploadsPictures(editor) {
  return editor.extensionManager.extensions.some((ext) => ext.name === "photoEmbed" && ext.options.uploadUrl)
}

function pastePlugin(editor) {
  const show = noticeArea(editor)
  // Set by the paste or drop event, which ProseMirror hands to plugins before it reads
  // the clipboard's HTML.
  let carriesFiles = false
  const note = (transfer) => {
    carriesFiles = Boolean(transfer && transfer.files && transfer.files.length)
    return false
  }
  return new Plugin({
    props: {
      handleDOMEvents: {
        paste: (_view, event) => note(event.clipboardData),
        drop: (_view, event) => note(event.dataTransfer),
      },
      transformPastedHTML(html) {
        // A copy from this editor (or another ProseMirror) carries its structure in
        // data-pm-slice and our own photo embeds: nothing to clean.
        if (html.includes("data-pm-slice")) return html
        const cleaned = cleanPastedHTML(html, { tables: Boolean(editor.schema.nodes.table) })
        // A picture copied on its own comes with its file, which the upload dialog takes:
        // the notice is for images lost among pasted text.
        const uploaded = carriesFiles && !cleaned.hasText && uploadsPictures(editor)
        carriesFiles = false
        if (!uploaded) show(pasteNotices(cleaned))
        return cleaned.html
      },
    },
  })
}

// Loaded as one of the configurable preset's js_modules, before the editors are made;
// each editor on the page announces itself with prose-editor:ready.
document.addEventListener("prose-editor:ready", (event) => {
  event.detail.editor.registerPlugin(pastePlugin(event.detail.editor))
})
