"""Declarative API routes: each route names who may call it and the model of its answer; its handler's
signature names the models of its body and query, and whether it takes the signed-in user (or, on an
Access.TOKEN route, who the access token names).

One definition, two uses: the same pydantic models validate requests here and describe them in the OpenAPI
document (`ayni.openapi`).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from types import UnionType
from typing import Annotated, Any, TypedDict, TypeVar, Union, Unpack, cast, get_args, get_origin, get_type_hints

from pydantic import BaseModel, BeforeValidator, ValidationError
from pydantic_core import ErrorDetails
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Receive, Scope, Send

from ayni.problems import FIELD_ERROR_CODES, FieldError, FieldErrorCode, Problem
from ayni.resources import CurrentUser, TokenUser, hooks

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[..., Awaitable[Response]]  # (request, [body], [query], [user]): see Signature
UTF8_BOM = b"\xef\xbb\xbf"
Model = TypeVar("Model", bound=BaseModel)


def _integral_float(value: Any) -> Any:
    # JSON has one number type, and JSON Schema calls 10000.0 an integer: it is 10000. 1.5, true and "7" stay
    # what they are, and strict validation refuses them.
    return int(value) if isinstance(value, float) and value.is_integer() else value


WholeNumber = Annotated[int, BeforeValidator(_integral_float)]
"""An integer field of a JSON body (use it for every one: strict validation refuses 10000.0 for `int`)."""


class Access(Enum):
    """Who may call a route. Every route under /api/v1 says so explicitly (a test walks them all)."""

    PUBLIC = "public"
    # Signed in: a valid access token and a live session (`Hooks.authenticate`, one query) before the handler.
    USER = "user"
    # Signed in too, and the same to a client (the same 400s and 401s, documented alike), but checked in two
    # halves: the route verifies the access token (`Hooks.read_token`, no I/O) and hands the handler a
    # `TokenUser`, whose first statement checks the session along with its own work (migrations/0012), so the
    # answer costs one round trip to PostgreSQL, like /auth/me's. For hot read routes only.
    TOKEN = "token"  # noqa: S105 - an access level, not a secret

    @property
    def signed_in(self) -> bool:
        return self is not Access.PUBLIC


_INJECTED = ("body", "query", "user")


@dataclass(frozen=True)
class Signature:
    """What a handler takes besides the request, read once from its type hints: the body model (optional
    when the hint allows None), the query model and the signed-in user's class."""

    body: type[BaseModel] | None
    body_required: bool
    query: type[BaseModel] | None
    user: type[CurrentUser] | type[TokenUser] | None
    query_lists: frozenset[str] = frozenset()  # the query's parameters that may be repeated (list fields)

    @classmethod
    def of(cls, endpoint: Handler) -> Signature:
        names = list(inspect.signature(endpoint).parameters)
        if not names or names[0] != "request" or any(name not in _INJECTED for name in names[1:]):
            raise TypeError(f"{endpoint.__name__}: take (request, [body], [query], [user]), by those names")
        hints = get_type_hints(endpoint)
        body, body_required = _model_of(hints.get("body"), endpoint.__name__)
        query, query_required = _model_of(hints.get("query"), endpoint.__name__)
        user = hints.get("user")
        if not query_required or (
            user is not None and not (isinstance(user, type) and issubclass(user, CurrentUser | TokenUser))
        ):
            raise TypeError(f"{endpoint.__name__}: `query` is a model, `user` a CurrentUser class or TokenUser")
        return cls(body, body_required, query, user, _list_fields(query))


def _list_fields(model: type[BaseModel] | None) -> frozenset[str]:
    """The names (as the query writes them) of a query model's list fields."""
    if model is None:
        return frozenset()
    return frozenset(
        field.alias or name for name, field in model.model_fields.items() if get_origin(field.annotation) is list
    )


def _model_of(hint: Any, endpoint: str) -> tuple[type[BaseModel] | None, bool]:
    """The model a parameter's hint names, and whether the hint requires it (`Model | None` does not)."""
    if hint is None:
        return None, True
    members = [m for m in get_args(hint) if m is not type(None)] if get_origin(hint) in (Union, UnionType) else [hint]
    if len(members) != 1 or not (isinstance(members[0], type) and issubclass(members[0], BaseModel)):
        raise TypeError(f"{endpoint}: a body or query is one pydantic model, optionally `| None`")
    return members[0], members[0] is hint


