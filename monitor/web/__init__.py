"""The researchers' web page and its JSON API (`policywatch serve`)."""
