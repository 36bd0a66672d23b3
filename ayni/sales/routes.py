"""`/api/v1/companies/{cid}/imports` (DESIGN.md "Sales imports"): thin handlers over the company's access check,
the import rows (`ayni.sales.store`), the file storage and the jobs that analyse, load and undo."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ayni.auth.sessions import SignedInUser
from ayni.companies import store as company_store
from ayni.companies import team_store
from ayni.companies.access import company_access
from ayni.companies.rules import Right, Role
from ayni.companies.schemas import MyCompany
from ayni.jobs.queue import jobs_transaction
from ayni.paging import decode_cursor, encode_cursor
from ayni.problems import FieldError, Problem
from ayni.resources import CurrentUser, resources
from ayni.routing import Access, RouteGroup, json_response
from ayni.sales import storage, store
from ayni.sales.demo_company import demo_company_fields
from ayni.sales.schemas import (
    UPLOAD_TYPES,
    DemoQuery,
    ImportListQuery,
    ImportPage,
    ImportRecord,
    StartImport,
    UploadQuery,
)
from ayni.sales.states import Event, allowed
from ayni.sql import Executor
from ayni.tenancy import tenant

UPLOAD_PATH = re.compile(r"/api/v1/companies/[^/]+/imports")
"""The path whose bodies may be as large as IMPORT_MAX_BYTES (`BodySizeLimitMiddleware`)."""


def _ids(request: Request) -> tuple[UUID, UUID]:
    return request.path_params["company_id"], request.path_params["import_id"]


def _location(cid: UUID, iid: UUID) -> dict[str, str]:
    return {"Location": f"/api/v1/companies/{cid}/imports/{iid}"}


async def _current(db: Executor, cid: UUID, iid: UUID) -> ImportRecord:
    """The import as the request's own changes left it."""
    record = await store.get_import(db, cid, iid)
    assert record is not None, "read in the transaction that found or made it"
    return record


def not_found(import_id: UUID) -> Problem:
    return Problem(404, "not-found", f"No import {import_id} in this company.")


async def upload(request: Request, query: UploadQuery, user: CurrentUser) -> Response:
    """Upload a sales file (CSV, CSV.GZ or XLSX) as the request body, at most IMPORT_MAX_BYTES (413 above;
    415 for a body declared as something else). The worker analyses it: the import answers `analyzing`, then
    `ready` with its `preview` (or, with `start=auto` and nothing to decide, goes on to `importing`).
    409 `duplicate-import` when the company already imported the same bytes, unless `allow_duplicate=true`."""
    cid: UUID = request.path_params["company_id"]
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in UPLOAD_TYPES:
        raise Problem(
            415,
            "unsupported-media-type",
            "Send the file as the body, with Content-Type text/csv (CSV), application/gzip (CSV.GZ) or "
            f"{UPLOAD_TYPES[-2]} (XLSX).",
        )
    res = resources(request)
    async with company_access(res.db, user, cid, Right.RUN_IMPORTS):
        pass  # a non-member or a viewer is refused before a file of up to IMPORT_MAX_BYTES is read
    spooled = await storage.spool(request.stream())
    try:
        if spooled.size == 0:
            raise Problem(422, "empty-file", "The file is empty; choose the export of your point of sale.")
        async with jobs_transaction(res) as outbox, company_access(res.db, user, cid, Right.RUN_IMPORTS):
            iid = await store.insert_import(
                res.db, cid, filename=query.filename, media_type=media_type, start_mode=query.start,
                created_by=user.id,
            )  # fmt: skip
            earlier = await store.earlier_import_of(res.db, cid, iid, spooled.sha256)
            if earlier is not None and not query.allow_duplicate:
                raise Problem(
                    409,
                    "duplicate-import",
                    f"This file was imported already (import {earlier}); add allow_duplicate=true to import it again.",
                )
            await storage.store_file(res.db, cid, iid, "upload", storage.chunks_of_spool(spooled))
            await store.set_file(res.db, cid, iid, size=spooled.size, sha256=spooled.sha256)
            await outbox.add("analyze_import", {"company_id": str(cid), "import_id": str(iid)}, user_id=user.id)
            record = await _current(res.db, cid, iid)
    finally:
        spooled.close()
    return json_response(record, 201, headers=_location(cid, iid))


