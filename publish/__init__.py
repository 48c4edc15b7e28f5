"""Publishing: what Datasette needs beyond metadata.yml — Chinese search, the report page,
archived copies. The package is the Datasette plugin (entry point in pyproject.toml), so its
templates/ and static/ folders are found by Datasette."""
from .plugin import (archived_page, archived_raw, asgi_wrapper, extra_body_script,  # noqa: F401
                     extra_css_urls, extra_template_vars, prepare_connection, register_routes,
                     render_cell)
