"""Who may call the JSON API and how often: app tokens (only their hash is kept), the
session of the site's own pages, and rate limits that hold across processes."""
