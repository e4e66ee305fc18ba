"""How AWS errors are told apart: a learner's AWS answering "no" is never the learner's setup failing.

`classify` turns a botocore exception into an `ApiError` (access denied, throttled, unreachable, other) or raises
`CredentialsProblem` for the errors that make *every* call fail (expired or invalid credentials), so the run can
say it once instead of fifteen times. Messages never contain secrets: only error codes and IAM action names.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

CREDENTIAL_ERROR_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "AuthFailure",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "RequestExpired",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "OperationNotPermitted"}
)
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)
# Answers that mean "the thing is not there": state, not an error.
NOT_FOUND_CODES = frozenset({"LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound"})


class CredentialsProblem(Exception):
    """Every call will fail the same way (expired/invalid credentials, role not assumable). Said once per run."""

    def __init__(self, code: str, *, detail_en: str = "", detail_ja: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail_en = detail_en
        self.detail_ja = detail_ja

    def message(self) -> dict[str, str]:
        return {
            "ja": self.detail_ja or f"AWS が認証情報を受け付けませんでした（{self.code}）。",
            "en": self.detail_en or f"AWS did not accept the credentials ({self.code}).",
        }

    def hint(self) -> dict[str, str]:
        return {
            "ja": "接続設定を開き、アクセスキーまたはロールを確認して接続し直してください。"
            "一時的な認証情報の場合は期限切れの可能性があります。",
            "en": "Open the connection settings, check the access key or role, and connect again. "
            "Temporary credentials may have expired.",
        }


@dataclass(frozen=True)
class ApiError:
    """One snapshot source could not be read. `action` is the IAM action, e.g. ec2:DescribeInstances."""

    action: str
    kind: str  # access_denied | throttled | unreachable | other
    code: str = ""

    def message(self) -> dict[str, str]:
        if self.kind == "access_denied":
            return {
                "ja": f"権限が足りないため確認できませんでした：{self.action} が拒否されました。",
                "en": f"Could not check: access to {self.action} was denied.",
            }
        if self.kind == "throttled":
            return {
                "ja": f"AWS の呼び出し制限（{self.action}）により、再試行しても確認できませんでした。",
                "en": f"AWS throttled {self.action}; it still failed after retrying.",
            }
        if self.kind == "unreachable":
            return {
                "ja": f"AWS のエンドポイントに接続できず {self.action} を呼び出せませんでした（{self.code}）。",
                "en": f"Could not reach the AWS endpoint to call {self.action} ({self.code}).",
            }
        return {
            "ja": f"{self.action} がエラーを返しました（{self.code}）。",
            "en": f"{self.action} returned an error ({self.code}).",
        }

    def hint(self) -> dict[str, str]:
        if self.kind == "access_denied":
            return {
                "ja": f"接続に使っている IAM ロール／ユーザーのポリシーに {self.action} を許可してください"
                "（提供している読み取り専用ポリシーに含まれています）。",
                "en": f"Allow {self.action} in the policy of the IAM role/user this connection uses "
                "(the read-only policy we provide includes it).",
            }
        if self.kind == "throttled":
            return {"ja": "少し待ってからもう一度確認してください。", "en": "Wait a little and check again."}
        return {
            "ja": "しばらくしてからもう一度確認してください。続く場合は講師に知らせてください。",
            "en": "Check again in a while; if it persists, tell your instructor.",
        }


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "")) or "ClientError"
    return type(exc).__name__


def classify(exc: BaseException, action: str) -> ApiError:
    """Map an exception from one AWS call to an ApiError; raise CredentialsProblem for run-wide failures."""
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        raise CredentialsProblem(
            type(exc).__name__,
            detail_en="No AWS credentials were found for this connection.",
            detail_ja="この接続に使える AWS の認証情報が見つかりませんでした。",
        ) from exc
    code = error_code(exc)
    if isinstance(exc, ClientError):
        if code in CREDENTIAL_ERROR_CODES:
            raise CredentialsProblem(code) from exc
        if code in ACCESS_DENIED_CODES:
            return ApiError(action=action, kind="access_denied", code=code)
        if code in THROTTLING_CODES:
            return ApiError(action=action, kind="throttled", code=code)
        return ApiError(action=action, kind="other", code=code)
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return ApiError(action=action, kind="unreachable", code=code)
    if isinstance(exc, BotoCoreError):
        return ApiError(action=action, kind="other", code=code)
    raise exc
