"""`/api/v1/companies` and `/api/v1/invitations/accept` (DESIGN.md "Companies, locations, members"): thin
handlers over `ayni.companies.access` (membership and role, then the company's transaction under RLS), the
store and the team flows (`ayni.companies.teams`), and the route table."""

from __future__ import annotations

from uuid import UUID, uuid4

from starlette.requests import Request
from starlette.responses import Response

from ayni.auth.sessions import SignedInUser, session_ended
from ayni.companies import store, team_store, teams
from ayni.companies.access import checked_member, company_access
from ayni.companies.rules import Right, Role
from ayni.companies.schemas import (
    AcceptInvitation,
    Company,
    CompanyCreate,
    CompanyDelete,
    CompanyList,
    CompanyUpdate,
    Invitation,
    InvitationCreate,
    InvitationList,
    Location,
    LocationCreate,
    LocationList,
    LocationUpdate,
    Member,
    MemberList,
    MyCompany,
    RoleChange,
    invalid,
    require_rut,
    with_region,
)
from ayni.jobs.queue import jobs_transaction
from ayni.jobs.schemas import JobRecord
from ayni.jobs.store import fetch_job
from ayni.problems import Problem
from ayni.resources import CurrentUser, TokenUser, resources
from ayni.routing import Access, RouteGroup, json_response
from ayni.tenancy import tenant


def _ids(request: Request, *names: str) -> list[UUID]:
    return [request.path_params[name] for name in names]


# Companies


async def create_company(request: Request, body: CompanyCreate, user: SignedInUser) -> Response:
    """A new company; the caller is its owner. Needs a verified email address (403 `email-not-verified`).
    422 for what the schema cannot list: a RUT whose check digit is wrong (code `invalid-rut`, the message shows
    12.345.678-5), a missing RUT when `country` is CL, a time zone or currency not in the database.
    409 `rut-taken` when another company has the RUT."""
    if not user.row.email_verified:
        raise Problem(403, "email-not-verified", "Confirm your email address before creating a company.")
    require_rut(body.country, body.rut)
    res, company_id = resources(request), uuid4()
    async with tenant(res.db, company_id=company_id, user_id=user.id):
        company = await store.insert_company(res.db, company_id, body.model_dump())
        await team_store.put_membership(res.db, company_id, user.id, Role.OWNER)
    return json_response(MyCompany(**company.model_dump(), role=Role.OWNER), 201)


async def list_companies(request: Request, user: CurrentUser) -> Response:
    """The caller's companies, each with the caller's role."""
    db = resources(request).db
    async with tenant(db, user_id=user.id):
        return json_response(CompanyList(items=await store.my_companies(db, user.id)))


async def get_company(request: Request, user: CurrentUser) -> Response:
    """A company the caller belongs to."""
    [cid], db = _ids(request, "company_id"), resources(request).db
    async with company_access(db, user, cid, Right.READ_COMPANY):
        return json_response(await store.company(db, cid))


async def update_company(request: Request, body: CompanyUpdate, user: CurrentUser) -> Response:
    """Change the company's settings (managers and owners); the fields left out stay as they are. The same 422s
    and 409 as creating one."""
    [cid], db = _ids(request, "company_id"), resources(request).db
    fields = body.model_dump(exclude_unset=True)
    async with company_access(db, user, cid, Right.UPDATE_COMPANY):
        current = await store.company(db, cid)
        require_rut(fields.get("country", current.country), fields.get("rut", current.rut))
        return json_response(await store.update_company(db, cid, fields))


async def delete_company(request: Request, body: CompanyDelete, user: CurrentUser) -> Response:
    """Delete the company and all its data (owners, typing its name): gone at once for everyone, removed by a
    job."""
    [cid], res = _ids(request, "company_id"), resources(request)
    async with jobs_transaction(res) as outbox:
        async with company_access(res.db, user, cid, Right.DELETE_COMPANY):
            company = await store.company(res.db, cid)
            if body.confirm_name.strip() != company.name:
                raise invalid("confirm_name", "Type the company's name exactly as it is to confirm.")
            await store.mark_deleting(res.db)
            job_id = await outbox.add("delete_company", {"company_id": str(cid)}, user_id=user.id)
        job = await fetch_job(res.db, job_id, user.id)
    assert job is not None
    return json_response(job, 202, headers={"Location": f"/api/v1/jobs/{job.id}"})


