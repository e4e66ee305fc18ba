"""The learner gateway: the only way a learner's AWS CLI reaches the sandbox (`--endpoint-url <site>/sandbox-aws/`).

moto trusts anyone who reaches it (`x-moto-account-id` picks any account, `/moto-api/` resets everything, any key
may assume any role), so the gateway is the boundary:
1. the request must carry a valid SigV4 signature by a learner's own sandbox key (see credentials.py), verified
   with botocore's signer over the request exactly as received (path prefix included), within 15 minutes;
2. only the services the tutorial needs are let through (EC2, ELBv2, and STS GetCallerIdentity); nothing under
   `/moto-api`, no STS AssumeRole (which would hop accounts), no cross-account EC2 actions;
3. every `x-moto-*` header from the client is dropped and `x-moto-account-id` is set to the key's own account;
4. the request goes to settings.SANDBOX_URL with the prefix removed, and moto's answer comes back as is.
"""

from __future__ import annotations

import datetime as dt
import hmac
import http.client
import logging
import re
from urllib.parse import parse_qs, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from provisioning.sandbox.credentials import account_for_access_key_id, secret_for_access_key_id

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
MAX_SKEW = dt.timedelta(minutes=15)
ALLOWED_SERVICES = {"ec2", "elasticloadbalancing", "sts"}
STS_ALLOWED_ACTIONS = {"GetCallerIdentity"}
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
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)"
    r"/aws4_request,\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]{64})\s*$"
)
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"}
_PREFIX = "/sandbox-aws"


def _error(status: int, code: str, message: str) -> HttpResponse:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>sandbox-gateway</RequestId></ErrorResponse>"
    )
    return HttpResponse(body, status=status, content_type="text/xml")


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


def _verify_signature(request: HttpRequest, headers: dict[str, str], body: bytes) -> tuple[str, str] | HttpResponse:
    """(account, service) of a correctly signed request, or the error response to send."""
    match = _AUTH_RE.match(headers.get("authorization", ""))
    if not match:
        return _error(403, "IncompleteSignature", "Requests to the sandbox must be signed with your sandbox key.")
    key_id = match.group("key")
    secret = secret_for_access_key_id(key_id)
    account = account_for_access_key_id(key_id)
    if secret is None or account is None:
        return _error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    amz_date = headers.get("x-amz-date", "")
    try:
        when = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return _error(403, "IncompleteSignature", "X-Amz-Date is missing or malformed.")
    if abs(dt.datetime.now(dt.UTC) - when) > MAX_SKEW or amz_date[:8] != match.group("date"):
        return _error(403, "RequestExpired", "Request has expired.")
    signed = match.group("signed").split(";")
    if "host" not in signed:
        return _error(403, "IncompleteSignature", "The host header must be signed.")
    query = request.META.get("QUERY_STRING", "")
    url = f"http://{headers.get('host', '')}{request.path}" + (f"?{query}" if query else "")
    aws_request = AWSRequest(method=request.method, url=url, headers={h: headers.get(h, "") for h in signed}, data=body)
    aws_request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(key_id, secret), match.group("service"), match.group("region"))
    canonical = signer.canonical_request(aws_request)
    if signer.signed_headers(signer.headers_to_sign(aws_request)) != ";".join(signed):
        return _error(403, "SignatureDoesNotMatch", "Signed headers are not supported by the sandbox.")
    expected = signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
    if not hmac.compare_digest(expected, match.group("sig")):
        return _error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.")
    return account, match.group("service")


def _action(request: HttpRequest, headers: dict[str, str], body: bytes) -> str:
    target = headers.get("x-amz-target", "")
    if target:
        return target.rsplit(".", 1)[-1]
    params = parse_qs(request.META.get("QUERY_STRING", ""))
    if "form-urlencoded" in headers.get("content-type", ""):
        params.update(parse_qs(body.decode("utf-8", "replace")))
    return (params.get("Action") or [""])[0]


def sandbox_gateway(request: HttpRequest, path: str = "") -> HttpResponse:
    """Authenticate, pin to the learner's account, refuse what crosses accounts, forward to moto."""
    if "/moto-api" in request.path.lower() or "moto-api" in request.META.get("QUERY_STRING", "").lower():
        return _error(403, "AccessDenied", "The sandbox administration API is not available.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        return _error(413, "RequestEntityTooLarge", "Request body too large.")
    body = request.body
    headers = _client_headers(request)
    verified = _verify_signature(request, headers, body)
    if isinstance(verified, HttpResponse):
        return verified
    account, service = verified
    if service not in ALLOWED_SERVICES:
        return _error(403, "AccessDenied", f"The sandbox does not offer the {service} service.")
    action = _action(request, headers, body)
    if service == "sts" and action not in STS_ALLOWED_ACTIONS:
        return _error(403, "AccessDenied", f"sts:{action or 'unknown'} is not available in the sandbox.")
    if service == "ec2" and action in EC2_DENIED_ACTIONS:
        return _error(403, "UnauthorizedOperation", f"ec2:{action} is not available in the sandbox.")
    return _forward(request, headers, body, account)


def _forward(request: HttpRequest, headers: dict[str, str], body: bytes, account: str) -> HttpResponse:
    upstream = urlsplit(settings.SANDBOX_URL)
    forward_headers = {k: v for k, v in headers.items() if not k.startswith("x-moto-") and k not in _HOP_BY_HOP}
    forward_headers["x-moto-account-id"] = account  # the pin: moto answers for this account only
    path = request.path[len(_PREFIX) :] or "/"
    query = request.META.get("QUERY_STRING", "")
    conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=30)
    try:
        conn.request(request.method, path + (f"?{query}" if query else ""), body=body, headers=forward_headers)
        upstream_response = conn.getresponse()
        data = upstream_response.read()
    except OSError:
        logger.warning("sandbox gateway: the sandbox at %s did not answer", settings.SANDBOX_URL)
        return _error(503, "ServiceUnavailable", "The sandbox AWS is not running.")
    finally:
        conn.close()
    response = HttpResponse(data, status=upstream_response.status)
    for name, value in upstream_response.getheaders():
        if name.lower() not in _HOP_BY_HOP and name.lower() not in ("server", "date"):
            response[name] = value
    return response
