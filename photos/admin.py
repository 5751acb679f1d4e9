import re
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import CharField, Model, PositiveSmallIntegerField, Q, URLField
from django.forms.widgets import Script
from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join, strip_tags

from photos.credits import parse_credit_line

from . import renditions, uploads, usage
from .models import Credit, Photo, RenditionsStatus
from .tasks import make_preview, schedule_renditions

FOCAL_FIELDS = ("focal_x", "focal_y", "focal_width", "focal_height")
PREFILLED = ["credit_line", "copyright_notice", "caption"]
PICKER_SIZE = 48
# A photo asked for by the id it is listed under: "Photo 16", "photo #16", "#16", "16".
PHOTO_ID_RE = re.compile(r"(?:photo\s*)?#?(?P<id>\d+)", re.IGNORECASE)


FILE_REFUSAL = (
    "Only an editor can replace or remove a photo's file: the new picture would appear "
    "at once wherever the photo is shown."
)


def may_replace_file(user: Any) -> bool:
    """Replacing the file changes the picture on every page showing the photo, as deleting
    the photo would: it takes the permission to delete photos (editors', not writers')."""
    return bool(user.has_perm("photos.delete_photo"))


def refusing_uses(request: HttpRequest, photo: Photo) -> list[Model]:
    """What shows ``photo`` where ``request.user`` may not change it; asked once a request
    (the admin asks for permissions many times while it draws one page)."""
    asked = request.__dict__.setdefault("_photo_refusing_uses", {})
    if photo.pk not in asked:
        asked[photo.pk] = usage.refusing_uses(request.user, photo)
    return asked[photo.pk]


def refusal(uses: list[Model]) -> str:
    names = ", ".join(f"“{used}”" for used in uses)
    return (
        f"Only an editor can change this photo: it is shown in {names}, which you may not "
        "change (published, or not yours)."
    )