class ApiRoute(Route):
    """An API route. The handler's signature declares what it takes (the body and query models, the signed-in
    user), so each model is named once: here it is read, validated and passed in."""

    def __init__(
        self,
        path: str,
        endpoint: Handler,
        *,
        methods: Sequence[str],
        access: Access,
        summary: str,
        response: type[BaseModel] | None = None,
        status_code: int = 200,
        errors: Sequence[int] = (),
        tags: Sequence[str] = (),
        response_headers: Sequence[str] = (),
        response_statuses: Sequence[int] = (),
        uses_services: bool = True,
        links: Mapping[str, Mapping[str, Any]] | None = None,
        file_body: Sequence[str] = (),
        answer_media_type: str | None = None,
        conditional: bool = False,
    ) -> None:
        self.signature = Signature.of(endpoint)
        if file_body and self.signature.body is not None:
            raise TypeError(f"{endpoint.__name__}: a route takes a JSON body or a file, not both")
        _check_access(endpoint.__name__, access, self.signature.user)
        self.access = access
        self.summary = summary
        self.body_model = self.signature.body
        # An optional body may be left out entirely (the handler gets None): browsers send the refresh cookie
        # and no body to /auth/refresh and /auth/logout.
        self.body_required = self.signature.body_required
        self.query_model = self.signature.query
        self.response_model = response
        self.status_code = status_code
        self.error_statuses = tuple(errors)
        self.tags = tuple(tags)
        self.response_headers = tuple(response_headers)
        # Statuses other than `status_code` whose answer is `response` too, not a problem (the health report's 503).
        self.response_statuses = tuple(response_statuses)
        # False for a route that touches neither PostgreSQL nor Redis: it never answers 503.
        self.uses_services = uses_services
        # OpenAPI links of the success answer: where a client goes next with what it got (the job it enqueued).
        self.links = dict(links or {})
        # A route whose body is a file (its media types): the handler streams it from the request itself.
        self.file_media_types = tuple(file_body)
        # The success answer's media type when it is not JSON (a CSV download), or besides JSON (`?format=csv`).
        self.answer_media_type = answer_media_type
        # The answer carries an ETag, and a request whose If-None-Match names it gets 304 without a body.
        self.conditional = conditional
        super().__init__(path, self._wrap(endpoint), methods=list(methods), name=endpoint.__name__)

    def _wrap(self, endpoint: Handler) -> Endpoint:
        signature = self.signature

        async def run(request: Request) -> Response:
            given: dict[str, Any] = {}
            if self.access is Access.USER:
                user = await hooks(request).authenticate(request)
                if signature.user is not None:
                    assert isinstance(user, signature.user)
                    given["user"] = user
            elif self.access is Access.TOKEN:
                given["user"] = hooks(request).read_token(request)
            if signature.query is not None:
                given["query"] = validate(signature.query, query_fields(request, signature.query_lists), "query")
            if signature.body is not None:
                if signature.body_required or (await request.body()).strip():
                    given["body"] = validate_json(signature.body, await json_body(request))
                else:
                    given["body"] = None
            return await endpoint(request, **given)

        run.__name__ = endpoint.__name__
        run.__doc__ = endpoint.__doc__
        return run

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Starlette answers a method this route lacks with this route's methods alone; another route of the
        # same path (GET and PATCH /auth/me) may serve it, so the 405 lists every method of the path.
        if self.methods and scope["method"] not in self.methods:
            allowed = ", ".join(sorted(path_methods(scope["router"].routes, scope)))
            raise HTTPException(405, headers={"Allow": allowed})
        await super().handle(scope, receive, send)


def _check_access(endpoint: str, access: Access, user: type[CurrentUser] | type[TokenUser] | None) -> None:
    """A handler takes the user its route's access gives: none on a public route, a CurrentUser on a USER route,
    and always a TokenUser on a TOKEN route (whose handler alone checks the session: without it, nobody would)."""
    if access is Access.TOKEN:
        if user is None or not issubclass(user, TokenUser):
            raise TypeError(
                f"{endpoint}: an Access.TOKEN route's handler takes `user: TokenUser` and checks its session"
            )
    elif user is not None and (access is not Access.USER or not issubclass(user, CurrentUser)):
        raise TypeError(f"{endpoint} takes the signed-in user: its access is Access.USER (a TokenUser: Access.TOKEN)")


