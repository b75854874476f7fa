"""What changed and how documents relate: change events, draft → final links, similar documents."""
