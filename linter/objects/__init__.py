"""Documents -> objects: each definition validated against its kind's schema, and objects
grouped into scopes (one hybrid deployment each)."""
