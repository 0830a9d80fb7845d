from __future__ import annotations

from villages.scope import viewer_for


def person(request) -> dict:
    """Expose the viewer to templates so navigation shows what the role may do."""
    return {"viewer": viewer_for(getattr(request, "user", None))}