# Locations


async def list_locations(request: Request, user: TokenUser) -> Response:
    """The company's locations, archived ones last (with `archived_at`)."""
    [cid], db = _ids(request, "company_id"), resources(request).db
    found = await store.member_locations(db, cid, user)  # the session is checked in the same statement
    if found is None:
        raise session_ended()
    role, locations = found
    checked_member(cid, user.id, role, Right.READ_COMPANY)
    return json_response(LocationList(items=locations))


async def create_location(request: Request, body: LocationCreate, user: CurrentUser) -> Response:
    """A new location; its code is unique in the company (409 `code-taken`). In Chile the region is one of its
    16 (422 otherwise)."""
    [cid], db = _ids(request, "company_id"), resources(request).db
    async with company_access(db, user, cid, Right.MANAGE_LOCATIONS):
        fields = body.model_dump(exclude_none=True)
        if "region" in fields:
            fields = with_region((await store.company(db, cid)).country, fields)
        return json_response(await store.insert_location(db, cid, fields), 201)


async def update_location(request: Request, body: LocationUpdate, user: CurrentUser) -> Response:
    """Rename a location, or change its code or address."""
    cid, lid = _ids(request, "company_id", "location_id")
    db = resources(request).db
    async with company_access(db, user, cid, Right.MANAGE_LOCATIONS):
        fields = body.model_dump(exclude_unset=True)
        if fields.get("region") is not None:
            fields = with_region((await store.company(db, cid)).country, fields)
        location = await store.update_location(db, cid, lid, fields)
        if location is None:
            raise Problem(404, "not-found", f"No location {lid} in this company.")
        return json_response(location)


async def delete_location(request: Request, user: CurrentUser) -> Response:
    """A location without sales is deleted (204); one with sales is archived (200, with `archived_at`): past
    figures still name it."""
    cid, lid = _ids(request, "company_id", "location_id")
    db = resources(request).db
    async with company_access(db, user, cid, Right.MANAGE_LOCATIONS):
        if await store.location_has_sales(db, cid, lid):
            location = await store.archive_location(db, cid, lid)
            if location is not None:
                return json_response(location)
        elif await store.delete_location(db, cid, lid):
            return Response(status_code=204)
    raise Problem(404, "not-found", f"No location {lid} in this company.")


# Members and invitations


async def list_members(request: Request, user: CurrentUser) -> Response:
    """The company's members, owners first."""
    [cid], db = _ids(request, "company_id"), resources(request).db
    async with company_access(db, user, cid, Right.READ_MEMBERS):
        return json_response(MemberList(items=await team_store.members(db, cid)))


async def change_member_role(request: Request, body: RoleChange, user: CurrentUser) -> Response:
    """Change a member's role (owners). 409 `last-owner` when no owner would remain."""
    cid, uid = _ids(request, "company_id", "user_id")
    return json_response(await teams.change_role(resources(request), user, cid, uid, body.role))


async def remove_member(request: Request, user: CurrentUser) -> Response:
    """Remove a member (owners), or leave the company (your own id; any member). 409 `last-owner` when no
    owner would remain."""
    cid, uid = _ids(request, "company_id", "user_id")
    await teams.remove(resources(request), user, cid, uid)
    return Response(status_code=204)


async def invite(request: Request, body: InvitationCreate, user: CurrentUser) -> Response:
    """Invite someone by email (managers: analysts and viewers; owners: any role). The link (7 days) is emailed;
    an open invitation to the same address is replaced. The email is one of the inviter's jobs (its limit: 429)."""
    [cid] = _ids(request, "company_id")
    return json_response(await teams.invite(resources(request), user, cid, body.email, body.role), 201)


