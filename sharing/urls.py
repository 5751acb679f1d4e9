from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [path("<str:token>/", views.shared, name="shared")]
