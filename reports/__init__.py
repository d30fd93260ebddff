"""Reports and QART review: read every domain app, written to by none of them.

The QART models live in dispatch (`dispatch.models_qart`), beside the diverts they review.
"""
