"""Telling people: subscriptions, the outbox, channels (e-mail, webhooks), message rendering."""
