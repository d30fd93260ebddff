"""The shared kernel: the event log, roles, errors, normalisation and API helpers.

It imports no domain app: dispatch, schemes, intelligence and call handling build on it.
"""