async def list_imports(request: Request, query: ImportListQuery, user: CurrentUser) -> Response:
    """The company's imports, newest first."""
    cid: UUID = request.path_params["company_id"]
    db = resources(request).db
    before = decode_cursor(query.cursor) if query.cursor is not None else None
    async with company_access(db, user, cid, Right.RUN_IMPORTS):
        found = await store.list_imports(db, cid, limit=query.limit + 1, before=before)
    page = found[: query.limit]
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(found) > query.limit else None
    return json_response(ImportPage(items=page, next_cursor=next_cursor))


async def get_import(request: Request, user: CurrentUser) -> Response:
    """One import: its status and progress, the preview, the summary and the first 100 rejected rows."""
    cid, iid = _ids(request)
    db = resources(request).db
    async with company_access(db, user, cid, Right.RUN_IMPORTS):
        record = await store.get_import(db, cid, iid)
    if record is None:
        raise not_found(iid)
    return json_response(record)


async def start_import(request: Request, body: StartImport | None, user: CurrentUser) -> Response:
    """Start an import waiting in `ready`, with the user's corrections to its preview (202, `importing`).
    409 `import-not-ready` in any other status."""
    cid, iid = _ids(request)
    res = resources(request)
    options = (body or StartImport.model_validate({})).model_dump(mode="json", exclude_none=True)
    async with jobs_transaction(res) as outbox, company_access(res.db, user, cid, Right.RUN_IMPORTS):
        record = await store.get_import(res.db, cid, iid)
        if record is None:
            raise not_found(iid)
        if body is not None:
            check_choices(body, record, {location.id for location in await company_store.locations(res.db, cid)})
        if not await store.move(res.db, cid, iid, Event.START, options=options, phase="queued", rows_done=0):
            raise Problem(409, "import-not-ready", f"This import is {record.status}; only an import in `ready` starts.")
        await outbox.add("run_import", {"company_id": str(cid), "import_id": str(iid)}, user_id=user.id)
        record = await _current(res.db, cid, iid)
    return json_response(record, 202, headers=_location(cid, iid))


async def create_demo_company(request: Request, query: DemoQuery, user: SignedInUser) -> Response:
    """A demo company of your own (you are its owner; `is_demo`), with four locations and generated sales that a
    job imports through the same path as an upload: the web app's "explore with demo data". Needs a verified
    email address (403 `email-not-verified`)."""
    if not user.row.email_verified:
        raise Problem(403, "email-not-verified", "Confirm your email address before creating a company.")
    res, company_id = resources(request), uuid4()
    async with jobs_transaction(res) as outbox, tenant(res.db, company_id=company_id, user_id=user.id):
        company = await company_store.insert_company(res.db, company_id, demo_company_fields())
        await company_store.mark_demo(res.db, company_id)
        await team_store.put_membership(res.db, company_id, user.id, Role.OWNER)
        kwargs = {"company_id": str(company_id), "user_id": str(user.id), "lines": query.lines}
        await outbox.add("fill_demo_company", kwargs, user_id=user.id)
    return json_response(MyCompany(**{**company.model_dump(), "is_demo": True}, role=Role.OWNER), 201)


def check_choices(body: StartImport, record: ImportRecord, locations: set[UUID]) -> None:
    """422 naming each correction that cannot apply: a column the file does not have, a location that is not
    one of the company's."""
    errors: list[FieldError] = []
    columns = set((record.preview or {}).get("columns", []))
    for field, column in (body.mapping or {}).items():
        if columns and column not in columns:
            errors.append(FieldError(f"mapping.{field}", f"The file has no column {column!r}.", "invalid-value"))
    for name, target in (body.locations or {}).items():
        if target != "new" and target not in locations:
            errors.append(FieldError(f"locations.{name}", "Not a location of this company.", "invalid-value"))
    if body.location_id is not None and body.location_id not in locations:
        errors.append(FieldError("location_id", "Not a location of this company.", "invalid-value"))
    if errors:
        raise Problem(422, "validation-error", "The corrections do not fit this file or company.", errors=errors)


