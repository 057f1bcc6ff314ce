"""Self-inspection checklists (自查清单): templates, filling, review, problems into the ledger."""
