"""Telling subscribers: digest assembly, templates, the mailer (SMTP or outbox folder), delivery log."""
