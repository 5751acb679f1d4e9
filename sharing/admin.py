"""Share links in the admin: made from an article's page (by an editor, or the writer
of their own story), listed there with who made them and when they were last opened,
and revoked from there."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from articles.models import Article
from articles.workflow import is_editor, record

from .models import SHAREABLE, ShareLink, may_share


class ShareLinkForm(forms.ModelForm):
    class Meta:
        model = ShareLink
        fields = ["article", "expires_at"]
        widgets = {"article": forms.HiddenInput}

    def clean_article(self):
        article = self.cleaned_data["article"]
        if article.status not in SHAREABLE:
            raise forms.ValidationError("Only a draft or a story in review can be shared.")
        return article


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    form = ShareLinkForm
    list_display = ["article", "made_by", "created_at", "expires_at", "last_opened_at", "state"]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["link_address", "created_by", "created_at", "last_opened_at", "times_opened"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["article", "expires_at"]
        return [
            "link_address",
            "expires_at",
            "created_by",
            "created_at",
            "last_opened_at",
            "times_opened",
        ]

    def get_changeform_initial_data(self, request):
        return {"article": request.GET.get("article")}

    def get_queryset(self, request):
        links = super().get_queryset(request)
        if is_editor(request.user):
            return links
        user = request.user
        own = (
            Q(created_by=user)
            | Q(article__created_by=user)
            | Q(article__bylines__author__user=user)
        )
        return links.filter(own).distinct()

    def _may(self, request, obj=None):
        if obj is not None:
            return may_share(request.user, obj.article)
        return request.user.is_active and request.user.has_perm("articles.change_article")

    has_module_permission = has_view_permission = has_change_permission = _may

    def has_add_permission(self, request):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked instead, so the list keeps who made what

    def save_model(self, request, obj, form, change):
        if not may_share(request.user, obj.article):
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            record(obj.article, "share_link_made", by=request.user, comment=f"Share link {obj.pk}")
            messages.success(request, format_html("Share link made: {}", obj.address))

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.article_id]))

    def get_urls(self):
        revoke = self.admin_site.admin_view(self.revoke_view)
        return [
            path("<int:pk>/revoke/", revoke, name="sharing_sharelink_revoke"),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk):
        link = get_object_or_404(ShareLink.objects.select_related("article"), pk=pk)
        if request.method != "POST" or not may_share(request.user, link.article):
            raise PermissionDenied
        self._revoke(request, link)
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[link.article_id])
        )

    @admin.action(description="Revoke the selected share links")
    def revoke_selected(self, request, queryset):
        for link in queryset.select_related("article"):
            if may_share(request.user, link.article):
                self._revoke(request, link)

    def _revoke(self, request, link):
        if link.revoked_at is None:
            link.revoke(by=request.user)
            record(
                link.article, "share_link_revoked", by=request.user, comment=f"Share link {link.pk}"
            )
            messages.success(request, "The share link was revoked: it answers “withdrawn” now.")

    @admin.display(description="made by")
    def made_by(self, link):
        user = link.created_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description="state")
    def state(self, link):
        return link.answer().label

    @admin.display(description="address")
    def link_address(self, link):
        return format_html('<a href="{0}" target="_blank" rel="noopener">{0}</a>', link.address)


class ShareLinkInline(admin.TabularInline):
    """The article's share links on its page. Listed by its template; links are made and
    revoked through ShareLinkAdmin, so this inline's formset holds no forms and saving the
    article never touches them."""

    model = ShareLink
    template = "sharing/share_link_inline.html"
    fields: list[str] = []
    extra = 0
    max_num = 0
    can_delete = False

    def get_queryset(self, request):
        return ShareLink.objects.none()

    def has_view_permission(self, request, obj=None):
        return isinstance(obj, Article) and may_share(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
