"""制度建设: the register of rules."""
