"""The WordPress (WXR) importer: the upstream fixtures, mapping rules, and broken files."""

import re

import pytest
from django.utils import timezone

from articles.models import Article, ArticleRedirect, AuditEntry, Author, Section, Status, Tag
from photos.models import Photo
from tests.conftest import run_import, shared_file
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db


def wxr(items, *, version="1.2", authors=""):
    """A small WXR document of our own around ``items``."""
    version_tag = f"<wp:wxr_version>{version}</wp:wxr_version>" if version else ""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Harbour Gazette</title>
  <link>https://gazette.example</link>
  {version_tag}
  <wp:base_site_url>https://gazette.example</wp:base_site_url>
  <wp:base_blog_url>https://gazette.example</wp:base_blog_url>
  {authors}
  {items}
</channel>
</rss>
"""


def item(
    post_id,
    title,
    *,
    status="publish",
    content="",
    post_type="post",
    extra="",
    date="2024-03-05 10:00:00",
    creator="rita",
    name=None,
):
    return f"""<item>
  <title><![CDATA[{title}]]></title>
  <link>https://gazette.example/2024/03/05/{name or f"post-{post_id}"}/</link>
  <dc:creator><![CDATA[{creator}]]></dc:creator>
  <guid isPermaLink="false">https://gazette.example/?p={post_id}</guid>
  <content:encoded><![CDATA[{content}]]></content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_date>{date}</wp:post_date>
  <wp:post_date_gmt>{date}</wp:post_date_gmt>
  <wp:post_name>{name if name is not None else f"post-{post_id}"}</wp:post_name>
  <wp:status>{status}</wp:status>
  <wp:post_parent>0</wp:post_parent>
  <wp:post_type>{post_type}</wp:post_type>
  {extra}
