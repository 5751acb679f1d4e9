"""The desk's defects, each as an editor or a writer met it in the admin (issue #16)."""

from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, AuditEntry, Author, Byline, Status, Tag
from tests.factories import (
    change_url,
    form_data,
    make_article,
    make_author,
    make_photo,
    make_section,
    post_change,
)

pytestmark = pytest.mark.django_db

LIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def own_draft(writer, **fields):
    return make_article(
        status=Status.DRAFT, created_by=writer, authors=[writer.author_profile], **fields
    )


def errors_of(response):
    return response.context and (
        response.context.get("errors") or response.context["adminform"].errors
    )


def bylines_of(article):
    return list(
        Byline.objects.filter(article=article)
        .order_by("position")
        .values_list("author__name", "position")
    )


# 1. Bylines: numbered by the form, never typed; adding, removing, reordering all save.


def test_a_second_byline_added_as_it_comes_is_saved_after_the_first(writer_client, writer):
    article = own_draft(writer, headline="Harbour reopens")
    guest = make_author(name="Gus Guest")
    page = writer_client.get(change_url(article))
    data = form_data(page)
    # The new row as "Add another Byline" gives it: no position typed.
    data["bylines-1-author"] = guest.pk
    data["bylines-1-role"] = Byline.Role.WRITER
    data.pop("bylines-1-position", None)
    data["bylines-TOTAL_FORMS"] = 2
    response = writer_client.post(change_url(article), data)
    assert response.status_code == 302, errors_of(response)
    assert bylines_of(article) == [("Wanda Writer", 0), ("Gus Guest", 1)]


def test_a_post_without_any_positions_keeps_the_rows_order(editor_client):
    first, second, third = (make_author(name=n) for n in ("Ann", "Bo", "Cy"))
    article = make_article(authors=[first, second])
    page = editor_client.get(change_url(article))
    data = {k: v for k, v in form_data(page).items() if not k.endswith("-position")}
    data["bylines-2-author"] = third.pk
    data["bylines-2-role"] = Byline.Role.PHOTOGRAPHER
    data["bylines-TOTAL_FORMS"] = 3
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_of(response)
    assert bylines_of(article) == [("Ann", 0), ("Bo", 1), ("Cy", 2)]


def test_bylines_swapped_by_the_form_save_in_their_new_order(editor_client):
    first, second = make_author(name="Ann"), make_author(name="Bo")
    article = make_article(authors=[first, second])
    page = editor_client.get(change_url(article))
    # What the page's script posts after Bo's row is moved up.
    response = editor_client.post(
        change_url(article),
        form_data(page, **{"bylines-0-position": 1, "bylines-1-position": 0}),
    )
    assert response.status_code == 302, errors_of(response)
    assert bylines_of(article) == [("Bo", 0), ("Ann", 1)]


def test_removing_the_first_byline_renumbers_the_rest(editor_client):
    first, second = make_author(name="Ann"), make_author(name="Bo")
    article = make_article(authors=[first, second])
    page = editor_client.get(change_url(article))
    response = editor_client.post(
        change_url(article), form_data(page, **{"bylines-0-DELETE": "on"})
    )
    assert response.status_code == 302, errors_of(response)
    assert bylines_of(article) == [("Bo", 0)]


def test_the_byline_position_is_not_a_field_to_type(editor_client):
    article = make_article()
    page = editor_client.get(change_url(article)).content.decode()
    assert 'type="hidden" name="bylines-0-position"' in page
    assert 'type="number" name="bylines-0-position"' not in page


# 2. Deleting: only never-public drafts, by editors; the audit trail stays.


def bulk_delete(client, *articles):
    return client.post(
        LIST,
        {
            "action": "delete_selected",
            "post": "yes",
            helpers.ACTION_CHECKBOX_NAME: [a.pk for a in articles],
        },
    )


def test_editors_cannot_bulk_delete_a_published_story_or_its_audit_trail(editor_client, editor):
    live = make_article(status=Status.REVIEW)
    workflow.transition(live, "publish", by=editor)
    draft = make_article(status=Status.DRAFT)
    response = bulk_delete(editor_client, live, draft)
    assert response.status_code == 403
    assert Article.objects.filter(pk__in=[live.pk, draft.pk]).count() == 2
    assert AuditEntry.objects.filter(article_id=live.pk).count() == 1


@pytest.mark.parametrize("step", ["unpublish", "take_down"])
def test_a_once_published_story_cannot_be_deleted(editor_client, editor, step):
    article = make_article(status=Status.REVIEW)
    workflow.transition(article, "publish", by=editor)
    workflow.transition(article, step, by=editor, comment="Legal asked.")
    page = editor_client.get(change_url(article)).content.decode()
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert f'href="{delete_url}"' not in page
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_an_editor_deletes_a_never_public_draft_and_its_trail_stays(editor_client, writer, editor):
    draft = own_draft(writer, headline="Abandoned idea")
    workflow.transition(draft, "submit", by=writer)
    workflow.transition(draft, "send_back", by=editor, comment="Not for us.")
    delete_url = reverse("admin:articles_article_delete", args=[draft.pk])
    confirm = editor_client.get(delete_url).content.decode()
    assert "Audit entries" not in confirm
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()
    trail = AuditEntry.objects.filter(article_id=draft.pk)
    assert list(trail.values_list("action", "comment")) == [
        ("submit", ""),
        ("send_back", "Not for us."),
    ]


