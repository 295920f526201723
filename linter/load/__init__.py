"""Files -> documents with positions, and certificate files -> certificates.

The only layer that opens the repository's files: it walks the lint root, parses YAML and JSON
with positions, reads certificates, finds private keys and suppression comments."""
