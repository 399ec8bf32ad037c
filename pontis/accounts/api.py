from ninja import Router, Schema

from .selectors import tokens_of

router = Router(tags=["accounts"])


class MeOut(Schema):
    email: str
    full_name: str
    language: str
    roles: list[str]
    institutions: list[int]


@router.get("/me", response=MeOut, summary="Who am I: the token's or session's person and roles")
def me(request):
    user = request.user
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "roles": sorted(user.role_codes),
        "institutions": sorted(user.memberships.values_list("institution_id", flat=True)),
    }


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: str
    last_used_at: str | None
    active: bool


@router.get("/me/tokens", response=list[TokenOut], summary="My API tokens (never the secrets)")
def my_tokens(request):
    return [
        {
            "id": t.id,
            "name": t.name,
            "key_prefix": t.key_prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "active": t.is_active,
        }
        for t in tokens_of(request.user)
    ]
