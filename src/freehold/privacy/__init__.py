"""Data that stays home: detection of personal data and secrets, policies, pseudonymization, audit."""
