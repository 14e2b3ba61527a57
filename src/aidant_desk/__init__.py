"""Aidant Desk: simulate social benefits at a France Services desk, on openfisca-france."""

__version__ = "0.1.0"
