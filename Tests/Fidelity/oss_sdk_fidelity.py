#!/usr/bin/env python3
"""Drive a running `hoist emulator` with the official Alibaba Cloud OSS SDKs.

If a real client fails against the emulator, the emulator is wrong. Every check below uses the
SDKs exactly as an application would, with signature checks on in the emulator.

Environment: HOIST_EMULATOR_URL (http://127.0.0.1:PORT), HOIST_BUCKET, HOIST_REGION,
HOIST_AK/HOIST_SK (a long-term key), HOIST_STS_AK/HOIST_STS_SK/HOIST_STS_TOKEN (an STS triple).
Prints one line per check and a closing 'N passed, N failed' line; exits non-zero on failure.
"""
import hashlib
import os
import sys
import tempfile
import uuid

import alibabacloud_oss_v2 as ossv2
import oss2

from fidelity_checks import check, run_checks

URL = os.environ["HOIST_EMULATOR_URL"]
BUCKET = os.environ.get("HOIST_BUCKET", "fidelity")
REGION = os.environ.get("HOIST_REGION", "cn-hangzhou")
AK, SK = os.environ["HOIST_AK"], os.environ["HOIST_SK"]
STS_AK, STS_SK, STS_TOKEN = os.environ["HOIST_STS_AK"], os.environ["HOIST_STS_SK"], os.environ["HOIST_STS_TOKEN"]


def key(prefix):
    return f"fidelity/{prefix}-{uuid.uuid4().hex[:8]}"


def pattern(n, seed=1):
    out = bytearray(n)
    state = 0x12345678 ^ seed
    for i in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = state >> 24
    return bytes(out)


def oss2_bucket(version="v4", secret=None, sts=False):
    if sts:
        auth = oss2.StsAuth(STS_AK, STS_SK, STS_TOKEN, auth_version=version)
    elif version == "v4":
        auth = oss2.AuthV4(AK, secret or SK)
    else:
        auth = oss2.Auth(AK, secret or SK)
    region = REGION if version == "v4" else None
    return oss2.Bucket(auth, URL, BUCKET, region=region, is_path_style=True, enable_crc=True)


def v2_client(version="v4", secret=None, sts=False):
    cfg = ossv2.config.load_default()
    if sts:
        cfg.credentials_provider = ossv2.credentials.StaticCredentialsProvider(STS_AK, STS_SK, STS_TOKEN)
    else:
        cfg.credentials_provider = ossv2.credentials.StaticCredentialsProvider(AK, secret or SK)
    cfg.region = REGION
    cfg.endpoint = URL
    cfg.use_path_style = True
    cfg.signature_version = version
    cfg.retry_max_attempts = 1
    return ossv2.Client(cfg)


def put_head_get_oss2(bucket):
    k, data = key("obj"), pattern(300_000)
    result = bucket.put_object(k, data)  # enable_crc: the SDK checks the returned CRC-64
    assert result.status == 200
    head = bucket.head_object(k)
    assert head.content_length == len(data), head.content_length
    assert int(head.server_crc) == int(result.crc), (head.server_crc, result.crc)
    assert bucket.get_object(k).read() == data
    assert bucket.get_object(k, byte_range=(100, 199)).read() == data[100:200]
    bucket.delete_object(k)
    assert not bucket.object_exists(k)


@check
def oss2_v1_put_head_get():
    put_head_get_oss2(oss2_bucket("v1"))


@check
def oss2_v4_put_head_get():
    put_head_get_oss2(oss2_bucket("v4"))


@check
def oss2_sts_v1_and_v4():
    put_head_get_oss2(oss2_bucket("v1", sts=True))
    put_head_get_oss2(oss2_bucket("v4", sts=True))


@check
def oss2_multipart_initiate_upload_list_complete():
    bucket = oss2_bucket("v4")
    k, part = key("mp"), 200 * 1024
    data = pattern(part * 3 + 1234, seed=7)
    upload_id = bucket.init_multipart_upload(k).upload_id
    parts = []
    for n, off in enumerate(range(0, len(data), part), start=1):
        r = bucket.upload_part(k, upload_id, n, data[off:off + part])
        parts.append(oss2.models.PartInfo(n, r.etag, size=len(data[off:off + part]), part_crc=r.crc))
    listed = list(oss2.PartIterator(bucket, k, upload_id, max_parts=2))  # forces paging
    assert [p.part_number for p in listed] == [1, 2, 3, 4], [p.part_number for p in listed]
    assert [p.etag for p in listed] == [p.etag for p in parts]
    done = bucket.complete_multipart_upload(k, upload_id, parts)  # the SDK checks the combined CRC
    assert done.status == 200
    assert bucket.get_object(k).read() == data


@check
def oss2_multipart_abort_and_list_uploads():
    bucket = oss2_bucket("v1")
    k = key("abort")
    upload_id = bucket.init_multipart_upload(k).upload_id
    bucket.upload_part(k, upload_id, 1, pattern(150_000))
    ids = [u.upload_id for u in oss2.MultipartUploadIterator(bucket, prefix=k)]
    assert upload_id in ids, ids
    bucket.abort_multipart_upload(k, upload_id)
    try:
        bucket.list_parts(k, upload_id)
        raise AssertionError("ListParts after abort succeeded")
    except oss2.exceptions.NoSuchUpload:
        pass