</item>"""


RITA = """<wp:author><wp:author_id>7</wp:author_id><wp:author_login>rita</wp:author_login>
<wp:author_email>rita@gazette.example</wp:author_email>
<wp:author_display_name><![CDATA[Rita Okafor]]></wp:author_display_name></wp:author>"""


def write(tmp_path, text, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts():
    return {m.__name__: m.objects.count() for m in (Article, Author, Section, Tag, Photo)}


# --- the upstream fixtures ---------------------------------------------------------------

SMALL_EXPORT_POSTS = {
    # title: (slug, author login, status, section slug, tag slugs that must be present)
    "Many Categories": ("many-categories", "admin", Status.PUBLISHED, None, set()),
    "Non-standard post format": (
        "non-standard-post-format",
        "admin",
        Status.PUBLISHED,
        None,
        set(),
    ),
    "Top-level Foo": ("top-level-foo", "admin", Status.PUBLISHED, "foo", set()),
    "Foo-child": ("foo-child", "editor", Status.PUBLISHED, "foo-bar", set()),
    "Private Post": ("private-post", "admin", Status.DRAFT, None, {"tag1", "tag2", "tag3"}),
    "Hello world!": ("hello-world", "author", Status.PUBLISHED, "uncategorized", set()),
}


def test_small_export_posts_import_with_titles_slugs_authors_statuses_and_terms():
    out, err, failed = run_import(shared_file("fixtures/wordpress/small-export.xml"))
    assert failed is None, err
    assert "6 created" in out
    articles = {a.headline: a for a in Article.objects.all()}
    assert set(articles) == set(SMALL_EXPORT_POSTS)
    emails = {
        "admin": "local@host.null",
        "editor": "editor@example.org",
        "author": "author@example.org",
    }
    for title, (slug, login, status, section, tags) in SMALL_EXPORT_POSTS.items():
        article = articles[title]
        assert article.slug == slug
        assert article.status == status
        (byline,) = article.bylines.select_related("author")
        assert byline.author.name == login  # the display names in this file are the logins
        assert byline.author.email == emails[login]
        if section:
            assert article.section.slug == section
        assert tags <= set(article.tags.values_list("slug", flat=True))
    many = articles["Many Categories"]
    # 27 categories: the first is the section, the other 26 are kept as tags.
    assert many.tags.count() == 26
    private = articles["Private Post"]
    assert not private.is_public
    assert private not in Article.objects.published()
    assert "private on WordPress" in out
    assert Article.objects.published().count() == 5
    hello = articles["Hello world!"]
    assert ArticleRedirect.objects.filter(article=hello, old_path="/?p=1").exists()


def test_second_import_of_small_export_creates_nothing_new():
    path = shared_file("fixtures/wordpress/small-export.xml")
    run_import(path)
    before = counts()
    audit_before = AuditEntry.objects.count()
    out, err, failed = run_import(path)
    assert failed is None, err
    assert "0 created, 0 updated, 6 unchanged" in out
    assert counts() == before
    assert AuditEntry.objects.count() == audit_before


def test_pages_are_imported_only_when_asked():
    path = shared_file("fixtures/wordpress/small-export.xml")
    out, _err, _failed = run_import(path, include_pages=True)
    assert "11 created" in out
    draft_page = Article.objects.get(headline="Draft Page")
    assert draft_page.status == Status.DRAFT
    assert draft_page.slug == "draft-page"  # WordPress drafts have no slug; the title gives one


def test_theme_unit_test_data_imports_completely_with_a_report():
    out, err, failed = run_import(shared_file("fixtures/wordpress/theme-unit-test-data.xml"))
    assert failed is None, err
    assert "58 created" in out and "0 failed" in out
    assert Article.objects.count() == 58
    scheduled = [a for a in Article.objects.all() if a.is_scheduled]
    assert len(scheduled) == 1  # the one "future" post
    # The draft, and the password-protected post: never public.
    assert set(Article.objects.filter(status=Status.DRAFT).values_list("headline", flat=True)) == {
        "Draft",
        'Template: Password Protected (the password is "enter")',
    }
    # Captioned images became embeds of library photos, pending with their source URL.
    embed_count = sum(a.body.count("<figure data-photo=") for a in Article.objects.all())
    assert embed_count > 10
    assert Photo.objects.filter(source_url__startswith="https://").count() > 10
    assert all(p.is_pending for p in Photo.objects.all())
    # Galleries, embeds and audio are placed or named in the report, never dropped silently.
    assert "gallery: 23 photo(s) placed as figures" in out
    assert "embed kept as a link" in out and "audio kept as a link" in out
    assert "[gallery" not in "".join(Article.objects.values_list("body", flat=True))
    # Every author exists once, whatever stray brackets dc:creator carried.
    assert not Author.objects.filter(name__contains=">").exists()


@pytest.mark.parametrize(
    "name, message",
    [
        ("malformed.xml", "not well-formed"),
        ("missing-version-tag.xml", "missing WXR version number"),
        ("invalid-version-tag.xml", "invalid WXR version number"),
    ],
)
def test_broken_export_gets_a_clear_error_and_writes_nothing(name, message):
    out, err, failed = run_import(shared_file(f"fixtures/wordpress/{name}"), format="wordpress")
    assert failed is not None
    assert message in err and name in err
    assert all(n == 0 for n in counts().values())
    assert "0 created" in out


def test_wxr_file_broken_after_its_first_posts_writes_nothing(tmp_path):
    good = item(1, "First") + item(2, "Second")
    path = write(tmp_path, wxr(good + "<item><title>Third</title></channel></rss>"))
    _out, err, failed = run_import(path)
    assert failed is not None and "not well-formed" in err
    assert Article.objects.count() == 0


def test_utf8_challenges_keep_every_character():
    out, err, failed = run_import(shared_file("fixtures/wordpress/wxr-utf-8-challenges.xml"))
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == (
        '"The Road \u202eNot\u202c Taken" by Rob\u202dert \u202eFrost \u202a\U0001f332\u202c'
    )
    assert "𝓣𝓮𝓼𝓽 𝓜𝓾𝓵𝓽𝓲-𝓑𝔂𝓽𝓮: 🚀🌟💫⭐️🔥💯🎉🎊🌈🦄" in article.body
    assert "السلام عليكم" in article.body
    assert article.dek.endswith("t̶̰̒e̶̞̔x̶̰̍t̶̰̒\u200c\u200b\u200d\u200e")
    assert Author.objects.get().email == "ădmĩn@ℓocalhost.com"


# --- mapping rules, on our own small exports ----------------------------------------------


def test_statuses_map_to_workflow_states(tmp_path):
    future = (timezone.now() + timezone.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    items = (
        item(1, "Published one")
        + item(2, "Draft one", status="draft")
        + item(3, "Pending one", status="pending")
        + item(4, "Future one", status="future", date=future)
        + item(5, "Private one", status="private")
    )
    _out, err, failed = run_import(write(tmp_path, wxr(items, authors=RITA)))
    assert failed is None, err
    status = dict(Article.objects.values_list("headline", "status"))
    assert status == {
        "Published one": Status.PUBLISHED,
        "Draft one": Status.DRAFT,
        "Pending one": Status.REVIEW,
        "Future one": Status.PUBLISHED,
        "Private one": Status.DRAFT,
    }
    future_article = Article.objects.get(headline="Future one")
    assert future_article.is_scheduled and not future_article.is_public
    assert future_article.published_at.strftime("%Y-%m-%d %H:%M:%S") == future
    assert list(Article.objects.published().values_list("headline", flat=True)) == ["Published one"]
    assert Author.objects.get().name == "Rita Okafor"


def test_caption_shortcode_becomes_a_figure_with_caption_and_credit(tmp_path):
    content = (
        "The ferry left at dawn.\nIt was late.\n\n"
        '[caption id="attachment_40" align="alignnone" width="640"]'
        '<img class="size-full wp-image-40" src="https://gazette.example/wp-content/uploads/'
        '2024/03/ferry.jpg" alt="The ferry at the pier" width="640" height="480" />'
        " The night ferry. Photo: Lena Fischer / Harbour Authority[/caption]\n\n"
        '[gallery ids="40,41"]\n\nNot a shortcode: [sic].\n\n'
        "<pre>keep [this] as\n\n  it is</pre>"
    )
    _out, err, failed = run_import(write(tmp_path, wxr(item(9, "Ferry", content=content))))
    assert failed is None, err
    article = Article.objects.get()
    photo = Photo.objects.get()
    assert photo.caption == "The night ferry."
    assert photo.credit_line == "Lena Fischer / Harbour Authority"
    assert photo.alt_text == "The ferry at the pier"
    assert photo.source_url.endswith("/2024/03/ferry.jpg") and photo.is_pending
    assert photo.credits.first().creator == "Lena Fischer"  # parsed by the shared credit rules
    assert (
        f'<figure data-photo="{photo.pk}"><figcaption>The night ferry.</figcaption></figure>'
    ) in article.body
    assert "<p>The ferry left at dawn.<br>\nIt was late.</p>" in article.body
    assert "[gallery" not in article.body and "[sic]" in article.body
    assert "<pre>keep [this] as\n\n  it is</pre>" in article.body


def test_shortcodes_removed_are_listed_in_the_report(tmp_path):
    content = '[contact-form to="x@y.z"]\n\nText [embed]https://video.example/1[/embed]'
    out, _err, _failed = run_import(write(tmp_path, wxr(item(3, "Forms", content=content))))
    assert "removed shortcodes: [contact-form]" in out
    # An embed is kept as a link to what it showed, and said so.
    assert "embed kept as a link" in out
    body = Article.objects.get().body
    assert '<a href="https://video.example/1"' in body


def test_featured_image_and_attachments_from_a_local_uploads_copy(tmp_path):
    uploads = tmp_path / "uploads" / "2024" / "03"
    uploads.mkdir(parents=True)
    (uploads / "harbour.jpg").write_bytes(image_bytes())
    attachment = item(
        50,
        "harbour",
        status="inherit",
        post_type="attachment",
        extra="<wp:attachment_url>https://gazette.example/wp-content/uploads/2024/03/"
        "harbour.jpg</wp:attachment_url><wp:postmeta><wp:meta_key>"
        "_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Boats in the harbour"
        "</wp:meta_value></wp:postmeta>",
    ).replace("<wp:post_parent>0", "<wp:post_parent>8")
    post = item(
        8,
        "Harbour",
        extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        "<wp:meta_value>50</wp:meta_value></wp:postmeta>",
    )
    # The attachment comes after the post that uses it, as in real exports.
    path = write(tmp_path, wxr(post + attachment))
    _out, err, failed = run_import(path, media_root=str(tmp_path / "uploads"))
    assert failed is None, err
    article = Article.objects.get()
    photo = article.lead_photo
    assert photo is not None and not photo.is_pending
    assert photo.alt_text == "Boats in the harbour"
    assert Photo.objects.count() == 1  # lead and attachment are the same library photo
    with photo.image.open("rb") as fh:
        assert fh.read()[:2] == b"\xff\xd8"


def test_featured_image_without_media_root_stays_pending_with_its_url(tmp_path):
    attachment = item(
        50,
        "harbour",
        status="inherit",
        post_type="attachment",
        extra="<wp:attachment_url>https://gazette.example/wp-content/uploads/h.jpg"
        "</wp:attachment_url>",
    )
    post = item(
        8,
        "Harbour",
        extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
        "<wp:meta_value>50</wp:meta_value></wp:postmeta>",
    )
    run_import(write(tmp_path, wxr(post + attachment)))
    photo = Article.objects.get().lead_photo
    assert (
        photo.is_pending and photo.source_url == "https://gazette.example/wp-content/uploads/h.jpg"
    )


def test_old_wordpress_paths_redirect_to_the_article(client, tmp_path):
    run_import(write(tmp_path, wxr(item(12, "Moved", name="moved-story"))))
    article = Article.objects.get()
    paths = set(article.redirects.values_list("old_path", flat=True))
    assert paths == {"/2024/03/05/moved-story/", "/?p=12"}


def test_wordpress_export_is_detected_without_format(tmp_path):
    out, err, failed = run_import(write(tmp_path, wxr(item(1, "Detected")), name="site.xml"))
    assert failed is None, err
    assert Article.objects.get().source == "wordpress"


def test_queries_per_post_stay_constant_as_the_export_grows(tmp_path, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def export_of(first_id, count):
        terms = (
            '<category domain="category" nicename="harbour"><![CDATA[Harbour]]></category>'
            '<category domain="post_tag" nicename="ferries"><![CDATA[Ferries]]></category>'
        )
        posts = "".join(
            item(i, f"Post {i}", extra=terms) for i in range(first_id, first_id + count)
        )
        return write(tmp_path, wxr(posts, authors=RITA), name=f"from-{first_id}.xml")

    run_import(export_of(1, 1))  # the author, section and tags now exist
    with CaptureQueriesContext(connection) as four:
        run_import(export_of(100, 4))
    with CaptureQueriesContext(connection) as eight:
        run_import(export_of(200, 8))
    per_post = (len(eight) - len(four)) // 4
    assert len(eight) - len(four) == 4 * per_post
    # Authors, sections and tags are looked up once per run, not once per post.
    with django_assert_num_queries(len(eight) + 8 * per_post):
        run_import(export_of(300, 16))
    assert Article.objects.count() == 29 and Author.objects.count() == 1


def test_dry_run_reports_and_writes_nothing(tmp_path):
    out, err, failed = run_import(
        write(tmp_path, wxr(item(1, "One") + item(2, "Two"))), dry_run=True
    )
    assert failed is None, err
    assert "Dry run, nothing written: 2 created" in out
    assert all(n == 0 for n in counts().values())


def test_a_post_without_an_id_fails_alone_and_the_run_exits_non_zero(tmp_path):
    broken = item(5, "No id").replace("<wp:post_id>5</wp:post_id>", "")
    out, err, failed = run_import(write(tmp_path, wxr(item(1, "Fine") + broken)))
    assert failed is not None
    assert "has no wp:post_id" in err and "export.xml:" in err  # file and line
    assert list(Article.objects.values_list("headline", flat=True)) == ["Fine"]


def test_a_single_large_export_shows_progress_by_items(tmp_path):
    posts = "".join(item(i, f"Post {i}") for i in range(1, 121))
    _out, err, failed = run_import(write(tmp_path, wxr(posts)))
    assert failed is None, err
    assert "100 items" in err


def test_finding_an_imported_article_by_source_id_uses_the_index():
    from django.db import connection

    from articles.importers.writer import by_source_id

    if connection.vendor != "sqlite":
        pytest.skip("checks SQLite's plan; PostgreSQL proves the partial index by itself")
    for model in (Article, Photo):
        query = (
            by_source_id(model.objects, "wordpress", "https://x.example/?p=1").values("pk").query
        )
        sql, params = query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        # A scan would make every import item read the whole table: quadratic runs.
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


SUPPORTING_TYPES = {"attachment", "guest-author", "wp_block"}


def post_type(item):
    """An <item>'s wp:post_type ("post" when it has none, as WordPress reads it)."""
    for child in item:
        if isinstance(child.tag, str) and re.match(
            r"\{https?://wordpress\.org/export/[^}]*\}post_type$", child.tag
        ):
            return "".join(child.itertext()).strip()
    return "post"


