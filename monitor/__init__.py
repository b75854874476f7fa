"""Change detection, diffs, draft-to-final links, the scheduler, the command line and the web page."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("policywatch")  # the installed package's own metadata: one place for it
except PackageNotFoundError:  # a checkout run without installing
    __version__ = "0+unknown"
