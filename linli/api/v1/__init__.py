"""The JSON API, version 1 (/api/v1/): routes, schemas, errors and the plumbing that makes
every answer JSON in the caller's language."""