@pytest.mark.parametrize(
    "name",
    [
        "missing-tags.xml",
        "multiple-cdata.xml",
        "post-content-blank-lines.xml",
        "slashes.xml",
        "small-export.xml",
        "theme-unit-test-data.xml",
        "valid-wxr-1.0.xml",
        "valid-wxr-1.1.xml",
        "wxr-flat-attachment-same-site.xml",
        "wxr-simple.xml",
        "wxr-utf-8-challenges.xml",
    ],
)
@pytest.mark.parametrize("include_pages", [False, True])
def test_every_item_read_is_accounted_for_in_the_report(name, include_pages):
    """created + updated + unchanged + skipped + failed = the items of the file (photos,
    guest authors and reusable blocks are read with the posts that use them)."""
    import lxml.etree

    path = shared_file(f"fixtures/wordpress/{name}")
    tree = lxml.etree.parse(str(path), lxml.etree.XMLParser(resolve_entities=False))
    read = sum(1 for item in tree.iter("item") if post_type(item) not in SUPPORTING_TYPES)
    for _run in range(2):
        out, err, failed = run_import(path, include_pages=include_pages)
        assert failed is None, err
        summary = out.strip().splitlines()[-1]
        counted = {action: int(n) for n, action in re.findall(r"(\d+) (\w+)", summary)}
        assert sum(counted.values()) == read, out
        # One report line for each.
        assert len(out.strip().splitlines()) - 1 == read