class PhotoForm(forms.ModelForm):
    # A plain file field: the checks and their messages are ours (uploads.prepare_upload),
    # not Django's generic "upload a valid image", and run before any pixel is decoded.
    image = forms.FileField(required=False, widget=AdminFileWidget)

    class Meta:
        model = Photo
        fields = [
            "image",
            "title",
            "alt_text",
            *PREFILLED,
            "usage_terms",
            "source_url",
            *FOCAL_FIELDS,
        ]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged, or cleared
        scratch = Photo()
        clean = uploads.prepare_upload(upload, scratch)
        duplicate = (
            Photo.objects.filter(content_hash=scratch.content_hash)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if duplicate:
            # Kept for the upload dialog, which offers the library's copy instead.
            self.duplicate = duplicate
            raise ValidationError(
                format_html(
                    'This file is already in the library as <a href="{}">{}</a>; use that photo.',
                    reverse("admin:photos_photo_change", args=[duplicate.pk]),
                    duplicate,
                ),
                code="duplicate",
            )
        self.instance.content_hash = scratch.content_hash
        self.instance.original_filename = scratch.original_filename
        self.metadata = {field: getattr(scratch, field) for field in PREFILLED}
        return clean

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        # What the file says fills only what the editor left blank.
        for field, value in getattr(self, "metadata", {}).items():
            if value and not cleaned.get(field):
                cleaned[field] = value
        return cleaned


class PhotoUploadForm(PhotoForm):
    """A new photo from where a writer writes (the body editor, the lead photo field).

    The library form's checks, duplicates and metadata, plus what a photo shown beside
    a story needs before anyone sees it: who made it and a description for readers who
    cannot see it. What the file itself says counts, as it does in the library.
    """

    REQUIRED = {
        "credit_line": "Say who made the photo (the credit readers see).",
        "alt_text": "Describe the photo for readers who cannot see it (alt text).",
    }
    image = forms.FileField(
        widget=AdminFileWidget,
        error_messages={"required": "Choose an image file to upload."},
    )

    class Meta(PhotoForm.Meta):
        # The copyright notice is not asked for: it is read from the file (PhotoForm.clean)
        # and would be lost with the stripped metadata if not saved here.
        fields = ["image", "title", "alt_text", "caption", "credit_line", "copyright_notice"]

    def clean(self):
        cleaned = super().clean()
        for field, message in self.REQUIRED.items():
            if not (cleaned.get(field) or "").strip():
                self.add_error(field, message)
        return cleaned


class PhotoAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete for photo fields, each result with its thumbnail.

    Django's own view (its checks of the asking field, the permission and the search)
    with a richer result, so a photo field's chooser can show pictures, not labels only.
    """

    # django-stubs does not list these two hooks of Django's view.
    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)  # type: ignore[misc]
        if not isinstance(model_admin, PhotoAdmin):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def serialize_result(self, obj, to_field_name):
        found = super().serialize_result(obj, to_field_name)  # type: ignore[misc]
        return {**cast("PhotoAdmin", self.model_admin).photo_json(obj), **found}


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    fields = ["position", "creator", "organisation", "licence", "licence_url", "platform"]
    # Narrow boxes: six of the admin's 20em fields in a row made the page 2,000 px wide.
    formfield_overrides = {
        CharField: {"widget": forms.TextInput(attrs={"size": 14})},
        URLField: {"widget": forms.URLInput(attrs={"size": 18})},
        PositiveSmallIntegerField: {
            "widget": forms.NumberInput(attrs={"class": "vCreditPosition"})
        },
    }

    # The credits are part of the photo: whoever may not change it may not change them.
    # Django's inline signature (with the parent object), which its stubs do not know.
    def has_add_permission(self, request, obj):  # type: ignore[override]
        allowed = super().has_add_permission(request, obj)
        return allowed and not (obj is not None and refusing_uses(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not (obj is not None and refusing_uses(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not (obj is not None and refusing_uses(request, obj))


class OrganisationFilter(admin.SimpleListFilter):
    title = "organisation"
    parameter_name = "organisation"
    field = "organisation"

    def lookups(self, request, model_admin):
        values = (
            Credit.objects.exclude(**{self.field: ""})
            .order_by(self.field)
            .values_list(self.field, flat=True)
            .distinct()
        )
        return [(v, v) for v in values]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"credits__{self.field}": self.value()}).distinct()
        return queryset


class LicenceFilter(OrganisationFilter):
    title = "licence"
    parameter_name = "licence"
    field = "licence"


class PendingFilter(admin.SimpleListFilter):
    title = "file"
    parameter_name = "file"

    def lookups(self, request, model_admin):
        return [("pending", "Pending upload"), ("uploaded", "Uploaded")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(image="")
        if self.value() == "uploaded":
            return queryset.exclude(image="")
        return queryset


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = ["thumbnail", "__str__", "credit_line", "renditions", "uploaded_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = [PendingFilter, OrganisationFilter, LicenceFilter]
    search_fields = [
        "title",
        "caption",
        "credit_line",
        "alt_text",
        "credits__creator",
        "credits__organisation",
    ]
    inlines = [CreditInline]
    readonly_fields = [
        "thumbnail",
        "focal_point",
        "renditions",
        "used_in",
        "original_filename",
        "width",
        "height",
        "content_hash",
    ]
    fieldsets = [
        (None, {"fields": ["image", "thumbnail", "renditions", "title", "alt_text", "caption"]}),
        (
            "Credit and rights",
            {
                "description": "Readers see the credit line exactly as written. The credits "
                "below are read from it when it changes; correct them there.",
                "fields": ["credit_line", "copyright_notice", "usage_terms", "source_url"],
            },
        ),
        ("Used in", {"fields": ["used_in"]}),
        (
            "Focal point",
            {
                "description": "What crops keep in frame: click the picture on what matters, "
                "or type the box in original pixels.",
                "fields": ["focal_point", *FOCAL_FIELDS],
            },
        ),
        (
            "File",
            {
                "classes": ["collapse"],
                "fields": ["original_filename", "width", "height", "content_hash"],
            },
        ),
    ]

    class Media:
        css = {"all": ["photos/photo-library.css"]}
        js = [Script("photos/focal-point.js", type="module")]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def has_change_permission(self, request, obj=None):
        """A photo is changed only by someone who may change everything showing it
        (``usage.register_rule``); others see it read-only."""
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.pk:
            return not refusing_uses(request, obj)
        return allowed

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.image and not may_replace_file(request.user):
            fields.append("image")
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Say why a photo is read-only; refuse a post changing what the user may not."""
        photo = self.get_object(request, unquote(object_id)) if object_id else None
        if photo is None or not super().has_change_permission(request, photo):
            return super().changeform_view(request, object_id, form_url, extra_context)
        refused = refusing_uses(request, photo)
        message = refusal(refused) if refused else None
        if not message and request.method == "POST" and photo.image:
            replacing = "image" in request.FILES or "image-clear" in request.POST
            if replacing and not may_replace_file(request.user):
                message = FILE_REFUSAL
        if message and request.method == "POST":
            # Nothing is saved; the page comes back as it is now, saying why, with a 403.
            messages.error(request, message)
            request.method = "GET"  # drawn as when opened: the stored values, read-only
            try:
                response = super().changeform_view(request, object_id, form_url, extra_context)
            finally:
                request.method = "POST"  # as the request log and middleware should see it
            response.status_code = 403
            return response
        if message:
            messages.warning(request, message)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        """Django's search over the text fields, or the photo named by its id.

        An untitled photo is listed as "Photo 16": that label, "#16" or "16" finds it.
        A lead photo is chosen only among photos that have their file.
        """
        if request.GET.get("field_name") == "lead_photo":
            queryset = queryset.exclude(image="")
        found, duplicates = super().get_search_results(request, queryset, search_term)
        match = PHOTO_ID_RE.fullmatch(search_term.strip())
        if match:
            # Besides the text matches: "2024" may be in a caption as well as an id.
            texts = found.values("pk") if search_term.strip().isdigit() else found.none()
            found = queryset.filter(Q(pk=int(match.group("id"))) | Q(pk__in=texts))
            duplicates = False
        return found, duplicates

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("picker/", wrap(self.picker_view), name="photos_photo_picker"),
            path("upload/", wrap(self.upload_view), name="photos_photo_upload"),
            path(
                "autocomplete/",
                wrap(PhotoAutocompleteJsonView.as_view(admin_site=self.admin_site)),
                name="photos_photo_autocomplete",
            ),
            *super().get_urls(),
        ]

    def photo_json(self, photo: Photo) -> dict[str, Any]:
        """A photo as the pickers and the upload dialog show it."""
        return {
            "id": photo.pk,
            "label": str(photo),
            "caption": photo.caption,
            "credit": photo.credit_line,
            "alt": photo.alt_text,
            "thumbnail": self.thumbnail_url(photo),
        }

    def upload_view(self, request):
        """A new library photo from the writer's page: the library's checks, JSON answers.

        Posted by the upload dialog (photos/static/photos/photo-upload.js) with the file,
        caption, credit and alt text; it answers the new photo, or the errors to show in
        the dialog (and the library's copy when the file is already there).
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            return JsonResponse(
                {"errors": {"__all__": ["You may not add photos to the library."]}}, status=403
            )
        form = PhotoUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = {
                field: [strip_tags(e["message"]) for e in found]
                for field, found in form.errors.get_json_data().items()
            }
            duplicate = getattr(form, "duplicate", None)
            return JsonResponse(
                {
                    "errors": errors,
                    "duplicate": self.photo_json(duplicate) if duplicate else None,
                },
                status=400,
            )
        with transaction.atomic():
            photo = form.save(commit=False)
            self.save_model(request, photo, form, change=False)
            self.save_related(request, form, formsets=[], change=False)
            self.log_addition(request, photo, [{"added": {}}])
        return JsonResponse(self.photo_json(photo), status=201)

    def picker_view(self, request):
        """Library photos as JSON for the body editor's photo block: by search, or one by id."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photos = self.get_queryset(request).exclude(image="")
        if request.GET.get("id", "").isdigit():
            photos = photos.filter(pk=request.GET["id"])
        else:
            photos, _ = self.get_search_results(request, photos, request.GET.get("q", ""))
        results = [self.photo_json(photo) for photo in photos.distinct()[:PICKER_SIZE]]
        return JsonResponse({"results": results})

    def preview_url(self, photo):
        """The preview made with the upload: big enough to click on what matters."""
        made = {r.spec: r for r in photo.renditions.all()}
        preview = made.get(renditions.preview_spec(photo))
        return preview.file.url if preview else self.thumbnail_url(photo)

    def thumbnail_url(self, photo):
        made = {r.spec: r for r in photo.renditions.all()}
        small = made.get("w320-jpeg") or made.get(renditions.preview_spec(photo))
        return small.file.url if small else photo.image.url

    @admin.display(description="Renditions")
    def renditions(self, photo):
        """Where a person waits: pending until a worker has made them, or why they failed."""
        if photo.renditions_status == RenditionsStatus.FAILED:
            return format_html(
                '<span class="renditions-failed">Failed: {}</span>', photo.renditions_error
            )
        if photo.renditions_status == RenditionsStatus.PENDING:
            return format_html('<span class="renditions-pending">{}</span>', "Pending")
        if not photo.image:
            return "-"
        if photo.renditions_status == RenditionsStatus.READY:
            return "Ready"
        return "Not made yet (regenerate_renditions)"

    @admin.display(description="Preview")
    def thumbnail(self, photo):
        if not photo.image:
            return "Pending upload"
        return format_html(
            '<img src="{}" alt="" class="photo-thumbnail">',
            self.thumbnail_url(photo),
        )

    @admin.display(description="Click on what matters")
    def focal_point(self, photo):
        """The picture to click for the focal box (photos/focal-point.js); the original's
        size goes with it, to turn a click into original pixels."""
        if not photo.image or not photo.width or not photo.height:
            return "Upload the file first."
        return format_html(
            '<span class="focal-point-picker" data-width="{}" data-height="{}">'
            '<img src="{}" alt="The photo: click to set its focal point" '
            'class="focal-point-picker__image"></span>',
            photo.width,
            photo.height,
            self.preview_url(photo),
        )

    @admin.display(description="Articles")
    def used_in(self, photo):
        if not photo.pk:
            return "-"
        uses = photo.used_in()
        if not uses:
            return "Not used in any article."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (
                        reverse(
                            f"admin:{used._meta.label_lower.replace('.', '_')}_change",
                            args=[used.pk],
                        ),
                        used,
                    )
                    for used in uses
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        # changeform_view refuses these first, with a message; this holds whatever the path.
        if change and refusing_uses(request, obj):
            raise PermissionDenied(refusal(refusing_uses(request, obj)))
        replaced = change and "image" in form.changed_data and form.initial.get("image")
        if replaced and not may_replace_file(request.user):
            raise PermissionDenied(FILE_REFUSAL)
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data:
            renditions.delete_renditions(obj)
            if obj.image:
                # The one rendition the editor sees now; a worker makes the rest.
                make_preview(obj)
                schedule_renditions(obj)
        elif set(FOCAL_FIELDS) & set(form.changed_data):
            for made in obj.renditions.filter(spec__in=[*renditions.CROPS, renditions.SOCIAL[0]]):
                made.file.delete(save=False)
                made.delete()
            schedule_renditions(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        photo = form.instance
        edited = any(fs.has_changed() for fs in formsets if fs.model is Credit)
        if not edited and ("credit_line" in form.changed_data or not photo.credits.exists()):
            photo.credits.all().delete()
            Credit.objects.bulk_create(
                Credit(photo=photo, position=i, **credit)
                for i, credit in enumerate(parse_credit_line(photo.credit_line))
            )


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["creator", "organisation", "licence", "platform", "photo"]
    search_fields = ["creator", "organisation", "licence", "platform"]
    list_select_related = ["photo"]

    # A credit is part of its photo: the photo's rule holds here too, and for the bulk
    # delete (Django asks has_delete_permission of every selected credit, and refuses the
    # whole request if one is refused).
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not (obj is not None and refusing_uses(request, obj.photo))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not (obj is not None and refusing_uses(request, obj.photo))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class CreditForm(form):  # type: ignore[valid-type, misc]
            def clean_photo(self):
                photo = self.cleaned_data["photo"]
                if photo is not None and refusing_uses(request, photo):
                    raise ValidationError(refusal(refusing_uses(request, photo)))
                return photo

        return CreditForm
