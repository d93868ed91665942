"""Demo step: what the demo city's responders offer (ResponderProfile) — a service point
near the area they serve and a few categories they are good at — so dispatch
recommendations have skills and distances to rank by. Department staff serving a whole
district or the city get no service point (they are offered after those nearby)."""

from __future__ import annotations

import math
import random

from linli.accounts.models import ResponderKind, Role, RoleAssignment
from linli.territory.demo import Scale
from linli.territory.models import Region, subtree_q
from linli.workorders.models import Category, ResponderProfile
from linli.workorders.services.categories import load_categories_file

_M_PER_DEGREE = 111_320.0
# Regions at or above this level are too large for one service point.
_NO_POINT_ABOVE = Region.Level.SUBDISTRICT


def make_demo_responder_profiles(*, rng: random.Random, scale: Scale, city: Region) -> None:
    if not Category.objects.exists():
        load_categories_file()
    leaves = list(Category.objects.active().leaves().filter(level__gt=1).order_by("kind", "code"))
    by_kind = {
        kind: [c for c in leaves if c.allows_responder_kind(kind)] for kind in ResponderKind.values
    }
    have = set(ResponderProfile.objects.values_list("user_id", flat=True))
    roles = (
        RoleAssignment.objects.active()
        .filter(subtree_q([city.path], "region__path"), role=Role.RESPONDER)
        .exclude(user_id__in=have)
        .select_related("region")
        .order_by("pk")
    )
    profiles, skills = [], []
    for role in roles.iterator(chunk_size=2000):
        if role.user_id in have:
            continue  # a second role of someone already given a profile
        have.add(role.user_id)
        region = role.region
        lng, lat = region.centroid_lng, region.centroid_lat
        if lng is not None and lat is not None and region.level > _NO_POINT_ABOVE:
            # Somewhere in their area, up to about 800 m from its middle.
            angle, metres = rng.uniform(0, 2 * math.pi), rng.uniform(0, 800)
            lat += metres * math.sin(angle) / _M_PER_DEGREE
            lng += metres * math.cos(angle) / (_M_PER_DEGREE * math.cos(math.radians(lat)))
        else:
            lng = lat = None
        profiles.append(
            ResponderProfile(
                user_id=role.user_id,
                kind=role.responder_kind,
                organization_id=role.organization_id,
                lng=lng,
                lat=lat,
                service_radius_m=rng.choice([1000, 2000, 3000, 5000]),
            )
        )
        choices = by_kind.get(role.responder_kind) or leaves
        skills.append(rng.sample(choices, min(len(choices), rng.choice([1, 2, 3]))))
    ResponderProfile.objects.bulk_create(profiles, batch_size=2000)
    through = ResponderProfile.skills.through
    through.objects.bulk_create(
        [
            through(responderprofile_id=profile.pk, category_id=category.pk)
            for profile, chosen in zip(profiles, skills, strict=True)
            for category in chosen
        ],
        batch_size=5000,
    )
