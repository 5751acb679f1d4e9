"""Filling the article form in the admin as a person does, for the browser tests."""


def choose(page, container, text):
    """Pick ``text`` in the admin's autocomplete (select2) widget inside ``container``."""
    page.locator(f"{container} .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def write_body(page, text):
    """Type into whatever body editor the form has: a rich-text editor or a textarea."""
    editors = page.locator(".field-body [contenteditable=true]")
    if editors.count():
        # An empty ProseMirror paragraph can have no height to click on; focus it instead.
        editors.first.evaluate("el => el.focus()")
        page.keyboard.type(text)
    else:
        page.fill("#id_body", text)