async def list_invitations(request: Request, user: CurrentUser) -> Response:
    """The open invitations (neither accepted nor revoked; an expired one shows by its `expires_at`)."""
    [cid], db = _ids(request, "company_id"), resources(request).db
    async with company_access(db, user, cid, Right.INVITE):
        return json_response(InvitationList(items=await team_store.open_invitations(db, cid)))


async def revoke_invitation(request: Request, user: CurrentUser) -> Response:
    """Revoke an open invitation: its link stops working."""
    cid, iid = _ids(request, "company_id", "invitation_id")
    await teams.revoke(resources(request), user, cid, iid)
    return Response(status_code=204)


async def accept_invitation(request: Request, body: AcceptInvitation, user: SignedInUser) -> Response:
    """Join a company with an invitation link's token: 400 `invalid-token` (unknown, revoked or replaced),
    `token-used`, `token-expired` (7 days); 403 `email-not-verified`, or `wrong-account` when the signed-in
    account is not the invited address; 409 `already-member`."""
    return json_response(await teams.accept(resources(request), user, body.token))


# Routes

USER = Access.USER
_C = RouteGroup("/api/v1", tags=("companies",))
_CID = "/companies/{company_id:uuid}"
_LOCATIONS = _CID + "/locations"
_LOCATION = _LOCATIONS + "/{location_id:uuid}"
_MEMBER = _CID + "/members/{user_id:uuid}"
_INVITATION = _CID + "/invitations/{invitation_id:uuid}"
_NEXT = {"GetJob": {"operationId": "get_get_job", "parameters": {"job_id": "$response.body#/id"}}}
_SCOPED = [403, 404]
_WRITE = [*_SCOPED, 409, 422]
_REFUSED = [403, 409, 422]

routes = [
    _C.post("/companies", create_company, USER, "Create a company", response=MyCompany, status_code=201,
            errors=_REFUSED),
    _C.get("/companies", list_companies, USER, "Your companies, with your role", response=CompanyList),
    _C.get(_CID, get_company, USER, "A company", response=Company, errors=_SCOPED),
    _C.patch(_CID, update_company, USER, "Change a company", response=Company, errors=_WRITE),
    _C.delete(
        _CID, delete_company, USER, "Delete a company and all its data", response=JobRecord, status_code=202,
        errors=[*_SCOPED, 422, 429], response_headers=["Location"], links=_NEXT,
    ),
    # Access.TOKEN: every dashboard load asks for the list, and one round trip answers it (migrations/0012).
    _C.get(_LOCATIONS, list_locations, Access.TOKEN, "The locations", response=LocationList, errors=_SCOPED),
    _C.post(_LOCATIONS, create_location, USER, "Add a location", response=Location, status_code=201, errors=_WRITE),
    _C.patch(_LOCATION, update_location, USER, "Change a location", response=Location, errors=_WRITE),
    _C.delete(
        _LOCATION, delete_location, USER, "Delete a location, or archive it if it has sales", response=Location,
        response_statuses=[204], errors=_SCOPED,
    ),
    _C.get(_CID + "/members", list_members, USER, "The members", response=MemberList, errors=_SCOPED),
    _C.patch(_MEMBER, change_member_role, USER, "Change a member's role", response=Member, errors=_WRITE),
    _C.delete(_MEMBER, remove_member, USER, "Remove a member, or leave", status_code=204, errors=[*_SCOPED, 409]),
    _C.post(_CID + "/invitations", invite, USER, "Invite someone", response=Invitation, status_code=201,
            errors=[*_WRITE, 429]),
    _C.get(_CID + "/invitations", list_invitations, USER, "Open invitations", response=InvitationList, errors=_SCOPED),
    _C.delete(_INVITATION, revoke_invitation, USER, "Revoke an invitation", status_code=204, errors=_SCOPED),
    _C.post("/invitations/accept", accept_invitation, USER, "Accept an invitation", response=MyCompany,
            errors=[400, *_REFUSED]),
]  # fmt: skip
