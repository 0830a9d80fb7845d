"""RKT_STORAGE_URL: read into the S3 backend's options, its secrets percent-decoded, a malformed one refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from rkt.storage_url import BACKEND, storage_options
from tests.test_settings import PRODUCTION, setting_values

MINIO = "s3://AKIA123:s3cr%2Fet%2B%40x@rkt-bukti/kab-gk/2026?endpoint_url=http://127.0.0.1:9000&region_name=id-jkt-1"


def test_a_full_url_gives_the_bucket_prefix_credentials_endpoint_and_region():
    options = storage_options(MINIO, url_seconds=120)
    assert options["bucket_name"] == "rkt-bukti"
    assert options["location"] == "kab-gk/2026"
    assert (options["access_key"], options["secret_key"]) == ("AKIA123", "s3cr/et+@x")
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["region_name"] == "id-jkt-1"


def test_objects_are_private_signed_for_a_short_time_and_never_overwritten():
    options = storage_options(MINIO, url_seconds=120)
    assert options["default_acl"] is None
    assert (options["querystring_auth"], options["querystring_expire"]) == (True, 120)
    assert options["file_overwrite"] is False


def test_a_service_of_ones_own_is_addressed_by_path_and_aws_by_the_buckets_host():
    assert storage_options(MINIO)["addressing_style"] == "path"
    assert storage_options("s3://rkt-bukti")["addressing_style"] is None
    assert storage_options(MINIO + "&addressing_style=virtual")["addressing_style"] == "virtual"


def test_without_credentials_the_url_leaves_them_to_the_environment():
    options = storage_options("s3://rkt-bukti?region_name=ap-southeast-3")
    assert "access_key" not in options and "secret_key" not in options
    assert options["location"] == "" and "endpoint_url" not in options


def test_the_options_build_the_backend(monkeypatch):
    from storages.backends.s3 import S3Storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "FROM-ENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    from_env = S3Storage(**storage_options("s3://rkt-bukti?endpoint_url=http://127.0.0.1:9000"))
    assert (from_env.access_key, from_env.secret_key) == ("FROM-ENV", "env-secret")
    from_url = S3Storage(**storage_options(MINIO))
    assert (from_url.access_key, from_url.bucket_name, from_url.location) == ("AKIA123", "rkt-bukti", "kab-gk/2026")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://rkt-bukti", "must start with s3://"),
        ("rkt-bukti", "must start with s3://; got no scheme"),
        ("s3://", "names no valid bucket ''"),
        ("s3://RKT_Bukti", "names no valid bucket 'RKT_Bukti'"),
        ("s3://ab", "names no valid bucket 'ab'"),
        ("s3://rkt..bukti", "names no valid bucket"),
        ("s3://key:sec/ret@rkt-bukti", "(not shown: it holds a ':', like a key:secret)"),
        ("s3://rkt-bukti:9000", "names no valid bucket (not shown"),
        ("s3://onlykey@rkt-bukti", "without both a key and a secret"),
        ("s3://key:@rkt-bukti", "without both a key and a secret"),
        ("s3://:secret@rkt-bukti", "without both a key and a secret"),
        ("s3://rkt-bukti/a//b", "unusable prefix 'a//b'"),
        ("s3://rkt-bukti/a/../b", "unusable prefix"),
        ("s3://rkt-bukti?endpoint=http://x", "unknown option 'endpoint'"),
        ("s3://rkt-bukti?region_name=a&region_name=b", "sets region_name twice"),
        ("s3://rkt-bukti?region_name=", "sets region_name to nothing"),
        ("s3://rkt-bukti?region_name", "malformed query string"),
        ("s3://rkt-bukti?endpoint_url=127.0.0.1:9000", "not an http(s):// address"),
        ("s3://rkt-bukti?endpoint_url=ftp://host", "not an http(s):// address"),
        ("s3://rkt-bukti?endpoint_url=http://host:port", "bad port"),
        ("s3://rkt-bukti?endpoint_url=http://host/bucket", "give the host only"),
        ("s3://rkt-bukti?addressing_style=sideways", "addressing_style 'sideways'"),
        ("s3://key:se#cret@rkt-bukti", "has a #fragment"),
    ],
)
def test_a_malformed_url_is_refused_saying_what_is_wrong(url, says):
    with pytest.raises(ImproperlyConfigured) as refusal:
        storage_options(url)
    message = str(refusal.value)
    assert message.startswith("RKT_STORAGE_URL ") and says in message
    assert "Expected s3://ACCESS_KEY:SECRET@BUCKET" in message
    assert "sec" not in message.lower().replace("secret", "")  # no part of a secret is repeated


def test_unset_the_files_stay_on_the_local_disk():
    (storages,) = setting_values("STORAGES", **PRODUCTION)
    assert "'BACKEND': 'django.core.files.storage.FileSystemStorage'" in storages


def test_set_the_default_storage_is_the_bucket_with_signed_urls_of_the_configured_seconds():
    storages, seconds = setting_values(
        "STORAGES", "RKT_STORAGE_URL_SECONDS", **PRODUCTION, RKT_STORAGE_URL=MINIO, RKT_STORAGE_URL_SECONDS="90"
    )
    assert f"'BACKEND': '{BACKEND}'" in storages and "'bucket_name': 'rkt-bukti'" in storages
    assert "'querystring_expire': 90" in storages and seconds == "90"
    # Static files are still WhiteNoise's, served by the app.
    assert "CompressedManifestStaticFilesStorage" in storages


def test_a_malformed_url_stops_the_settings_with_a_clear_error():
    from tests.test_settings import load_settings

    result = load_settings(RKT_STORAGE_URL="s3://Not A Bucket")
    assert result.returncode != 0
    assert "ImproperlyConfigured: RKT_STORAGE_URL names no valid bucket" in result.stderr
    assert load_settings(RKT_STORAGE_URL_SECONDS="5").returncode != 0