# --- what the WordPress importer's own tests assert (wordpress/EXPECTED.md) ---------------
# Parser-level facts that have a CMS equivalent are checked on the imported articles.
# Comments, post meta, term meta, page parents and terms no post uses have no equivalent
# here and are not imported.


def test_small_export_pages_users_and_a_double_import_with_pages():
    """test_small_import / test_double_import: pages publish 4 + draft 1, 3 users."""
    path = shared_file("fixtures/wordpress/small-export.xml")
    out, err, failed = run_import(path, include_pages=True)
    assert failed is None, err
    assert "11 created" in out
    pages = {
        "1-col page": ("1-col-page", Status.PUBLISHED),
        "Draft Page": ("draft-page", Status.DRAFT),
        "Parent Page": ("parent-page", Status.PUBLISHED),
        "Child Page": ("child-page", Status.PUBLISHED),
        "Sample Page": ("sample-page", Status.PUBLISHED),
    }
    for title, (slug, status) in pages.items():
        page = Article.objects.get(headline=title)
        assert (page.slug, page.status) == (slug, status), title
        assert [b.author.name for b in page.bylines.select_related("author")] == ["admin"]
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 5 + 4
    assert Article.objects.exclude(status=Status.PUBLISHED).count() == 1 + 1
    assert set(Author.objects.values_list("name", flat=True)) == {"admin", "editor", "author"}
    before = counts()
    out, err, failed = run_import(path, include_pages=True)
    assert failed is None, err
    assert "0 created, 0 updated, 11 unchanged" in out
    assert counts() == before


