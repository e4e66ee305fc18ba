"""The learner gateway: the only way a learner's AWS CLI reaches the sandbox (`--endpoint-url <site>/sandbox-aws/`).

moto trusts anyone who reaches it (`x-moto-account-id` picks any account, `/moto-api/` resets everything, any key
may assume any role), so the gateway is the boundary, and it forwards exactly the request it verified and judged:
1. EC2, ELBv2 and STS are query APIs served at `/`: the only accepted request is `POST /sandbox-aws/` with no query
   string and a form-encoded body (UTF-8, each parameter once, no Content-Encoding), whose `Action` is the action
   (an `X-Amz-Target` that names another action is refused). That is the one form in which moto's several
   parsers (werkzeug's form, its parse_qsl fallback, its header fallback) all read what the gateway read;
2. the request must carry a valid SigV4 signature by a learner's own sandbox key (see credentials.py), within 15
   minutes, and over the body itself (a signed `x-amz-content-sha256` must be the body's hash);
3. only the services the steps' specs name are let through (EC2, ELBv2; and STS GetCallerIdentity), in a region AWS
   has; no STS AssumeRole (which would hop accounts), no cross-account EC2 actions;
4. moto gets path `/`, the very body bytes that were signed and only the signed headers, with `x-moto-account-id`
   set to the key's own account (never a client's `x-moto-*`). Its answer is streamed back, capped in size.

Errors are in the service's own shape (EC2's `<Response><Errors>`, ELBv2/STS's `<ErrorResponse>`).
`account_changed(account)` is the one place a successful write request is known (a hook for "something changed").
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import http.client
import logging
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from provisioning.sandbox import signals
from provisioning.sandbox.credentials import credentials_for_access_key_id

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
MAX_RESPONSE = 16 * 1024 * 1024  # a class's DescribeInstances is a few hundred KB; moto's data.json is 10-116 MB
CHUNK = 64 * 1024
MAX_SKEW = dt.timedelta(minutes=15)
_BOTO_NAMES = {"ec2": "ec2", "elasticloadbalancing": "elbv2", "sts": "sts"}
STS_ALLOWED_ACTIONS = {"GetCallerIdentity"}


@functools.cache
def allowed_services() -> frozenset[str]:
    """STS (GetCallerIdentity only) and the services the registered steps need (each step's spec names them)."""
    from provisioning.steps import all_steps

    return frozenset({"sts", *(name for step in all_steps() for name in step.sandbox_services)})


# EC2 actions that name or touch another account's resources in moto.
EC2_DENIED_ACTIONS = {
    "CreateVpcPeeringConnection",
    "AcceptVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    "ModifyVpcPeeringConnectionOptions",
    "ModifyImageAttribute",
    "ModifySnapshotAttribute",
    "CopyImage",
    "CopySnapshot",
    "AcceptTransitGatewayPeeringAttachment",
    "CreateTransitGatewayPeeringAttachment",
}
_READ_PREFIXES = ("Describe", "Get", "List")
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)"
    r"/aws4_request,\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]{64})\s*$"
)
_ACTION_RE = re.compile(r"^[A-Za-z0-9]{1,128}$")
# Never forwarded even when signed: moto's own controls, and what http.client sets for the hop to moto.
_NOT_FORWARDED = {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}
_RESPONSE_DROPPED = _NOT_FORWARDED | {"server", "date"}
_ENDPOINT = "/sandbox-aws/"


def _error(status: int, code: str, message: str, service: str = "") -> HttpResponse:
    """An AWS error in the service's shape: EC2's <Response><Errors>, the others' <ErrorResponse>."""
    code, message = escape(code), escape(message)
    if service == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            "<RequestID>sandbox-gateway</RequestID></Response>"
        )
    else:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>sandbox-gateway</RequestId></ErrorResponse>"
        )
    return HttpResponse(body, status=status, content_type="text/xml")


@functools.cache
def _regions(service: str) -> frozenset[str]:
    import boto3

    return frozenset(boto3.session.Session().get_available_regions(_BOTO_NAMES[service]))


