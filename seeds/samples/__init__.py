"""The sample documents (TOML: title, metadata, body) the offline demo site publishes."""
