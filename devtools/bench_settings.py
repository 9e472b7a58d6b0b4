"""The settings `make bench` (scripts/bench.py) runs the portal with: production's, plus the bench's server side.

``DJANGO_SETTINGS_MODULE=devtools.bench_settings`` takes ``portal.settings`` as they are (with
``DJANGO_ENV=production`` as shipped) and adds only

- this app, for ``generate_scale_data``, ``benchmark_targets`` and ``benchmark_report``;
- ``devtools.bench.ServerTimingMiddleware`` as the outermost middleware, so that each response
  carries its time in Django and its SQL query count;
- a URLconf of its own (``devtools.bench``): the portal's URLs plus the bare template view.

Production settings know nothing of this module.
"""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS, MIDDLEWARE

if "devtools" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]
MIDDLEWARE = ["devtools.bench.ServerTimingMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "devtools.bench"
