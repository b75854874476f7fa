"""The one generic spider; a source definition is its whole configuration."""
