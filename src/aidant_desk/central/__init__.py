"""The central endpoint: receives anonymous counts from the desks and shows the
programme's figures.

It imports nothing from the desk: the only thing shared is the payload's JSON
Schema file, read from aidant_desk/sync/payload.schema.json.
"""
