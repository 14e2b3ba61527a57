"""French labels of the dossier's values, for every screen and printout.

Each value and its label is declared once, in aidant_desk.dossier.vocabulary; these are
plain-dict copies of those vocabularies (value -> label, in order), under the names the
screens import.
"""
from .dossier import vocabulary as _vocabulary

ROLES = dict(_vocabulary.ROLES)

ACTIVITIES = dict(_vocabulary.ACTIVITIES)

COUPLE = dict(_vocabulary.COUPLE)

HOUSING_STATUS = dict(_vocabulary.HOUSING_STATUS)

SCHOOL_LEVELS = dict(_vocabulary.SCHOOL_LEVELS)

RESOURCE_TYPES = dict(_vocabulary.RESOURCE_TYPES)

# Resource amounts as typed: net (the default) or gross, for the types GROSS_TYPES allows.
AMOUNT_BASES = dict(_vocabulary.AMOUNT_BASES)

# A micro-entrepreneur's activity: its amounts are the turnover (chiffre d'affaires).
SELF_EMPLOYMENT_KINDS = dict(_vocabulary.SELF_EMPLOYMENT_KINDS)

# The incomes of the N-2 tax notice, per declarant (tax_notice_incomes), with their box.
NOTICE_INCOMES = dict(_vocabulary.NOTICE_INCOMES)