def _client_headers(request: HttpRequest) -> dict[str, str]:
    """The request's HTTP headers under their wire names (lower-case), as the client sent them."""
    headers: dict[str, str] = {}
    for key, value in request.META.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
    if request.META.get("CONTENT_TYPE"):
        headers["content-type"] = request.META["CONTENT_TYPE"]
    if request.META.get("CONTENT_LENGTH"):
        headers["content-length"] = request.META["CONTENT_LENGTH"]
    return headers


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str, service: str = "") -> None:
        super().__init__(message)
        self.response = _error(status, code, message, service)


def _scope(headers: dict[str, str]) -> re.Match[str]:
    match = _AUTH_RE.fullmatch(headers.get("authorization", ""))
    if not match:
        raise _Refused(403, "IncompleteSignature", "Requests to the sandbox must be signed with your sandbox key.")
    return match


def _verify_signature(headers: dict[str, str], body: bytes, match: re.Match[str]) -> str:
    """The account of a request signed over exactly this body and these headers, or _Refused."""
    service = match.group("service")
    key_id = match.group("key")
    found = credentials_for_access_key_id(key_id)
    if found is None:
        raise _Refused(403, "InvalidClientTokenId", "The security token included in the request is invalid.", service)
    account, secret = found
    amz_date = headers.get("x-amz-date", "")
    try:
        when = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise _Refused(403, "IncompleteSignature", "X-Amz-Date is missing or malformed.", service) from None
    if abs(dt.datetime.now(dt.UTC) - when) > MAX_SKEW or amz_date[:8] != match.group("date"):
        raise _Refused(403, "RequestExpired", "Request has expired.", service)
    signed = match.group("signed").split(";")
    if "host" not in signed:
        raise _Refused(403, "IncompleteSignature", "The host header must be signed.", service)
    # botocore signs over x-amz-content-sha256 when it is present instead of hashing the body: it must BE the hash.
    claimed = headers.get("x-amz-content-sha256")
    if claimed is not None and not hmac.compare_digest(claimed.lower(), hashlib.sha256(body).hexdigest()):
        raise _Refused(
            403, "XAmzContentSHA256Mismatch", "The provided x-amz-content-sha256 does not match the body.", service
        )
    url = f"http://{headers.get('host', '')}{_ENDPOINT}"
    aws_request = AWSRequest(method="POST", url=url, headers={h: headers.get(h, "") for h in signed}, data=body)
    aws_request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(key_id, secret), service, match.group("region"))
    canonical = signer.canonical_request(aws_request)
    if signer.signed_headers(signer.headers_to_sign(aws_request)) != ";".join(signed):
        raise _Refused(403, "SignatureDoesNotMatch", "Signed headers are not supported by the sandbox.", service)
    expected = signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
    if not hmac.compare_digest(expected, match.group("sig")):
        raise _Refused(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.", service)
    return account


def _action(headers: dict[str, str], body: bytes, service: str) -> str:
    """The action, read as moto reads it (the body's Action, then X-Amz-Target); any ambiguity is refused."""
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise _Refused(400, "InvalidParameterValue", "The body must be application/x-www-form-urlencoded.", service)
    if headers.get("content-encoding", "identity").strip().lower() != "identity":
        raise _Refused(400, "InvalidParameterValue", "Content-Encoding is not supported by the sandbox.", service)
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise _Refused(400, "MalformedQueryString", "The body is not a well-formed query string.", service) from None
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise _Refused(400, "MalformedQueryString", "A parameter appears more than once.", service)
    action = dict(pairs).get("Action", "")
    if not _ACTION_RE.fullmatch(action):
        raise _Refused(400, "MissingAction", "The request must name one Action in its body.", service)
    target = headers.get("x-amz-target")
    if target is not None and target.rsplit(".", 1)[-1] != action:
        raise _Refused(403, "AccessDenied", "X-Amz-Target and the body's Action disagree.", service)
    return action


def _judge(service: str, action: str) -> None:
    if service == "sts" and action not in STS_ALLOWED_ACTIONS:
        raise _Refused(403, "AccessDenied", f"sts:{action} is not available in the sandbox.", service)
    if service == "ec2" and action in EC2_DENIED_ACTIONS:
        raise _Refused(403, "UnauthorizedOperation", f"ec2:{action} is not available in the sandbox.", service)


def sandbox_gateway(request: HttpRequest, path: str = "") -> HttpResponse:
    """Authenticate, pin to the learner's account, refuse what crosses accounts, forward to moto."""
    try:
        return _handle(request)
    except _Refused as refused:
        return refused.response


def _handle(request: HttpRequest) -> HttpResponse:
    headers = _client_headers(request)
    match = _scope(headers)
    service = match.group("service")
    # request.path is decoded once; the path forwarded is always "/", so no encoding of it can reach moto.
    if request.path != _ENDPOINT or request.META.get("QUERY_STRING") or request.method != "POST":
        raise _Refused(403, "AccessDenied", "The sandbox's APIs are served at POST /sandbox-aws/ only.", service)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        raise _Refused(413, "RequestEntityTooLarge", "Request body too large.", service)
    body = request.body
    account = _verify_signature(headers, body, match)
    if service not in allowed_services():
        raise _Refused(403, "AccessDenied", f"The sandbox does not offer the {service} service.", service)
    region = match.group("region")
    if region not in _regions(service):
        raise _Refused(400, "InvalidRegion", f"The region '{region}' does not exist.", service)
    action = _action(headers, body, service)
    _judge(service, action)
    signed = set(match.group("signed").split(";")) | {"authorization"}
    forward_headers = {
        k: v for k, v in headers.items() if k in signed and k not in _NOT_FORWARDED and not k.startswith("x-moto-")
    }
    forward_headers["x-moto-account-id"] = account  # the pin: moto answers for this account only
    return _forward(forward_headers, body, account, service, action)


def account_changed(account: str, service: str, action: str) -> None:
    """Called once for every write request moto accepted for `account` (the hook for "the learner changed AWS").

    Tells whoever listens (`signals.account_changed`; the learner side re-checks an open step page); a receiver's
    error is logged, never turned into the learner's error."""
    logger.debug("sandbox gateway: %s:%s changed account %s", service, action, account)
    for _receiver, error in signals.account_changed.send_robust(
        sender=account_changed, account=account, service=service, action=action
    ):
        if isinstance(error, Exception):
            logger.warning("sandbox gateway: a receiver of account_changed failed: %s", type(error).__name__)


def _forward(headers: dict[str, str], body: bytes, account: str, service: str, action: str) -> HttpResponse:
    upstream = urlsplit(settings.SANDBOX_URL)
    conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=30)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        answer = conn.getresponse()
    except OSError:
        conn.close()
        logger.warning("sandbox gateway: the sandbox at %s did not answer", settings.SANDBOX_URL)
        return _error(503, "ServiceUnavailable", "The sandbox AWS is not running.", service)
    length = answer.getheader("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_RESPONSE):
        conn.close()
        logger.warning("sandbox gateway: %s:%s answer of %s bytes refused", service, action, length)
        return _error(502, "InternalFailure", "The sandbox's answer is too large.", service)
    if answer.status < 400 and not action.startswith(_READ_PREFIXES):
        account_changed(account, service, action)
    response = StreamingHttpResponse(_stream(conn, answer), status=answer.status)
    for name, value in answer.getheaders():
        if name.lower() not in _RESPONSE_DROPPED:
            response[name] = value
    return response


def _stream(conn: http.client.HTTPConnection, answer: http.client.HTTPResponse) -> Iterator[bytes]:
    """moto's answer in chunks, stopping (connection closed) once MAX_RESPONSE bytes have gone out."""
    sent = 0
    try:
        while sent < MAX_RESPONSE:
            chunk = answer.read(min(CHUNK, MAX_RESPONSE - sent))
            if not chunk:
                return
            sent += len(chunk)
            yield chunk
        logger.warning("sandbox gateway: answer cut at %d bytes", sent)
    except OSError:
        logger.warning("sandbox gateway: the sandbox's answer broke off after %d bytes", sent)
    finally:
        conn.close()
