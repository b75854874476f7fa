"""Change detection, diffs, draft-to-final links, the scheduler, the command line and the web page."""
