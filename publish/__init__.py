"""Publishing: what Datasette needs beyond metadata.yml — Chinese search, the front page, the
report page, archived copies, feeds. The package is the Datasette plugin (entry point in
pyproject.toml), so its templates/ and static/ folders are found by Datasette; each hook lives
in the module of its responsibility and is gathered here."""
from .archived import archived_page, archived_raw, register_routes  # noqa: F401
from .pages import extra_body_script, extra_css_urls, extra_template_vars  # noqa: F401
from .plugin import asgi_wrapper, prepare_connection  # noqa: F401
from .render import render_cell  # noqa: F401
from .site import startup  # noqa: F401
