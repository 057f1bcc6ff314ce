"""学习教育 and 警示教育: sessions, attendance, the reading list, reflections."""
