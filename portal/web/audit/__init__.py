"""The audit blueprint: administrators read the audit trail."""
