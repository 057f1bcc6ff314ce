"""表彰: commendations and recommendations for promotion."""
