"""Settings of the benchmark's server: the production settings, plus one bench-only route
(bench/_site_urls.py) for the baseline. Production never loads this module."""

from config.settings import *  # noqa: F403 (the production settings, unchanged)

ROOT_URLCONF = "bench._site_urls"
