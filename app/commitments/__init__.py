"""Commitment letters (承诺书): templates, signing, printing, progress."""
