"""The desk end to end, as its people use it: a writer writes a two-author story with a
lead photo and tags and submits it, reads it in preview, gets it sent back with a
comment, resubmits; an editor publishes it, edits it live as pending changes and
publishes them later, pins a lead story on the front page; a writer's typing survives
closing the tab.

Screenshots of each step at 1,280 and 390 px go to test-artifacts/desk/.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from articles.models import Article, AuditEntry, Status
from desk.models import Autosave
from tests.browser.admin_form import choose, write_body
from tests.factories import (
    image_bytes,
    make_article,
    make_author,
    make_roles,
    make_section,
    make_tag,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
HEADLINE = "Night ferry returns to the island after two winters"


def messages(page):
    page.wait_for_selector(".messagelist")
    return page.locator(".messagelist").inner_text()


def give_photo_roles():
    """The photo permissions the roles hold on a migrated database (moved to the photos
    app by articles 0010): make_roles() gives only the articles app's."""
    photos = Permission.objects.filter(content_type__app_label="photos")
    Group.objects.get(name="Editor").permissions.add(*photos)
    Group.objects.get(name="Writer").permissions.add(
        *photos.filter(
            codename__in=[
                f"{a}_{m}" for a in ("add", "change", "view") for m in ("photo", "credit")
            ]
        )
    )


@pytest.fixture
def newsroom(live_server):
    make_roles()
    give_photo_roles()
    writer = make_user("wanda", role="Writer", first_name="Wanda", last_name="Reyes")
    make_author(name="Wanda Reyes", slug="wanda-reyes", user=writer)
    editor = make_user("eddie", role="Editor", first_name="Eddie", last_name="Mora")
    make_section(name="Island", slug="island")
    make_tag(name="Ferries", slug="ferries")
    make_tag(name="Winter", slug="winter")
    return writer, editor


def test_a_story_through_the_desk(live_server, newsroom, new_page, admin_login, shots, tmp_path):
    base = live_server.url

    # 1. The writer writes: two bylines (one a new author), a lead photo uploaded from
    # the form, tags typed in; then submits.
    writer = new_page()
    admin_login(writer, base, "wanda", PASSWORD)
    shots(writer, "01-writer-dashboard")
    writer.goto(f"{base}/admin/articles/article/add/")
    writer.fill("#id_headline", HEADLINE)
    writer.fill("#id_dek", "The crossing runs nightly again from Friday.")
    choose(writer, ".field-section", "Island")
    write_body(writer, "Islanders lined the quay as the first ferry in two winters came in.")
    choose(writer, "#bylines-0", "Wanda Reyes")
    writer.click("#bylines-group .add-row a")
    with writer.expect_popup() as popup_info:
        writer.locator("#bylines-1 a.add-related").first.click()
    popup = popup_info.value
    popup.fill("#id_name", "Tomas Lind")
    popup.click("input[name=_save]")
    writer.wait_for_function(
        "() => document.querySelector('#id_bylines-1-author')?.selectedOptions[0]?.text"
        " === 'Tomas Lind'"
    )
    photo = tmp_path / "quay.jpg"
    photo.write_bytes(image_bytes(size=(800, 600)))
    with writer.expect_popup() as popup_info:
        writer.locator(".field-lead_photo a.add-related").first.click()
    popup = popup_info.value
    popup.set_input_files("#id_image", str(photo))
    popup.fill("#id_caption", "The ferry at the quay.")
    popup.fill("#id_credit_line", "Wanda Reyes / Daily Ledger")
    popup.fill("#id_alt_text", "A white ferry beside a stone quay at night")
    popup.click("input[name=_save]")
    writer.wait_for_function("() => document.querySelector('#id_lead_photo')?.value")
    choose(writer, ".field-tags", "Ferr")
    choose(writer, ".field-tags", "Wint")
    shots(writer, "02-writer-form")
    writer.click("button[value=submit]")
    assert "in review" in messages(writer)
    shots(writer, "03-submitted")

    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Status.REVIEW
    assert [b.author.name for b in article.ordered_bylines] == ["Wanda Reyes", "Tomas Lind"]
    assert article.lead_photo is not None
    assert sorted(article.tags.values_list("name", flat=True)) == ["Ferries", "Winter"]

    # 2. The writer reads it in preview after submitting.
    writer.goto(f"{base}/preview/{article.pk}/")
    assert writer.locator("h1").inner_text() == HEADLINE
    assert "Tomas Lind" in writer.content()
    shots(writer, "04-writer-preview")

    # 3. The editor sends it back with a comment.
    editor = new_page()
    admin_login(editor, base, "eddie", PASSWORD)
    assert HEADLINE in editor.locator("#review-queue-list").inner_text()
    shots(editor, "05-editor-dashboard")
    editor.locator("#review-queue-list").get_by_role("link", name=HEADLINE).click()
    editor.fill("#id_workflow_comment", "Name the harbour master you quote.")
    editor.click("button[value=send_back]")
    messages(editor)
    shots(editor, "06-sent-back")

    # 4. The writer sees "Sent back" and the comment at the top, and resubmits.
    writer.goto(f"{base}/admin/articles/article/")
    assert "Sent back" in writer.locator("#result_list").inner_text()
    shots(writer, "07-writer-list-sent-back")
    writer.get_by_role("link", name=HEADLINE).first.click()
    note = writer.locator("#desk-sent-back")
    assert "Name the harbour master you quote." in note.inner_text()
    shots(writer, "08-writer-sees-comment")
    writer.click("button[value=submit]")
    assert "in review" in messages(writer)

    # 5. The editor publishes.
    change = f"{base}/admin/articles/article/{article.pk}/change/"
    editor.goto(change)
    editor.click("button[value=publish]")
    assert "published" in messages(editor)
    shots(editor, "09-published")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    # 6. The editor edits the live story as pending changes, then publishes them.
    editor.goto(change)
    editor.fill("#id_headline", HEADLINE + ", to cheers")
    shots(editor, "10-live-choice")
    editor.click("#desk-save-pending")
    assert "pending changes" in messages(editor)
    assert editor.locator("#desk-pending").is_visible()
    shots(editor, "11-pending-saved")
    reader = new_page()
    reader.goto(base + article.get_absolute_url())
    assert reader.locator("h1").inner_text() == HEADLINE
    editor.goto(f"{base}/preview/{article.pk}/")
    assert editor.locator("h1").inner_text() == HEADLINE + ", to cheers"
    shots(editor, "12-pending-preview")
    editor.goto(change)
    editor.click("#desk-pending-publish")
    assert "Published the pending changes" in messages(editor)
    shots(editor, "13-pending-published")
    # A new reader each time: a browser keeps a public page for its max-age.
    reader = new_page()
    reader.goto(base + Article.objects.get(pk=article.pk).get_absolute_url())
    assert reader.locator("h1").inner_text() == HEADLINE + ", to cheers"
    assert list(AuditEntry.objects.filter(article_id=article.pk).values_list("action", flat=True))[
        -2:
    ] == ["pending_changes", "publish_changes"]

    # 7. The editor pins an older story as the lead; the reader sees it at once.
    older = make_article(headline="Harbour wall repaired before the storms")
    Article.objects.filter(pk=older.pk).update(published_at=article.published_at.replace(year=2025))
    reader.goto(base + "/")
    assert HEADLINE in reader.locator(".lead-story, .lead").first.inner_text()
    editor.goto(f"{base}/admin/desk/front/")
    editor.locator("#desk-candidates li", has_text="Harbour wall").drag_to(
        editor.locator("#desk-pinned")
    )
    pinned = editor.locator("#desk-pinned li", has_text="Harbour wall")
    if not pinned.count():  # a drag the browser did not finish: the button does the same
        editor.locator("#desk-candidates li", has_text="Harbour wall").locator(".desk-pin").click()
    shots(editor, "14-front-page")
    editor.click("#desk-front-save")
    assert "readers see it now" in messages(editor)
    shots(editor, "15-front-saved")
    reader = new_page()
    reader.goto(base + "/")
    assert "Harbour wall repaired" in reader.locator(".lead-story, .lead").first.inner_text()
    shots(reader, "16-reader-home")


