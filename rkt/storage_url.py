"""RKT_STORAGE_URL, read into the options of django-storages' S3 backend.

``s3://ACCESS_KEY:SECRET@BUCKET/optional/prefix?endpoint_url=https://s3.example.go.id&region_name=us-east-1``

The key and the secret are percent-decoded (a secret's ``/`` is written ``%2F``); without them the backend takes
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment. Objects are written without an ACL, so they are as
private as the bucket, and never overwritten: a name already taken gets a suffix. Kept free of Django's settings so
rkt/settings.py can call it, and its tests can call it without settings.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKEND = "storages.backends.s3.S3Storage"
# What the query string may set; anything else is refused rather than ignored.
QUERY_OPTIONS = ("endpoint_url", "region_name", "addressing_style")
ADDRESSING_STYLES = ("path", "virtual", "auto")
# S3's own rule for bucket names: 3 to 63 lowercase letters, digits, dots and hyphens, a letter or digit at each end.
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# A file read back (a photo for a PDF, a Word template) is held in memory up to this size, on disk past it.
MAX_MEMORY_BYTES = 2 * 1024 * 1024


def _refuse(problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"RKT_STORAGE_URL {problem} Expected s3://ACCESS_KEY:SECRET@BUCKET/optional/prefix"
        "?endpoint_url=https://host:port&region_name=REGION."
    )


def storage_options(url: str, *, url_seconds: int = 300) -> dict:
    """The OPTIONS of STORAGES["default"] for ``url``; ImproperlyConfigured naming what is wrong with it.

    ``url_seconds`` is how long a signed URL of a stored file (``storage.url(name)``, the admin's links) stays valid.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise _refuse(f"is not a URL ({exc}).") from None
    if parts.scheme != "s3":
        raise _refuse(f"must start with s3://; got {parts.scheme + '://' if parts.scheme else 'no scheme'}.")
    if parts.fragment:
        raise _refuse("has a #fragment; percent-encode a # in the secret as %23.")
    # The netloc is split by hand: urlsplit lowercases the host and reads a secret's ":" as a port.
    credentials, at, bucket = parts.netloc.rpartition("@")
    if not BUCKET_NAME.match(bucket) or ".." in bucket:
        # What reads as the bucket may be "key:secret" cut short by an unencoded "/": never shown then.
        shown = repr(bucket) if ":" not in bucket else "(not shown: it holds a ':', like a key:secret)"
        raise _refuse(
            f"names no valid bucket {shown}: 3 to 63 lowercase letters, digits, dots and hyphens. "
            "A / or @ in the key or secret must be percent-encoded (%2F, %40)."
        )
    options: dict = {"bucket_name": bucket}
    if at:
        key, colon, secret = credentials.partition(":")
        if not key or not colon or not secret:
            raise _refuse("gives credentials without both a key and a secret (ACCESS_KEY:SECRET@).")
        options["access_key"], options["secret_key"] = unquote(key), unquote(secret)
    prefix = unquote(parts.path).strip("/")
    if prefix and any(segment in {"", ".", ".."} for segment in prefix.split("/")):
        raise _refuse(f"has an unusable prefix {prefix!r}: no empty, . or .. parts.")
    options["location"] = prefix

    query: dict[str, str] = {}
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise _refuse(f"has a malformed query string {parts.query!r}.") from None
    for name, value in pairs:
        if name not in QUERY_OPTIONS:
            raise _refuse(f"has an unknown option {name!r}; it may set {', '.join(QUERY_OPTIONS)}.")
        if name in query:
            raise _refuse(f"sets {name} twice.")
        if not value.strip():
            raise _refuse(f"sets {name} to nothing.")
        query[name] = value.strip()
    endpoint = query.get("endpoint_url")
    if endpoint is not None:
        endpoint_parts = urlsplit(endpoint)
        if endpoint_parts.scheme not in {"http", "https"} or not endpoint_parts.hostname:
            raise _refuse(f"has an endpoint_url that is not an http(s):// address: {endpoint!r}.")
        try:
            endpoint_parts.port  # noqa: B018 - a port that is not a number raises here
        except ValueError:
            raise _refuse(f"has an endpoint_url with a bad port: {endpoint!r}.") from None
        if endpoint_parts.path.strip("/") or endpoint_parts.query:
            raise _refuse(f"has an endpoint_url with a path or query; give the host only: {endpoint!r}.")
        options["endpoint_url"] = endpoint.rstrip("/")
    style = query.get("addressing_style")
    if style is not None and style not in ADDRESSING_STYLES:
        raise _refuse(f"has addressing_style {style!r}; it must be one of {', '.join(ADDRESSING_STYLES)}.")
    if "region_name" in query:
        options["region_name"] = query["region_name"]

    options.update(
        {
            # A service of one's own (MinIO, Ceph, Garage) answers at one host, the bucket in the path; AWS itself
            # wants the bucket's own host name.
            "addressing_style": style or ("path" if endpoint else None),
            "signature_version": "s3v4",
            # No ACL is sent: objects are as private as the bucket (and a bucket with ACLs turned off accepts them).
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_seconds,
            "file_overwrite": False,
            "max_memory_size": MAX_MEMORY_BYTES,
        }
    )
    return options