def test_slashes_are_not_stripped():
    """test_slashes_should_not_be_stripped (ticket 21007)."""
    out, err, failed = run_import(shared_file("fixtures/wordpress/slashes.xml"))
    assert failed is None, err
    article = Article.objects.get()
    assert article.section.slug == "alpha"
    assert article.section.name == 'a \\"great\\" category'
    assert article.body == '<p>Slashes aren\\\'t \\"cool\\"</p>'


def test_flat_attachment_becomes_the_library_photo_the_post_embeds():
    """test_flat_attachment_import_rewrites_attachment_url: one attachment, one post, and
    the post shows the imported copy, not the old site's file."""
    out, err, failed = run_import(
        shared_file("fixtures/wordpress/wxr-flat-attachment-same-site.xml")
    )
    assert failed is None, err
    article = Article.objects.get()
    photo = Photo.objects.get()
    assert photo.source_url == "https://wpthemetestdata.files.wordpress.com/2008/06/canola2.jpg"
    assert f'<figure data-photo="{photo.pk}">' in article.body
    assert "wpthemetestdata.files.wordpress.com" not in article.body


def test_wxr_1_1_author_terms_and_page():
    """test_wxr_version_1_1: author John Doe, category alpha, tag Clippable, 2 posts."""
    out, err, failed = run_import(
        shared_file("fixtures/wordpress/valid-wxr-1.1.xml"), include_pages=True
    )
    assert failed is None, err
    assert "2 created" in out
    (author,) = Author.objects.all()
    assert (author.name, author.email) == ("John Doe", "johndoe@example.org")
    post = Article.objects.get(headline="Hello world!")
    assert (post.section.slug, post.section.name) == ("alpha", "alpha")
    assert list(post.tags.values_list("slug", "name")) == [("clippable", "Clippable")]
    assert Article.objects.get(headline="About").redirects.filter(old_path="/?page_id=2").exists()


