"""What the admin API and the CLI both do, written once: plain functions over a session."""
