from django.apps import AppConfig


class LoginsConfig(AppConfig):
    name = "logins"
    verbose_name = "Login protection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from . import lockout

        user_login_failed.connect(lockout.count_failure, dispatch_uid="logins.count_failure")