def test_wxr_1_0_tags_in_the_old_tag_domain():
    """test_wxr_version_1_0: 6 posts; WXR 1.0 tags use the domain "tag"; the one creator
    becomes an author although the header lists none."""
    out, err, failed = run_import(
        shared_file("fixtures/wordpress/valid-wxr-1.0.xml"), include_pages=True
    )
    assert failed is None, err
    assert "6 created" in out
    terms = {
        "Hello world!": ("uncategorized", set()),
        "Alpha post": ("alpha", {"news", "roar"}),
        "Child post": ("child", {"chicken", "face"}),
    }
    for title, (section, tags) in terms.items():
        article = Article.objects.get(headline=title)
        assert article.section.slug == section, title
        assert set(article.tags.values_list("slug", flat=True)) == tags, title
    assert list(Author.objects.values_list("name", flat=True)) == ["admin"]


def test_wxr_simple_first_post():
    """test_parse_simple_wxr_content: post 10, its title, slug, status and author."""
    out, err, failed = run_import(shared_file("fixtures/wordpress/wxr-simple.xml"))
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == '"The Road Not Taken" by Robert Frost'
    assert (article.slug, article.status) == ("hello-world", Status.PUBLISHED)
    assert article.external_id == "https://playground.internal/path/?p=10"
    (author,) = Author.objects.all()
    assert (author.name, author.email) == ("admin", "admin@localhost.com")


