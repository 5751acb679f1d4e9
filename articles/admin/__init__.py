from . import article, people, photo  # noqa: F401  (registers the admin classes)
