"""French labels of the dossier's values, for every screen and printout."""

ROLES = {"applicant": "Demandeur", "spouse": "Conjoint", "child": "Enfant", "other": "Autre personne"}

ACTIVITIES = {
    "employed": "Salarié",
    "self_employed": "Indépendant",
    "job_seeker": "Demandeur d'emploi",
    "student": "Étudiant",
    "apprentice": "Apprenti",
    "retired": "Retraité",
    "inactive": "Sans activité",
}

COUPLE = {"single": "Seul", "married": "Marié", "pacs": "Pacsé", "cohabiting": "En concubinage"}

HOUSING_STATUS = {
    "tenant_unfurnished": "Locataire (vide)",
    "tenant_furnished": "Locataire (meublé)",
    "tenant_hostel": "Foyer ou résidence",
    "hosted_free": "Hébergé gratuitement",
    "owner": "Propriétaire",
    "first_time_buyer": "Accédant (prêt en cours)",
    "homeless": "Sans domicile stable",
}

SCHOOL_LEVELS = {
    "none": "—",
    "maternelle": "Maternelle",
    "primaire": "Primaire",
    "college": "Collège",
    "lycee": "Lycée",
    "superieur": "Supérieur",
}

RESOURCE_TYPES = {
    "wages": "Salaire",
    "self_employment": "Indépendant (chiffre d'affaires)",
    "unemployment": "Allocation chômage",
    "pension": "Retraite",
    "sick_pay": "Indemnités maladie",
    "alimony": "Pension alimentaire reçue",
    "grant": "Bourse d'études",
    "internship": "Gratification de stage",
    "training": "Rémunération de formation",
    "invalidity_pension": "Pension d'invalidité",
    "rental_income": "Revenus locatifs",
}

# Resource amounts as typed: net (the default) or gross, for the types GROSS_TYPES allows.
AMOUNT_BASES = {"net": "nets", "gross": "bruts"}

# A micro-entrepreneur's activity: its amounts are the turnover (chiffre d'affaires).
SELF_EMPLOYMENT_KINDS = {"services": "services", "sales": "vente", "liberal": "libéral"}

# The incomes of the N-2 tax notice, per declarant (tax_notice_incomes), with their box.
NOTICE_INCOMES = {
    "wages": "Salaires (1AJ)",
    "pensions": "Retraites (1AS)",
    "unemployment": "Chômage (1AP)",
    "self_employment": "CA micro",
}
