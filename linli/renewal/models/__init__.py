"""Renovation of old estates (老旧小区改造) and back alleys (背街小巷整治): the pool and its
surveys, bundled projects with their estates, items, consultation and governance bodies,
courtyard merges (三合三并), smart facilities with their alerts, and alley projects."""

from linli.renewal.models.alleys import AlleyWorkOrder, StreetProject
from linli.renewal.models.facilities import DeviceAlert, SmartFacility
from linli.renewal.models.merges import CourtyardMerge, MergedCourtyard
from linli.renewal.models.pool import EstateSurvey, PoolEntry, SurveyDefect
from linli.renewal.models.projects import (
    Consultation,
    FundingSource,
    GovernanceBody,
    GovernanceMember,
    ProjectEstate,
    RenovationItem,
    RenovationProject,
    Stage,
)

__all__ = [
    "AlleyWorkOrder",
    "Consultation",
    "CourtyardMerge",
    "DeviceAlert",
    "EstateSurvey",
    "FundingSource",
    "GovernanceBody",
    "GovernanceMember",
    "MergedCourtyard",
    "PoolEntry",
    "ProjectEstate",
    "RenovationItem",
    "RenovationProject",
    "SmartFacility",
    "Stage",
    "StreetProject",
    "SurveyDefect",
]
