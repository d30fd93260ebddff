"""Call handling: contacts, incidents, grading and the narrative's risk language.

The top domain layer: it may use dispatch, schemes and intelligence; none of them uses it.
"""