def test_writers_cannot_delete_their_own_draft(writer_client, writer):
    draft = own_draft(writer)
    delete_url = reverse("admin:articles_article_delete", args=[draft.pk])
    assert writer_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=draft.pk).exists()


# 3. A writer follows their story after submitting it.


@pytest.mark.parametrize("published", [False, True])
def test_a_writer_previews_their_own_story_in_review_and_after_publication(
    writer_client, writer, editor, published
):
    photo = make_photo(caption="Ships at dawn.", alt_text="Two ships in the harbour")
    story = own_draft(
        writer,
        headline="Harbour reopens",
        body=f'<h2>The return</h2><p>Ships are back.</p><figure data-photo="{photo.pk}"></figure>',
    )
    workflow.transition(story, "submit", by=writer)
    if published:
        workflow.transition(story, "publish", by=editor)
    response = writer_client.get(reverse("articles:preview", args=[story.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h2>The return</h2>" in page
    assert 'alt="Two ships in the harbour"' in page
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.REVIEW},
        {"published_at": timezone.now() + timedelta(days=1)},  # scheduled
    ],
    ids=["draft", "review", "scheduled"],
)
def test_the_preview_of_a_story_readers_cannot_see_gives_it_no_time_nor_share_buttons(
    editor_client, fields
):
    # It showed "Published" with the minute the preview was opened, and buttons sharing an
    # address that answers 404.
    story = make_article(headline="Pier reopens", **fields)
    page = editor_client.get(reverse("articles:preview", args=[story.pk])).content.decode()
    assert "Pier reopens" in page
    assert "article__dates" not in page and "article:published_time" not in page
    assert 'class="share"' not in page


def test_the_preview_of_a_public_story_keeps_its_time_and_share_buttons(editor_client):
    story = make_article(headline="Pier reopens")
    page = editor_client.get(reverse("articles:preview", args=[story.pk])).content.decode()
    assert 'class="article__dates">Published <time' in page and 'class="share"' in page


def test_another_writer_still_cannot_preview_it(client, writer, editor):
    from tests.factories import make_user

    story = own_draft(writer)
    workflow.transition(story, "submit", by=writer)
    client.force_login(make_user(role="Writer"))
    assert client.get(reverse("articles:preview", args=[story.pk])).status_code == 404


def test_a_writers_read_only_page_shows_inline_photos_and_a_preview_link(writer_client, writer):
    photo = make_photo(caption="Ships at dawn.", alt_text="Two ships in the harbour")
    story = own_draft(
        writer,
        body=f'<h2>The return</h2><p>Ships.</p><figure data-photo="{photo.pk}"></figure>',
    )
    workflow.transition(story, "submit", by=writer)
    page = writer_client.get(change_url(story)).content.decode()
    assert 'name="headline"' not in page  # read only
    assert '<div class="article-body-read"><h2>The return</h2>' in page
    assert 'alt="Two ships in the harbour"' in page and "Ships at dawn." in page
    assert reverse("articles:preview", args=[story.pk]) in page


# 4. A published article always has a date.


def test_clearing_the_date_of_a_published_article_is_a_form_error(editor_client):
    article = make_article(headline="Live story")
    before = article.published_at
    response = post_change(editor_client, article, published_at_0="", published_at_1="")
    assert response.status_code == 200
    assert "always has a publication date" in response.content.decode()
    article.refresh_from_db()
    assert article.published_at == before


def test_a_draft_may_still_be_saved_without_a_date(editor_client):
    article = make_article(status=Status.DRAFT, headline="Draft")
    response = post_change(editor_client, article, headline="Draft, retitled")
    assert response.status_code == 302, errors_of(response)


# 5. Internal labels never reach readers.


def test_a_photos_library_title_is_not_printed_to_readers(client):
    photo = make_photo(title="IMG_0042 harbour keeper", caption="Ships at dawn.", alt_text="Ships")
    article = make_article(body=f'<p>Text.</p><figure data-photo="{photo.pk}"></figure>')
    page = client.get(article.get_absolute_url()).content.decode()
    assert "IMG_0042" not in page
    assert "Ships at dawn." in page and 'alt="Ships"' in page


# 6. "View on site" only for public stories; history in words.