class RouteOptions(TypedDict, total=False):
    """What an `ApiRoute` may say besides its path, handler, access and summary."""

    response: type[BaseModel] | None
    status_code: int
    errors: Sequence[int]
    response_headers: Sequence[str]
    response_statuses: Sequence[int]
    uses_services: bool
    links: Mapping[str, Mapping[str, Any]] | None
    file_body: Sequence[str]
    answer_media_type: str | None
    conditional: bool


@dataclass(frozen=True)
class RouteGroup:
    """A module's routes under one path prefix and OpenAPI tag, each declared as its method, path, handler,
    who may call it, what it does, and only the options it needs. (Starlette serves HEAD with every GET.)"""

    prefix: str
    tags: tuple[str, ...]

    def get(
        self, path: str, endpoint: Handler, access: Access, summary: str, **options: Unpack[RouteOptions]
    ) -> ApiRoute:
        return self._route("GET", path, endpoint, access, summary, options)

    def post(
        self, path: str, endpoint: Handler, access: Access, summary: str, **options: Unpack[RouteOptions]
    ) -> ApiRoute:
        return self._route("POST", path, endpoint, access, summary, options)

    def patch(
        self, path: str, endpoint: Handler, access: Access, summary: str, **options: Unpack[RouteOptions]
    ) -> ApiRoute:
        return self._route("PATCH", path, endpoint, access, summary, options)

    def delete(
        self, path: str, endpoint: Handler, access: Access, summary: str, **options: Unpack[RouteOptions]
    ) -> ApiRoute:
        return self._route("DELETE", path, endpoint, access, summary, options)

    def _route(
        self, method: str, path: str, endpoint: Handler, access: Access, summary: str, options: RouteOptions
    ) -> ApiRoute:
        return ApiRoute(
            self.prefix + path, endpoint, methods=[method], access=access, summary=summary, tags=self.tags, **options
        )


def path_methods(routes: Sequence[BaseRoute], scope: Scope) -> set[str]:
    """Every method the routes serve at the path of `scope`, whatever its method."""
    methods: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods and route.matches(scope)[0] is not Match.NONE:
            methods |= route.methods
    return methods


def query_fields(request: Request, lists: frozenset[str] = frozenset()) -> dict[str, str | list[str]]:
    """The query as one string per name, or for the names in `lists` the list of their values; any other name
    given twice is an error, not a silent choice of one."""
    fields: dict[str, str | list[str]] = {name: [] for name in lists}
    repeated: list[str] = []
    for name, value in request.query_params.multi_items():
        if name in lists:
            cast(list[str], fields[name]).append(value)
            continue
        if name in fields:
            repeated.append(name)
        fields[name] = value
    if repeated:
        errors = [FieldError(name, "Give this parameter once.", "invalid-type") for name in sorted(set(repeated))]
        raise Problem(422, "validation-error", "The query has invalid fields.", errors=errors)
    return fields


async def json_body(request: Request) -> bytes:
    """The raw body, once it is known to be there and declared JSON."""
    raw = await request.body()
    if not raw:
        raise Problem(400, "malformed-body", "The request needs a JSON body.")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    # Only JSON media types: a cross-site form can send text/plain or form bodies without a preflight.
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise Problem(415, "unsupported-media-type", "Send the body as application/json (Content-Type header).")
    return raw.removeprefix(UTF8_BOM)  # RFC 8259 section 8.1: a parser may ignore one; some clients send it


def validate_json(model: type[Model], raw: bytes) -> Model:
    """A JSON body, parsed and validated in one pass, in strict mode: JSON has types, so a string is never
    taken for a number nor a number for true/false. Text that is not JSON is a 400, invalid fields a 422."""
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        if any(err["type"] == "json_invalid" for err in exc.errors(include_url=False)):
            raise Problem(400, "malformed-body", unreadable_json(raw)) from None
        raise _invalid(exc, "body") from None


