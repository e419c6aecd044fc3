"""Spend you control: virtual keys and teams, prices, rate limits, budgets and the usage ledger."""
