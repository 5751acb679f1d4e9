"""The site's own settings, with the benchmark floor mounted (bench/urls.py).

Benchmarks run the site with DJANGO_SETTINGS_MODULE=bench.settings; the site itself
never routes to anything in bench/.
"""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