def unreadable_json(raw: bytes) -> str:
    """Why `raw` could not be read as JSON, in our words (never the parser's own text)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "The body is not UTF-8 text; send JSON in UTF-8."
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"The body is not valid JSON (line {exc.lineno}, column {exc.colno})."
    except ValueError:  # Python refuses integers of more than 4300 digits
        return "A number in the body has too many digits."
    except RecursionError:
        return "The body's JSON is nested too deeply."
    return (
        "The body's JSON holds something this API does not read: a \\u escape that is half of a character, "
        "a number of thousands of digits or nesting over 200 levels deep."
    )


def validate(model: type[Model], data: Any, location: str) -> Model:
    """Fields that are strings by nature (the query): lax, so "20" is the number 20."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc, location) from None


def _invalid(exc: ValidationError, location: str) -> Problem:
    errors = [field_error(err, location) for err in exc.errors(include_url=False, include_input=False)]
    return Problem(422, "validation-error", f"The {location} has invalid fields.", errors=errors)


def field_error(err: ErrorDetails, location: str) -> FieldError:
    """One of pydantic's errors in our words, with a code for programs (never pydantic's own text)."""
    where = ".".join(str(part) for part in err["loc"]) or location
    kind, ctx = err["type"], err.get("ctx", {})
    if kind in FIELD_ERROR_CODES:  # raised by our own validators, worded by us
        return FieldError(where, err["msg"], cast(FieldErrorCode, kind), ctx.get("limit"))
    if kind in _BOUNDS:
        code, key, words = _BOUNDS[kind]
        return FieldError(where, words.format(limit=ctx[key]), code, ctx[key])
    message, code = _WORDS.get(kind, ("This value is not allowed here.", "invalid-value"))
    return FieldError(where, message, code)


_BOUNDS: dict[str, tuple[FieldErrorCode, str, str]] = {
    "string_too_short": ("too-short", "min_length", "Use at least {limit} characters."),
    "string_too_long": ("too-long", "max_length", "Use at most {limit} characters."),
    "too_short": ("too-short", "min_length", "Give at least {limit} items."),
    "too_long": ("too-long", "max_length", "Give at most {limit} items."),
    "greater_than_equal": ("too-small", "ge", "Use a number of at least {limit}."),
    "greater_than": ("too-small", "gt", "Use a number greater than {limit}."),
    "less_than_equal": ("too-large", "le", "Use a number of at most {limit}."),
    "less_than": ("too-large", "lt", "Use a number less than {limit}."),
}
_WORDS: dict[str, tuple[str, FieldErrorCode]] = {
    "missing": ("This field is required.", "required"),
    "extra_forbidden": ("This field is not allowed.", "not-allowed"),
    "string_type": ("Expected text.", "invalid-type"),
    "int_type": ("Expected a whole number.", "invalid-type"),
    "int_parsing": ("Expected a whole number.", "invalid-type"),
    "int_from_float": ("Expected a whole number.", "invalid-type"),
    "float_type": ("Expected a number.", "invalid-type"),
    "float_parsing": ("Expected a number.", "invalid-type"),
    "bool_type": ("Expected true or false.", "invalid-type"),
    "bool_parsing": ("Expected true or false.", "invalid-type"),
    "model_type": ("Expected a JSON object.", "invalid-type"),
    "model_attributes_type": ("Expected a JSON object.", "invalid-type"),
    "dict_type": ("Expected a JSON object.", "invalid-type"),
    "list_type": ("Expected a JSON array.", "invalid-type"),
    "uuid_type": ("Expected a UUID.", "invalid-type"),
    "uuid_parsing": ("Expected a UUID.", "invalid-value"),
    "date_type": ("Expected a date as YYYY-MM-DD.", "invalid-type"),
    "date_parsing": ("Expected a date as YYYY-MM-DD.", "invalid-value"),
    "date_from_datetime_parsing": ("Expected a date as YYYY-MM-DD.", "invalid-value"),
    "enum": ("This is not one of the allowed values.", "invalid-value"),
    "literal_error": ("This is not one of the allowed values.", "invalid-value"),
}


def json_response(model: BaseModel, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(model.model_dump_json(), status_code=status_code, headers=headers, media_type="application/json")
