// The focal point by clicking: on the photo's change page, a click on the picture sets
// the focal box (what crops keep in frame) to a box around that point and shows it.
// The four number fields stay as they were, for the keyboard and for exact values;
// typing in them moves the marker too.
const picker = document.querySelector(".focal-point-picker")
const inputs = ["x", "y", "width", "height"].map((name) => document.getElementById(`id_focal_${name}`))

if (picker && inputs.every(Boolean)) {
  const width = Number(picker.dataset.width)
  const height = Number(picker.dataset.height)
  const image = picker.querySelector("img")
  const marker = document.createElement("span")
  marker.className = "focal-point-picker__box"
  marker.hidden = true
  picker.append(marker)
  picker.classList.add("focal-point-picker--active")
  const status = document.createElement("p")
  status.className = "help focal-point-picker__status"
  status.setAttribute("aria-live", "polite")
  picker.after(status)

  // Styles set through the DOM, not a style attribute: the admin's CSP allows none inline.
  const paint = () => {
    const [x, y, w, h] = inputs.map((input) => input.value === "" ? NaN : Number(input.value))
    if ([x, y].some(Number.isNaN)) {
      marker.hidden = true
      status.textContent = "No focal point: crops keep the centre."
      return
    }
    const boxW = Number.isNaN(w) ? 0 : w
    const boxH = Number.isNaN(h) ? 0 : h
    marker.style.left = `${(100 * x) / width}%`
    marker.style.top = `${(100 * y) / height}%`
    marker.style.width = `${(100 * boxW) / width}%`
    marker.style.height = `${(100 * boxH) / height}%`
    marker.hidden = false
    status.textContent = `Focal box: ${boxW}×${boxH} at ${x}, ${y} (original pixels).`
  }

  image.addEventListener("click", (event) => {
    const shown = image.getBoundingClientRect()
    const pointX = ((event.clientX - shown.left) / shown.width) * width
    const pointY = ((event.clientY - shown.top) / shown.height) * height
    // A quarter of the shorter side: enough to mean "this face", inside the picture.
    const side = Math.max(1, Math.round(Math.min(width, height) / 4))
    const left = Math.round(Math.min(Math.max(pointX - side / 2, 0), width - side))
    const top = Math.round(Math.min(Math.max(pointY - side / 2, 0), height - side))
    ;[left, top, side, side].forEach((value, i) => {
      inputs[i].value = String(value)
      inputs[i].dispatchEvent(new Event("change", { bubbles: true }))
    })
    paint()
  })
  inputs.forEach((input) => input.addEventListener("input", paint))
  paint()
}
