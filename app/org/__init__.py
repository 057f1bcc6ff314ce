"""The organisation: units as a tree, users with role and rank, leaders' portfolios."""
