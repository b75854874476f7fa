"""A newcomer's first steps with their own sites: `init` scaffolds a folder, `try` is a dry run
of a crawl on one URL (nothing stored, nothing sent), `add` writes the seed `try` proposes."""
