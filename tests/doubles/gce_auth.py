"""Authentication of the Compute Engine double: the OAuth 2.0 token endpoint of a service-account
key (JWT-bearer grant), bearer-token checks, and writing a throwaway service-account key whose
`token_uri` points at the double.

Which tokens the API accepts, and why:
- tokens this double issued from `POST /token` (what terraform-provider-google and any
  token_uri-based client send);
- the static `--access-token` (GOOGLE_OAUTH_ACCESS_TOKEN / provider `access_token` use);
- self-signed JWTs: google-cloud-auth (Rust) service-account credentials do NOT call token_uri; they
  sign a JWT (iss = sub = client_email, scope = cloud-platform or aud = service, exp = iat + 1 h,
  header kid = private_key_id) and send it as the bearer token
  (github:googleapis/google-cloud-rust src/auth/src/credentials/service_account.rs, jws.rs).
Signatures are verified with the `openssl` CLI when the issuer's key is known (`--trust-key`, or
keys written by `--write-key`); unknown issuers are checked structurally only.

References: https://developers.google.com/identity/protocols/oauth2/service-account#httprest
(assertion claims iss/scope/aud/exp/iat, aud = token_uri, exp at most 1 h after iat, response
access_token/expires_in/token_type; errors invalid_grant "Invalid JWT Signature.", "Invalid JWT:
Token must be a short-lived token (60 minutes) and in a reasonable timeframe..."),
https://developers.google.com/identity/protocols/oauth2/service-account#jwt-auth (self-signed JWTs),
https://cloud.google.com/docs/authentication/rest (401 bodies with reason required / authError).
"""

import base64
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time

from common import HttpError, Response

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_jwt(token):
    """(header, claims, signing_input, signature) or None when it is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims, (parts[0] + "." + parts[1]).encode(), signature


def have_openssl():
    return shutil.which("openssl") is not None


def openssl_verify(public_pem, data, signature):
    """RS256 verification through the openssl CLI (the standard library has no RSA)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = {n: os.path.join(tmp, n) for n in ("pub.pem", "data", "sig")}
        for name, content in (("pub.pem", public_pem.encode()), ("data", data), ("sig", signature)):
            with open(paths[name], "wb") as fh:
                fh.write(content)
        proc = subprocess.run(["openssl", "dgst", "-sha256", "-verify", paths["pub.pem"], "-signature", paths["sig"],
                               paths["data"]], capture_output=True)
        return proc.returncode == 0


def openssl_sign(private_pem, data):
    """RS256 signature with the openssl CLI (used by tests and the key writer's self-check)."""
    with tempfile.TemporaryDirectory() as tmp:
        key, src = os.path.join(tmp, "key.pem"), os.path.join(tmp, "data")
        with open(key, "w") as fh:
            fh.write(private_pem)
        with open(src, "wb") as fh:
            fh.write(data)
        return subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, src], capture_output=True, check=True).stdout


def public_pem_of(private_pem):
    proc = subprocess.run(["openssl", "pkey", "-pubout"], input=private_pem.encode(), capture_output=True, check=True)
    return proc.stdout.decode()


def sign_jwt(key_json, claims):
    """A real RS256 JWT signed with a service-account key (header kid = private_key_id)."""
    header = {"alg": "RS256", "typ": "JWT", "kid": key_json["private_key_id"]}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return signing_input + "." + b64url(openssl_sign(key_json["private_key"], signing_input.encode()))


def write_key(path, token_uri, project="autostack-double"):
    """Write a test-only service-account key (fresh 2048-bit RSA via openssl); returns the JSON."""
    if not have_openssl():
        raise SystemExit("--write-key needs the openssl CLI to generate an RSA key")
    pem = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                         capture_output=True, check=True).stdout.decode()
    email = "autostack-double@%s.iam.gserviceaccount.com" % project
    key = {"type": "service_account", "project_id": project, "private_key_id": secrets.token_hex(20),
           "private_key": pem, "client_email": email, "client_id": str(10 ** 20 + secrets.randbelow(10 ** 20)),
           "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
           "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
           "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email.replace("@", "%40"),
           "universe_domain": "googleapis.com"}
    with open(path, "w") as fh:
        json.dump(key, fh, indent=2)
    os.chmod(path, 0o600)
    return key


