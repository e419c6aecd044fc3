"""Sentence embeddings computed in-process (numpy), shared by the difficulty router and the semantic cache."""
