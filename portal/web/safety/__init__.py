"""The clinician queue for risk flags: list, read, acknowledge, close, designate clinicians."""
