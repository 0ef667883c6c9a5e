"""Public pages (no sign-in), staff pages and the door (check-in) pages of the events app."""