@check
def oss2_resumable_upload_four_threads():
    bucket = oss2_bucket("v4")
    k = key("resumable")
    data = pattern(5 * 256 * 1024 + 777, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "disk.raw")
        with open(path, "wb") as f:
            f.write(data)
        store = oss2.ResumableStore(root=tmp)
        oss2.resumable_upload(bucket, k, path, store=store, multipart_threshold=256 * 1024,
                              part_size=256 * 1024, num_threads=4)
    head = bucket.head_object(k)
    assert head.content_length == len(data)
    assert hashlib.sha256(bucket.get_object(k).read()).digest() == hashlib.sha256(data).digest()


@check
def oss2_wrong_secret_is_signature_does_not_match():
    for version in ("v1", "v4"):
        try:
            oss2_bucket(version, secret="not-the-secret").put_object(key("bad"), b"x")
            raise AssertionError(f"{version}: wrong secret accepted")
        except oss2.exceptions.ServerError as e:
            assert e.status == 403 and e.code == "SignatureDoesNotMatch", (version, e.status, e.code)


@check
def oss2_unknown_upload_id_is_no_such_upload():
    try:
        oss2_bucket("v4").upload_part(key("none"), "0000000000000000DEADBEEF00000000", 1, b"x")
        raise AssertionError("unknown upload id accepted")
    except oss2.exceptions.NoSuchUpload as e:
        assert e.status == 404


def v2_round_trip(client):
    k, data = key("v2"), pattern(250_000, seed=11)
    put = client.put_object(ossv2.PutObjectRequest(bucket=BUCKET, key=k, body=data))
    assert put.status_code == 200
    head = client.head_object(ossv2.HeadObjectRequest(bucket=BUCKET, key=k))
    assert head.content_length == len(data)
    got = client.get_object(ossv2.GetObjectRequest(bucket=BUCKET, key=k, range_header="bytes=10-19"))
    assert got.body.read() == data[10:20]
    client.delete_object(ossv2.DeleteObjectRequest(bucket=BUCKET, key=k))


@check
def v2_put_head_get_v4_v1_and_sts():
    v2_round_trip(v2_client("v4"))
    v2_round_trip(v2_client("v1"))
    v2_round_trip(v2_client("v4", sts=True))


@check
def v2_multipart_and_abort():
    client = v2_client("v4")
    k, part = key("v2mp"), 128 * 1024
    data = pattern(part * 2 + 99, seed=5)
    init = client.initiate_multipart_upload(ossv2.InitiateMultipartUploadRequest(bucket=BUCKET, key=k))
    uid = init.upload_id
    parts = []
    for n, off in enumerate(range(0, len(data), part), start=1):
        r = client.upload_part(ossv2.UploadPartRequest(bucket=BUCKET, key=k, upload_id=uid, part_number=n,
                                                       body=data[off:off + part]))
        parts.append(ossv2.UploadPart(part_number=n, etag=r.etag))
    listed = client.list_parts(ossv2.ListPartsRequest(bucket=BUCKET, key=k, upload_id=uid))
    assert [p.part_number for p in listed.parts] == [1, 2, 3]
    client.complete_multipart_upload(ossv2.CompleteMultipartUploadRequest(
        bucket=BUCKET, key=k, upload_id=uid,
        complete_multipart_upload=ossv2.CompleteMultipartUpload(parts=parts)))
    assert client.get_object(ossv2.GetObjectRequest(bucket=BUCKET, key=k)).body.read() == data
    uid2 = client.initiate_multipart_upload(ossv2.InitiateMultipartUploadRequest(bucket=BUCKET, key=k)).upload_id
    client.abort_multipart_upload(ossv2.AbortMultipartUploadRequest(bucket=BUCKET, key=k, upload_id=uid2))


@check
def v2_uploader_parallel():
    client = v2_client("v4")
    k = key("v2up")
    data = pattern(4 * 128 * 1024 + 5, seed=9)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "disk.raw")
        with open(path, "wb") as f:
            f.write(data)
        uploader = client.uploader(part_size=128 * 1024, parallel_num=4)
        uploader.upload_file(ossv2.PutObjectRequest(bucket=BUCKET, key=k), filepath=path)
    assert client.get_object(ossv2.GetObjectRequest(bucket=BUCKET, key=k)).body.read() == data


@check
def v2_wrong_secret_and_unknown_upload():
    try:
        v2_client("v4", secret="wrong").put_object(ossv2.PutObjectRequest(bucket=BUCKET, key=key("bad"), body=b"x"))
        raise AssertionError("wrong secret accepted")
    except ossv2.exceptions.OperationError as e:
        err = e.unwrap()
        assert getattr(err, "code", None) == "SignatureDoesNotMatch", err
    try:
        v2_client("v4").upload_part(ossv2.UploadPartRequest(bucket=BUCKET, key=key("none"),
                                                            upload_id="0000DEADBEEF", part_number=1, body=b"x"))
        raise AssertionError("unknown upload id accepted")
    except ossv2.exceptions.OperationError as e:
        err = e.unwrap()
        assert getattr(err, "code", None) == "NoSuchUpload", err


if __name__ == "__main__":
    sys.exit(run_checks())