def test_view_on_site_only_for_what_readers_can_open(editor_client):
    draft = make_article(status=Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    live = make_article()
    for article, shown in ((draft, False), (scheduled, False), (live, True)):
        page = editor_client.get(change_url(article)).content.decode()
        assert ("View on site" in page) is shown, article


def test_history_says_what_happened_in_words(editor_client, writer, editor):
    story = own_draft(writer, headline="Harbour reopens")
    workflow.transition(story, "submit", by=writer)
    workflow.transition(story, "send_back", by=editor, comment="Needs a quote.")
    response = post_change(editor_client, story, headline="Harbour reopens at last")
    assert response.status_code == 302
    page = editor_client.get(change_url(story)).content.decode()
    assert "Sent back to the writer" in page and "Submitted for review" in page
    assert "send_back" not in page
    history = editor_client.get(
        reverse("admin:articles_article_history", args=[story.pk])
    ).content.decode()
    assert "loaded_version" not in history
    assert "Changed Headline." in history


# 7. Writers and photo credits: tests/test_photo_permissions.py,
# test_writer_may_not_change_any_field_of_a_photo_in_a_published_lead[credit_line] and
# test_writer_may_not_change_a_published_photos_credit_in_the_credit_admin... hold it.


# 8. The body editor, the pickers, the lead photo, the author form.


def test_the_body_editor_leaves_spellcheck_on(editor_client):
    page = editor_client.get(ADD).content.decode()
    assert "NoSpellCheck" not in page


@pytest.mark.parametrize("term", ["Photo {pk}", "photo #{pk}", "{pk}"])
def test_pickers_find_an_untitled_photo_by_its_label_or_id(editor_client, term):
    photo = make_photo(title="", alt_text="", caption="")
    make_photo(title="Another")
    term = term.format(pk=photo.pk)
    assert str(photo) == f"Photo {photo.pk}"
    picked = editor_client.get(reverse("admin:photos_photo_picker"), {"q": term}).json()
    assert [r["id"] for r in picked["results"]] == [photo.pk]
    found = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_photo",
        },
    ).json()
    assert [r["id"] for r in found["results"]] == [str(photo.pk)]


def test_pickers_find_photos_by_caption_and_credit(editor_client):
    photo = make_photo(caption="Ferry at the quay", credit_line="Lena Hart / Coast Photo")
    for term in ("ferry quay", "Lena Hart"):
        picked = editor_client.get(reverse("admin:photos_photo_picker"), {"q": term}).json()
        assert [r["id"] for r in picked["results"]] == [photo.pk], term


def test_a_pending_photo_is_not_offered_or_taken_as_a_lead(editor_client):
    pending = make_photo(with_file=False, title="Awaiting the file")
    found = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Awaiting",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_photo",
        },
    ).json()
    assert found["results"] == []
    article = make_article()
    response = post_change(editor_client, article, lead_photo=pending.pk)
    assert response.status_code == 200
    assert "has no file yet" in response.content.decode()
    article.refresh_from_db()
    assert article.lead_photo is None


def test_the_author_form_takes_social_links_one_per_line(editor_client):
    author = make_author(name="Gus Guest", social_links=["https://example.social/@gus"])
    url = reverse("admin:articles_author_change", args=[author.pk])
    page = editor_client.get(url)
    assert "[&quot;https://" not in page.content.decode()  # no raw JSON box
    data = form_data_plain(
        page, social_links="https://example.social/@gus\nhttps://example.org/in/gus\n"
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    author.refresh_from_db()
    assert author.social_links == ["https://example.social/@gus", "https://example.org/in/gus"]
    bad = editor_client.post(url, {**data, "social_links": "not an address"})
    assert bad.status_code == 200 and "is not a web address" in bad.content.decode()
    assert Author.objects.get(pk=author.pk).social_links == author.social_links


def form_data_plain(response, **changes):
    """The author form's fields as posted (it has no inlines)."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = (
            field.prepare_value(value) if name == "social_links" else getattr(value, "pk", value)
        )
    data.update(changes)
    return data


# Writing aids.


def test_a_repeated_headline_gets_the_next_free_slug(editor_client):
    section = make_section()
    make_article(headline="Budget passes", slug="budget-passes")
    page = editor_client.get(ADD)
    data = form_data(
        page,
        headline="Budget passes",
        slug="budget-passes",
        section=section.pk,
        body="<p>Again.</p>",
    )
    data["bylines-0-author"] = make_author().pk
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.filter(slug="budget-passes-2").exists()


def test_tags_are_created_by_typing(editor_client):
    existing = Tag.objects.create(name="Housing", slug="housing")
    article = make_article(status=Status.DRAFT)
    response = post_change(editor_client, article, new_tags="housing, City budget, , City budget")
    assert response.status_code == 302, errors_of(response)
    names = sorted(article.tags.values_list("name", flat=True))
    assert names == ["City budget", "Housing"]
    assert Tag.objects.filter(name__iexact="housing").get() == existing


def test_the_form_counts_characters_against_search_and_card_limits(editor_client):
    page = editor_client.get(ADD).content.decode()
    assert 'data-counter-limit="70"' in page  # headline
    assert 'data-counter-limit="60"' in page  # SEO title
    assert 'data-counter-limit="160"' in page  # SEO description
    assert "article-writing-aids.js" in page


def test_an_empty_extra_byline_row_numbered_by_the_page_is_left_out(editor_client):
    article = make_article(authors=[make_author(name="Ann")])
    page = editor_client.get(change_url(article))
    # The page's script numbers every row, the empty one "Add another" left included.
    data = form_data(page, **{"bylines-0-position": 0, "bylines-1-position": 1})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302, errors_of(response)
    assert bylines_of(article) == [("Ann", 0)]
