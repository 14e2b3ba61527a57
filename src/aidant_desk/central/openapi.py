"""The OpenAPI 3.1 description of the central endpoint, served at /openapi.json.

The batch schema is the shared payload schema itself, so the description cannot
drift from what the server enforces.
"""
from __future__ import annotations

from importlib.metadata import version

from .schema import HEADLINE, PAYLOAD_SCHEMA

_COUNT = {"type": "integer", "minimum": 0}
_CELL = {"type": ["integer", "null"], "minimum": 11, "description": "null : moins de 11, non publié"}
_HEADLINE = {metric: _COUNT for metric in (*HEADLINE, "appointments")}


def _object(properties: dict) -> dict:
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


def _rows(properties: dict) -> dict:
    return {"type": "array", "items": _object(properties)}


_PUBLIC_FIGURES = {
    "suppression_threshold": {"type": "integer"},
    "totals": _object(_HEADLINE),
    "by_week": _rows({"week": PAYLOAD_SCHEMA["properties"]["week"], **_HEADLINE}),
    "by_departement": _rows({"departement": {"type": "string"}, "sites": _COUNT, **_HEADLINE}),
    "by_aid": _rows({"aid": {"type": "string"}, "simulations": _CELL}),
    "by_life_event": _rows({"life_event": {"type": "string"}, "simulations": _CELL}),
}
FIGURES_SCHEMA = _object(_PUBLIC_FIGURES)
# /api/v1/admin/figures (administrators only, not described as a public path): the same, and each site.
ADMIN_FIGURES_SCHEMA = _object({**_PUBLIC_FIGURES, "by_site": _rows({
    "site": {"type": "integer"}, "name": {"type": "string"}, "departement": {"type": "string"}, **_HEADLINE})})

_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ACK = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Acknowledgement"}}}}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Aidant Central",
            "version": version("aidant-desk"),
            "description": "Reçoit les comptes d'activité anonymes des postes Aidant Desk et publie les chiffres "
                           "du programme. Aucune donnée personnelle n'est acceptée.",
        },
        "paths": {
            "/api/v1/batches": {"post": {
                "summary": "Déposer un lot de comptes d'une semaine",
                "security": [{"deviceToken": []}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ActivityBatch"}}}},
                "responses": {
                    "201": {"description": "Lot enregistré.", **_ACK},
                    "200": {"description": "Clé d'idempotence déjà reçue : le lot n'est pas compté deux fois.", **_ACK},
                    "401": {"description": "Jeton d'appareil absent ou invalide.", **_ERROR},
                    "413": {"description": "Lot trop gros.", **_ERROR},
                    "422": {"description": "Lot mal formé : rien n'est enregistré.", **_ERROR},
                    "429": {"description": "Trop de lots pour ce jeton ou cette adresse : réessayer après "
                                           "Retry-After secondes ; rien n'est enregistré.", **_ERROR,
                            "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}}},
                },
            }},
            "/api/v1/figures": {"get": {
                "summary": "Chiffres du programme, petites cases masquées",
                "responses": {"200": {"description": "Chiffres du programme.", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Figures"}}}}},
            }},
            "/": {"get": {
                "summary": "Tableau de bord (HTML)",
                "responses": {"200": {"description": "Page HTML.", "content": {"text/html": {}}}},
            }},
        },
        "components": {
            "securitySchemes": {"deviceToken": {
                "type": "http", "scheme": "bearer",
                "description": "Jeton de l'appareil donné par « aidant-central site add ».",
            }},
            "schemas": {
                "ActivityBatch": PAYLOAD_SCHEMA,
                "Acknowledgement": _object({
                    "status": {"enum": ["stored", "duplicate"]},
                    "idempotency_key": PAYLOAD_SCHEMA["properties"]["idempotency_key"],
                }),
                "Error": {"type": "object", "required": ["detail"], "properties": {
                    "detail": {"type": "string"}, "problems": {"type": "array", "items": {"type": "string"}}}},
                "Figures": FIGURES_SCHEMA,
            },
        },
    }