def test_utf8_challenges_one_post_one_term_one_author():
    """test_parse_wxr_with_challenging_utf8_sequences: 1 post, 1 term, 1 author. Our slugs
    are ASCII, made from post_name and the category slug without the invisible marks."""
    out, err, failed = run_import(shared_file("fixtures/wordpress/wxr-utf-8-challenges.xml"))
    assert failed is None, err
    article = Article.objects.get()
    assert article.slug == "hello-world-utf8-test"
    assert article.section.slug == "uncategorized" and Section.objects.count() == 1
    assert Author.objects.count() == 1 and Tag.objects.count() == 0


def test_blank_lines_and_adjacent_cdata_in_post_content():
    """post-content-blank-lines.xml (3 newlines: a line break and a blank line) and
    multiple-cdata.xml (adjacent CDATA sections concatenated)."""
    run_import(shared_file("fixtures/wordpress/post-content-blank-lines.xml"))
    assert Article.objects.get().body == (
        "<p>This is an example of a WordPress post.<br>\n"
        "\t\tIt has lines with text (and one blank line).</p>\n"
        "<p>And more lines with text.</p>"
    )
    Article.objects.all().delete()
    run_import(shared_file("fixtures/wordpress/multiple-cdata.xml"))
    assert Article.objects.get().body == "<p>line oneline twoline three</p>"


def test_theme_unit_test_data_pages_and_its_two_authors():
    """Counted in EXPECTED.md section 6: 58 posts and 21 pages; 2 wp:author, whatever the
    stray brackets of dc:creator."""
    out, err, failed = run_import(
        shared_file("fixtures/wordpress/theme-unit-test-data.xml"), include_pages=True
    )
    assert failed is None, err
    assert "79 created" in out and "0 failed" in out
    assert Author.objects.count() == 2


@pytest.mark.parametrize("declared", ["UTF-16", "UTF-8"])
def test_a_utf16_export_with_its_bom_imports(tmp_path, declared):
    # Saved again by a Windows editor: UTF-16 with a BOM, the declaration updated or not.
    text = wxr(
        item(41, "Smørbrød stall returns to Kaimark", content="Crème fraîche, 5 € a tub ☕"),
        authors=RITA,
    ).replace('encoding="UTF-8"', f'encoding="{declared}"')
    path = tmp_path / "export.xml"
    path.write_bytes(text.encode("utf-16"))
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    out, err, failed = run_import(path)
    assert failed is None, err
    article = Article.objects.get()
    assert article.headline == "Smørbrød stall returns to Kaimark"
    assert "Crème fraîche, 5 € a tub ☕" in article.body
    assert Author.objects.get().name == "Rita Okafor"


def test_the_report_says_draft_and_pending_posts_wait_for_an_editor(tmp_path):
    items = (
        item(51, "Harbour wall survey", status="draft")
        + item(52, "Quay rates for the new season", status="pending")
        + item(53, "Net loft reopens")
    )
    out, err, failed = run_import(write(tmp_path, wxr(items, authors=RITA)), status="published")
    assert failed is None, err
    lines = out.splitlines()

    def line_for(headline):
        (line,) = [ln for ln in lines if f"  {headline}" in ln]
        return line

    assert line_for("Harbour wall survey").startswith("created ")
    assert line_for("Harbour wall survey").endswith(
        "(a draft post on WordPress: not public until an editor publishes it)"
    )
    assert line_for("Quay rates for the new season").endswith(
        "(a pending post on WordPress: not public until an editor publishes it)"
    )
    assert "WordPress" not in line_for("Net loft reopens")
    assert lines[-1].startswith("3 created, 0 updated, 0 unchanged, 0 failed")
    status = dict(Article.objects.values_list("headline", "status"))
    assert status["Harbour wall survey"] == Status.DRAFT
    assert status["Quay rates for the new season"] == Status.REVIEW
    assert status["Net loft reopens"] == Status.PUBLISHED