def test_typing_survives_closing_the_tab(live_server, newsroom, new_page, admin_login, shots):
    base = live_server.url
    writer_user, _ = newsroom
    draft = make_article(
        status=Status.DRAFT,
        headline="Council meets on Tuesday",
        created_by=writer_user,
        authors=[writer_user.author_profile],
    )
    change = f"{base}/admin/articles/article/{draft.pk}/change/"
    page = new_page()
    admin_login(page, base, "wanda", PASSWORD)
    page.goto(change)
    page.wait_for_selector("#article_form[data-autosave-ready]")
    page.fill("#id_headline", "Council meets on Tuesday to vote on the harbour")
    page.wait_for_selector("#article_form[data-autosaved]", timeout=15_000)
    shots(page, "17-autosaved")
    # Leaving warns (beforeunload); closing the tab anyway keeps the typing.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.close(run_before_unload=True)
    assert Autosave.objects.filter(article=draft).exists()
    assert Article.objects.get(pk=draft.pk).headline == "Council meets on Tuesday"

    again = new_page()
    admin_login(again, base, "wanda", PASSWORD)
    again.goto(change)
    offer = again.locator("#desk-autosave-offer")
    assert re.search(r"Restore your unsaved changes from \d{4}-\d\d-\d\d", offer.inner_text())
    shots(again, "18-restore-offer")
    again.click("#desk-autosave-restore")
    assert again.input_value("#id_headline") == "Council meets on Tuesday to vote on the harbour"
    shots(again, "19-restored")
    # Nothing is saved to the article until the writer saves the form.
    assert Article.objects.get(pk=draft.pk).headline == "Council meets on Tuesday"
    assert dialogs in ([], ["beforeunload"])


def test_editor_publishes_a_new_story_in_one_step(
    live_server, newsroom, new_page, admin_login, shots
):
    base = live_server.url
    page = new_page()
    admin_login(page, base, "eddie", PASSWORD)
    page.goto(f"{base}/admin/articles/article/add/")
    button = page.locator("button[value=publish_direct]")
    assert button.inner_text() == "Publish now"
    page.fill("#id_publish_at_0", "2099-01-02")
    page.fill("#id_publish_at_1", "08:30:00")
    page.locator("#id_publish_at_1").blur()
    page.wait_for_function(
        "() => document.querySelector('button[value=publish_direct]').textContent"
        ".startsWith('Schedule for 2099-01-02 08:30')"
    )
    page.fill("#id_publish_at_0", "")
    page.fill("#id_publish_at_1", "")
    page.locator("#id_publish_at_0").blur()
    page.wait_for_function(
        "() => document.querySelector('button[value=publish_direct]').textContent === 'Publish now'"
    )
    page.fill("#id_headline", "Harbour master retires after forty years")
    choose(page, ".field-section", "Island")
    write_body(page, "She saw in four thousand ferries.")
    choose(page, "#bylines-0", "Wanda Reyes")
    shots(page, "20-editor-publish-now")
    button.click()
    assert "published" in messages(page)
    article = Article.objects.get(headline="Harbour master retires after forty years")
    assert article.is_public
    entry = AuditEntry.objects.get(article_id=article.pk)
    assert (entry.action, entry.comment) == (
        "publish_direct",
        "Published directly by an editor, without review.",
    )
    shots(page, "21-published-directly")
