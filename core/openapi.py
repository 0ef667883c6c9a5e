"""The OpenAPI document as the API's contract: every status an operation can answer, with its schema.

Django Ninja documents what each view declares; `complete` adds what every operation shares: the
problem-details shape of errors (described once, in `components`), the answers any operation may
give (400 malformed, 401/403 for operations behind a token, 404 where the path names a record, 413
and 415 where there is a body, 429 rate limit, 500, 503 database unavailable), and the links
between operations (a created household → read it) that stateful clients and testers follow.
"""

PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_MEDIA = "application/problem+json"

PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details, the shape of every answer with a status of 400 or more. "
                   "`code` is machine-readable and stable; `message` (= `detail`) is in the request's language "
                   "(Accept-Language: el or en). Some operations add members (e.g. the scan's `outcome` and "
                   "`display`, or `errors` for a malformed request).",
    "type": "object",
    "required": ["type", "title", "status", "code", "message"],
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`: the meaning is in `code`."},
        "title": {"type": "string", "description": "Short title of the status, in the request's language"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string", "description": "Machine-readable: invalid_request, malformed_body, "
                 "not_authenticated, forbidden, csrf_failed, not_found, method_not_allowed, conflict, "
                 "too_large, unsupported_media_type, unprocessable, request_id_reused, rate_limited, "
                 "control_characters (NUL, ESC and the like in a text), "
                 "server_error, unavailable, or an operation's own refusal (e.g. unknown_card)."},
        "message": {"type": "string", "description": "What happened and what to do, in the request's language"},
        "detail": {"type": "string", "description": "The same as `message` (the RFC's name for it)"},
        "errors": {"type": "array", "description": "For invalid_request: each field that is wrong",
                   "items": {"type": "object", "required": ["loc", "msg", "type"], "properties": {
                       "loc": {"type": "array", "items": {"type": "string"}},
                       "msg": {"type": "string"}, "type": {"type": "string"}}}},
    },
}

RETRY_AFTER = {"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 1}}

# status: (component name, description, headers)
RESPONSES = {
    400: ("BadRequest", "Malformed: the body is not JSON, or a parameter or field does not match this document "
                        "(`code` invalid_request or malformed_body; `errors` lists the fields).", {}),
    401: ("Unauthorized", "No valid token or session (`Authorization: Bearer <token>`).",
          {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}),
    403: ("Forbidden", "The role of the token's user may not do this, or the session's CSRF check failed "
                       "(`code` forbidden or csrf_failed).", {}),
    404: ("NotFound", "No such record (or address).", {}),
    405: ("MethodNotAllowed", "Any address answers 405 to a method it does not have, with the `Allow` header.",
          {"Allow": {"description": "The methods the address has", "schema": {"type": "string"}}}),
    409: ("Conflict", "The request conflicts with the record's current state.", {}),
    413: ("PayloadTooLarge", "The body is larger than the API accepts (see README, API limits).", {}),
    415: ("UnsupportedMediaType", "The body is not sent as `application/json`.", {}),
    422: ("UnprocessableContent", "Understood but refused (e.g. a request_id reused with another body: "
                                  "`code` request_id_reused; nothing was recorded).", {}),
    429: ("TooManyRequests", "The token (or, without one, the client address) sent more requests than the rate "
                             "limit allows; wait `Retry-After` seconds.", {"Retry-After": RETRY_AFTER}),
    500: ("InternalServerError", "A fault of the server (logged); nothing was changed.", {}),
    503: ("ServiceUnavailable", "The database did not answer (restart, lost connection, statement timeout); "
                                "nothing was changed. Send the same request again (same request_id) after "
                                "`Retry-After` seconds.", {"Retry-After": RETRY_AFTER}),
}

# Links between operations (OpenAPI 3 links): a stateful client follows them from an answer.
LINKS = {
    ("post", "/households", "201"): {
        "ReadHousehold": ("distribution_api_read_household", {"household_id": "$response.body#/id"}),
        "IssueCard": ("distribution_api_issue_card", None),
    },
    ("post", "/cards", "201"): {
        "ReadCard": ("distribution_api_read_card", {"card_id": "$response.body#/id"}),
        "RevokeCard": ("distribution_api_revoke_card", {"card_id": "$response.body#/id"}),
        "PrintCard": ("distribution_api_card_pdf", {"card_id": "$response.body#/id"}),
    },
    ("get", "/households/{household_id}", "200"): {
        "IssueCardForHousehold": ("distribution_api_issue_card", None),
    },
    ("get", "/days", "200"): {
        "ReadDay": ("distribution_api_days_day_detail", {"day_id": "$response.body#/0/id"}),
    },
    ("get", "/shifts", "200"): {
        "TakeShift": ("volunteers_api_take", {"shift_id": "$response.body#/0/id"}),
        "LeaveShift": ("volunteers_api_leave", {"shift_id": "$response.body#/0/id"}),
    },
    ("post", "/shifts/{shift_id}/take", "200"): {
        "LeaveTakenShift": ("volunteers_api_leave", {"shift_id": "$response.body#/shift_id"}),
    },
    ("get", "/events", "200"): {
        "ReadEvent": ("events_api_get_event", {"event_id": "$response.body#/0/id"}),
        "EventRegistrations": ("events_api_list_registrations", {"event_id": "$response.body#/0/id"}),
    },
    ("get", "/items", "200"): {
        "ItemByCode": ("inventory_api_item_by_code", {"code": "$response.body#/items/0/barcodes/0"}),
    },
}

# The request body a link sends (the created household's id into a card request).
LINK_BODIES = {
    ("post", "/households", "201", "IssueCard"): {"household_id": "$response.body#/id"},
    ("get", "/households/{household_id}", "200", "IssueCardForHousehold"): {"household_id": "$response.body#/id"},
}


def _problem_content(extra_schema=None) -> dict:
    schema = {"$ref": PROBLEM_REF} if extra_schema is None else {"allOf": [{"$ref": PROBLEM_REF}, extra_schema]}
    return {PROBLEM_MEDIA: {"schema": schema}}


def _is_plain_message(content: dict) -> bool:
    schema = (content.get("application/json") or {}).get("schema") or {}
    return schema.get("$ref", "").endswith("/Message")


# What the API refuses in texts (core.middleware, core.api_base: code `control_characters`), in the
# document's terms: no NUL, ESC and the like (tab and line breaks pass; a one-line field refuses them
# with its own message).
TEXT = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


def _text_patterns(node, pattern, schemas, seen) -> None:
    """Give every plain text of a request schema (no format, enum or pattern of its own) `pattern`,
    following references into `components.schemas` once."""
    if isinstance(node, list):
        for item in node:
            _text_patterns(item, pattern, schemas, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen and name in schemas:
            seen.add(name)
            _text_patterns(schemas[name], pattern, schemas, seen)
        return
    if node.get("type") == "string" and not ({"format", "enum", "pattern", "const"} & set(node)):
        node["pattern"] = pattern
    if isinstance(node.get("additionalProperties"), dict) and "propertyNames" not in node:
        node["propertyNames"] = {"pattern": pattern}  # the keys of a free-form object (categories)
    for key, value in node.items():
        if key in ("properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties", "schema"):
            _text_patterns(list(value.values()) if key == "properties" else value, pattern, schemas, seen)


def _document_text_rules(schema: dict) -> None:
    schemas = schema.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _text_patterns(parameter.get("schema"), TEXT, schemas, seen)
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                _text_patterns(media.get("schema"), TEXT, schemas, seen)


def _document_access(operation: dict) -> None:
    """`x-access`: who may call the operation (the access table's rule and its roles, core.roles);
    public operations have no security, and an operation with security but no rule is for anyone
    signed in."""
    from .api import ACCESS_BY_OPERATION
    from .roles import ROLES, roles_for

    rule = ACCESS_BY_OPERATION.get(operation.get("operationId", ""))
    if rule is not None:
        roles = [role for role in ROLES if role in roles_for(rule)]
    else:
        roles = ["public"] if not operation.get("security") else ["signed_in"]
    operation["x-access"] = {"rule": rule, "roles": roles}
    who = ", ".join(roles)
    operation["description"] = (operation.get("description", "") + f"\n\nWho may call it: {who}"
                                + (f" (rule `{rule}`)." if rule else ".")).strip()


def complete(schema: dict, api) -> dict:
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["responses"] = {
        name: {"description": description, "content": _problem_content(), **({"headers": headers} if headers else {})}
        for name, description, headers in RESPONSES.values()}
    components["schemas"].pop("Message", None)
    _document_text_rules(schema)
    prefix = api.get_root_path({}).rstrip("/")
    for path, operations in schema["paths"].items():
        short = path[len(prefix):] if path.startswith(prefix) else path
        for method, operation in operations.items():
            responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
            for status in list(responses):
                code = int(status)
                if code < 400:
                    continue
                content = responses[status].get("content") or {}
                own = (content.get("application/json") or {}).get("schema")
                examples = {name: example for media in content.values()
                            for name, example in (media.get("examples") or {}).items()}
                if not own and not examples or _is_plain_message(content):
                    responses[status] = {"$ref": f"#/components/responses/{RESPONSES[code][0]}"}
                    continue
                problem = _problem_content(own)
                if examples:
                    problem[PROBLEM_MEDIA]["examples"] = examples
                responses[status] = {**responses[status], "content": problem}
                if code in (429, 503):
                    responses[status]["headers"] = {"Retry-After": RETRY_AFTER}
            shared = [400, 429, 500, 503]
            if operation.get("security"):
                shared += [401, 403]
            if "{" in short:
                shared.append(404)
            if "requestBody" in operation:
                shared += [413, 415]
            for code in shared:
                responses.setdefault(str(code), {"$ref": f"#/components/responses/{RESPONSES[code][0]}"})
            operation["responses"] = dict(sorted(responses.items()))
            _document_access(operation)
            for (link_method, link_path, link_status), links in LINKS.items():
                if (link_method, link_path) != (method, short) or link_status not in responses:
                    continue
                answer = responses[link_status]
                answer["links"] = {}
                for name, (operation_id, parameters) in links.items():
                    link = {"operationId": operation_id}
                    if parameters:
                        link["parameters"] = parameters
                    body = LINK_BODIES.get((link_method, link_path, link_status, name))
                    if body:
                        link["requestBody"] = body
                    answer["links"][name] = link
    return schema