def trust_key(app, key_json):
    """Remember a key's public half so JWTs from its client_email get their signatures verified."""
    app.state["trusted_keys"][key_json["client_email"]] = public_pem_of(key_json["private_key"])


# token endpoint ----------------------------------------------------------------------------------------
def _oauth_error(status, error, description):
    return Response(status, {"error": error, "error_description": description})


def _check_assertion(app, req, claims, now):
    """Claim checks Google's token endpoint makes; returns an error Response or None."""
    for claim in ("iss", "aud", "exp", "iat"):
        if claim not in claims:
            return _oauth_error(400, "invalid_grant", "Invalid JWT: missing claim '%s'." % claim)
    if claims["aud"] != req.base_url + "/token" and not str(claims["aud"]).endswith("/token"):
        return _oauth_error(400, "invalid_grant", "Invalid JWT: Failed audience check. The right audience is %s/token"
                            % req.base_url)
    if not (claims["iat"] - 300 <= now <= claims["exp"] and claims["exp"] - claims["iat"] <= 3600):
        return _oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                            "reasonable timeframe. Check your iat and exp values in the JWT claim.")
    if not claims.get("scope") and not claims.get("target_audience"):
        return _oauth_error(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    return None


def _signature_ok(app, claims, signing_input, signature):
    pem = app.state["trusted_keys"].get(claims.get("iss"))
    return pem is None or openssl_verify(pem, signing_input, signature)


def token(app, req):
    """POST /token with the JWT-bearer grant, as oauth2.googleapis.com/token answers it."""
    form = req.form()
    if form.get("grant_type") != JWT_BEARER:
        return _oauth_error(400, "unsupported_grant_type", "Invalid grant_type: %s" % form.get("grant_type", ""))
    decoded = decode_jwt(form.get("assertion", ""))
    if decoded is None:
        return _oauth_error(400, "invalid_grant", "Invalid JWT: Unable to parse assertion.")
    header, claims, signing_input, signature = decoded
    if header.get("alg") != "RS256":
        return _oauth_error(400, "invalid_grant", "Invalid JWT: Only RS256 is supported.")
    problem = _check_assertion(app, req, claims, time.time())
    if problem:
        return problem
    if not _signature_ok(app, claims, signing_input, signature):
        return _oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
    access = "ya29.double-" + secrets.token_urlsafe(32)
    app.state["tokens"][access] = {"exp": time.time() + 3599, "email": claims["iss"], "scope": claims["scope"]}
    return Response(200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"},
                    {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate", "Pragma": "no-cache"})


# bearer checks -------------------------------------------------------------------------------------------
def _unauthenticated(message, reason, extra=None):
    item = {"message": message if reason == "authError" else "Login Required.", "domain": "global", "reason": reason}
    item.update(extra or {})
    return HttpError(Response(401, {"error": {"code": 401, "message": message, "errors": [item],
                                              "status": "UNAUTHENTICATED"}},
                              {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}))


INVALID = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
           "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.")
MISSING = ("Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other "
           "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.")


def _self_signed_ok(app, token_):
    """A self-signed service-account JWT as google-cloud-auth sends it."""
    decoded = decode_jwt(token_)
    if decoded is None:
        return False
    header, claims, signing_input, signature = decoded
    now = time.time()
    if header.get("alg") != "RS256" or not claims.get("iss") or not isinstance(claims.get("exp"), (int, float)):
        return False
    if not (claims.get("iat", now) - 300 <= now <= claims["exp"]):
        return False
    if not (claims.get("scope") or claims.get("aud")):
        return False
    return _signature_ok(app, claims, signing_input, signature)


def authenticate(app, req):
    auth = req.header("Authorization") or ""
    if not auth.lower().startswith("bearer "):
        raise _unauthenticated(MISSING, "required", {"location": "Authorization", "locationType": "header"})
    token_ = auth[7:].strip()
    if app.options.access_token and token_ == app.options.access_token:
        return
    issued = app.state["tokens"].get(token_)
    if issued is not None and issued["exp"] > time.time():
        return
    if issued is None and _self_signed_ok(app, token_):
        return
    raise _unauthenticated(INVALID, "authError", {"location": "Authorization", "locationType": "header"})
