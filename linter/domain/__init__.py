"""Pure maths of the domain, no I/O: DNS names and wildcards, distinguished names, IPv4
ranges, PowerShell quoting, and the NDR codes Exchange answers with."""