async def undo_import(request: Request, user: CurrentUser) -> Response:
    """Undo an import (202): its lines leave every figure and the rollups of their days are recomputed (by a job:
    `reverting`, then `reverted`). An import that loaded nothing (`ready` or `failed`) is `reverted` at once.
    409 `import-busy` while it is being analysed, imported or undone."""
    cid, iid = _ids(request)
    res = resources(request)
    async with jobs_transaction(res) as outbox, company_access(res.db, user, cid, Right.RUN_IMPORTS):
        record = await store.get_import(res.db, cid, iid)
        if record is None:
            raise not_found(iid)
        if allowed(record.status, Event.DISCARD):
            await store.move(res.db, cid, iid, Event.DISCARD)
        elif await store.move(res.db, cid, iid, Event.UNDO, phase="queued"):
            await outbox.add("revert_import", {"company_id": str(cid), "import_id": str(iid)}, user_id=user.id)
        elif record.status != "reverted":
            raise Problem(409, "import-busy", f"This import is {record.status}; undo it once that has finished.")
        record = await _current(res.db, cid, iid)
    return json_response(record, 202, headers=_location(cid, iid))


async def rejected_csv(request: Request, user: CurrentUser) -> Response:
    """The rejected rows as they were in the file, with a column saying why (analysts of imports: manager+).
    404 when the import rejected nothing (or its files were deleted after IMPORT_RETENTION_DAYS)."""
    cid, iid = _ids(request)
    db = resources(request).db
    async with company_access(db, user, cid, Right.RUN_IMPORTS):
        record = await store.get_import(db, cid, iid)
        chunks = await storage.chunk_count(db, cid, iid, "rejected")
    if record is None:
        raise not_found(iid)
    if chunks == 0:
        raise Problem(404, "not-found", "This import has no rejected rows to download.")

    async def body() -> AsyncIterator[bytes]:
        for seq in range(chunks):
            async with tenant(db, company_id=cid):
                yield await storage.read_chunk(db, cid, iid, "rejected", seq)

    name = re.sub(r"[^\w.-]", "_", record.filename.rsplit(".", 1)[0])[:100] or "import"
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-rejected.csv"'},
    )


_I = RouteGroup("/api/v1", tags=("imports",))
_IMPORTS = "/companies/{company_id:uuid}/imports"
_IMPORT = _IMPORTS + "/{import_id:uuid}"
_NEXT = {
    "GetImport": {
        "operationId": "get_get_import",
        "parameters": {"company_id": "$request.path.company_id", "import_id": "$response.body#/id"},
    }
}
_SCOPED = [403, 404]
USER = Access.USER

routes = [
    _I.post("/companies/demo", create_demo_company, USER, "Create a demo company with sales", response=MyCompany,
            status_code=201, errors=[403, 429]),
    _I.post(
        _IMPORTS, upload, USER, "Upload a sales file", response=ImportRecord, status_code=201,
        errors=[*_SCOPED, 409, 422, 429], response_headers=["Location"], links=_NEXT, file_body=UPLOAD_TYPES,
    ),
    _I.get(_IMPORTS, list_imports, USER, "The company's imports, newest first", response=ImportPage,
           errors=[400, *_SCOPED]),
    _I.get(_IMPORT, get_import, USER, "An import", response=ImportRecord, errors=_SCOPED),
    _I.post(
        _IMPORT + "/start", start_import, USER, "Start an import with corrections", response=ImportRecord,
        status_code=202, errors=[*_SCOPED, 409, 429], response_headers=["Location"],
    ),
    _I.delete(
        _IMPORT, undo_import, USER, "Undo an import", response=ImportRecord, status_code=202,
        errors=[*_SCOPED, 409, 429], response_headers=["Location"],
    ),
    _I.get(_IMPORT + "/rejected.csv", rejected_csv, USER, "The rejected rows, as CSV", errors=_SCOPED,
           answer_media_type="text/csv"),
]  # fmt: skip
