from . import article, people  # noqa: F401  (registers the admin classes)
