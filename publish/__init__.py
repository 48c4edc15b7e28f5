"""Publishing: what Datasette needs beyond metadata.yml — Chinese search, the plugin."""
